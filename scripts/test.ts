/**
 * `npm test`: the whole suite with node's test runner, then a scan of every log the run
 * wrote for the fixtures' personal data and secrets (DESIGN §7: none may appear in logs).
 * Arguments narrow the run: `npm test -- sandbox/salesforce` runs the tests under that path.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanLogsForLeaks } from '../test/support/log-scan.ts';

const root = join(import.meta.dirname, '..');
const logDir = join(root, '.data', 'test-logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });

const args = process.argv.slice(2);
const patterns =
  args.length > 0
    ? args.map((a) => (a.endsWith('.ts') ? a : `${a.replace(/\/$/, '')}/**/*.test.ts`))
    : ['src/**/*.test.ts', 'sandbox/**/*.test.ts', 'test/**/*.test.ts'];

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=300000', '--test-force-exit', ...patterns],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATCHBAY_TEST_LOG_DIR: logDir, NODE_ENV: 'test' },
  },
);
const code: number = await new Promise((resolve) =>
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))),
);

const leaks = scanLogsForLeaks(logDir);
if (leaks.length > 0) {
  console.error(`\nLog scan: ${leaks.length} leak(s) of fixture personal data or secrets:`);
  for (const l of leaks.slice(0, 20)) console.error(`  ${l.file}: ${l.kind} "${l.needle}"`);
  process.exit(1);
}
console.log(`Log scan: no fixture personal data or secrets in ${logDir}`);
process.exit(code);
