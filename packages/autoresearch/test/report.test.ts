import { mkdtempSync, readFileSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { chartPoints, renderChartSvg } from "../src/report/chart.js"
import { findChromium } from "../src/report/chromium.js"
import { renderHtmlReport } from "../src/report/html.js"
import { writeReport } from "../src/report/write-report.js"
import { summarize } from "../src/results/summary.js"
import { record, sampleRun } from "./fixtures.js"

const circles = (svg: string) => [...svg.matchAll(/<circle class="point (\w+)" data-id="(\d+)" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => ({ kind: m[1], id: Number(m[2]), cx: Number(m[3]), cy: Number(m[4]) }))

describe("renderChartSvg", () => {
  const svg = renderChartSvg(sampleRun)

  it("plots one point per non-crash experiment, by kind", () => {
    expect(chartPoints(sampleRun)).toHaveLength(4)
    expect(circles(svg).map((c) => [c.id, c.kind]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, "baseline"],
      [2, "kept"],
      [3, "discarded"],
      [5, "kept"]
    ])
  })

  it("puts the baseline at the left and lower val_bpb lower on the page", () => {
    const points = circles(svg)
    const byId = new Map(points.map((p) => [p.id, p]))
    expect(Math.min(...points.map((p) => p.cx))).toBe(byId.get(1)!.cx)
    expect(byId.get(5)!.cy).toBeGreaterThan(byId.get(2)!.cy)
    expect(byId.get(2)!.cy).toBeGreaterThan(byId.get(1)!.cy)
  })

  it("labels kept points with their description and draws the running best", () => {
    expect(svg).toContain(">MATRIX_LR 0.04 → 0.06</text>")
    expect(svg).not.toContain(">DEPTH 4 → 6</text>")
    expect(svg).toMatch(/<path class="running-best" d="M[\d.]+,[\d.]+ H/)
  })

  it("is well-formed XML that escapes descriptions", () => {
    const nasty = renderChartSvg([record(1, "keep", 1, "baseline"), record(2, "keep", 0.9, `a<b & "c"`)])
    expect(nasty).toContain("a&lt;b &amp; &quot;c&quot;")
    expect(nasty.startsWith("<svg")).toBe(true)
  })

  it("says so when nothing was measured yet", () => {
    expect(renderChartSvg([record(1, "crash", null, "baseline")])).toContain("no measured experiments yet")
  })
})

describe("reports", () => {
  it("writes a self-contained HTML report with the chart and every experiment", () => {
    const html = renderHtmlReport(summarize("test", sampleRun), sampleRun, { program: "# go <fast>", diffs: new Map([[2, "-const MATRIX_LR = 0.04\n+const MATRIX_LR = 0.06 // <x>"]]) })
    expect(html).toContain("+const MATRIX_LR = 0.06 // &lt;x&gt;")
    expect(html).toContain("<svg")
    expect(html).not.toMatch(/<script|<link|src="http/)
    expect((html.match(/<tr class=/g) ?? []).length).toBe(5)
    expect(html).toContain("# go &lt;fast&gt;")
    expect(html).toContain("loss is NaN")
  })

  it("writes SVG, HTML and (with Chromium) a PNG", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ar-report-"))
    const chromium = findChromium()
    const files = await writeReport({ tag: "test", records: sampleRun, outDir, ...(chromium ? { chromium } : {}) })
    expect(files.points).toBe(4)
    expect(readFileSync(files.svg, "utf8")).toContain("<svg")
    expect(existsSync(files.html)).toBe(true)
    if (chromium === undefined) {
      console.warn("chromium not found: PNG rendering not exercised")
      expect(files.pngSkipped).toMatch(/no Chromium found/)
    } else {
      const png = readFileSync(files.png!)
      expect(png.subarray(1, 4).toString()).toBe("PNG")
      expect(png.readUInt32BE(16)).toBe(1200) // IHDR width
    }
  })
})
