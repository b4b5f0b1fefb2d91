/** Versions, the resources of a version, `/limits`, SOSL `/search`, and the seed's Apex REST class. */
import { VERSIONS, type Ctx } from '../context.ts';
import { SfError } from '../errors.ts';
import type { Router } from '../router.ts';
import { runSearch } from '../sosl.ts';
import { runQuery } from '../soql/engine.ts';

export function registerMisc(router: Router, ctx: Ctx): void {
  router.add('GET', '/services/data', () => ({
    status: 200,
    body: VERSIONS.map((version) => ({ label: `v${version}`, url: `/services/data/v${version}`, version })),
  }));

  router.add('GET', '/services/data/:v', (req) => {
    const base = `/services/data/v${req.version}`;
    const names = ['sobjects', 'query', 'queryAll', 'search', 'limits', 'composite'];
    return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${base}/${n}`])) };
  });

  router.add('GET', '/services/data/:v/limits', () => {
    const max = ctx.limits.max;
    return {
      status: 200,
      body: {
        DailyApiRequests: { Max: max, Remaining: Math.max(0, max - ctx.limits.used()) },
        ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
        DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
        DailyStreamingApiEvents: { Max: 200000, Remaining: 200000 },
        DurableStreamingApiConcurrentClients: { Max: 1000, Remaining: 1000 },
        DataStorageMB: { Max: 1024, Remaining: 1024 },
      },
    };
  });

  router.add('GET', '/services/data/:v/search', (req) => {
    const q = req.query.get('q');
    if (!q)
      throw new SfError(
        'MALFORMED_SEARCH',
        'No search term found. The search term must be enclosed in braces.',
      );
    return { status: 200, body: runSearch(q, ctx.org.store, ctx.now(), req.version) };
  });

  // ContactLookupService from the seed: digits only, "1" prefixed to 10 digits, "+" in front,
  // then the first Contact whose Phone or MobilePhone equals it.
  router.add('POST', '/services/apexrest/contact-lookup', (req) => {
    const body = req.body as { phoneNumber?: unknown } | undefined;
    const phone = body && typeof body === 'object' ? body.phoneNumber : undefined;
    if (typeof phone !== 'string') {
      // Apex deserialises the parameter; a missing one is null and `phone.replaceAll` throws.
      return { status: 200, body: { success: false, error: 'Attempt to de-reference a null object' } };
    }
    let digits = phone.replace(/[^0-9]/g, '');
    if (digits.length === 10) digits = `1${digits}`;
    const normalized = `+${digits}`;
    const r = runQuery(
      `SELECT Id, FirstName, LastName, Email, Phone, AccountId, Account.Name FROM Contact WHERE Phone = '${normalized}' OR MobilePhone = '${normalized}' LIMIT 1`,
      { store: ctx.org.store, now: ctx.now(), version: '65.0' },
    );
    const c = r.rows[0];
    if (!c) return { status: 200, body: { success: false } };
    const account = typeof c.AccountId === 'string' ? ctx.org.store.get(c.AccountId) : undefined;
    return {
      status: 200,
      body: {
        success: true,
        contactId: c.Id,
        firstName: c.FirstName,
        lastName: c.LastName,
        email: c.Email,
        accountId: c.AccountId,
        accountName: account?.Name ?? null,
      },
    };
  });
}
