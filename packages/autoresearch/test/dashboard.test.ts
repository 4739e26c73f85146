// The dashboard in a real browser: headless Chromium (driven by playwright-core) opens the
// page while a run is going (the real loop, git workspace and store; scripted agent and
// trainer doubles so it takes seconds), and must show each new row as it is recorded.
import { existsSync, mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { chromium, type Browser } from "playwright-core"
import { ScriptedAgent, ScriptedTrainer } from "@autoresearch/core/test"
import { startDashboard } from "../src/dashboard/server.js"
import { findChromium, headlessArgs } from "./chromium.js"
import { runResearch } from "../src/run-research.js"
import { cli } from "./cli-helpers.js"

const executablePath = findChromium()

describe.skipIf(executablePath === undefined)("dashboard in headless Chromium", () => {
  let browser: Browser | undefined
  afterAll(async () => {
    await browser?.close()
  })

  it("follows a live run: the current experiment and its diff, then a new row and a new chart point", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "ar-dash-")), "ws")
    expect((await cli(["init", dir], tmpdir())).code).toBe(0)
    const agent = ScriptedAgent.make([
      { description: "MATRIX_LR 0.04 → 0.06", edits: [{ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" }] },
      { description: "DEPTH 2 → 3", edits: [{ path: "train.ts", old: "const DEPTH = 2", new: "const DEPTH = 3" }] }
    ])
    // TEST DOUBLE trainer: each run takes 1.5 s and returns the scripted val_bpb
    const trainer = ScriptedTrainer.make([2.5, 2.4, 2.45], { delayMs: 1500 })
    const dashboard = await startDashboard({ workspace: dir, tag: "live", port: 0, pollMs: 100 })
    try {
      const run = runResearch({ dir, tag: "live", budgetSeconds: 1, maxExperiments: 3, noiseRepeats: 0, maxConfirmations: 0, agent: agent.layer, trainer: trainer.layer })
      browser = await chromium.launch({ executablePath, args: headlessArgs.filter((flag) => flag !== "--headless") })
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
      await page.goto(dashboard.url)
      await page.waitForSelector('tr[data-id="1"]', { timeout: 20_000 })
      expect(await page.locator("#rows tr").count()).toBe(1)

      // experiment 2 is running: its description and diff are on the page
      await expect.poll(() => page.textContent("#cur-title"), { timeout: 10_000 }).toContain("MATRIX_LR 0.04 → 0.06")
      expect(await page.textContent("#diff")).toContain("+const MATRIX_LR = 0.06")

      // then its row appears, kept, and the chart is re-fetched with two points
      await page.waitForSelector('tr[data-id="2"]', { timeout: 10_000 })
      expect(await page.textContent('tr[data-id="2"]')).toMatch(/2\.400000.*keep.*MATRIX_LR/)
      await expect.poll(() => page.getAttribute("#chart", "src")).toBe("/chart.svg?n=2")
      const shot = join(dir, "dashboard.png")
      await page.screenshot({ path: shot, fullPage: true })
      expect(existsSync(shot) && statSync(shot).size > 5000).toBe(true)

      const summary = await run
      expect(summary.experiments).toBe(3)
      await page.waitForSelector('tr[data-id="3"]', { timeout: 10_000 })
      await expect.poll(() => page.textContent("#status")).toContain("stopped")
      const svg = await (await page.request.get(new URL("/chart.svg", dashboard.url).href)).text()
      expect(svg.match(/<circle class="point /g) ?? []).toHaveLength(3)
    } finally {
      await dashboard.close()
    }
  })
})

if (executablePath === undefined) {
  console.warn("dashboard browser test skipped: no Chromium found (install chromium or set AUTORESEARCH_CHROMIUM)")
}
