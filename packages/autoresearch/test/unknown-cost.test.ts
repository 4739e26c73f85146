// An agent's spend that is unknown (a model without a price) is null, never a made-up $0: in
// the record, in `results` (text "at least $X", --json null) and in the report's totals.
import { describe, expect, it } from "vitest"
import { Agent, runResearch, type ExperimentRecord } from "autoresearch"
import { InMemoryStore, InMemoryWorkspace, ScriptedTrainer } from "autoresearch/test"
import { parseRecords } from "../src/results/records.js"
import { summarize } from "../src/results/summary.js"
import { renderTable } from "../src/results/table.js"
import { renderHtmlReport } from "../src/report/html.js"
import { record } from "./fixtures.js"

describe("unknown agent cost", () => {
  const records = [
    record(1, "keep", 2.5, "baseline", { costUsd: 0 }),
    record(2, "keep", 2.4, "priced", { costUsd: 0.25 }),
    record(3, "discard", 2.45, "unpriced", { costUsd: null })
  ]

  it("results: the row's cost is null in --json, the total says at least", () => {
    const summary = summarize("cost", records)
    expect(summary.rows.map((row) => row.costUsd)).toEqual([0, 0.25, null])
    expect(JSON.parse(JSON.stringify(summary)).rows[2].costUsd).toBeNull()
    expect(summary).toMatchObject({ costUsd: 0.25, unknownCosts: 1 })
    expect(renderTable(summary)).toContain("agent cost at least $0.25 (1 experiment of unknown cost)")
  })

  it("a run whose costs are all known shows the plain sum", () => {
    expect(renderTable(summarize("cost", records.slice(0, 2)))).toMatch(/^agent cost \$0\.25$/m)
  })

  it("the report's totals say it too", () => {
    expect(renderHtmlReport(summarize("cost", records), records)).toContain("agent cost at least $0.25 (1 experiment of unknown cost)")
  })

  it("old records (a number) and new ones (null) decode from experiments.jsonl", () => {
    const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n"
    expect(parseRecords(text, "x.jsonl").map((r: ExperimentRecord) => r.costUsd)).toEqual([0, 0.25, null])
  })

  it("the loop records an agent's null cost as null and sums the rest as a lower bound", async () => {
    const workspace = InMemoryWorkspace.make({ files: { "train.ts": "const lr = 0.01\n" } })
    const store = InMemoryStore.make()
    let call = 0
    const agent = Agent.fromPromise({
      name: "half-priced",
      propose: async (ctx) => {
        call++
        const old = /const lr = [0-9.]+/.exec(ctx.files[0]!.content)![0]
        return { description: `try ${call}`, edits: [{ path: "train.ts", old, new: `const lr = 0.0${call + 1}` }], costUsd: call === 1 ? 0.5 : null }
      }
    })
    const summary = await runResearch({
      dir: workspace.dir, tag: "cost", budgetSeconds: 1, noiseRepeats: 0, maxExperiments: 3, eventsLog: false,
      agent, trainer: ScriptedTrainer.make([2, 1.9, 1.8]).layer, workspace: workspace.layer, store: store.layer
    })
    expect(store.records.map((r) => r.costUsd)).toEqual([0, 0.5, null])
    expect(summary).toMatchObject({ costUsd: 0.5, unknownCosts: 1 })
  })
})
