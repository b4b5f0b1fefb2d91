import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { createDailyFileStream } from './daily-file.ts';
import { redactString, redactValue } from './redact.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Also append to this file. */
  file?: string | undefined;
  /** Write only to this file (tests); stdout is not used. */
  fileOnly?: boolean;
  /** Also write daily files `patchbay-YYYY-MM-DD.log` here, deleting those older than `retentionDays`. */
  dailyDir?: string | undefined;
  retentionDays?: number | undefined;
  name?: string;
}

/** A pino logger whose every record passes through redaction, including the message and errors. */
export function createLogger(opts: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  if (!opts.fileOnly) streams.push({ stream: process.stdout });
  if (opts.dailyDir)
    streams.push({
      stream: createDailyFileStream({ dir: opts.dailyDir, retentionDays: opts.retentionDays ?? 14 }),
    });
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    streams.push({ stream: createWriteStream(opts.file, { flags: 'a' }) });
  }
  return pino(
    {
      level: opts.level,
      ...(opts.name ? { name: opts.name } : {}),
      formatters: { log: (obj) => redactValue(obj) as Record<string, unknown> },
      serializers: { err: (e: unknown) => redactValue(e) },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactString(a) : a)) as Parameters<
            typeof method
          >;
          method.apply(this, redacted);
        },
      },
    },
    pino.multistream(streams),
  );
}
