// A plugin's mistake is one experiment's failure, never the night's: agents that throw or
// return garbage, trainers that return NaN / negative / missing metrics, throw, or hang past
// their deadline. Each ends as a recorded experiment with a clear reason and the loop goes on.
// Runs on the in-memory Workspace and Store doubles (no git needed).
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Agent, AgentError, runLoop, Trainer, type LoopConfigInput, type ProposalContext, type ResearchEvent, type RunReport, type TrainSpec } from "../src/index.js"
import { InMemoryStore, InMemoryWorkspace, ScriptedAgent, ScriptedTrainer } from "../src/test/index.js"

const CANVAS = "const lr = 0.01\nconst depth = 4\n"

/** An agent that changes lr to a new value each call (always applies against the best canvas). */
const lrAgent = (call: number, ctx: ProposalContext) => {
  const current = /const lr = [0-9.]+/.exec(ctx.files[0]!.content)![0]
  return { description: `lr try ${call}`, edits: [{ path: "train.ts", old: current, new: `const lr = 0.0${call + 2}${call}` }] }
}

const run = async (options: { agent: Layer.Layer<Agent>; trainer: Layer.Layer<Trainer>; config?: Partial<LoopConfigInput> }) => {
  const workspace = InMemoryWorkspace.make({ files: { "train.ts": CANVAS } })
  const store = InMemoryStore.make()
  const events: Array<ResearchEvent> = []
  const summary = await runLoop({
    tag: "t",
    budgetSeconds: 1,
    noiseRepeats: 0,
    // The scripts hold one run per experiment: no paired confirmations (loop-decision.test.ts has those).
    maxConfirmations: 0,
    repairAttempts: 0,
    ...options.config,
    agent: options.agent,
    trainer: options.trainer,
    store: store.layer,
    workspace: workspace.layer,
    onEvent: (event) => events.push(event)
  })
  return { summary, records: store.records, workspace, events, notices: events.flatMap((e) => (e._tag === "Notice" ? [e.message] : [])) }
}

const success = (metrics: Record<string, unknown>) => ({ _tag: "Success", metrics }) as unknown as RunReport
const goodMetrics = { valBpb: 0.9, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 10 }

/** A trainer plugin written as an embedder would: the baseline succeeds, then `then` per call. */
const trainerOf = (then: (call: number, spec: TrainSpec) => Effect.Effect<RunReport>) => {
  let calls = 0
  return Layer.succeed(Trainer, {
    name: "embedder-trainer",
    run: (spec: TrainSpec) => (calls++ === 0 ? Effect.succeed(success({ ...goodMetrics, valBpb: 1 })) : then(calls - 1, spec))
  })
}

describe("a plugin's defect is that experiment's failure, and the loop goes on", () => {
  it("an agent that throws, dies, or returns a malformed proposal: agent_error with the message", async () => {
    const answers: Array<(ctx: ProposalContext) => Effect.Effect<any, AgentError>> = [
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'content')")
      },
      () => Effect.die(new RangeError("bad index")),
      () => Effect.succeed({ description: "no edits field" }),
      () => Effect.succeed({ description: "old is a number", edits: [{ path: "train.ts", old: 1, new: "x" }] }),
      () => Effect.succeed({ description: "NaN cost", edits: [], costUsd: Number.NaN }),
      (ctx) => Effect.succeed(lrAgent(5, ctx))
    ]
    let call = 0
    const agent = Layer.succeed(Agent, { name: "buggy", propose: (ctx) => answers[call++]!(ctx) })
    const { records, summary } = await run({ agent, trainer: ScriptedTrainer.make([1, 0.9]).layer, config: { maxExperiments: 7, maxConsecutiveFailures: 10 } })
    expect(records.map((r) => r.status)).toEqual(["keep", "agent_error", "agent_error", "agent_error", "agent_error", "agent_error", "keep"])
    expect(records[1]!.decisionReason).toBe("agent failed: the agent failed unexpectedly: TypeError: Cannot read properties of undefined (reading 'content')")
    expect(records[2]!.decisionReason).toBe("agent failed: the agent failed unexpectedly: RangeError: bad index")
    expect(records[3]!.decisionReason).toMatch(/^agent failed: the agent returned an invalid proposal: edits: is missing/)
    expect(records[4]!.decisionReason).toMatch(/^agent failed: the agent returned an invalid proposal: edits\.0\.old: Expected string, actual 1/)
    expect(records[5]!.decisionReason).toMatch(/^agent failed: the agent returned an invalid proposal: costUsd: /)
    expect(records[5]!.costUsd).toBe(0)
    expect(summary.stopReason).toBe("reached maxExperiments (7)")
  })

  it("a trainer that returns NaN, negative or missing metrics, or throws: crash with the reason", async () => {
    const reports: Array<() => Effect.Effect<RunReport>> = [
      () => Effect.succeed(success({ ...goodMetrics, peakMemoryMb: Number.NaN })),
      () => Effect.succeed(success({ ...goodMetrics, trainingSeconds: -3 })),
      () => Effect.succeed(success({ valBpb: 0.8 })),
      () => Effect.succeed(success({ ...goodMetrics, valBpb: Number.NaN })),
      () => Effect.succeed({ _tag: "Finished" } as unknown as RunReport),
      () => Effect.sync(() => JSON.parse("{oops")),
      () => Effect.succeed(success(goodMetrics))
    ]
    const trainer = trainerOf((call) => reports[call - 1]!())
    const { records, summary, workspace } = await run({
      agent: ScriptedAgent.make(lrAgent).layer,
      trainer,
      config: { maxExperiments: 8, maxConsecutiveFailures: 10 }
    })
    expect(records.map((r) => [r.status, r.crash?.reason])).toEqual([
      ["keep", undefined],
      ["crash", "error"],
      ["crash", "error"],
      ["crash", "error"],
      ["crash", "nan"],
      ["crash", "error"],
      ["crash", "error"],
      ["keep", undefined]
    ])
    const messages = records.map((r) => r.crash?.message)
    expect(messages[1]).toMatch(/^the trainer returned an invalid report: metrics\.peakMemoryMb: Expected a finite number, actual NaN/)
    expect(messages[2]).toMatch(/^the trainer returned an invalid report: metrics\.trainingSeconds: Expected a non-negative number, actual -3/)
    expect(messages[3]).toMatch(/^the trainer returned an invalid report: metrics\.trainingSeconds: is missing/)
    expect(messages[4]).toBe("val_bpb is NaN")
    expect(messages[5]).toMatch(/^the trainer returned an invalid report: /)
    expect(messages[6]).toMatch(/^the trainer failed unexpectedly: SyntaxError: /)
    expect(summary).toMatchObject({ experiments: 8, bestBpb: 0.9 })
    // Every failed change was reset: the work tree holds the kept one.
    expect(workspace.head()).toBe(records[7]!.commit)
  })

  it("a trainer that hangs past its own deadline is stopped a grace later and recorded as a timeout", async () => {
    const seen: Array<TrainSpec> = []
    const trainer = trainerOf((_call, spec) => {
      seen.push(spec)
      return Effect.never
    })
    const started = Date.now()
    const { records } = await run({ agent: ScriptedAgent.make(lrAgent).layer, trainer, config: { maxExperiments: 2, runTimeoutSeconds: 0.2 } })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(seen[0]!.deadlineSeconds).toBe(0.2)
    expect(seen[0]!.signal?.aborted).toBe(true)
    expect(records[1]).toMatchObject({ status: "crash", crash: { reason: "timeout" } })
    expect(records[1]!.crash!.message).toMatch(/no result after 0\.2 s: the trainer did not stop the run at its deadline, so the loop killed it 1 s later/)
  })

  it("hands the trainer the deadline from one place: 2 × budget + 60 unless runTimeoutSeconds is set", async () => {
    const trainer = ScriptedTrainer.make([1])
    await run({ agent: ScriptedAgent.make([]).layer, trainer: trainer.layer, config: { budgetSeconds: 7, maxExperiments: 1 } })
    expect(trainer.specs[0]!.deadlineSeconds).toBe(74)
  })
})

