/**
 * Data action credentials as Genesys can send them: a User Defined header token, or Basic.
 * Comparisons are constant time over SHA-256 digests (equal lengths whatever the input).
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ScreenPopConfig } from './config.ts';

// One-shot `hash`: a Hash object per request cost several times the digest itself (every call pops a screen).
const digest = (s: string): Buffer => hash('sha256', s, 'buffer');

/**
 * The check for the configured credentials: true when the request carries one. With none configured,
 * nothing is accepted. The configured values are digested once here, not on every call.
 */
export function dataActionGuard(auth: ScreenPopConfig['auth']): (headers: IncomingHttpHeaders) => boolean {
  const token = auth.token === undefined ? undefined : digest(auth.token);
  const basic = auth.basic && { user: digest(auth.basic.user), password: digest(auth.basic.password) };
  const same = (given: string, expected: Buffer) => timingSafeEqual(digest(given), expected);
  return (headers) => {
    let ok = false;
    const given = headers[auth.header];
    if (token && typeof given === 'string') ok = same(given, token) || ok;
    const authorization = headers.authorization;
    if (basic && typeof authorization === 'string' && /^basic /i.test(authorization)) {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0) {
        const userOk = same(decoded.slice(0, i), basic.user);
        const passOk = same(decoded.slice(i + 1), basic.password);
        ok = (userOk && passOk) || ok;
      }
    }
    return ok;
  };
}
