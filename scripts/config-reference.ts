/** Rewrites the configuration reference in README.md from the schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withReference } from '../src/platform/config/reference.ts';

const path = join(import.meta.dirname, '..', 'README.md');
writeFileSync(path, withReference(readFileSync(path, 'utf8')));
console.log('README.md configuration reference updated.');
