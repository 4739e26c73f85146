import { describe, expect, it } from "vitest"
import { applyEvent, emptyState, viewOf, withRecords } from "../src/dashboard/state.js"
import { record } from "./fixtures.js"

describe("dashboard state", () => {
  it("tracks the running experiment's proposal and progress, and clears it when recorded", () => {
    let state = withRecords(emptyState("t"), [record(1, "keep", 2.5, "baseline")])
    state = applyEvent(state, { _tag: "ExperimentStarted", id: 2, baseline: false, parent: "abc" }, "2026-01-01T00:00:00Z")
    state = applyEvent(state, { _tag: "ProposalReady", id: 2, description: "DEPTH 2 → 3", diff: "+x" }, "")
    state = applyEvent(state, { _tag: "TrainingProgress", id: 2, step: 5, loss: 4.2, progress: 0.5, tokensPerSec: 900, remainingSeconds: 3 }, "")
    // progress of another experiment (a stale line) is ignored
    state = applyEvent(state, { _tag: "TrainingProgress", id: 1, step: 99, loss: 1, progress: 1, tokensPerSec: 1, remainingSeconds: 0 }, "")
    expect(state.current).toMatchObject({ id: 2, description: "DEPTH 2 → 3", diff: "+x", progress: { step: 5, progress: 0.5 } })
    state = applyEvent(state, { _tag: "ExperimentFinished", record: record(2, "discard", 2.6, "DEPTH 2 → 3") }, "")
    expect(state.current).toBeNull()
    // the same record read again from experiments.jsonl is not duplicated
    state = withRecords(state, [record(2, "discard", 2.6, "DEPTH 2 → 3")])
    expect(viewOf(state).summary.rows.map((row) => row.id)).toEqual([1, 2])
  })
})
