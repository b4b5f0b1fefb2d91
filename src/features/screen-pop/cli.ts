/** `patchbay export genesys-data-actions`: writes the data action definitions and the example flow. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandSpec } from '../../cli/commands.ts';
import { loadConfig } from '../../platform/config/load.ts';
import { dataActionDefinitions, hubResponseSchema, inboundFlowYaml } from './artifacts.ts';
import { screenPopConfig } from './config.ts';

/** Writes every artefact into `dir`; returns the file paths. */
export function writeGenesysArtifacts(
  dir: string,
  o: { publicUrl: string; authHeader: string; timeoutSeconds?: number },
): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    files.push(p);
  };
  for (const [name, def] of Object.entries(dataActionDefinitions(o)))
    write(name, `${JSON.stringify(def, null, 2)}\n`);
  write('hub-response.schema.json', `${JSON.stringify(hubResponseSchema, null, 2)}\n`);
  write(
    'inbound-call-flow.yaml',
    inboundFlowYaml(o.timeoutSeconds === undefined ? {} : { timeoutSeconds: o.timeoutSeconds }),
  );
  return files;
}

export const screenPopCommands: CommandSpec[] = [
  {
    path: ['export', 'genesys-data-actions'],
    usage: 'export genesys-data-actions [--out dir] [--config file.json]',
    summary:
      'Write the Genesys Web Services Data Action definitions (contact and account lookup) and an example Archy inbound flow.',
    options: { out: { type: 'string' }, config: { type: 'string' } },
    async run({ values }) {
      const config = loadConfig({
        dotenvPath: '.env',
        configFile: typeof values.config === 'string' ? values.config : undefined,
      });
      const sp = screenPopConfig(config);
      const dir = resolve(typeof values.out === 'string' ? values.out : 'genesys');
      const files = writeGenesysArtifacts(dir, { publicUrl: config.publicUrl, authHeader: sp.auth.header });
      for (const f of files) console.log(f);
      return 0;
    },
  },
];
