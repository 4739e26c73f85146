// The dashboard in a real browser: headless Chromium (driven by playwright-core) opens the
// page while a run is writing its files, and must show a new row when an experiment finishes.
import { existsSync, mkdirSync, mkdtempSync, statSync, appendFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { chromium, type Browser } from "playwright-core"
import { Schema } from "effect"
import { ExperimentRecord } from "@autoresearch/core"
import { startDashboard } from "../src/dashboard/server.js"
import { eventLogWriter, eventsFile } from "../src/events/event-log.js"
import { findChromium, headlessArgs } from "../src/report/chromium.js"
import { record } from "./fixtures.js"

const executablePath = findChromium()
const appendRecord = (file: string, entry: ExperimentRecord) =>
  appendFileSync(file, `${JSON.stringify(Schema.encodeSync(ExperimentRecord)(entry))}\n`)

describe.skipIf(executablePath === undefined)("dashboard in headless Chromium", () => {
  let browser: Browser | undefined
  afterAll(async () => {
    await browser?.close()
  })

  it("follows a live run: progress, diff, then a new row and a new chart point", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "ar-dash-"))
    const dir = join(workspace, "runs", "live")
    mkdirSync(dir, { recursive: true })
    const records = join(dir, "experiments.jsonl")
    const emit = eventLogWriter(eventsFile(dir), 0)
    emit({ _tag: "LoopStarted", tag: "live", resumedAfter: 0, bestCommit: "0000001" })
    appendRecord(records, record(1, "keep", 2.5, "baseline"))
    emit({ _tag: "ExperimentStarted", id: 2, baseline: false, parent: "0000001" })
    emit({ _tag: "ProposalReady", id: 2, description: "MATRIX_LR 0.04 → 0.06", diff: "--- a/train.ts\n+++ b/train.ts\n@@ -1 +1 @@\n-const MATRIX_LR = 0.04\n+const MATRIX_LR = 0.06" })
    emit({ _tag: "TrainingProgress", id: 2, step: 12, loss: 5.4321, progress: 0.4, tokensPerSec: 1500, remainingSeconds: 30 })

    const dashboard = await startDashboard({ workspace, tag: "live", port: 0, pollMs: 100 })
    try {
      browser = await chromium.launch({ executablePath, args: headlessArgs.filter((flag) => flag !== "--headless") })
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
      await page.goto(dashboard.url)
      await page.waitForSelector('tr[data-id="1"]')
      await expect.poll(() => page.textContent("#cur-title")).toContain("MATRIX_LR 0.04 → 0.06")
      expect(await page.textContent("#cur-stats")).toContain("step 12 · 40% · loss 5.4321")
      expect(await page.textContent("#diff")).toContain("+const MATRIX_LR = 0.06")
      expect(await page.locator("#rows tr").count()).toBe(1)

      // the run finishes experiment 2 while the page is open
      const finished = record(2, "keep", 2.4, "MATRIX_LR 0.04 → 0.06")
      appendRecord(records, finished)
      emit({ _tag: "ExperimentFinished", record: finished })
      await page.waitForSelector('tr[data-id="2"]', { timeout: 10_000 })
      expect(await page.textContent('tr[data-id="2"]')).toContain("2.400000")
      expect(await page.locator("#current").isHidden()).toBe(true)

      // the chart image was re-fetched with the new point
      await expect.poll(() => page.getAttribute("#chart", "src")).toBe("/chart.svg?n=2")
      const svg = await (await page.request.get(new URL("/chart.svg", dashboard.url).href)).text()
      expect((svg.match(/class="point /g) ?? []).length).toBe(2)

      const shot = join(workspace, "dashboard.png")
      await page.screenshot({ path: shot, fullPage: true })
      expect(existsSync(shot) && statSync(shot).size > 5000).toBe(true)
    } finally {
      await dashboard.close()
    }
  })
})

if (executablePath === undefined) {
  console.warn("dashboard browser test skipped: no Chromium found (install chromium or set AUTORESEARCH_CHROMIUM)")
}
