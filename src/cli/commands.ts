/**
 * The CLI's command table. Each command declares its usage and options once; `--help` on any
 * command prints them. Later features add commands here.
 */
import type { ParseArgsConfig } from 'node:util';

export interface CommandSpec {
  /** Words after `patchbay`, e.g. ['jobs', 'replay']. */
  path: string[];
  usage: string;
  summary: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Number of positional arguments required. */
  positionals?: number;
  run(ctx: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function findCommand(
  commands: CommandSpec[],
  argv: string[],
): { command: CommandSpec; rest: string[] } | undefined {
  let best: { command: CommandSpec; rest: string[] } | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.command.path.length))
      best = { command: c, rest: argv.slice(c.path.length) };
  }
  return best;
}

export function helpText(commands: CommandSpec[], prefix: string[] = []): string {
  const rows = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  // Long usages get their summary on the next line so the table stays readable in a terminal.
  const width = Math.min(44, Math.max(...rows.map((c) => c.usage.length)));
  const lines = rows.map((c) =>
    c.usage.length <= width
      ? `  ${c.usage.padEnd(width)}  ${c.summary}`
      : `  ${c.usage}
  ${' '.repeat(width)}  ${c.summary}`,
  );
  return ['Usage: patchbay <command> [options]   (patchbay <command> --help for details)', '', ...lines].join(
    '\n',
  );
}

export function commandHelp(c: CommandSpec): string {
  const opts = Object.entries(c.options ?? {}).map(
    ([name, o]) => `  --${name}${o.type === 'string' ? ' <value>' : ''}`,
  );
  return [
    `Usage: patchbay ${c.usage}`,
    '',
    c.summary,
    ...(opts.length ? ['', 'Options:', ...opts] : []),
    '  --help',
  ].join('\n');
}
