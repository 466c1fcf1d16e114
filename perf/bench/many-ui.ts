// The app's responsiveness during a many-files job in browser mode. Goal: during a 10,000-file job a click on
// another tab renders within 200 ms. Drives Debian's Chromium with the Playwright library (not the test runner)
// against the built renderer, served by startBrowserHost in this process as e2e/fixtures.ts does. The page
// connects, with TLS (the app's default), to a Ferry server in its own process sharing 10,000 files of 4 KiB (as
// in the other phases: a user downloads from another machine, whose work is not the app's), starts the folder
// download, and while the job runs clicks between the Host and Browse tabs, timing each click in the page (see
// PROBE_SOURCE). Should the job end before all the clicks landed, the same download runs again (MAX_JOBS).
//
// Builds nothing: out/renderer must exist (`npm run build`), as the bench installs nothing either; without it, or
// without Chromium or Playwright, the section says why and is skipped. A build older than its sources is
// measured as it is, with a note.
import { access, constants, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserType, Page } from '@playwright/test'
import { startBrowserHost, type BrowserHost } from '../../main/browser-host'
import { generateTlsIdentity } from '../../main/security/tls-identity'
import type { TransferInfo } from '../../preload/api'
import { formatBytes } from '../units'
import { countProblem, countTree, seedSet, type FileSet } from './file-tree'
import { formatRate } from './many-stats'
import {
  formatLatency,
  formatMs,
  latencySummary,
  stallsWithin,
  type LatencySummary,
  type LongTask,
  type StallSummary,
  type TimeSpan,
} from './many-ui-stats'
import { ServerProcess } from './server-process'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer')
/** Sources the renderer bundle is built from; a newer file among them means the build is stale. */
const RENDERER_SOURCES = ['renderer', 'preload'].map((d) => join(REPO_ROOT, d))
/** Same browser and flags as playwright.config.ts. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** The tabs clicked in turn, each with what shows that its view is on screen (its content, not just the tab). */
const MARKERS: Record<string, string> = {
  'nav-host': '[data-testid="host-view"] h1',
  'nav-browse': '[data-testid="browse-view"] [data-testid="file-row"]',
}
const TABS = ['nav-host', 'nav-browse'] as const
/** A click whose view has not rendered by then is a failure of the section, not a number. */
const CLICK_TIMEOUT_MS = 15_000
/** Pause between a view rendering and the next click, random in this range so clicks do not fall in step with
 *  the app's periodic progress updates. */
const PAUSE_MS = [60, 160] as const
/** When a job ends before all clicks landed, the same download runs again (into a fresh folder), at most this
 *  many jobs in all. */
const MAX_JOBS = 3

export interface ManyUiOptions {
  files: number
  /** Tab clicks to make while a job runs. */
  clicks: number
  /** A job must end within this; the section fails otherwise. */
  jobLimitMs: number
  log: (line: string) => void
}

export interface UiClick {
  /** The tab clicked: 'nav-host' or 'nav-browse'. */
  tab: string
  /** Which job (1, 2, ...) was on when it was clicked. */
  job: number
  /** From the click event's timestamp to the end of the first frame showing the view's content, ms. */
  ms: number
  /** From the click event's timestamp to the first animation frame that found the content in the DOM, ms. */
  frameMs: number
  /** From the click event's timestamp until the page's main thread ran the first listener, ms. */
  inputDelayMs: number
  /** The job row's state and file count when the click was handled. */
  jobState: string | null
  jobFiles: string | null
}

export interface UiJob {
  /** The app's own record: the transfer's finishedAt - startedAt. */
  appMs: number
  /** In the page: from the Download click to the job's row showing done. */
  pageMs: number | null
  filesDone: number
  /** Clicks handled while this job's row showed it queued or running. */
  clicks: number
}

export interface ManyUiReport {
  files: number
  fileBytes: number
  clicksRequested: number
  /** Why nothing was measured (no Chromium, no build, no Playwright). */
  skipped?: string
  /** Said about the build (older than its sources), page errors. */
  notes: string[]
  browser?: string
  clicks: UiClick[]
  /** Over the clicks handled while a job was queued or running (the ones the goal is about). */
  duringJob: LatencySummary | null
  /** The page's long tasks between each Download click and that job's row showing done. */
  stalls: StallSummary | null
  jobs: UiJob[]
  seconds: number
}

