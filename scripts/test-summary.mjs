// Prints one closing line for the whole run, 'N passed, N failed, N skipped', from the vitest and Playwright JSON
// reports, so CI (and a person) can read the totals without scrolling through two runners' output.
import { readFileSync, existsSync } from 'node:fs'

function read(path) {
  if (!existsSync(path)) {
    console.error(`test-summary: missing ${path}`)
    process.exit(1)
  }
  return JSON.parse(readFileSync(path, 'utf8'))
}

const unit = read('reports/vitest.json')
const e2e = read('reports/playwright.json')
const unitPassed = unit.numPassedTests
const unitFailed = unit.numFailedTests
const unitSkipped = unit.numPendingTests + (unit.numTodoTests ?? 0)
const e2ePassed = e2e.stats.expected + e2e.stats.flaky
const e2eFailed = e2e.stats.unexpected
const e2eSkipped = e2e.stats.skipped
console.log(`unit: ${unitPassed} passed, ${unitFailed} failed, ${unitSkipped} skipped`)
console.log(
  `e2e: ${e2ePassed} passed, ${e2eFailed} failed, ${e2eSkipped} skipped (Electron-only specs skip without an Electron binary)`,
)
console.log(
  `${unitPassed + e2ePassed} passed, ${unitFailed + e2eFailed} failed, ${unitSkipped + e2eSkipped} skipped`,
)
process.exit(unitFailed + e2eFailed > 0 || unitPassed + e2ePassed === 0 ? 1 : 0)
