// The interactive shell's command table. Each entry checks its own arguments and runs the shared operations
// from ops.ts against the session's current remote and local folders.
import { UsageError } from '../errors'
import type { CliIo } from '../io'
import { println } from '../io'
import { displayRemote } from '../remote-path'
import type { RemoteOps } from './remote'
import { boundOps } from './remote'
import type { ShellSession } from './shell'

interface ShellCommand {
  usage: string
  help: string
  flags?: string[]
  min: number
  max: number
  run(session: ShellSession, args: string[], flags: Set<string>, signal: AbortSignal): Promise<'quit' | void>
}

async function ops(session: ShellSession, signal: AbortSignal): Promise<RemoteOps> {
  const client = await session.remote()
  const io: CliIo = { ...session.io, cwd: session.localCwd }
  return boundOps({ client, io, signal }, session.remoteCwd)
}

const COMMANDS: Record<string, ShellCommand> = {
  ls: {
    usage: 'ls [-l] [PATH]',
    help: 'list a remote folder (default: the current one)',
    flags: ['-l'],
    min: 0,
    max: 1,
    run: async (s, [p], f, sig) => (await ops(s, sig)).ls(p ?? '.', { long: f.has('-l') }),
  },
  cd: {
    usage: 'cd [PATH]',
    help: 'change the remote folder (no PATH: the share root)',
    min: 0,
    max: 1,
    run: (s, [p]) => s.changeRemoteDir(p ?? '/'),
  },
  pwd: {
    usage: 'pwd',
    help: 'show the remote folder',
    min: 0,
    max: 0,
    run: async (s) => println(s.io.stdout, displayRemote(s.remoteCwd)),
  },
  lcd: {
    usage: 'lcd DIR',
    help: 'change the local folder',
    min: 1,
    max: 1,
    run: (s, [d]) => s.changeLocalDir(d ?? '.'),
  },
  lpwd: {
    usage: 'lpwd',
    help: 'show the local folder',
    min: 0,
    max: 0,
    run: async (s) => println(s.io.stdout, s.localCwd),
  },
  client_get: {
    usage: 'client_get NAME',
    help: 'download NAME (file or folder) into the local folder',
    min: 1,
    max: 1,
    run: async (s, [name], _f, sig) => (await ops(s, sig)).get(name ?? '', undefined, {}),
  },
  client_post: {
    usage: 'client_post PATH',
    help: 'upload a local file or folder into the remote folder',
    min: 1,
    max: 1,
    run: async (s, [p], _f, sig) => (await ops(s, sig)).put([p ?? ''], '.', 'fail'),
  },
  get: {
    usage: 'get [-f] REMOTE [LOCAL]',
    help: 'download a file or folder (-f: overwrite local files)',
    flags: ['-f'],
    min: 1,
    max: 2,
    run: async (s, [r, l], f, sig) => (await ops(s, sig)).get(r ?? '', l, { force: f.has('-f') }),
  },
  put: {
    usage: 'put [-o|-n] LOCAL...',
    help: 'upload files or folders into the remote folder (-o overwrite, -n store under a new name)',
    flags: ['-o', '-n'],
    min: 1,
    max: Infinity,
    run: async (s, locals, f, sig) =>
      (await ops(s, sig)).put(locals, '.', f.has('-o') ? 'overwrite' : f.has('-n') ? 'rename' : 'fail'),
  },
  mkdir: {
    usage: 'mkdir [-p] PATH',
    help: 'create a remote folder',
    flags: ['-p'],
    min: 1,
    max: 1,
    run: async (s, [p], f, sig) => (await ops(s, sig)).mkdir(p ?? '', f.has('-p')),
  },
  rm: {
    usage: 'rm [-r] PATH',
    help: 'delete a remote file (or folder with -r)',
    flags: ['-r'],
    min: 1,
    max: 1,
    run: async (s, [p], f, sig) => (await ops(s, sig)).rm(p ?? '', f.has('-r')),
  },
  mv: {
    usage: 'mv FROM TO',
    help: 'rename or move a remote entry',
    min: 2,
    max: 2,
    run: async (s, [a, b], _f, sig) => (await ops(s, sig)).mv(a ?? '', b ?? ''),
  },
  ping: {
    usage: 'ping',
    help: 'round trip to the server',
    min: 0,
    max: 0,
    run: async (s, _a, _f, sig) => (await ops(s, sig)).ping(),
  },
  help: { usage: 'help', help: 'this list', min: 0, max: 0, run: async (s) => printHelp(s.io) },
  quit: { usage: 'quit', help: 'leave (also: exit, Ctrl+D)', min: 0, max: 0, run: async () => 'quit' },
}
COMMANDS.exit = { ...COMMANDS.quit!, usage: 'exit' }

function printHelp(io: CliIo): void {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length))
  for (const c of Object.values(COMMANDS)) {
    if (c.usage === 'exit') continue
    println(io.stdout, `  ${c.usage.padEnd(width)}  ${c.help}`)
  }
}

export async function runShellCommand(
  session: ShellSession,
  words: string[],
  signal: AbortSignal,
): Promise<'quit' | void> {
  const [name, ...rest] = words
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command) throw new UsageError(`unknown command "${name ?? ''}" (type "help" for the list)`)
  const flags = new Set<string>()
  const args: string[] = []
  for (const word of rest) {
    if (/^-[a-z]$/.test(word)) {
      if (!command.flags?.includes(word))
        throw new UsageError(`${name}: unknown option ${word}; usage: ${command.usage}`)
      flags.add(word)
    } else args.push(word)
  }
  if (args.length < command.min || args.length > command.max) throw new UsageError(`usage: ${command.usage}`)
  const result = await command.run(session, args, flags, signal)
  return result === 'quit' ? 'quit' : undefined
}