/** What the in-page probe collects; read back with page.evaluate. */
interface ProbeState {
  clicks: Array<Omit<UiClick, 'job'> & { t0: number }>
  longTasks: LongTask[]
  downloadClickAt: number | null
  doneAt: number | null
  now: number
}

/**
 * Installed in the page after it connected. Plain JavaScript in a string, not a function handed to
 * page.evaluate: under tsx (esbuild's keepNames) a serialized function calls a __name helper the page lacks.
 *
 * How a click is timed: a capture listener on the document sees the click before React does. Its start is the
 * event's timeStamp, which Chromium sets when the input arrives, so time the event waits behind a busy main
 * thread counts. From the listener, every animation frame checks for the clicked view's content (MARKERS); the
 * first frame that finds it is the frame that paints it, and a MessageChannel message posted from that frame's
 * requestAnimationFrame callback runs once the main thread has finished that frame (style, layout, paint): that
 * moment is the end. What is left out is the compositor putting the frame on screen, a few ms at most.
 *
 * Also: a PerformanceObserver for 'longtask' (main thread busy over 50 ms in one go), each Download click's
 * timestamp, the first moment after it that the job's row shows data-state="done" (a MutationObserver), and
 * promises that resolve once n clicks are timed or the row shows done (window.__ferryBenchWait).
 */
const PROBE_SOURCE = String.raw`(markers) => {
  const probe = { clicks: [], longTasks: [], downloadClickAt: null, doneAt: null }
  window.__ferryBench = probe
  const waiting = { clicks: [], done: [] }
  const settle = () => {
    waiting.clicks = waiting.clicks.filter((w) => (probe.clicks.length >= w.n ? (w.resolve(), false) : true))
    if (probe.doneAt !== null) waiting.done.splice(0).forEach((resolve) => resolve())
  }
  window.__ferryBenchWait = {
    clicks: (n) => new Promise((resolve) => { waiting.clicks.push({ n, resolve }); settle() }),
    done: () => new Promise((resolve) => { waiting.done.push(resolve); settle() }),
  }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, ms: e.duration })
  }).observe({ type: 'longtask', buffered: true })
  const jobRow = () => document.querySelector('[data-testid="transfer"]')
  new MutationObserver(() => {
    const row = jobRow()
    if (probe.downloadClickAt !== null && probe.doneAt === null && row && row.getAttribute('data-state') === 'done') {
      probe.doneAt = performance.now()
      settle()
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
  document.addEventListener('click', (event) => {
    const el = event.target instanceof Element ? event.target.closest('[data-testid]') : null
    const id = el ? el.getAttribute('data-testid') : null
    if (id === 'download-selected') {
      probe.downloadClickAt = event.timeStamp
      probe.doneAt = null
      return
    }
    const marker = id ? markers[id] : undefined
    if (!marker) return
    const t0 = event.timeStamp
    const row = jobRow()
    const files = row ? row.querySelector('[data-testid="transfer-files"]') : null
    const click = {
      tab: id, t0, ms: 0, frameMs: 0, inputDelayMs: performance.now() - t0,
      jobState: row ? row.getAttribute('data-state') : null, jobFiles: files ? files.textContent : null,
    }
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      click.ms = performance.now() - t0
      probe.clicks.push(click)
      channel.port1.close()
      settle()
    }
    const check = () => {
      if (document.querySelector(marker)) {
        click.frameMs = performance.now() - t0
        channel.port2.postMessage(null)
      } else requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  }, true)
}`

