/**
 * The data action contract (the seed's, plus `matchCount`, `matches[]` and `reason`), typed once
 * and reused by the routes, the Genesys artefacts and the tests. Architect branches on `success`,
 * so every lookup outcome is a 200; only a body that breaks the input contract is a 400.
 */
import type { MirrorContact } from '../sf-mirror/index.ts';

export const failureReasons = ['not_found', 'invalid_number', 'timeout', 'unavailable'] as const;
export type FailureReason = (typeof failureReasons)[number];

export interface LookupMatch {
  id: string;
  name: string;
  accountName: string;
  tier: string;
}

export interface LookupOutput {
  success: boolean;
  contactId: string;
  firstName: string;
  lastName: string;
  email: string;
  accountId: string;
  accountName: string;
  tier: string;
  matchCount: number;
  matches: LookupMatch[];
  reason?: FailureReason;
}

/** Strings are never null in the output: Architect's translation map handles "" better than null. */
export const contactLookupInputSchema = {
  type: 'object',
  required: ['phoneNumber'],
  properties: {
    phoneNumber: {
      type: 'string',
      maxLength: 256,
      description:
        'The caller number (ANI) in any format: E.164, national, `tel:` URI, 00 prefix, extension.',
    },
  },
} as const;

export const accountLookupInputSchema = {
  type: 'object',
  required: ['accountNumber'],
  properties: {
    accountNumber: {
      type: 'string',
      minLength: 1,
      maxLength: 80,
      description:
        'The account number the caller keyed in (Account.AccountNumber), or a Salesforce Account ID.',
    },
  },
} as const;

const str = { type: 'string' } as const;

export const lookupOutputSchema = {
  type: 'object',
  required: [
    'success',
    'contactId',
    'firstName',
    'lastName',
    'email',
    'accountId',
    'accountName',
    'tier',
    'matchCount',
    'matches',
  ],
  properties: {
    success: { type: 'boolean' },
    contactId: str,
    firstName: str,
    lastName: str,
    email: str,
    accountId: str,
    accountName: str,
    tier: str,
    matchCount: { type: 'integer', minimum: 0 },
    matches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'accountName', 'tier'],
        properties: { id: str, name: str, accountName: str, tier: str },
      },
    },
    reason: { type: 'string', enum: [...failureReasons] },
  },
} as const;

const s = (v: string | null | undefined) => v ?? '';

export function fullName(c: Pick<MirrorContact, 'firstName' | 'lastName'>): string {
  return [c.firstName, c.lastName].filter((x) => x !== null && x !== '').join(' ');
}

/** A successful answer: the first contact is the pop target, `matches` lists up to `maxMatches`. */
export function foundOutput(
  contacts: readonly MirrorContact[],
  total: number,
  maxMatches: number,
): LookupOutput {
  const first = contacts[0];
  if (!first) return failedOutput('not_found');
  return {
    success: true,
    contactId: first.id,
    firstName: s(first.firstName),
    lastName: s(first.lastName),
    email: s(first.email),
    accountId: s(first.accountId),
    accountName: s(first.accountName),
    tier: s(first.tier),
    matchCount: Math.max(total, contacts.length),
    matches: contacts.slice(0, maxMatches).map((c) => ({
      id: c.id,
      name: fullName(c),
      accountName: s(c.accountName),
      tier: s(c.tier),
    })),
  };
}

export function failedOutput(reason: FailureReason): LookupOutput {
  return {
    success: false,
    contactId: '',
    firstName: '',
    lastName: '',
    email: '',
    accountId: '',
    accountName: '',
    tier: '',
    matchCount: 0,
    matches: [],
    reason,
  };
}
