// The operating system side of ferry:// links, as plain functions the Electron entry calls: which argument of a
// (second) launch is the link, and how to register the app as the scheme's handler. Windows and Linux start the
// app (or hand the running one, through 'second-instance') a command line with the link in it; macOS sends
// 'open-url' instead. Parsing the link itself is security/pairing-link.ts's job.
import path from 'node:path'
import { PAIRING_SCHEME, isPairingLink } from '../security/pairing-link'

export { PAIRING_SCHEME }

/** The ferry:// link among command-line arguments, or null (Chromium's own switches come first and are skipped). */
export function linkFromArgv(argv: readonly string[]): string | null {
  return argv.find((arg) => isPairingLink(arg)) ?? null
}

/**
 * setAsDefaultProtocolClient's arguments. A packaged app registers itself; in development (`electron .`, where
 * process.defaultApp is set) the OS must start Electron with the app's folder, or a link would open bare Electron.
 */
export function protocolClientArgs(proc: {
  defaultApp?: boolean
  execPath: string
  argv: readonly string[]
}): { scheme: string; path?: string; args?: string[] } {
  const appPath = proc.argv[1]
  if (proc.defaultApp && appPath) {
    return { scheme: PAIRING_SCHEME, path: proc.execPath, args: [path.resolve(appPath)] }
  }
  return { scheme: PAIRING_SCHEME }
}
