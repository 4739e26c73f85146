import { describe, expect, it } from "vitest"
import { parseRecords } from "../src/results/records.js"
import { summarize } from "../src/results/summary.js"
import { renderTable } from "../src/results/table.js"
import { UserError } from "../src/user-error.js"
import { record, sampleRun } from "./fixtures.js"

describe("summarize", () => {
  const summary = summarize("test", sampleRun)

  it("counts outcomes and the keep rate over changes (not the baseline)", () => {
    expect(summary).toMatchObject({ experiments: 5, kept: 2, discarded: 1, crashed: 1, invalid: 0 })
    // 4 changes, 2 of them kept
    expect(summary.keepRate).toBe(0.5)
  })

  it("tracks the baseline, the best and the improvement", () => {
    expect(summary.baselineBpb).toBe(2.5)
    expect(summary.bestBpb).toBe(2.35)
    expect(summary.bestCommit).toBe("0000005")
    expect(summary.bestDescription).toBe("WARMDOWN_RATIO 0.5 → 0.6")
    expect(summary.improvement).toBeCloseTo(0.15, 10)
    expect(summary.improvementPercent).toBeCloseTo(6, 10)
  })

  it("gives each row its delta against the best before it", () => {
    expect(summary.rows.map((row) => row.deltaVsBest)).toEqual([null, expect.closeTo(-0.1, 10), expect.closeTo(0.05, 10), null, expect.closeTo(-0.05, 10)])
    expect(summary.rows.map((row) => row.bestAfter)).toEqual([2.5, 2.4, 2.4, 2.4, 2.35])
    expect(summary.rows[3]!.failure).toBe("nan: loss is NaN")
  })

  it("shows the noise floor and confirmation re-runs when the run measured them", () => {
    const noisy = [
      record(1, "keep", 2.5, "baseline", { noise: { samples: [2.5, 2.51, 2.49], std: 0.01 }, threshold: 0.02 }),
      record(2, "keep", 2.4, "MATRIX_LR 0.04 → 0.06", { threshold: 0.02, confirmation: { valBpb: 2.41, confirmed: true } }),
      record(3, "discard", 2.39, "DEPTH 2 → 3", { threshold: 0.02, confirmation: { valBpb: 2.45, confirmed: false } })
    ]
    const text = renderTable(summarize("noisy", noisy))
    expect(text).toContain("noise floor: std 0.010000 over 3 baseline runs; a change must beat the best by 0.020000")
    expect(text).toContain("confirmation re-runs: 1 of 2 candidate keeps confirmed")
    expect(summarize("noisy", noisy).noise).toEqual({ samples: [2.5, 2.51, 2.49], std: 0.01 })
  })

  it("measures the gain on the means of every run of the baseline and the best, not on their first runs", () => {
    const commit = (id: number) => `${String(id).padStart(7, "0")}bbbbbbbb`
    const evidence = (candidateRuns: Array<number>, bestReruns: Array<number>) => ({ candidateRuns, bestReruns, bestRuns: [], margin: 0.05, sigma: 0.02, dof: 4, bar: 0.01 })
    const repeated = [
      record(1, "keep", 2.1, "baseline", { noise: { samples: [2.1, 2.08, 2.12], std: 0.02 } }),
      // A slow first draw, confirmed by a paired run; the baseline re-ran beside it.
      record(2, "keep", 2.0, "DEPTH 2 → 1", { parent: commit(1), evidence: evidence([2.0, 1.94], [2.09]) }),
      // A later candidate's pair re-ran the best once more.
      record(3, "discard", 1.99, "WINDOW_PATTERN SSSL → L", { parent: commit(2), evidence: evidence([1.99, 2.02], [1.96]) })
    ]
    const summary = summarize("repeated", repeated)
    expect(summary.bestBpb).toBe(2.0)
    expect(summary.baselineBpb).toBe(2.1)
    expect(summary.bestMean).toEqual({ valBpb: expect.closeTo((2.0 + 1.94 + 1.96) / 3, 10), runs: 3 })
    expect(summary.baselineMean).toEqual({ valBpb: expect.closeTo((2.1 + 2.08 + 2.12 + 2.09) / 4, 10), runs: 4 })
    expect(summary.improvement).toBeCloseTo(2.0975 - 5.9 / 3, 10)
    expect(summary.improvementPercent).toBeCloseTo((100 * (2.0975 - 5.9 / 3)) / 2.0975, 10)
    expect(renderTable(summary)).toContain(
      "best val_bpb 2.000000 at 0000002: DEPTH 2 → 1 (baseline 2.100000; means of all runs: best 1.966667 (3), baseline 2.097500 (4): −0.130833, 6.24% better)"
    )
  })

  it("is empty but well-formed before any experiment", () => {
    expect(summarize("none", [])).toMatchObject({ experiments: 0, keepRate: null, bestBpb: null, baselineBpb: null })
  })
})