export async function runManyUi(options: ManyUiOptions): Promise<ManyUiReport> {
  const started = performance.now()
  const report: ManyUiReport = {
    files: options.files,
    fileBytes: 4096,
    clicksRequested: options.clicks,
    notes: [],
    clicks: [],
    duringJob: null,
    stalls: null,
    jobs: [],
    seconds: 0,
  }
  const done = (): ManyUiReport => {
    report.seconds = Math.round((performance.now() - started) / 100) / 10
    return report
  }
  const chromiumPath = process.env['FERRY_CHROMIUM'] ?? '/usr/bin/chromium'
  const skip = await whySkip(chromiumPath)
  if (skip) {
    report.skipped = skip
    options.log(`not measured: ${skip}`)
    return done()
  }
  // Loaded here, not at the top, so a missing Playwright skips this section instead of stopping the bench.
  let chromium: BrowserType
  try {
    chromium = (await import('@playwright/test')).chromium
  } catch (e: unknown) {
    report.skipped = `Playwright (@playwright/test) could not be loaded: ${message(e)}`
    options.log(`not measured: ${report.skipped}`)
    return done()
  }
  const stale = await staleBuild()
  if (stale) {
    report.notes.push(stale)
    options.log(`note: ${stale}`)
  }

  const set: FileSet = { name: 'many', files: options.files, size: report.fileBytes, perFolder: 100 }
  const root = await mkdtemp(join(tmpdir(), 'ferry-bench-ui-'))
  let server: ServerProcess | null = null
  let host: BrowserHost | null = null
  let browser: Browser | null = null
  try {
    const share = join(root, 'share')
    const downloads = join(root, 'downloads')
    await Promise.all([share, downloads].map((d) => mkdir(d, { recursive: true })))
    options.log(`seeding ${set.files.toLocaleString('en-US')} x ${formatBytes(set.size)} in the share`)
    await seedSet(share, set)
    // TLS, as the app's Host and Connect views default to: the page connects with its form as it comes.
    server = await ServerProcess.start({
      mode: 'ferry',
      root: share,
      ferry: { tls: await generateTlsIdentity() },
    })
    host = await startBrowserHost({ staticDir: RENDERER_DIR, dataDir: join(root, 'data'), version: 'bench' })
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: CHROMIUM_ARGS,
      headless: true,
    })
    report.browser = `Chromium ${browser.version()}`
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    options.log(
      `browser mode on ${host.url.replace(/#.*/, '')}, ${report.browser}, server on port ${server.port}`,
    )

    await connect(page, host.url, server.port)
    await page.evaluate(`(${PROBE_SOURCE})(${JSON.stringify(MARKERS)})`)
    // The tabs stay put, so each click is one mouse press and release at its centre: no actionability
    // round trips between clicks (they would not be timed anyway, but would leave fewer clicks in a job).
    const centres = new Map<string, { x: number; y: number }>()
    for (const tab of TABS) {
      const box = await page.getByTestId(tab).boundingBox()
      if (!box) throw new Error(`the ${tab} tab is not on screen`)
      centres.set(tab, { x: box.x + box.width / 2, y: box.y + box.height / 2 })
    }
    const service = host.service
    const jobSpans: TimeSpan[] = []
    let onBrowse = true
    let clicked = 0

    for (let jobNo = 1; jobNo <= MAX_JOBS; jobNo += 1) {
      // Each job into a fresh folder, with the finished one cleared from the list so the page has one job row.
      // The probe times this click too; it is waited for and left out (the job has ended).
      if (!onBrowse) {
        await page.getByTestId('nav-browse').click()
        onBrowse = true
        clicked += 1
        await untilInPage(
          page,
          `window.__ferryBenchWait.clicks(${clicked})`,
          CLICK_TIMEOUT_MS,
          'a view to render',
        )
      }
      if (jobNo > 1) {
        await page.getByTestId('transfers-clear').click()
        await page.locator('[data-testid="transfer"]').waitFor({ state: 'detached' })
      }
      const dest = join(downloads, `job${jobNo}`)
      await mkdir(dest)
      const before = new Set(service.transfers.list().map((t) => t.id))
      await page.locator('[data-testid="file-row"][data-path="many"]').click()
      await page.getByTestId('download-dir').fill(dest)
      await page.getByTestId('download-selected').click()
      const jobStarted = performance.now()
      const job = (): TransferInfo | undefined =>
        service.transfers.list().find((t) => !before.has(t.id) && t.name === set.name)
      await page.locator('[data-testid="transfer"][data-name="many"]').waitFor({ timeout: 30_000 })
      const firstClick = clicked
      const wanted = options.clicks - (await probe(page)).clicks.filter(duringJob).length
      options.log(
        `job ${jobNo}: download started; clicking Host / Browse up to ${wanted} times while it runs, ` +
          `${PAUSE_MS[0]}-${PAUSE_MS[1]} ms apart`,
      )
      for (let i = 0; i < wanted && active(job()); i += 1) {
        const tab = onBrowse ? 'nav-host' : 'nav-browse'
        const at = centres.get(tab) ?? { x: 0, y: 0 }
        await page.mouse.click(at.x, at.y)
        onBrowse = !onBrowse
        clicked += 1
        await untilInPage(
          page,
          `window.__ferryBenchWait.clicks(${clicked})`,
          CLICK_TIMEOUT_MS,
          'a view to render',
        )
        await sleep(PAUSE_MS[0] + Math.random() * (PAUSE_MS[1] - PAUSE_MS[0]))
      }

      while (active(job())) {
        if (performance.now() - jobStarted > options.jobLimitMs)
          throw new Error(`job ${jobNo} did not finish in ${Math.round(options.jobLimitMs / 1000)} s`)
        await sleep(100)
      }
      const info = job()
      if (!info || info.state !== 'done')
        throw new Error(
          `job ${jobNo} ended ${info?.state ?? 'missing'}${info?.error ? `: ${info.error.message}` : ''}`,
        )
      // The row shows done a moment after the service says so (the event crosses the bridge).
      await untilInPage(page, 'window.__ferryBenchWait.done()', 30_000, "the job's row to show done")
      const state = await probe(page)
      const problem = countProblem(await countTree(join(dest, set.name)), set)
      if (problem) throw new Error(`job ${jobNo}: ${problem}`)
      const mine = state.clicks.slice(firstClick).map(({ t0: _t0, ...c }): UiClick => ({ ...c, job: jobNo }))
      report.clicks.push(...mine)
      if (state.downloadClickAt !== null)
        jobSpans.push({ from: state.downloadClickAt, to: state.doneAt ?? state.now })
      const result: UiJob = {
        appMs: (info.finishedAt ?? Date.now()) - info.startedAt,
        pageMs:
          state.downloadClickAt !== null && state.doneAt !== null
            ? state.doneAt - state.downloadClickAt
            : null,
        filesDone: (info.files?.done ?? 0) + (info.files?.skipped ?? 0),
        clicks: mine.filter(duringJob).length,
      }
      report.jobs.push(result)
      for (const [k, c] of mine.entries())
        options.log(
          `  click ${String(firstClick + k + 1).padStart(2)} ${c.tab.replace('nav-', '').padEnd(6)} ` +
            `${formatMs(c.ms).padStart(6)} ms (input delay ${formatMs(c.inputDelayMs)} ms), ` +
            `job ${c.jobState ?? '-'}: ${c.jobFiles ?? '-'}`,
        )
      options.log(`  ${jobLine(jobNo, result, set.files)}`)
      const counted = report.clicks.filter(duringJob).length
      if (counted >= options.clicks) break
      if (jobNo < MAX_JOBS)
        options.log(`  the job ended with ${counted} of ${options.clicks} clicks: the same download again`)
    }
    if (pageErrors.length > 0) report.notes.push(`page errors: ${pageErrors.slice(0, 3).join('; ')}`)
    report.duringJob = latencySummary(report.clicks.filter(duringJob).map((c) => c.ms))
    const probeState = await probe(page)
    report.stalls = stallsWithin(probeState.longTasks, jobSpans)
    return done()
  } finally {
    await browser?.close().catch(() => undefined)
    await host?.close().catch(() => undefined)
    await server?.stop().catch(() => undefined)
    await rm(root, { recursive: true, force: true })
  }
}