describe("retryable agent errors", () => {
  it("back off with growing waits, capped, and do not count toward maxConsecutiveFailures", async () => {
    const script = [
      { retryable: true, message: "429 rate limited" },
      { retryable: true, message: "529 overloaded" },
      { retryable: true, message: "500 server error" },
      { retryable: true, message: "network: ECONNRESET" },
      "ok",
      { retryable: false, message: "401 invalid key" },
      { retryable: true, message: "503" },
      { retryable: false, message: "400 bad request" }
    ] as const
    let call = 0
    const agent = Layer.succeed(Agent, {
      name: "flaky",
      propose: (ctx) => {
        const step = script[call++]
        if (step === undefined || step === "ok") return Effect.succeed(lrAgent(call, ctx))
        return Effect.fail(new AgentError({ message: step.message, retryable: step.retryable, costUsd: 0.001 }))
      }
    })
    const { records, summary, notices } = await run({
      agent,
      trainer: ScriptedTrainer.make([1, 0.9]).layer,
      config: { maxExperiments: 20, maxConsecutiveFailures: 2, agentRetryDelaySeconds: 0.02, agentRetryMaxDelaySeconds: 0.05 }
    })
    expect(records.map((r) => r.status)).toEqual(["keep", ...Array(4).fill("agent_error"), "keep", "agent_error", "agent_error", "agent_error"])
    expect(notices.filter((n) => n.includes("waiting")).map((n) => /waiting ([0-9.]+) s/.exec(n)![1])).toEqual(["0.02", "0.04", "0.05", "0.05", "0.02"])
    // Four retryable errors in a row did not stop a loop that stops after two failures;
    // the two non-retryable ones (a retryable one between them) did.
    expect(summary.stopReason).toMatch(/^2 experiments failed in a row \(last: agent failed: 400 bad request\)/)
    expect(records[1]!.costUsd).toBe(0.001)
  })

  it("an interrupt ends the wait at once", async () => {
    const controller = new AbortController()
    const agent = Layer.succeed(Agent, {
      name: "down",
      propose: () => Effect.fail(new AgentError({ message: "503", retryable: true }))
    })
    const started = Date.now()
    const workspace = InMemoryWorkspace.make({ files: { "train.ts": CANVAS } })
    const summary = await runLoop({
      tag: "t",
      budgetSeconds: 1,
      noiseRepeats: 0,
      agentRetryDelaySeconds: 60,
      agent,
      trainer: ScriptedTrainer.make([1]).layer,
      store: InMemoryStore.make().layer,
      workspace: workspace.layer,
      signal: controller.signal,
      onEvent: (event) => {
        if (event._tag === "Notice" && event.message.includes("waiting")) setTimeout(() => controller.abort(), 50)
      }
    })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(summary).toMatchObject({ experiments: 2, stopReason: "interrupted" })
  })
})
