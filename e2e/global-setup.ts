// The e2e tests serve the built renderer; build it when it is missing (npm run test:all builds first anyway).
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export default function globalSetup(): void {
  const index = resolve('out/renderer/index.html')
  if (existsSync(index)) return
  console.log('out/renderer is missing: running npm run build')
  execSync('npm run build', { stdio: 'inherit' })
  if (!existsSync(index)) throw new Error(`npm run build did not produce ${index}`)
}
