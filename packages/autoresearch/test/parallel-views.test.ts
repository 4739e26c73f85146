// A parallel run's workers, jobs in flight and timeline in `results` (text and --json), `report`
// (HTML, timeline SVG and PNG) and `dashboard` (state, /timeline.svg, and the page in Chromium),
// read from runs/<tag>/jobs.jsonl as the coordinator writes it. The run is hand-written: two
// workers, #3's first worker died (its claim was lost and w-b re-ran it), #6 still training.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inflateSync } from "node:zlib"
import { ExperimentRecord } from "@autoresearch/core"
import type { JobEvent } from "@autoresearch/distributed"
import { Schema } from "effect"
import { chromium } from "playwright-core"
import { describe, expect, it } from "vitest"
import { startDashboard } from "../src/dashboard/server.js"
import { summarizeJobs } from "../src/results/parallel.js"
import { renderParallel } from "../src/results/parallel-table.js"
import { findChromium, headlessArgs } from "./chromium.js"
import { cli } from "./cli-helpers.js"
import { sampleRun } from "./fixtures.js"

// The run started 50 s ago (the CLI's views draw in-flight jobs up to the real now).
const base = Math.floor(Date.now() / 1000) * 1000 - 50_000
const at = (second: number) => new Date(base + second * 1000).toISOString()
const clock = (second: number) => at(second).slice(11, 19)
const offered = (n: number, s: number, description = `change ${n}`): JobEvent => ({ _tag: "Offered", jobId: `abc-${n}`, experiment: n, round: 0, at: at(s), description })
const claimed = (n: number, claim: number, worker: string, s: number): JobEvent => ({ _tag: "Claimed", jobId: `abc-${n}`, experiment: n, claim, worker, at: at(s) })
const finished = (n: number, claim: number, worker: string, s: number, e: number, valBpb?: number): JobEvent => ({
  _tag: "Finished", jobId: `abc-${n}`, experiment: n, worker, claim, startedAt: at(s), finishedAt: at(e), outcome: valBpb === undefined ? "crash" : "success",
  ...(valBpb !== undefined ? { valBpb } : {})
})

/** sampleRun's five experiments on two workers, then #6 in flight on w-a. */
const events: ReadonlyArray<JobEvent> = [
  offered(1, 0, "baseline"), claimed(1, 1, "w-a", 0), finished(1, 1, "w-a", 0, 10, 2.5),
  offered(2, 10), offered(3, 10), claimed(2, 1, "w-b", 10), claimed(3, 1, "w-a", 10),
  finished(2, 1, "w-b", 10, 20, 2.4),
  offered(4, 20), claimed(4, 1, "w-b", 20), claimed(3, 2, "w-b", 30), // w-a died on #3: its lease ran out at 30 s
  finished(4, 1, "w-b", 20, 30), finished(3, 2, "w-b", 30, 40, 2.45),
  offered(5, 30), claimed(5, 1, "w-a", 31), finished(5, 1, "w-a", 31, 41, 2.35),
  offered(6, 41), claimed(6, 1, "w-a", 42)
]
const now = new Date(at(50))

const workspaceWithParallelRun = async () => {
  const dir = mkdtempSync(join(tmpdir(), "ar-par-views-"))
  expect((await cli(["init", dir], dir)).code).toBe(0)
  const run = join(dir, "runs", "night")
  mkdirSync(run, { recursive: true })
  for (const entry of sampleRun) appendFileSync(join(run, "experiments.jsonl"), `${JSON.stringify(Schema.encodeSync(ExperimentRecord)(entry))}\n`)
  appendFileSync(join(run, "jobs.jsonl"), events.map((e) => `${JSON.stringify(e)}\n`).join(""))
  return { dir, run }
}

