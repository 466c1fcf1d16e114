// How failures leave the CLI: one line `ferry: CODE: message` on stderr, exit 1 for a failed operation and 2 for
// a usage error; never a stack trace.
import { FerryError, fromSystemError } from '../protocol/error-codes'
import type { OutStream } from './io'

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

/** Bad command line input: exit 2. */
export class UsageError extends FerryError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message)
    this.name = 'UsageError'
  }
}

export function toFerryError(err: unknown): FerryError {
  if (err instanceof FerryError) return err
  return fromSystemError(err, 'ferry')
}

export function errorLine(err: FerryError): string {
  // One line, whatever the message holds.
  return `ferry: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}`
}

/** Prints the error line and returns the exit code it deserves. */
export function reportError(stderr: OutStream, err: unknown): number {
  const ferry = toFerryError(err)
  stderr.write(`${errorLine(ferry)}\n`)
  return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILED
}