/** A click the goal is about: handled while the job's row showed it queued or running. */
function duringJob(c: { jobState: string | null }): boolean {
  return c.jobState === 'running' || c.jobState === 'queued'
}

function jobLine(jobNo: number, job: UiJob, files: number): string {
  const page = job.pageMs !== null ? `; in the page ${seconds(job.pageMs)}, ${rate(files, job.pageMs)}` : ''
  return (
    `job ${jobNo}: ${job.filesDone.toLocaleString('en-US')} files, app's record ${seconds(job.appMs)} ` +
    `(${rate(files, job.appMs)})${page}, ${job.clicks} clicks during it`
  )
}

/** Opens the app and connects it to the bench's server, as e2e/fixtures.ts hostAndConnect does. */
async function connect(page: Page, url: string, port: number): Promise<void> {
  await page.goto(url)
  await page.getByTestId('nav-connect').click()
  await page.getByTestId('connect-host').fill('127.0.0.1')
  await page.getByTestId('connect-port').fill(String(port))
  await page.getByTestId('connect-submit').click()
  await page.locator('[data-testid="file-row"][data-path="many"]').waitFor({ timeout: 30_000 })
}

/**
 * Waits for a promise the probe hands out. Not page.waitForFunction: it evaluates its predicate with eval, which
 * the app's Content-Security-Policy (script-src 'self') refuses; page.evaluate goes through DevTools instead.
 */
