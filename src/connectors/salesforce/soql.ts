/**
 * Safe composition of SOQL and SOSL. Every interpolated value becomes a literal; nothing a caller
 * passes can change the structure of a query (see soql.unit.test.ts, property tests).
 *
 * @example
 *   const q = soql`SELECT Id FROM Contact WHERE Phone IN ${phones} AND LastName = ${name} LIMIT ${10}`;
 *   await sf.query(q);
 *   const s = sosl`FIND {${term}} IN PHONE FIELDS RETURNING Contact(Id, Name)`;
 */

/** A piece of SOQL/SOSL text that the tags insert verbatim: only built by the helpers below. */
export class SoqlFragment {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** A complete SOQL query built by `soql` (the connector's `query` accepts nothing else). */
export class SoqlQuery extends SoqlFragment {
  readonly kind = 'soql';
}

/** A complete SOSL search built by `sosl`. */
export class SoslQuery extends SoqlFragment {
  readonly kind = 'sosl';
}

export type SoqlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | SoqlFragment
  | ReadonlyArray<string | number | bigint | boolean | null | Date>;

/** Escapes the body of a SOQL string literal: `\` first, then `'`, then control characters. */
export function escapeSoqlString(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replace(/\f/g, '\\f')
      // eslint-disable-next-line no-control-regex
      .replace(/\u0008/g, '\\b')
  );
}

/** Escapes the body of a LIKE pattern literal: as a string, plus the wildcards `%` and `_`. */
export function escapeSoqlLike(value: string): string {
  return escapeSoqlString(value).replace(/%/g, '\\%').replace(/_/g, '\\_');
}

/** SOSL reserved characters in FIND terms: ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + - */
const SOSL_RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

/** Escapes a SOSL FIND term so every character is matched literally. */
export function escapeSosl(term: string): string {
  // Control characters have no meaning in a search term and would end the braces' content early.
  // eslint-disable-next-line no-control-regex
  return term.replace(/[\u0000-\u001f]/g, ' ').replace(SOSL_RESERVED, (c) => `\\${c}`);
}

/** A SOQL literal for one value (throws TypeError for values SOQL cannot represent). */
export function soqlLiteral(value: SoqlValue): string {
  if (value instanceof SoqlFragment) return value.text;
  if (value === null) return 'NULL';
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TypeError('SOQL: an empty list cannot be used with IN');
    return `(${value.map((v: SoqlValue) => soqlLiteral(v)).join(', ')})`;
  }
  switch (typeof value) {
    case 'string':
      return `'${escapeSoqlString(value)}'`;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`SOQL: ${value} is not a finite number`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('SOQL: invalid Date');
    return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  throw new TypeError(`SOQL: cannot use a value of type ${typeof value} as a literal`);
}

function build(
  strings: TemplateStringsArray,
  values: readonly SoqlValue[],
  literal: (v: SoqlValue) => string,
) {
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    text += literal(v) + (strings[i + 1] ?? '');
  });
  return text;
}

/** Tagged template: every `${value}` becomes an escaped SOQL literal. */
export function soql(strings: TemplateStringsArray, ...values: SoqlValue[]): SoqlQuery {
  return new SoqlQuery(build(strings, values, soqlLiteral));
}

/**
 * Tagged template for SOSL: interpolated strings are escaped as FIND terms (use them inside
 * `FIND {…}`); other values (numbers, fragments such as `soqlLiteralFragment(x)` for a
 * RETURNING clause's WHERE) are SOQL literals.
 */
export function sosl(strings: TemplateStringsArray, ...values: SoqlValue[]): SoslQuery {
  return new SoslQuery(
    build(strings, values, (v) => (typeof v === 'string' ? escapeSosl(v) : soqlLiteral(v))),
  );
}

/** A SOQL date literal (`YYYY-MM-DD`, UTC) for date fields such as `ActivityDate`. */
export function soqlDate(value: Date): SoqlFragment {
  if (Number.isNaN(value.getTime())) throw new TypeError('SOQL: invalid Date');
  return new SoqlFragment(value.toISOString().slice(0, 10));
}

/** `'%value%'` with the wildcards of `value` escaped. */
export function soqlLikeContains(value: string): SoqlFragment {
  return new SoqlFragment(`'%${escapeSoqlLike(value)}%'`);
}

/** `'value%'` with the wildcards of `value` escaped. */
export function soqlLikeStartsWith(value: string): SoqlFragment {
  return new SoqlFragment(`'${escapeSoqlLike(value)}%'`);
}

/** A SOQL literal wrapped as a fragment (e.g. for a WHERE inside a SOSL RETURNING clause). */
export function soqlLiteralFragment(value: SoqlValue): SoqlFragment {
  return new SoqlFragment(soqlLiteral(value));
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** A field or object name (`Contact`, `Account.Name`, `Custom__c`), validated, never quoted. */
export function soqlIdentifier(name: string): SoqlFragment {
  if (!IDENTIFIER.test(name) || name.length > 255)
    throw new TypeError(`SOQL: "${name.slice(0, 80)}" is not a valid field or object name`);
  return new SoqlFragment(name);
}

/** A comma-separated list of validated field names (`Id, Name, Account.Name`). */
export function soqlFields(names: readonly string[]): SoqlFragment {
  if (names.length === 0) throw new TypeError('SOQL: a field list cannot be empty');
  return new SoqlFragment(names.map((n) => soqlIdentifier(n).text).join(', '));
}

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !name.includes('.') && name.length <= 255;
}