describe("renderTable", () => {
  it("prints one line per experiment and the totals", () => {
    const text = renderTable(summarize("test", sampleRun))
    const lines = text.split("\n")
    expect(lines[0]).toMatch(/^#\s+commit\s+val_bpb\s+Δ best\s+mem GB\s+FLOP\/s\s+load\s+status\s+description$/)
    // Older records: the throughput from the metrics (6 × 1M params × 1M tokens / 60 s), no load.
    expect(lines[1]).toMatch(/^1\s+0000001\s+2\.500000\s+2\.0\s+100G\s+-\s+baseline\s+baseline$/)
    expect(lines[2]).toContain("−0.100000")
    expect(lines[3]).toContain("+0.050000")
    expect(lines[4]).toMatch(/crash\s+HEAD_DIM 64 → 48 \(nan: loss is NaN\)/)
    expect(text).toContain("run test: 5 experiments, 2 kept, 1 discarded, 1 crashed; keep rate 50%")
    expect(text).toContain("best val_bpb 2.350000 at 0000005: WARMDOWN_RATIO 0.5 → 0.6 (baseline 2.500000, −0.150000, 6.00% better)")
  })

  it("colours only when asked", () => {
    expect(renderTable(summarize("test", sampleRun))).not.toContain("\u001b[")
    expect(renderTable(summarize("test", sampleRun), { color: true })).toContain("\u001b[32m")
  })
})

describe("throughput and load", () => {
  const sample = (kind: "run" | "noise" | "rerun", log: string, throughput: number, loadStart: number, loadEnd: number, disturbed?: boolean) => ({
    kind, log, valBpb: 2.4, throughput, tokensPerSecond: throughput / 6e6, loadStart, loadEnd, ...(disturbed ? { disturbed } : {})
  })
  const runs = [
    record(1, "keep", 2.5, "baseline", { runs: [sample("run", "1.log", 2e11, 1.5, 2.25), sample("noise", "1-noise1.log", 2.1e11, 2.25, 2)] }),
    // Its first run was slowed by load and re-run; the record's val_bpb is the re-run's.
    record(2, "keep", 2.4, "MATRIX_LR 0.04 → 0.06", { runs: [sample("run", "2.log", 1e11, 9.5, 12, true), sample("rerun", "2-rerun.log", 2.05e11, 3, 2.5)] })
  ]
  const summary = summarize("load", runs)

  it("gives each row the throughput and the load of the run its val_bpb comes from", () => {
    expect(summary.rows.map((row) => [row.throughput, row.load, row.disturbedRuns])).toEqual([
      [2e11, { start: 1.5, end: 2.25 }, 0],
      [2.05e11, { start: 3, end: 2.5 }, 1]
    ])
    expect(summary.rows[1]!.tokensPerSecond).toBeCloseTo(2.05e11 / 6e6, 6)
    // `results --json` prints the summary as it is: the columns are in every row.
    expect(JSON.parse(JSON.stringify(summary)).rows[1]).toMatchObject({ throughput: 2.05e11, load: { start: 3, end: 2.5 }, disturbedRuns: 1 })
  })

  it("shows them as columns, marks a re-run for load and explains it in the totals", () => {
    const text = renderTable(summary)
    expect(text.split("\n")[1]).toMatch(/^1\s+0000001\s+2\.500000\s+2\.0\s+200G\s+1\.5→2\.3\s+baseline/)
    expect(text.split("\n")[2]).toMatch(/205G\*\s+3\.0→2\.5\s+keep/)
    expect(text).toContain("* 1 run(s) disturbed by machine load (throughput outside the band of recent runs) were re-run before deciding")
  })
})

describe("parseRecords", () => {
  const lines = sampleRun.map((entry) => JSON.stringify(entry))

  it("decodes every line through the record schema", () => {
    expect(parseRecords(lines.join("\n") + "\n", "x.jsonl")).toHaveLength(5)
  })

  it("skips a torn last line (a crash mid-append)", () => {
    expect(parseRecords(lines.join("\n") + '\n{"id":6,"tag', "x.jsonl")).toHaveLength(5)
  })

  it("refuses a damaged line in the middle with its line number", () => {
    const damaged = [lines[0], "{not json", lines[1]].join("\n")
    expect(() => parseRecords(damaged, "x.jsonl")).toThrow(UserError)
    expect(() => parseRecords(damaged, "x.jsonl")).toThrow("x.jsonl:2 is not valid JSON")
    const wrong = [JSON.stringify({ ...record(1, "keep", 1, "b"), status: "maybe" })].join("\n")
    expect(() => parseRecords(wrong, "x.jsonl")).toThrow(/x\.jsonl:1 is not an experiment record/)
  })
})
