// The command tree (commander). A fresh program per run, writing through the injected streams; actions store
// their exit code in `result` and throw FerryError for failures, which main() turns into one line.
import { createRequire } from 'node:module'
import { Command, InvalidArgumentError, Option } from 'commander'
import { parseAddress } from './address'
import type { CliIo } from './io'
import type { Connect } from './remote-client'
import { runRemote } from './commands/remote'
import { serveCommand } from './commands/serve'
import { addAnnounceOptions } from './commands/announce'
import { addWebOptions } from './serve-web'
import { registerDiscover } from './commands/discover'
import { shellCommand } from './commands/shell'
import { println } from './io'
import { clientTls, serverTls, tokenFrom, type AccessFlags } from '../security/cli-access'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

function positiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InvalidArgumentError('expected a positive whole number')
  return Number(text)
}

function positiveSeconds(text: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0))
    throw new InvalidArgumentError('expected a positive number of seconds')
  return value
}

function oneLine(commanderMessage: string): string {
  return commanderMessage
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
}

export interface ProgramDeps {
  io: CliIo
  connect: Connect
  result: { exitCode: number }
}

export function buildProgram({ io, connect: plainConnect, result }: ProgramDeps): Command {
  const program = new Command('ferry')
  // Every remote command and the shell connect through this: it adds the token and TLS pinning asked for, by
  // the flags or by a pairing link (whose fingerprint and token arrive in target).
  const connect: Connect = async (target) => {
    const flags = program.opts<AccessFlags>()
    const token = flags.token ?? target.token ?? tokenFrom(flags)
    const tls = await clientTls(flags, (line) => println(io.stderr, line), target.tls?.fingerprint)
    return plainConnect({ ...target, ...(token !== undefined ? { token } : {}), ...(tls ? { tls } : {}) })
  }
  program
    .option('--token <token>', 'access token (default: $FERRY_TOKEN); for serve: the token clients must give')
    .option('--tls', "use TLS; clients pin the server's certificate on first use")
    .option('--fingerprint <sha256>', "the server's expected certificate fingerprint (implies --tls)")
    .option(
      '--data-dir <dir>',
      'where the TLS identity and pinned fingerprints are kept (default: $FERRY_DATA_DIR or the user config folder)',
    )
  program
    .description('Move files between machines over a resumable, SHA-256 verified TCP protocol.')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      // One line, in the same `ferry: CODE: message` form as every other error.
      outputError: (s, write) => write(`ferry: INVALID_ARGUMENT: ${oneLine(s)} (see ferry --help)\n`),
    })
    .addHelpText(
      'after',
      `
Examples:
  ferry serve                       share ./ferry-share on 127.0.0.1:7420
  ferry serve 7420 --host 0.0.0.0   share on every network interface
  ferry ls 192.168.1.20:7420 docs --long
  ferry get 192.168.1.20:7420 docs/report.pdf
  ferry put 192.168.1.20:7420 photos/ notes.txt --to backup
  ferry ls 'ferry://192.168.1.20:7420?fp=e20fa8...'   TLS, only the certificate in the link
  ferry client 192.168.1.20 7420    interactive shell`,
    )

  program
    .command('serve')
    .description('share a folder or an S3 bucket: start a Ferry server')
    .argument('[port]', 'TCP port (0 = any free port)', '7420')
    .option('--root <dir>', 'folder to share (created if missing)', './ferry-share')
    .option(
      '--store <where>',
      'what to share instead of --root: a folder, file:DIR, or s3://BUCKET[/PREFIX] (needs --s3-endpoint)',
    )
    .option(
      '--s3-endpoint <url>',
      'the S3-compatible store to use with --store s3://, e.g. http://127.0.0.1:7480',
    )
    .option('--s3-region <region>', 'region for the S3 signature (default: $AWS_REGION or us-east-1)')
    .option(
      '--host <addr>',
      'address to listen on; 0.0.0.0 makes the share reachable from the network',
      '127.0.0.1',
    )
    .option('--name <name>', 'server name shown to clients (default: host name)')
    .option('--read-only', 'refuse uploads, deletes and renames')
    .option('--max-connections <n>', 'connections accepted at once', positiveInt)
    .option('--idle-max <seconds>', 'idle timeout of a lone client (default 300)', positiveSeconds)
    .option('--idle-min <seconds>', 'shortest idle timeout however busy (default 15)', positiveSeconds)
    .option('--idle-half-at <n>', 'other clients at which the idle timeout halves (default 100)', positiveInt)
    .option('--max-per-address <n>', 'connections accepted from one address (default 256)', positiveInt)
    .option(
      '--quota <bytes>',
      'most bytes the share may hold; larger uploads are refused up front',
      positiveInt,
    )
    .addHelpText(
      'after',
      `
S3 credentials are read only from the environment, never from flags: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY. The bucket is checked once at start; if the store cannot be reached nothing is
served and the exit code is 3 (wrong credentials: 1, bad flags: 2).

Examples:
  ferry serve 7420 --root /srv/share
  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
    ferry serve 7420 --store s3://team-files/shared --s3-endpoint http://10.0.0.5:7480`,
    )
    .action(async (port: string, options, command: Command) => {
      const flags = program.opts<AccessFlags>()
      const token = tokenFrom(flags)
      const tls = await serverTls(flags)
      result.exitCode = await serveCommand(io, port, {
        ...options,
        rootGiven: command.getOptionValueSource('root') === 'cli',
        ...(token !== undefined ? { token } : {}),
        ...(tls ? { tls } : {}),
      })
    })

  addAnnounceOptions(program)
  addWebOptions(program)

  const remote = (name: string, description: string): Command =>
    program
      .command(name)
      .description(description)
      .argument('<host:port>', "server address, e.g. 192.168.1.20:7420, or the host's ferry:// link")

  remote('ls', 'list a remote folder')
    .argument('[path]', 'remote folder', '/')
    .option('-l, --long', 'type, size and modification time')
    .option('--json', 'JSON array of entries')
    .action(async (address: string, path: string, options: { long?: boolean; json?: boolean }) =>
      runRemote(io, connect, parseAddress(address), (ops) => ops.ls(path, options)),
    )

  remote('get', 'download a file or a folder (recursive)')
    .argument('<remote>', 'remote file or folder')
    .argument('[local]', 'local destination (default: current folder)')
    .option('--no-resume', 'start over instead of resuming a partial download')
    .option('-f, --force', 'overwrite existing local files')
    .option(
      '--stop-on-error',
      'folders: stop at the first file that fails (default: go on, list failures at the end)',
    )
    .action(
      async (
        address: string,
        from: string,
        to: string | undefined,
        options: { resume: boolean; force?: boolean; stopOnError?: boolean },
      ) => runRemote(io, connect, parseAddress(address), (ops) => ops.get(from, to, options)),
    )

  remote('put', 'upload files or folders (recursive)')
    .argument('<local...>', 'local files or folders')
    .option('--to <remote-dir>', 'remote folder to upload into', '/')
    .addOption(
      new Option('--mode <mode>', 'when the remote name exists')
        .choices(['fail', 'overwrite', 'rename'])
        .default('fail'),
    )
    .option(
      '--stop-on-error',
      'folders: stop at the first file that fails (default: go on, list failures at the end)',
    )
    .action(
      async (
        address: string,
        locals: string[],
        options: { to: string; mode: 'fail' | 'overwrite' | 'rename'; stopOnError?: boolean },
      ) =>
        runRemote(io, connect, parseAddress(address), (ops) =>
          ops.put(locals, options.to, options.mode, { stopOnError: options.stopOnError === true }),
        ),
    )

  remote('rm', 'delete a remote file or folder')
    .argument('<path>', 'remote path')
    .option('-r, --recursive', 'delete a folder and everything in it')
    .action(async (address: string, path: string, options: { recursive?: boolean }) =>
      runRemote(io, connect, parseAddress(address), (ops) => ops.rm(path, options.recursive === true)),
    )

  remote('mkdir', 'create a remote folder')
    .argument('<path>', 'remote path')
    .option('-p, --parents', 'create missing parent folders, no error if it exists')
    .action(async (address: string, path: string, options: { parents?: boolean }) =>
      runRemote(io, connect, parseAddress(address), (ops) => ops.mkdir(path, options.parents === true)),
    )

  remote('mv', 'rename or move a remote file or folder')
    .argument('<from>', 'remote path')
    .argument('<to>', 'new remote path, or an existing folder to move into')
    .action(async (address: string, from: string, to: string) =>
      runRemote(io, connect, parseAddress(address), (ops) => ops.mv(from, to)),
    )

  remote('ping', 'measure the round trip to a server').action(async (address: string) =>
    runRemote(io, connect, parseAddress(address), (ops) => ops.ping()),
  )

  program
    .command('client')
    .description('interactive shell on a server (also reads commands from piped stdin)')
    .argument('<host>', "HOST:PORT, a host name or IP address followed by PORT, or the host's ferry:// link")
    .argument('[port]', 'server port (when HOST has none; not with a link)')
    .action(async (host: string, port: string | undefined) => {
      result.exitCode = await shellCommand(io, connect, host, port)
    })

  registerDiscover(program, io, result)

  return program
}
