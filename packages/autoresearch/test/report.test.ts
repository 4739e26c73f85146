import { mkdtempSync, readFileSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inflateSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { chartPoints, renderChartSvg } from "../src/report/chart.js"
import { renderThroughputSvg, throughputPoints } from "../src/report/throughput-chart.js"
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
    // Throughput per run: a column and its own chart (older records: from the metrics, no load).
    expect(html).toContain("<th>FLOP/s</th><th>load</th>")
    expect(html).toContain("<h2>Throughput per run</h2>")
    expect((html.match(/<circle class="run"/g) ?? []).length).toBe(4)
  })

  it("draws every run's throughput and load, a disturbed run in red", () => {
    const runs = (id: number, disturbed: boolean) => [
      { kind: "run" as const, log: `${id}.log`, valBpb: 2.4, throughput: disturbed ? 1e11 : 2e11, loadStart: 1, loadEnd: disturbed ? 9 : 1.5, ...(disturbed ? { disturbed } : {}) },
      { kind: "rerun" as const, log: `${id}-rerun.log`, valBpb: 2.4, throughput: 2e11, loadStart: 2, loadEnd: 2 }
    ]
    const records = [record(1, "keep", 2.5, "baseline", { runs: runs(1, false).slice(0, 1) }), record(2, "keep", 2.4, "x", { runs: runs(2, true) })]
    const svg = renderThroughputSvg(records)
    expect(throughputPoints(records).map((point) => [point.log, point.disturbed])).toEqual([["1.log", false], ["2.log", true], ["2-rerun.log", false]])
    expect((svg.match(/<circle class="run disturbed"/g) ?? []).length).toBe(1)
    expect(svg).toContain('<polyline class="load"')
    expect(svg).toContain("#2 2.log: 100GFLOP/s, load 9.00")
  })

  it("writes SVG, HTML and a PNG with its text drawn, without a browser or system fonts", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ar-report-"))
    // no browser on PATH and no fontconfig: the PNG must not depend on either
    const saved = { PATH: process.env.PATH, FONTCONFIG_FILE: process.env.FONTCONFIG_FILE }
    process.env.PATH = ""
    process.env.FONTCONFIG_FILE = "/nonexistent"
    const files = await writeReport({ tag: "test", records: sampleRun, outDir }).finally(() => Object.assign(process.env, saved))
    expect(files.points).toBe(4)
    expect(readFileSync(files.svg, "utf8")).toContain("<svg")
    expect(existsSync(files.html)).toBe(true)
    expect(files.pngSkipped).toBeNull()
    const png = readFileSync(files.png!)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.length).toBeGreaterThan(20_000)
    const image = decodePng(png)
    expect([image.width, image.height]).toEqual([1200, 600])
    // the title (dark text centred at y≈28) and the y-axis labels are drawn: dark pixels there
    expect(darkPixels(image, { x0: 300, x1: 900, y0: 10, y1: 36 })).toBeGreaterThan(500)
    expect(darkPixels(image, { x0: 20, x1: 72, y0: 50, y1: 540 })).toBeGreaterThan(200)
    // the white background
    expect(pixel(image, 5, 5)).toEqual([255, 255, 255, 255])
  })
})

/** A minimal decoder for the 8-bit RGBA, non-interlaced PNGs resvg writes. */
const decodePng = (png: Buffer) => {
  let offset = 8
  let width = 0
  let height = 0
  const idat: Array<Buffer> = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString("latin1", offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + length)
    if (type === "IHDR") {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]) // 8 bits, RGBA, not interlaced
    }
    if (type === "IDAT") idat.push(data)
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let i = 0; i < stride; i++) {
      const value = raw[y * (stride + 1) + 1 + i]!
      const left = i >= 4 ? pixels[y * stride + i - 4]! : 0
      const up = y > 0 ? pixels[(y - 1) * stride + i]! : 0
      const upLeft = i >= 4 && y > 0 ? pixels[(y - 1) * stride + i - 4]! : 0
      const paeth = () => {
        const p = left + up - upLeft
        const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)]
        return a <= b && a <= c ? left : b <= c ? up : upLeft
      }
      const predicted = [0, left, up, (left + up) >> 1, paeth()][filter]!
      pixels[y * stride + i] = (value + predicted) & 0xff
    }
  }
  return { width, height, pixels }
}

type Image = ReturnType<typeof decodePng>

const pixel = (image: Image, x: number, y: number) => [...image.pixels.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)]

const darkPixels = (image: Image, box: { x0: number; x1: number; y0: number; y1: number }) => {
  let count = 0
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) if (pixel(image, x, y).slice(0, 3).every((channel) => channel < 128)) count++
  return count
}
