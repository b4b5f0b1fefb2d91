/**
 * SOQL date literals as half-open UTC ranges [start, end). The org's time zone is UTC and weeks
 * start on Sunday (the en_US locale). `LAST_N_DAYS:n` includes today, as the platform does
 * (its documentation says otherwise; observed behaviour wins). Fiscal and quarter literals are not
 * emulated and are reported as unsupported rather than answered wrongly.
 */
const DAY = 86_400_000;

export interface DateRange {
  start: number;
  end: number;
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}
function startOfWeek(ms: number): number {
  const d = startOfDay(ms);
  return d - new Date(d).getUTCDay() * DAY;
}
function monthStart(ms: number, add: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}
function yearStart(ms: number, add: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + add, 0, 1);
}

/** The range a literal denotes at `now`, or undefined when the literal is not supported. */
export function dateLiteralRange(literal: string, now: number): DateRange | undefined {
  const [name = '', arg] = literal.toUpperCase().split(':');
  const n = arg === undefined ? NaN : Number(arg);
  const today = startOfDay(now);
  const week = startOfWeek(now);
  switch (name) {
    case 'TODAY':
      return { start: today, end: today + DAY };
    case 'YESTERDAY':
      return { start: today - DAY, end: today };
    case 'TOMORROW':
      return { start: today + DAY, end: today + 2 * DAY };
    case 'THIS_WEEK':
      return { start: week, end: week + 7 * DAY };
    case 'LAST_WEEK':
      return { start: week - 7 * DAY, end: week };
    case 'NEXT_WEEK':
      return { start: week + 7 * DAY, end: week + 14 * DAY };
    case 'THIS_MONTH':
      return { start: monthStart(now, 0), end: monthStart(now, 1) };
    case 'LAST_MONTH':
      return { start: monthStart(now, -1), end: monthStart(now, 0) };
    case 'NEXT_MONTH':
      return { start: monthStart(now, 1), end: monthStart(now, 2) };
    case 'LAST_90_DAYS':
      return { start: today - 90 * DAY, end: today + DAY };
    case 'NEXT_90_DAYS':
      return { start: today + DAY, end: today + 91 * DAY };
    case 'THIS_YEAR':
      return { start: yearStart(now, 0), end: yearStart(now, 1) };
    case 'LAST_YEAR':
      return { start: yearStart(now, -1), end: yearStart(now, 0) };
    case 'NEXT_YEAR':
      return { start: yearStart(now, 1), end: yearStart(now, 2) };
  }
  if (!Number.isInteger(n) || n < 0) return undefined;
  switch (name) {
    case 'LAST_N_DAYS':
      return { start: today - n * DAY, end: today + DAY };
    case 'NEXT_N_DAYS':
      return { start: today + DAY, end: today + (n + 1) * DAY };
    case 'N_DAYS_AGO':
      return { start: today - n * DAY, end: today - (n - 1) * DAY };
    case 'LAST_N_WEEKS':
      return { start: week - n * 7 * DAY, end: week };
    case 'NEXT_N_WEEKS':
      return { start: week + 7 * DAY, end: week + (n + 1) * 7 * DAY };
    case 'N_WEEKS_AGO':
      return { start: week - n * 7 * DAY, end: week - (n - 1) * 7 * DAY };
    case 'LAST_N_MONTHS':
      return { start: monthStart(now, -n), end: monthStart(now, 0) };
    case 'NEXT_N_MONTHS':
      return { start: monthStart(now, 1), end: monthStart(now, n + 1) };
    case 'N_MONTHS_AGO':
      return { start: monthStart(now, -n), end: monthStart(now, -n + 1) };
    case 'LAST_N_YEARS':
      return { start: yearStart(now, -n), end: yearStart(now, 0) };
    case 'NEXT_N_YEARS':
      return { start: yearStart(now, 1), end: yearStart(now, n + 1) };
    case 'N_YEARS_AGO':
      return { start: yearStart(now, -n), end: yearStart(now, -n + 1) };
  }
  return undefined;
}
