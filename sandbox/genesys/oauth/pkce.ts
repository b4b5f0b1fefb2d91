/** PKCE (RFC 7636): the platform accepts only `S256`. */
import { createHash } from 'node:crypto';

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
export function isValidVerifier(verifier: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier);
}

export function verifyPkce(verifier: string, challenge: string): boolean {
  return isValidVerifier(verifier) && s256Challenge(verifier) === challenge;
}
