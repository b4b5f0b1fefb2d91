/**
 * A pino logger for tests: JSON lines into `$PATCHBAY_TEST_LOG_DIR/<name>-<pid>.log` (which `npm test`
 * scans for leaked personal data), or silent when run outside `npm test`.
 */
import { join } from 'node:path';
import { pino, type Logger } from 'pino';

export function testLogger(name: string): Logger {
  const dir = process.env['PATCHBAY_TEST_LOG_DIR'];
  if (dir === undefined || dir === '') return pino({ level: 'silent' });
  return pino(
    { level: 'debug' },
    pino.destination({ dest: join(dir, `${name}-${process.pid}.log`), sync: true }),
  );
}
