/**
 * Back-office side of privacy: find customers by phone/e-mail/ID and erase them
 * (`DELETE /customers/{id}`, then `DELETE /communicationRecords?customerHandle=` for unpaired records).
 */
import { errorForHttpStatus, RetryableError } from '../../../platform/jobs/index.ts';
import { phoneKey } from '../../../platform/phone/normalize.ts';
import type { Subject } from '../../../platform/privacy/index.ts';

export interface BackofficePrivacy {
  find(s: Subject): Promise<Partial<Subject>>;
  erase(s: Subject): Promise<{ customers: number; records: number }>;
}

interface Customer {
  id: string;
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phone?: string | null;
}

export function backofficePrivacy(baseUrl: string, timeoutMs = 10_000): BackofficePrivacy {
  const base = baseUrl.replace(/\/$/, '');
  async function call(method: string, path: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new RetryableError(`backoffice ${method} ${path.split('?')[0] ?? ''}: ${(err as Error).name}`, {
        cause: err,
      });
    }
    return res;
  }
  async function fail(res: Response, what: string): Promise<never> {
    await res.body?.cancel();
    throw errorForHttpStatus(
      res.status,
      res.headers.get('retry-after'),
      `backoffice ${what}: HTTP ${res.status}`,
    );
  }
  async function customers(query: string): Promise<Customer[]> {
    const res = await call('GET', `/customers?${query}`);
    if (!res.ok) return fail(res, 'findCustomers');
    return (await res.json()) as Customer[];
  }
  return {
    async find(s) {
      const found = new Map<string, Customer>();
      for (const p of s.phones)
        for (const c of await customers(new URLSearchParams({ phone: p }).toString())) found.set(c.id, c);
      for (const e of s.emails)
        for (const c of await customers(new URLSearchParams({ email: e }).toString())) found.set(c.id, c);
      for (const id of s.backofficeCustomerIds) {
        if (found.has(id)) continue;
        const res = await call('GET', `/customers/${encodeURIComponent(id)}`);
        if (res.status === 404 || res.status === 400) {
          await res.body?.cancel();
          continue;
        }
        if (!res.ok) return fail(res, 'getCustomer');
        found.set(id, (await res.json()) as Customer);
      }
      const out: Partial<Subject> = { backofficeCustomerIds: [], emails: [], phones: [], names: [] };
      for (const c of found.values()) {
        out.backofficeCustomerIds!.push(c.id);
        if (c.email) out.emails!.push(c.email);
        const k = c.phone ? phoneKey(c.phone) : undefined;
        if (k) out.phones!.push(k);
        const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
        if (name) out.names!.push(name);
      }
      return out;
    },
    async erase(s) {
      let customersErased = 0;
      let records = 0;
      for (const id of s.backofficeCustomerIds) {
        const res = await call('DELETE', `/customers/${encodeURIComponent(id)}`);
        if (res.status === 404) {
          await res.body?.cancel();
          continue;
        }
        if (!res.ok) return fail(res, 'deleteCustomer');
        const body = (await res.json()) as { deletedRecords?: number };
        customersErased++;
        records += body.deletedRecords ?? 0;
      }
      for (const handle of [...s.phones, ...s.emails]) {
        const res = await call(
          'DELETE',
          `/communicationRecords?${new URLSearchParams({ customerHandle: handle }).toString()}`,
        );
        if (!res.ok) return fail(res, 'deleteRecords');
        records += ((await res.json()) as { deletedRecords?: number }).deletedRecords ?? 0;
      }
      return { customers: customersErased, records };
    },
  };
}
