/**
 * Data action credentials as Genesys can send them: a User Defined header token, or Basic.
 * Comparisons are constant time over SHA-256 digests (equal lengths whatever the input).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ScreenPopConfig } from './config.ts';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** True when the request carries a configured credential. With none configured, nothing is accepted. */
export function dataActionAuthorized(headers: IncomingHttpHeaders, auth: ScreenPopConfig['auth']): boolean {
  let ok = false;
  const token = headers[auth.header];
  if (auth.token !== undefined && typeof token === 'string') ok = same(token, auth.token) || ok;
  const authorization = headers.authorization;
  if (auth.basic && typeof authorization === 'string' && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i >= 0) {
      const userOk = same(decoded.slice(0, i), auth.basic.user);
      const passOk = same(decoded.slice(i + 1), auth.basic.password);
      ok = (userOk && passOk) || ok;
    }
  }
  return ok;
}