describe("a parallel run's workers and timeline", () => {
  it("folds the job log: per worker jobs, lost claims and busy time; the jobs in flight; one bar per claim", () => {
    const summary = summarizeJobs(events, now)
    expect(summary).toMatchObject({ jobs: 6, finished: 5, start: at(0), end: at(50) })
    expect(summary.workers).toEqual([
      { name: "w-a", jobs: 2, lostClaims: 1, busySeconds: 10 + 20 + 10 + 8, running: { jobId: "abc-6", experiment: 6, since: at(42) } },
      { name: "w-b", jobs: 3, lostClaims: 0, busySeconds: 30, running: null }
    ])
    expect(summary.inFlight).toEqual([{ jobId: "abc-6", experiment: 6, round: 0, description: "change 6", offeredAt: at(41), worker: "w-a", claim: 1, claimedAt: at(42) }])
    expect(summary.retried).toEqual([{ jobId: "abc-3", experiment: 3, workers: ["w-a", "w-b"] }])
    expect(summary.timeline.filter((bar) => bar.experiment === 3)).toEqual([
      { jobId: "abc-3", experiment: 3, round: 0, worker: "w-a", claim: 1, start: at(10), end: at(30), outcome: "lost", valBpb: null },
      { jobId: "abc-3", experiment: 3, round: 0, worker: "w-b", claim: 2, start: at(30), end: at(40), outcome: "success", valBpb: 2.45 }
    ])
    expect(summary.timeline.find((bar) => bar.experiment === 6)).toMatchObject({ outcome: "running", end: null })
  })

  it("draws one lane per worker in the text view", () => {
    const text = renderParallel(summarizeJobs(events, now), { width: 50, now })
    expect(text).toContain("parallel: 6 jobs, 5 finished, 1 in flight, on 2 workers")
    expect(text).toMatch(new RegExp(`w-a\\s+2\\s+1\\s+96%\\s+#6 since ${clock(42)} \\(8\\.0 s\\)`))
    expect(text).toContain(`#6  w-a since ${clock(42)}  change 6`)
    expect(text).toContain("retried: #3 claimed 2 times (w-a → w-b)")
    // 50 columns over 50 s: w-a trains #1, loses #3 from 10 to 30 s (×), trains #5 and runs #6; w-b's #4 crashed (▒).
    expect(text).toContain(`  w-a  ${"█".repeat(10)}${"×".repeat(20)}·${"█".repeat(10)}·${"▶".repeat(8)}`)
    expect(text).toContain(`  w-b  ${"·".repeat(10)}${"█".repeat(10)}${"▒".repeat(10)}${"█".repeat(10)}${"·".repeat(10)}`)
  })

  it("`results` shows them under the table, and --json carries them", async () => {
    const { dir } = await workspaceWithParallelRun()
    const text = await cli(["results"], dir)
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain("run night: 5 experiments")
    expect(text.stdout).toContain("parallel: 6 jobs, 5 finished, 1 in flight, on 2 workers")
    expect(text.stdout).toContain("retried: #3 claimed 2 times (w-a → w-b)")
    const json = JSON.parse((await cli(["results", "--json"], dir)).stdout)
    expect(json.rows).toHaveLength(5)
    expect(json.parallel.workers.map((w: { name: string }) => w.name)).toEqual(["w-a", "w-b"])
    expect(json.parallel.inFlight[0]).toMatchObject({ experiment: 6, worker: "w-a" })
    expect(json.parallel.timeline).toHaveLength(7)
  })

  it("`report` writes the Workers section and the timeline as SVG and PNG", async () => {
    const { dir } = await workspaceWithParallelRun()
    const result = await cli(["report", "--json"], dir)
    expect(result.code, result.stderr).toBe(0)
    const files = JSON.parse(result.stdout)
    const html = readFileSync(files.html, "utf8")
    expect(html).toContain("<h2>Workers</h2>")
    expect(html).toMatch(/<tr><td><code>w-a<\/code><\/td><td>2<\/td><td>1<\/td>/)
    expect(html).toContain("Retried (a worker died and the job went to another after its lease): #3 (w-a → w-b)")
    const svg = readFileSync(files.timeline.svg, "utf8")
    expect(svg.match(/class="bar /g)).toHaveLength(7)
    expect(svg).toContain('class="bar lost"')
    const image = decodePng(readFileSync(files.timeline.png))
    expect(image.width).toBe(1200)
    // The bars are drawn: kept green (#2ca02c) and the running blue (#1f6feb) are in the picture.
    expect(countColour(image, [0x2c, 0xa0, 0x2c])).toBeGreaterThan(500)
    expect(countColour(image, [0x1f, 0x6f, 0xeb])).toBeGreaterThan(100)
  })

  it("`dashboard` follows the job log: workers and jobs in flight in its state, the timeline at /timeline.svg", async () => {
    const { dir, run } = await workspaceWithParallelRun()
    const dashboard = await startDashboard({ workspace: dir, tag: "night", port: 0, pollMs: 50 })
    try {
      const state = async () => (await (await fetch(`${dashboard.url}state`)).json()) as { parallel: ReturnType<typeof summarizeJobs> }
      await expect.poll(async () => (await state()).parallel?.inFlight.map((j) => j.worker), { timeout: 10_000 }).toEqual(["w-a"])
      expect((await state()).parallel.workers.map((w) => w.name)).toEqual(["w-a", "w-b"])
      const svg = await (await fetch(`${dashboard.url}timeline.svg`)).text()
      expect(svg.match(/class="bar /g)).toHaveLength(7)
      // #6 finishes: nothing in flight any more.
      appendFileSync(join(run, "jobs.jsonl"), `${JSON.stringify(finished(6, 1, "w-a", 42, 52, 2.3))}\n`)
      await expect.poll(async () => (await state()).parallel.inFlight.length, { timeout: 10_000 }).toBe(0)

      const executablePath = findChromium()
      if (executablePath === undefined) return console.warn("no Chromium on PATH: the dashboard page itself is not checked in a browser")
      const browser = await chromium.launch({ executablePath, args: headlessArgs })
      try {
        const page = await browser.newPage()
        await page.goto(dashboard.url)
        await page.waitForSelector("#workers tr", { timeout: 10_000 })
        expect(await page.locator("#workers tr").count()).toBe(2)
        expect(await page.textContent("#par-totals")).toContain("6 jobs · 6 finished · 0 in flight · 2 workers · 1 retried")
        await expect.poll(() => page.getAttribute("#timeline", "src")).toMatch(/^\/timeline\.svg\?k=/)
        expect(await page.isVisible("#parallel")).toBe(true)
      } finally {
        await browser.close()
      }
    } finally {
      await dashboard.close()
    }
  }, 60_000)

  it("a sequential run has no job log: nothing parallel is shown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ar-par-views-"))
    expect((await cli(["init", dir], dir)).code).toBe(0)
    mkdirSync(join(dir, "runs", "seq"), { recursive: true })
    for (const entry of sampleRun) appendFileSync(join(dir, "runs", "seq", "experiments.jsonl"), `${JSON.stringify(Schema.encodeSync(ExperimentRecord)(entry))}\n`)
    const text = await cli(["results"], dir)
    expect(text.stdout).not.toContain("parallel:")
    expect(JSON.parse((await cli(["results", "--json"], dir)).stdout).parallel).toBeUndefined()
    expect(JSON.parse((await cli(["report", "--json", "--svg-only"], dir)).stdout).timeline).toBeNull()
  })
})

/** Just enough of a PNG decoder for resvg's 8-bit RGBA output. */
const decodePng = (png: Buffer) => {
  let offset = 8
  let width = 0
  let height = 0
  const idat: Array<Buffer> = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString("latin1", offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === "IHDR") [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)]
    if (type === "IDAT") idat.push(data)
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? pixels[y * stride + i - 4]! : 0
      const up = y > 0 ? pixels[(y - 1) * stride + i]! : 0
      const upLeft = i >= 4 && y > 0 ? pixels[(y - 1) * stride + i - 4]! : 0
      const p = left + up - upLeft
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft
      pixels[y * stride + i] = (raw[y * (stride + 1) + 1 + i]! + [0, left, up, (left + up) >> 1, paeth][filter]!) & 0xff
    }
  }
  return { width, height, pixels }
}

const countColour = (image: ReturnType<typeof decodePng>, rgb: readonly [number, number, number]) => {
  let count = 0
  for (let i = 0; i < image.pixels.length; i += 4) if (image.pixels[i] === rgb[0] && image.pixels[i + 1] === rgb[1] && image.pixels[i + 2] === rgb[2]) count++
  return count
}
