/**
 * Report tables: `report_days` keeps each day's counts (so trends never re-query Genesys);
 * `reports` archives every report (PDF as base64, the text version, delivery state).
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../../platform/store/index.ts';
import type { Database } from '../../platform/store/schema.ts';
import type { DayFigures } from './kpi.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    report_days: { date: string; timezone: string; figures: string; created_at: number; updated_at: number };
    reports: {
      date: string;
      /** `pdf` or `text` (the PDF failed and the text version stands in). */
      format: string;
      pdf_base64: string | null;
      text: string;
      summary: string;
      report: string;
      pdf_error: string | null;
      generated_at: number;
      /** `pending` → `sent`; `skipped` when there is no distribution list or mail server. */
      delivery: string;
      sent_at: number | null;
      message_id: string | null;
      last_send_error: string | null;
    };
  }
}

type Db = Kysely<Database>;

export const reportMigrations: Migration[] = [
  {
    name: '1100-reports-days-and-archive',
    async up(db) {
      await db.schema
        .createTable('report_days')
        .addColumn('date', 'text', (c) => c.primaryKey())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('figures', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('reports')
        .addColumn('date', 'text', (c) => c.primaryKey())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('pdf_base64', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('pdf_error', 'text')
        .addColumn('generated_at', 'bigint', (c) => c.notNull())
        .addColumn('delivery', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('message_id', 'text')
        .addColumn('last_send_error', 'text')
        .execute();
    },
  },
];

export async function saveDay(db: Db, f: DayFigures, now: number): Promise<void> {
  await db
    .insertInto('report_days')
    .values({
      date: f.date,
      timezone: f.timezone,
      figures: JSON.stringify(f),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('date').doUpdateSet({ timezone: f.timezone, figures: JSON.stringify(f), updated_at: now }),
    )
    .execute();
}

/** Stored days in [from, to] (inclusive, YYYY-MM-DD). */
export async function readDays(db: Db, from: string, to: string): Promise<Map<string, DayFigures>> {
  const rows = await db
    .selectFrom('report_days')
    .select(['date', 'figures'])
    .where('date', '>=', from)
    .where('date', '<=', to)
    .execute();
  return new Map(rows.map((r) => [r.date, JSON.parse(r.figures) as DayFigures]));
}

export type ArchivedReport = Database['reports'];

export async function archiveReport(db: Db, row: ArchivedReport): Promise<void> {
  const { date: _date, ...rest } = row;
  await db
    .insertInto('reports')
    .values(row)
    .onConflict((oc) => oc.column('date').doUpdateSet(rest))
    .execute();
}

export async function getReport(db: Db, date: string): Promise<ArchivedReport | undefined> {
  return db.selectFrom('reports').selectAll().where('date', '=', date).executeTakeFirst();
}

export async function listReports(
  db: Db,
  limit: number,
): Promise<Array<Pick<ArchivedReport, 'date' | 'format' | 'generated_at' | 'delivery' | 'sent_at'>>> {
  return db
    .selectFrom('reports')
    .select(['date', 'format', 'generated_at', 'delivery', 'sent_at'])
    .orderBy('date', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Marks the version that was mailed (`generatedAt`) as sent. A report regenerated meanwhile is a new
 * version, still pending: its own send job mails it.
 */
export async function markSent(
  db: Db,
  sent: { date: string; generatedAt: number },
  messageId: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('reports')
    .set({ delivery: 'sent', sent_at: now, message_id: messageId, last_send_error: null })
    .where('date', '=', sent.date)
    .where('generated_at', '=', sent.generatedAt)
    .execute();
}

export async function markSendFailed(db: Db, date: string, error: string): Promise<void> {
  await db.updateTable('reports').set({ last_send_error: error }).where('date', '=', date).execute();
}
