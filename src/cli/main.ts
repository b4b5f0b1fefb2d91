/** `patchbay` — the command-line entry point. Exit codes: 0 ok, 1 failure, 2 bad usage or configuration. */
import { parseArgs } from 'node:util';
import { ConfigError } from '../platform/config/load.ts';
import { commandHelp, findCommand, helpText, UsageError } from './commands.ts';
import { commands } from './registry.ts';

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(helpText(commands));
    return 0;
  }
  const found = findCommand(commands, argv);
  if (!found) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0) {
      console.log(helpText(commands, [argv[0] as string]));
      return argv.includes('--help') ? 0 : 2;
    }
    console.error(`Unknown command "${argv.join(' ')}".\n\n${helpText(commands)}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (parsed.positionals.length < (command.positionals ?? 0)) {
    console.error(commandHelp(command));
    return 2;
  }
  try {
    return await command.run({
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    console.error(`patchbay ${command.path.join(' ')}: ${(err as Error).message}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Long-running commands (serve, sandbox, demo) keep the process alive and exit on a signal.
if (code !== -1) process.exit(code);
