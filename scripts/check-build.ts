// Post-build check (run after `npm run build`, see test:all): the app's bundle ships the perf load worker next to
// out/main/index.js, where the engine looks for it, and that worker loads in a plain Node worker thread (no tsx,
// no electron) and generates real load against a local FerryServer. Without it the app's perf test silently
// shares the main process's event loop with the server it measures.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runPerf } from '../perf/engine'
import { BUNDLED_WORKER_FILE, findWorkerEntry } from '../perf/load-threads'

const outMain = resolve(dirname(fileURLToPath(import.meta.url)), '../out/main')
const workerPath = join(outMain, BUNDLED_WORKER_FILE)

function fail(message: string): never {
  process.stderr.write(`check-build: ${message}\n`)
  process.exit(1)
}

/** The bundle files the worker loads (relative imports only; packages come from node_modules). */
function workerGraph(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(file, 'utf8')
    if (
      /\bfrom\s*["']electron["']|import\(\s*["']electron["']\s*\)|require\(\s*["']electron["']\s*\)/.test(
        source,
      )
    ) {
      fail(`${file} imports electron, so the perf worker cannot run in a worker thread`)
    }
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(resolve(dirname(file), match[1] ?? ''))
    }
  }
  visit(entry)
  return [...seen]
}

async function main(): Promise<void> {
  if (!existsSync(workerPath)) fail(`${workerPath} is missing: run \`npm run build\` first`)
  const files = workerGraph(workerPath)
  // The lookup resolves next to the module it was bundled into: that module must be index.js, not a chunk folder.
  if (!readFileSync(join(outMain, 'index.js'), 'utf8').includes(`"${BUNDLED_WORKER_FILE}"`)) {
    fail(
      `out/main/index.js does not hold the worker lookup; it would look for ${BUNDLED_WORKER_FILE} elsewhere`,
    )
  }
  const entry = findWorkerEntry(pathToFileURL(join(outMain, 'index.js')))
  if (entry?.mode !== 'bundled-worker')
    fail(`the engine in out/main/index.js would not find ${BUNDLED_WORKER_FILE}`)

  const requests = 40
  const [point] = await runPerf(
    {
      target: 'local',
      clientCounts: [4],
      sizeBytes: 4096,
      requests,
      mix: 'mixed',
      workers: 2,
      maxDurationMs: 60_000,
      workerEntry: entry,
    },
    () => undefined,
  )
  if (!point || point.generator.mode !== 'bundled-worker' || point.generator.threads !== 2) {
    fail(`expected a step on 2 bundled workers, got ${JSON.stringify(point?.generator)}`)
  }
  if (point.requests !== requests || point.errors !== 0 || point.timeouts !== 0) {
    fail(
      `bundled workers ran ${point.requests}/${requests} requests, ${point.errors} errors: ${point.errorSamples.join('; ')}`,
    )
  }
  process.stdout.write(
    `check-build: ${BUNDLED_WORKER_FILE} (${files.length} files, no electron) ran ${requests} requests on ` +
      `${point.generator.threads} plain Node workers, p50 ${point.p50Ms} ms\n`,
  )
}

main().catch((e: unknown) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e)))
