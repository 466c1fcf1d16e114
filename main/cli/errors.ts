// How failures leave the CLI: one line `ferry: CODE: message` on stderr, exit 1 for a failed operation, 2 for a
// usage error and 3 when `serve` cannot reach its store; never a stack trace.
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { OutStream } from './io'

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2
/** `ferry serve --store` could not reach its store: nothing was served. Distinct so a supervisor can retry. */
export const EXIT_STORE_UNAVAILABLE = 3

/** Bad command line input: exit 2. */
export class UsageError extends FerryError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message)
    this.name = 'UsageError'
  }
}

/** The share's store (an S3 bucket) cannot be reached at start: exit 3. */
export class StoreUnreachableError extends FerryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options)
    this.name = 'StoreUnreachableError'
  }
}

/** Any thrown value as a FerryError: the code from the errno when there is one, the original message kept. */
export function toFerryError(err: unknown): FerryError {
  if (err instanceof FerryError) return err
  const { code } = fromSystemError(err, '')
  return new FerryError(code, err instanceof Error ? err.message : String(err), { cause: err })
}

export function errorLine(err: FerryError): string {
  // One line, whatever the message holds.
  return `ferry: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}`
}

/** Refusals a flag of the same command gets past: the line says which flag (one line still). */
const HINTS: Record<string, Partial<Record<string, string>>> = {
  put: {
    EXISTS: 'add --mode overwrite to replace it, or --mode rename to keep both',
    CANCELLED: 'what the server received is kept: the same command again resumes from there',
  },
  get: {
    EXISTS: 'add --force to replace the local file',
    CANCELLED: 'what arrived is kept: the same command again resumes from there',
  },
  mkdir: { EXISTS: 'add -p to accept a folder that is already there' },
  rm: {
    NOT_EMPTY: 'add -r to delete the folder with everything in it',
    IS_A_DIRECTORY: 'add -r to delete the folder with everything in it',
  },
}

/** The hint for `command` failing with `code`, if a flag would have let it through. */
export function hintFor(command: string | undefined, code: string): string | undefined {
  return command === undefined ? undefined : HINTS[command]?.[code]
}

/** Prints the error line (with a hint when a flag of `command` gets past it) and returns the exit code. */
export function reportError(stderr: OutStream, err: unknown, command?: string): number {
  const ferry = toFerryError(err)
  const hint = hintFor(command, ferry.code)
  stderr.write(`${errorLine(ferry)}${hint ? ` (${hint})` : ''}\n`)
  if (err instanceof UsageError) return EXIT_USAGE
  return err instanceof StoreUnreachableError ? EXIT_STORE_UNAVAILABLE : EXIT_FAILED
}
