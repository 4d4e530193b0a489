import { parseArgs } from 'node:util';
import { CliError } from './cli/cli-error.ts';
import { HostError } from './host/host-error.ts';
import { HOST_VERSION } from './host/version.ts';
import { defaultDataDir } from './store/data-dir.ts';

const USAGE = `Grove ${HOST_VERSION}: run many AI coding agents in parallel, each in its own git worktree.

Usage:
  grove [options]            open the Grove window (or, without the runtime, your browser)
  grove serve [options]      serve Grove to a browser on this machine
  grove extension            started by the Neutralino runtime; not for use by hand
  grove policy check --command '<cmd>' [--worktree DIR]
  grove policy check --path <path> --worktree DIR [--access read|write]
  grove policy check --batch FILE [--worktree DIR]
                             print the safety policy's decision as JSON, one line per case
  grove audit verify [--data-dir DIR] [--project ID|PATH] [FILE]
                             check the audit logs' hash chains; print JSON per log, exit 1 if one is broken

Options:
  --data-dir <dir>   where Grove keeps its state (default: $GROVE_HOME, else ${defaultDataDir()})
  --port <n>         port for serve mode (default: a free one)
  --no-open          serve without opening a browser
  --lan              serve on every network interface, not only this machine (token still required)
  -h, --help         show this help
  -v, --version      show the version
`;

async function main(argv: string[]): Promise<void> {
  // `policy` and `audit` have flags of their own, so they read their own arguments.
  if (argv[0] === 'policy') return (await import('./cli/policy-command.ts')).policyCommand(argv.slice(1));
  if (argv[0] === 'audit') return (await import('./cli/audit-command.ts')).auditCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      open: { type: 'boolean', default: true },
      'no-open': { type: 'boolean' },
      lan: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`${HOST_VERSION}\n`);

  const dataDir = values['data-dir'] ?? defaultDataDir();
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port takes a number from 0 to 65535, not “${values.port}”.`, 2);
  const serve = { dataDir, port, lan: values.lan, open: values.open && !values['no-open'] && !process.env.CI };

  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new CliError(`Unexpected argument “${rest[0]}”.`, 2);
  switch (command) {
    // Each command loads only its own code: the window launcher just waits on the runtime,
    // and should not hold the whole host in memory while it does.
    case undefined:
      return (await import('./cli/window-command.ts')).windowCommand(serve);
    case 'serve':
      return (await import('./cli/serve-command.ts')).serveCommand(serve);
    case 'extension':
      return (await import('./cli/extension-command.ts')).extensionCommand({ dataDir });
    default:
      throw new CliError(`Unknown command “${command}”.`, 2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`grove: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof CliError) {
    process.stderr.write(`grove: ${error.message}\n${error.exitCode === 2 ? `\n${USAGE}` : ''}`);
    process.exit(error.exitCode);
  }
  if (error instanceof HostError) {
    process.stderr.write(`grove: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`grove: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
