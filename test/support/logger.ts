import { join } from 'node:path';
import { createLogger, type Logger } from '../../src/platform/log/logger.ts';

/** Where this test process writes its logs; `npm test` scans the folder for leaked fixtures. */
export function testLogFile(name = 'test'): string {
  const dir =
    process.env.PATCHBAY_TEST_LOG_DIR ?? join(import.meta.dirname, '..', '..', '.data', 'test-logs');
  return join(dir, `${name}-${process.pid}.log`);
}

/** The hub's real (redacting) logger at debug level, writing to the run's log folder, never to the test output. */
export function testLogger(name?: string): Logger {
  return createLogger({ level: 'debug', file: testLogFile(name), fileOnly: true });
}
