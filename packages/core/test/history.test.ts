// The history the agent reads stays within a fixed size however long the night, and still names
// the best and the recent experiments; the older ones are summarised per change.
import { describe, expect, it } from "vitest"
import { type ExperimentRecord, renderContext, renderHistory } from "../src/index.js"
import { changeOf } from "../src/agent-kit/history.js"
import { experimentRecord } from "../src/test/index.js"

const PARAMETERS = ["MATRIX_LR", "EMBEDDING_LR", "WARMDOWN_RATIO", "DEPTH", "HEAD_DIM", "WEIGHT_DECAY", "BATCH_SIZE", "ADAM_BETA2"]

/** A long night: 500 experiments walking eight parameters, one in eight kept, a crash now and then. */
const night = (count: number, describe: (id: number) => string): Array<ExperimentRecord> => {
  let best = 2.5
  return Array.from({ length: count }, (_, index) => {
    const id = index + 1
    if (id === 1) return experimentRecord({ id, status: "keep", description: "baseline", valBpb: best })
    const status = id % 37 === 0 ? "crash" : id % 8 === 0 ? "keep" : "discard"
    if (status === "keep") best -= 0.001
    const valBpb = status === "crash" ? undefined : status === "keep" ? best : best + 0.002 + (id % 5) * 0.001
    return experimentRecord({ id, status, description: describe(id), valBpb })
  })
}

const paramChange = (id: number) => {
  const name = PARAMETERS[id % PARAMETERS.length]!
  const from = (id % 11) / 100
  return `${name} ${from.toFixed(2)} -> ${(id % 3 === 0 ? from - 0.01 : from + 0.01).toFixed(2)}`
}

describe("the history of a long night", () => {
  const history = night(500, paramChange)
  const text = renderHistory(history)

  it("stays under a fixed size", () => {
    expect(text.length).toBeLessThan(10_000)
    // Free-text descriptions of any length too: each row is cut, the summary is capped.
    const prose = renderHistory(night(500, (id) => `idea ${id}: ${"a long explanation of the change ".repeat(40)}`))
    expect(prose.length).toBeLessThan(14_000)
  })

  it("names the best and the most recent experiments in full", () => {
    const best = history.findLast((record) => record.status === "keep")!
    expect(text).toContain(`Best val_bpb so far: ${best.metrics!.valBpb.toFixed(6)} (#${best.id}: ${best.description})`)
    expect(text).toMatch(new RegExp(`\\| ${best.id} \\| keep \\|`))
    for (const id of [496, 497, 498, 499, 500]) expect(text).toMatch(new RegExp(`\\| ${id} \\| (discard|keep|crash)`))
    expect(text).toMatch(/\| 1 \| keep \| 2\.500000 \|/)
  })

  it("summarises the older ones per parameter and direction: tried, kept, crashed, best", () => {
    expect(text).toMatch(/Older experiments, summarised by the change they made \(\d+ experiments between #\d+ and #\d+\)/)
    const row = /\| MATRIX_LR up \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+) \(#(\d+)\) \|/.exec(text)
    expect(row).not.toBeNull()
    const shown = new Set([...text.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1])))
    const older = history.filter((record) => !shown.has(record.id) && changeOf(record.description) === "MATRIX_LR up")
    expect(Number(row![1])).toBe(older.length)
    expect(Number(row![2])).toBe(older.filter((record) => record.status === "keep").length)
    expect(Number(row![3])).toBe(older.filter((record) => record.status === "crash").length)
    const bestOlder = older.filter((record) => record.metrics !== undefined).reduce((a, b) => (b.metrics!.valBpb < a.metrics!.valBpb ? b : a))
    expect(Number(row![5])).toBe(bestOlder.id)
  })

  it("is deterministic, and the whole context stays within its budget too", () => {
    expect(renderHistory([...history])).toBe(text)
    const ctx = { program: "lower val_bpb", files: [{ path: "train.ts", content: "const MATRIX_LR = 0.04\n" }], history, remaining: {}, experimentId: 501 }
    expect(renderContext(ctx).dynamic.length).toBeLessThan(12_000)
  })

  it("a short history is shown whole, with no summary", () => {
    const short = night(16, paramChange)
    const table = renderHistory(short)
    expect(table).not.toContain("Older experiments")
    for (const record of short) expect(table).toMatch(new RegExp(`\\| ${record.id} \\| `))
  })
})

describe("changeOf", () => {
  it("names a parameter and its direction, else the description without its numbers", () => {
    expect(changeOf("MATRIX_LR 0.04 -> 0.06")).toBe("MATRIX_LR up")
    expect(changeOf("DEPTH 8 → 6")).toBe("DEPTH down")
    expect(changeOf("WEIGHT_DECAY: 1e-4 -> 1e-3 (stronger)")).toBe("WEIGHT_DECAY up")
    expect(changeOf("ACTIVATION relu2 -> gelu")).toBe("ACTIVATION → gelu")
    expect(changeOf("Use 3 warmup steps")).toBe("use # warmup steps")
  })
})
