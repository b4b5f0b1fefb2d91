/**
 * `npm run bench -- <name> [args]` runs `bench/<name>.ts`, which prints one JSON line
 * `{ bench, metric, value, baseline, ratio, ... }`. With no name, lists the benchmarks.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <name>\nbenchmarks: ${names.join(', ') || '(none yet)'}`);
  process.exit(name ? 2 : 0);
}
const child = spawn(process.execPath, [join(dir, `${name}.ts`), ...rest], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
