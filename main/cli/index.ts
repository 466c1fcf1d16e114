// Entry point of the `ferry` command line (bin/ferry.mjs calls main). Returns the exit code instead of exiting,
// and takes its streams as a parameter, so tests run it in-process and read what it printed.
import { CommanderError } from 'commander'
import { EXIT_OK, EXIT_USAGE, reportError } from './errors'
import type { CliIo } from './io'
import { withDefaults } from './io'
import { buildProgram } from './program'
import type { Connect, RemoteClient } from './remote-client'

export type { CliIo } from './io'
export { EXIT_FAILED, EXIT_OK, EXIT_STORE_UNAVAILABLE, EXIT_USAGE } from './errors'

// Loaded on first use so `ferry --help` stays quick. The annotation fails to compile if FerryClient stops
// providing what the CLI uses.
const defaultConnect: Connect = async ({ host, port, signal, token, tls }) => {
  const { FerryClient } = await import('../client')
  const client: RemoteClient = await FerryClient.connect({
    host,
    port,
    ...(signal ? { signal } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(tls ? { tls } : {}),
  })
  return client
}

export async function main(argv: string[], io?: Partial<CliIo> & { connect?: Connect }): Promise<number> {
  const fullIo = withDefaults(io)
  const result = { exitCode: EXIT_OK }
  const program = buildProgram({ io: fullIo, connect: io?.connect ?? defaultConnect, result })
  try {
    await program.parseAsync(argv, { from: 'user' })
    return result.exitCode
  } catch (err: unknown) {
    if (err instanceof CommanderError) {
      // Help and version were asked for; everything else commander throws is a usage error it already printed.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT_OK : EXIT_USAGE
    }
    return reportError(fullIo.stderr, err, argv[0])
  }
}
