// Argument parsing of `npm run perf`, kept apart from running so it can be tested without starting anything.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { FerryError } from '../main/protocol/error-codes'
import { DEFAULT_MAX_DURATION_MS, defaultWorkerCount } from './defaults'
import type { PerfRunOptions } from './engine'
import type { PerfMix } from './load-spec'
import { parseClientCounts, parseDuration, parseHostPort, parsePositiveInt, parseSize } from './units'

export interface PerfCliOptions {
  run: PerfRunOptions
  /** Folder for the report; null means perf-results/<timestamp>/. */
  out: string | null
  targetLabel: string
}

/** Commander wants InvalidArgumentError from option parsers to print a clean message. */
function option<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text)
    } catch (e: unknown) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e))
    }
  }
}

export function buildPerfCommand(): Command {
  return new Command('perf')
    .description('Response time of a Ferry server against the number of concurrent clients.')
    .option(
      '--clients <list>',
      'client counts, comma separated',
      option(parseClientCounts),
      [1, 2, 4, 8, 16, 32, 64],
    )
    .option('--size <size>', 'bytes per request (e.g. 4KiB, 1MiB)', option(parseSize), 4096)
    .option(
      '--requests <n>',
      'requests per client count',
      option((t) => parsePositiveInt(t, '--requests')),
      200,
    )
    .addOption(new Option('--mix <mix>', 'request mix').choices(['get', 'post', 'mixed']).default('get'))
    .option('--target <host:port>', 'server to test (default: a local server on 127.0.0.1)', 'local')
    .option('--out <dir>', 'report folder (default perf-results/<timestamp>/)')
    .option(
      '--duration <time>',
      'time limit per client count (e.g. 60s)',
      option(parseDuration),
      DEFAULT_MAX_DURATION_MS,
    )
    .option(
      '--workers <n>',
      'load generator threads (0: in this thread)',
      option((t) => parseWorkers(t)),
    )
    .option(
      '--timeout <time>',
      'a request slower than this counts as a timeout',
      option(parseDuration),
      30_000,
    )
    .allowExcessArguments(false)
}

function parseWorkers(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 256) {
    throw new FerryError('INVALID_ARGUMENT', `--workers must be 0..256, got "${text}"`)
  }
  return Number(text)
}

interface RawOptions {
  clients: number[]
  size: number
  requests: number
  mix: PerfMix
  target: string
  out?: string
  duration: number
  workers?: number
  timeout: number
}

/** The text `--help` prints. */
export function perfHelp(): string {
  return buildPerfCommand().helpInformation()
}

/**
 * Parses user arguments (without node and script); throws FerryError('INVALID_ARGUMENT') on any mistake.
 * Returns 'help' for -h/--help, which commander reports by throwing.
 */
export function parsePerfArgs(args: readonly string[]): PerfCliOptions | 'help' {
  const command = buildPerfCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
  try {
    command.parse([...args], { from: 'user' })
  } catch (e: unknown) {
    if (e instanceof CommanderError && e.code === 'commander.helpDisplayed') return 'help'
    if (e instanceof CommanderError)
      throw new FerryError('INVALID_ARGUMENT', e.message.replace(/^error: /, ''))
    throw e
  }
  const raw = command.opts<RawOptions>()
  const target = raw.target === 'local' ? 'local' : parseHostPort(raw.target)
  return {
    run: {
      target,
      clientCounts: raw.clients,
      sizeBytes: raw.size,
      requests: raw.requests,
      mix: raw.mix,
      maxDurationMs: raw.duration,
      workers: raw.workers ?? defaultWorkerCount(),
      requestTimeoutMs: raw.timeout,
    },
    out: raw.out ?? null,
    targetLabel: raw.target,
  }
}
