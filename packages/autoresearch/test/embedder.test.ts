// The SDK as an embedder uses it, from `autoresearch` and `autoresearch/test` only: plugins as
// plain async functions, typed against what they naturally return; their mistakes end as one
// recorded experiment each with a clear reason; the Effect entry point; the small helpers.
import { homedir } from "node:os"
import { join } from "node:path"
import { Effect, type Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Agent, parseSummary, research, resolveResearch, runResearch, Trainer, type ProposalContext, type ResearchOptions, type TrainSpec } from "autoresearch"
import { InMemoryStore, InMemoryWorkspace } from "autoresearch/test"

const CANVAS = "const lr = 0.01\nconst depth = 4\n"

/** A Promise-only agent: raises lr a little each time, as `{ description, edits }` only. */
const lrAgent = Agent.fromPromise({
  name: "lr-walker",
  propose: async (ctx: ProposalContext) => {
    const current = /const lr = ([0-9.]+)/.exec(ctx.files[0]!.content)!
    const next = (Number(current[1]) + 0.01).toFixed(2)
    return { description: `lr ${current[1]} -> ${next}`, edits: [{ path: "train.ts", old: current[0], new: `const lr = ${next}` }] }
  }
})

/** A Promise-only trainer from a list of answers per call (the baseline is call 0). */
const trainerOf = (answers: ReadonlyArray<(spec: TrainSpec) => Promise<any>>) => {
  let call = 0
  const specs: Array<TrainSpec> = []
  const layer = Trainer.fromPromise({
    name: "embedder-trainer",
    run: (spec) => {
      specs.push(spec)
      return answers[call++]!(spec)
    }
  })
  return { layer, specs }
}
/** Only the four metrics the schema requires: the rest have defaults. */
const ok = (valBpb: number) => async () => ({ _tag: "Success" as const, metrics: { valBpb, trainingSeconds: 1, totalSeconds: 1.5, peakMemoryMb: 100 } })

const embed = (options: { agent?: Layer.Layer<Agent>; trainer: Layer.Layer<Trainer>; maxExperiments: number; runTimeoutSeconds?: number }) => {
  const workspace = InMemoryWorkspace.make({ files: { "train.ts": CANVAS, "program.md": "lower val_bpb" } })
  const store = InMemoryStore.make()
  const run: ResearchOptions = {
    dir: workspace.dir,
    tag: "embed",
    budgetSeconds: 1,
    noiseRepeats: 0,
    maxConfirmations: 0, // one scripted run per experiment
    repairAttempts: 0,
    eventsLog: false,
    agent: options.agent ?? lrAgent,
    trainer: options.trainer,
    store: store.layer,
    workspace: workspace.layer,
    maxExperiments: options.maxExperiments,
    ...(options.runTimeoutSeconds !== undefined ? { runTimeoutSeconds: options.runTimeoutSeconds } : {})
  }
  return { run, store, workspace }
}

describe("an embedder's Promise-only agent and trainer", () => {
  it("run the loop, with minimal return shapes that type-check and decode", async () => {
    const trainer = trainerOf([ok(1.0), ok(0.9), ok(0.95), ok(0.8)])
    const { run, store, workspace } = embed({ trainer: trainer.layer, maxExperiments: 4 })
    const summary = await runResearch(run)
    expect(store.records.map((r) => [r.status, r.metrics?.valBpb, r.metrics?.mfuPercent])).toEqual([
      ["keep", 1.0, 0],
      ["keep", 0.9, 0],
      ["discard", 0.95, 0],
      ["keep", 0.8, 0]
    ])
    expect(summary).toMatchObject({ experiments: 4, kept: 2, discarded: 1, bestBpb: 0.8 })
    expect(workspace.files()["train.ts"]).toBe("const lr = 0.03\nconst depth = 4\n")
    expect(trainer.specs[0]!.deadlineSeconds).toBe(62)
  })

  it("each mistake is one recorded experiment with the reason, and the loop goes on", async () => {
    const trainer = trainerOf([
      ok(1.0),
      async () => ({ _tag: "Success", metrics: { valBpb: 0.9, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: Number.NaN } }),
      async () => ({ _tag: "Success", metrics: { valBpb: 0.9, trainingSeconds: -1, totalSeconds: 1, peakMemoryMb: 1 } }),
      async () => ({ _tag: "Success", metrics: { valBpb: 0.9 } }),
      async () => {
        throw new Error("CUDA driver not found")
      },
      () => new Promise(() => {}), // hangs past its own deadline
      ok(0.7)
    ])
    let calls = 0
    const agent = Agent.fromPromise({
      name: "sometimes-buggy",
      propose: async (ctx) => {
        calls++
        if (calls === 1) throw new TypeError("ctx.files.at is not a function")
        if (calls === 2) return { description: "malformed", edits: [{ path: "train.ts", old: "const lr" }] } as never
        return Effect.runPromise(Effect.flatMap(Agent, (a) => a.propose(ctx)).pipe(Effect.provide(lrAgent))) as never
      }
    })
    const { run, store } = embed({ agent, trainer: trainer.layer, maxExperiments: 9, runTimeoutSeconds: 0.3 })
    const summary = await runResearch({ ...run, maxConsecutiveFailures: 10 })
    const rows = store.records.map((r) => [r.status, r.crash?.reason ?? null, r.crash?.message ?? r.decisionReason])
    expect(rows[1]).toEqual(["agent_error", null, "agent failed: ctx.files.at is not a function"])
    expect(rows[2]).toEqual(["agent_error", null, expect.stringMatching(/^agent failed: the agent returned an invalid proposal: edits\.0\.new: is missing/)])
    expect(rows[3]).toEqual(["crash", "error", expect.stringMatching(/invalid report: metrics\.peakMemoryMb: Expected a finite number, actual NaN/)])
    expect(rows[4]).toEqual(["crash", "error", expect.stringMatching(/invalid report: metrics\.trainingSeconds: Expected a non-negative number, actual -1/)])
    expect(rows[5]).toEqual(["crash", "error", expect.stringMatching(/invalid report: metrics\.trainingSeconds: is missing/)])
    expect(rows[6]).toEqual(["crash", "error", "the trainer could not run: CUDA driver not found"])
    expect(rows[7]).toEqual(["crash", "timeout", expect.stringMatching(/^no result after 0\.3 s: the trainer did not stop the run at its deadline/)])
    expect(rows[8]).toEqual(["keep", null, expect.stringMatching(/^improved/)])
    expect(summary).toMatchObject({ experiments: 9, stopReason: "reached maxExperiments (9)", bestBpb: 0.7 })
  })

  it("the same run as an Effect, from `research`", async () => {
    const { run, store } = embed({ trainer: trainerOf([ok(1.0), ok(0.9)]).layer, maxExperiments: 2 })
    const summary = await Effect.runPromise(research(run))
    expect(summary).toMatchObject({ experiments: 2, kept: 1, bestBpb: 0.9 })
    expect(store.records).toHaveLength(2)
  })
})

describe("small embedder conveniences", () => {
  it("parseSummary reads `val_bpb:2.0` as well as `val_bpb: 2.0`", () => {
    expect(parseSummary("---\nval_bpb:2.0\ntraining_seconds:300\ntotal_seconds: 310\n")).toMatchObject({ valBpb: 2, trainingSeconds: 300, totalSeconds: 310 })
  })
  it("`~` in dir is the home directory", () => {
    expect(resolveResearch({ dir: "~/research", budgetSeconds: 1, agent: lrAgent }).dir).toBe(join(homedir(), "research"))
  })
})
