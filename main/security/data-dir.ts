// Where Ferry keeps its own state outside Electron (the CLI): the server's TLS identity and the client's pinned
// fingerprints. FERRY_DATA_DIR overrides it; the app itself passes Electron's userData folder instead.
import os from 'node:os'
import path from 'node:path'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env['FERRY_DATA_DIR']) return path.resolve(env['FERRY_DATA_DIR'])
  const home = os.homedir()
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Ferry')
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Ferry')
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), 'ferry')
}
