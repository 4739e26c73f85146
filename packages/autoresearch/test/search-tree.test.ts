// The search tree of a best-first run, from its records: in `results --json` (summarize) and
// drawn in the report (SVG, PNG, HTML). A greedy run's report draws no tree.
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { experimentRecord } from "@autoresearch/core/test"
import { describe, expect, it } from "vitest"
import { renderHtmlReport } from "../src/report/html.js"
import { writeReport } from "../src/report/write-report.js"
import { summarize } from "../src/results/summary.js"
import { sampleRun } from "./fixtures.js"

const hex = (n: number) => n.toString(16).padStart(40, "0")
/** Baseline r(2.0) → a(1.90, best then); b(1.92) off r; b1(1.89, new best) off b; a discard off a. */
const bestFirstRun = [
  { ...experimentRecord({ id: 1, description: "baseline", status: "keep", valBpb: 2.0, parent: hex(1), commit: hex(1) }) },
  { ...experimentRecord({ id: 2, description: "a", status: "keep", valBpb: 1.9, parent: hex(1), commit: hex(2) }), advancesBest: true },
  { ...experimentRecord({ id: 3, description: "a.1", status: "discard", valBpb: 1.95, parent: hex(2), commit: hex(3) }) },
  { ...experimentRecord({ id: 4, description: "b", status: "keep", valBpb: 1.92, parent: hex(1), commit: hex(4) }), advancesBest: false },
  { ...experimentRecord({ id: 5, description: "b.1", status: "keep", valBpb: 1.89, parent: hex(4), commit: hex(5) }), advancesBest: true }
]

describe("the search tree", () => {
  it("is in the results: each kept node with its parent, depth, visits and the way to the best", () => {
    const summary = summarize("t", bestFirstRun)
    expect(summary.bestBpb).toBe(1.89)
    expect(summary.rows.map((row) => row.bestAfter)).toEqual([2.0, 1.9, 1.9, 1.9, 1.89])
    expect(summary.tree.map(({ id, parent, depth, visits, onBestPath }) => ({ id, parent, depth, visits, onBestPath }))).toEqual([
      { id: 1, parent: null, depth: 0, visits: 2, onBestPath: true },
      { id: 2, parent: 1, depth: 1, visits: 1, onBestPath: false },
      { id: 4, parent: 1, depth: 1, visits: 1, onBestPath: true },
      { id: 5, parent: 4, depth: 2, visits: 0, onBestPath: true }
    ])
  })

  it("is drawn in the report of a branching run (SVG, PNG, HTML), and not for a greedy one", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ar-tree-"))
    const files = await writeReport({ tag: "t", records: bestFirstRun, outDir })
    const svg = readFileSync(files.tree!.svg, "utf8")
    expect([...svg.matchAll(/class="node" data-id="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([1, 2, 4, 5])
    expect([...svg.matchAll(/class="edge" data-from="(\d+)" data-to="(\d+)"/g)].map((m) => `${m[1]}→${m[2]}`)).toEqual(["1→2", "1→4", "4→5"])
    expect(svg).toContain("best #5 at 1.890000")
    expect(readFileSync(files.tree!.png!).subarray(1, 4).toString()).toBe("PNG")
    expect(readFileSync(files.html, "utf8")).toContain("Search tree")
    const greedy = await writeReport({ tag: "t", records: sampleRun, outDir: mkdtempSync(join(tmpdir(), "ar-tree-")), png: false })
    expect(greedy.tree).toBeNull()
    expect(existsSync(join(outDir, "tree.svg"))).toBe(true)
    expect(renderHtmlReport(summarize("t", sampleRun), sampleRun)).not.toContain("Search tree")
  })
})
