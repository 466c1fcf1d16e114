// Builds the `ferry` command line (main/cli/index.ts and everything it imports) into one plain-JavaScript file,
// out/cli/ferry.mjs, with esbuild. npm runs it before packing (`prepack`), so the published package carries the
// bundle and needs neither TypeScript sources nor tsx nor esbuild at run time; in a checkout bin/ferry.mjs calls
// it whenever a source is newer than the bundle.
//
//   node scripts/build-cli.mjs
//
// The bundle sits two levels below the package root, like main/cli/*.ts, so the paths the CLI resolves from its
// own location ('../../package.json' for its version, '../../main/web/page' for the web page) hold in both.
// Dependencies stay external: they are installed beside the package from its `dependencies`.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const CLI_ENTRY = path.join(ROOT, 'main/cli/index.ts')
export const CLI_BUNDLE = path.join(ROOT, 'out/cli/ferry.mjs')

/** Writes the bundle; throws when esbuild is missing (a production install) or the sources do not build. */
export async function buildCli() {
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    entryPoints: [CLI_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest Node that package.json's `engines` admits.
    target: 'node22.13',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents
  if (!code) throw new Error('esbuild wrote nothing')
  mkdirSync(path.dirname(CLI_BUNDLE), { recursive: true })
  // Written aside and renamed, so a ferry starting meanwhile never loads half a file.
  const temp = `${CLI_BUNDLE}.${process.pid}.tmp`
  writeFileSync(temp, code)
  renameSync(temp, CLI_BUNDLE)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildCli()
  console.log(`build-cli: wrote ${path.relative(ROOT, CLI_BUNDLE)}`)
}
