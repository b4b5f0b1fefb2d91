/**
 * Daily log files: `<prefix>-YYYY-MM-DD.log` (UTC day) in a folder, a new file at each new day,
 * files older than the retention deleted when a day starts (seed 004: "logs are created on a
 * daily basis and older logs are removed based on elapsed days").
 */
import { closeSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DailyFileOptions {
  dir: string;
  retentionDays: number;
  prefix?: string;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A pino destination (`write(line)`) writing synchronously to today's file. */
export function createDailyFileStream(opts: DailyFileOptions): { write(line: string): void; close(): void } {
  const prefix = opts.prefix ?? 'patchbay';
  const now = opts.now ?? Date.now;
  const pattern = new RegExp(`^${prefix}-(\\d{4}-\\d{2}-\\d{2})\\.log$`);
  mkdirSync(opts.dir, { recursive: true });
  let current: string | undefined;
  let fd: number | undefined;

  const prune = (t: number) => {
    const oldest = day(t - opts.retentionDays * DAY_MS);
    for (const name of readdirSync(opts.dir)) {
      const d = pattern.exec(name)?.[1];
      if (d !== undefined && d < oldest) {
        try {
          unlinkSync(join(opts.dir, name));
        } catch {
          // Another process pruned it first.
        }
      }
    }
  };

  return {
    write(line) {
      const t = now();
      const today = day(t);
      if (today !== current) {
        if (fd !== undefined) closeSync(fd);
        fd = openSync(join(opts.dir, `${prefix}-${today}.log`), 'a');
        current = today;
        prune(t);
      }
      writeSync(fd as number, line);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      current = undefined;
    },
  };
}