async function untilInPage(page: Page, expression: string, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${timeoutMs / 1000} s for ${what}`)), timeoutMs)
  })
  try {
    await Promise.race([page.evaluate(expression), late])
  } finally {
    clearTimeout(timer)
  }
}

async function probe(page: Page): Promise<ProbeState> {
  return (await page.evaluate(
    '({ ...window.__ferryBench, clicks: [...window.__ferryBench.clicks], now: performance.now() })',
  )) as ProbeState
}

function active(t: TransferInfo | undefined): boolean {
  return t === undefined || t.state === 'queued' || t.state === 'running'
}

/** Why the section cannot run here, or null. */
async function whySkip(chromiumPath: string): Promise<string | null> {
  try {
    await access(chromiumPath, constants.X_OK)
  } catch {
    return `no Chromium at ${chromiumPath} (install Debian's chromium, or set FERRY_CHROMIUM)`
  }
  try {
    await access(join(RENDERER_DIR, 'index.html'))
  } catch {
    return 'out/renderer is missing: run `npm run build` first (the bench builds nothing)'
  }
  return null
}

/** A note when a renderer or preload source is newer than the build the page will run. */
async function staleBuild(): Promise<string | null> {
  const built = (await stat(join(RENDERER_DIR, 'index.html'))).mtimeMs
  let newest = { path: '', mtimeMs: 0 }
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) {
        const { mtimeMs } = await stat(path)
        if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs }
      }
    }
  }
  for (const dir of RENDERER_SOURCES) await walk(dir)
  if (newest.mtimeMs <= built) return null
  return (
    `${newest.path.slice(REPO_ROOT.length)} changed after out/renderer was built: the page runs that build ` +
    '(`npm run build` to refresh it)'
  )
}

/** The section's lines for the summary. */
export function formatManyUiReport(report: ManyUiReport): string {
  const what = `${report.files.toLocaleString('en-US')} x ${formatBytes(report.fileBytes)}`
  if (report.skipped) return `many-ui (${what} download in browser mode): not measured, ${report.skipped}`
  const lines = [
    `many-ui: ${what} folder download in browser mode (${report.browser ?? 'Chromium'}), ` +
      `${report.jobs.length} job${report.jobs.length === 1 ? '' : 's'}, section ${report.seconds} s`,
  ]
  const during = report.duringJob
  lines.push(
    during
      ? `  click on another tab to its view rendered, ${during.count} clicks during the job${report.jobs.length > 1 ? 's' : ''}: ${formatLatency(during)}`
      : `  click to render: no click landed while a job ran (${report.clicks.length} clicks)`,
  )
  const outside = report.clicks.length - (during?.count ?? 0)
  if (outside > 0) lines.push(`  (${outside} more clicks came after a job had ended: not counted)`)
  if (during && during.count < report.clicksRequested)
    lines.push(`  (${report.clicksRequested} clicks asked for: the jobs ended first)`)
  const inputDelay = latencySummary(report.clicks.filter(duringJob).map((c) => c.inputDelayMs))
  if (inputDelay)
    lines.push(`  of that, input delay (the click waiting for the main thread): ${formatLatency(inputDelay)}`)
  if (report.stalls)
    lines.push(
      report.stalls.count === 0
        ? '  page main thread during the jobs: no long task (none over 50 ms)'
        : `  page main thread during the jobs: longest stall ${formatMs(report.stalls.longestMs)} ms, ` +
            `${report.stalls.count} long tasks (> 50 ms) adding up to ${formatMs(report.stalls.totalMs)} ms`,
    )
  for (const [i, job] of report.jobs.entries()) lines.push(`  ${jobLine(i + 1, job, report.files)}`)
  for (const note of report.notes) lines.push(`  note: ${note}`)
  return lines.join('\n')
}

function rate(files: number, ms: number): string {
  return `${formatRate(ms > 0 ? (files * 1000) / ms : 0)} files/s`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
