/**
 * SOQL errors worded as the platform words them: the offending line, a caret under the token,
 * `ERROR at Row:r:Column:c`, then the reason.
 */
import { SfError } from '../errors.ts';

function located(soql: string, token: string, reason: string): string {
  const idx = token ? soql.toLowerCase().indexOf(token.toLowerCase()) : -1;
  if (idx < 0) return reason;
  const before = soql.slice(0, idx);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', idx);
  const line = soql.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const col = idx - lineStart;
  return `\n${line}\n${' '.repeat(col)}^\nERROR at Row:${row}:Column:${col + 1}\n${reason}`;
}

export function malformed(soql: string, token: string, reason = `unexpected token: '${token}'`): SfError {
  return new SfError('MALFORMED_QUERY', located(soql, token, reason));
}

export function unsupported(soql: string, token: string, what: string): SfError {
  return new SfError(
    'MALFORMED_QUERY',
    located(soql, token, `${what} is not supported by the Patchbay Salesforce sandbox`),
  );
}

export function noSuchColumn(soql: string, column: string, entity: string): SfError {
  return new SfError(
    'INVALID_FIELD',
    located(
      soql,
      column,
      `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

export function invalidType(soql: string, name: string): SfError {
  return new SfError(
    'INVALID_TYPE',
    located(
      soql,
      name,
      `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

export function badFilterValue(soql: string, token: string, field: string, type: string): SfError {
  return new SfError(
    'INVALID_FIELD',
    located(
      soql,
      token,
      `value of filter criterion for field '${field}' must be of type ${type} and ${type === 'string' ? 'should' : 'should not'} be enclosed in quotes`,
    ),
  );
}
