// The parallel coordinator runs the sequential loop's phases: with N workers in this process
// on the in-memory queue, the baseline's noise repeats, a confirmation, a repair of a crashed
// change and the back-off after a retryable agent error all happen, each training a job.
// The agent and the trainer are TEST DOUBLES (a script, and a val_bpb computed from the canvas).
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { SearchAgent } from "@autoresearch/agent-search"
import { Agent, AgentError, type ProposalContext, ResultsStore, Trainer } from "@autoresearch/core"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { runLocalParallelResearch } from "../src/index.js"
import { makeResearchWorkspace } from "./support/research-workspace.js"

const valueOf = (canvas: string, name: string) => Number(new RegExp(`const ${name} = (\\d+)`).exec(canvas)![1])

/**
 * TEST DOUBLE: val_bpb falls with a (0.01 each) and b (0.02 each); a canvas with d = 9 crashes
 * (as an out-of-memory would). Counts how many trainings run at once.
 */
const canvasTrainer = () => {
  let running = 0
  const seen = { most: 0, trainings: 0, seeds: new Set<number | undefined>() }
  const layer = Layer.succeed(Trainer, {
    name: "canvas-scored (test double)",
    run: (spec) =>
      Effect.gen(function* () {
        running++
        seen.most = Math.max(seen.most, running)
        seen.trainings++
        seen.seeds.add(spec.seed)
        yield* Effect.sleep("150 millis").pipe(Effect.ensuring(Effect.sync(() => running--)))
        const canvas = readFileSync(join(spec.dir, "train.ts"), "utf8")
        if (valueOf(canvas, "d") === 9) return { _tag: "Crash", reason: "oom", message: "out of memory (d = 9)", logTail: "RuntimeError: OOM" } as const
        const valBpb = 1 - 0.01 * valueOf(canvas, "a") - 0.02 * valueOf(canvas, "b")
        return { _tag: "Success", metrics: { valBpb, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0 } } as const
      })
  })
  return { layer, seen }
}

/** TEST DOUBLE: a scripted researcher; the first question meets a rate limit (retryable). */
const scriptedAgent = () => {
  const contexts: Array<ProposalContext> = []
  let fresh = 0
  const propose = (ctx: ProposalContext) =>
    Effect.suspend(() => {
      contexts.push(ctx)
      const canvas = ctx.files[0]!.content
      const line = (name: string) => `const ${name} = ${valueOf(canvas, name)}`
      if (ctx.feedback?.kind === "repair") return Effect.succeed({ description: "d back to 3", edits: [{ path: "train.ts", old: "const d = 9", new: "const d = 3" }] })
      const call = fresh++
      if (call === 0) return Effect.fail(new AgentError({ message: "429 rate limited", retryable: true }))
      if (call === 1) return Effect.succeed({ description: "a up", edits: [{ path: "train.ts", old: line("a"), new: "const a = 1" }] })
      if (call === 2) return Effect.succeed({ description: "d to 9", edits: [{ path: "train.ts", old: line("d"), new: "const d = 9" }] })
      return Effect.succeed({ description: `c to ${call}`, edits: [{ path: "train.ts", old: line("c"), new: `const c = ${call}` }] })
    })
  return { layer: Layer.succeed(Agent, { name: "scripted (test double)", propose }), contexts }
}

const readRecords = (dir: string, tag: string) =>
  readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))

describe("the parallel coordinator runs the loop's phases", () => {
  it("noise repeats, a confirmation, a repair and a back-off, with two experiments training at once", async () => {
    const dir = makeResearchWorkspace()
    const tag = "phases"
    const trainer = canvasTrainer()
    const agent = scriptedAgent()
    const notices: Array<string> = []
    const summary = await Effect.runPromise(
      runLocalParallelResearch({
        dir, tag, budgetSeconds: 1, parallel: 2, editable: ["train.ts"], maxExperiments: 6, pollSeconds: 0.02,
        noiseRepeats: 2, maxConfirmations: 0, confirmKeeps: true, repairAttempts: 1, agentRetryDelaySeconds: 0.2,
        onEvent: (event) => void (event._tag === "Notice" && notices.push(event.message))
      }).pipe(Effect.provide(Layer.mergeAll(agent.layer, trainer.layer, ResultsStore.layer({ dir: join(dir, "runs", tag) }), GitWorkspace.layer({ dir, editable: ["train.ts"] }))))
    )
    const records = readRecords(dir, tag)
    expect(summary.experiments).toBe(6)
    expect(records.map((r) => r.id).sort((x: number, y: number) => x - y)).toEqual([1, 2, 3, 4, 5, 6])
    const logs = join(dir, "runs", tag, "logs")

    // Noise repeats: the baseline trained three times (three jobs), and its record has the samples.
    const baseline = records.find((r) => r.baseline)
    expect(baseline).toMatchObject({ status: "keep", noise: { samples: [1, 1, 1], std: 0 } })
    for (const name of ["1", "1-noise1", "1-noise2"]) expect(existsSync(join(logs, `${name}.log`))).toBe(true)

    // Back-off: the rate-limited question is an agent_error, and the next experiment waited.
    expect(records.find((r) => r.status === "agent_error")?.decisionReason).toContain("429 rate limited")
    expect(notices.filter((n) => /retryable error 1 time\(s\) in a row; waiting 0.2 s/.test(n))).toHaveLength(1)

    // A confirmation: the keep of "a up" was trained once more before it was kept.
    const aUp = records.find((r) => r.description === "a up")
    expect(aUp).toMatchObject({ status: "keep", confirmation: { valBpb: 0.99, confirmed: true } })
    expect(existsSync(join(logs, `${aUp.id}-confirm.log`))).toBe(true)

    // A repair: "d to 9" crashed; the agent was shown the crash and its fix was trained.
    const repaired = records.find((r) => r.description === "d to 9")
    expect(repaired).toMatchObject({ repairs: 1 })
    expect(repaired.metrics).toBeDefined()
    expect(existsSync(join(logs, `${repaired.id}-repair1.log`))).toBe(true)
    const asked = agent.contexts.find((ctx) => ctx.feedback?.kind === "repair")
    expect(asked?.feedback).toMatchObject({ kind: "repair", description: "d to 9", logTail: "RuntimeError: OOM" })

    // In parallel: two trainings at once, and the agent was told what was in flight.
    expect(trainer.seen.most).toBe(2)
    expect(agent.contexts.some((ctx) => (ctx.inFlight?.length ?? 0) > 0)).toBe(true)
    // Each record names the worker that trained it.
    for (const r of records.filter((r) => r.status !== "agent_error")) expect(r.worker).toMatch(/^local-[12]$/)
  }, 120_000)

  it("fills the free workers with several ideas from one call of an agent that proposes many (the search agent)", async () => {
    const dir = makeResearchWorkspace("const MATRIX_LR = 0.04\nconst DEPTH = 4\nconst WARMDOWN_RATIO = 0.5\n")
    const tag = "many"
    const asked: Array<{ count: number; inFlight: number }> = []
    // The real search agent, watched: how many ideas each call was asked for.
    const agent = Layer.effect(
      Agent,
      Effect.map(SearchAgent.make({ seed: 1 }), (search) => ({
        ...search,
        proposeMany: (ctx: ProposalContext, count: number) => {
          asked.push({ count, inFlight: ctx.inFlight?.length ?? 0 })
          return search.proposeMany!(ctx, count)
        }
      }))
    )
    let running = 0
    let most = 0
    /** TEST DOUBLE: every run takes 1.5 s and scores 1 − DEPTH / 1000. */
    const trainer = Layer.succeed(Trainer, {
      name: "depth-scored (test double)",
      run: (spec) =>
        Effect.gen(function* () {
          most = Math.max(most, ++running)
          yield* Effect.sleep("1500 millis").pipe(Effect.ensuring(Effect.sync(() => running--)))
          const depth = Number(/const DEPTH = (\d+)/.exec(readFileSync(join(spec.dir, "train.ts"), "utf8"))![1])
          return { _tag: "Success", metrics: { valBpb: 1 - depth / 1000, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth } } as const
        })
    })
    await Effect.runPromise(
      runLocalParallelResearch({ dir, tag, budgetSeconds: 1, parallel: 3, editable: ["train.ts"], maxExperiments: 7, pollSeconds: 0.02, noiseRepeats: 0 }).pipe(
        Effect.provide(Layer.mergeAll(agent, trainer, ResultsStore.layer({ dir: join(dir, "runs", tag) }), GitWorkspace.layer({ dir, editable: ["train.ts"] })))
      )
    )
    const records = readRecords(dir, tag)
    expect(records).toHaveLength(7)
    // After the baseline, one call filled all three workers.
    expect(asked[0]).toEqual({ count: 3, inFlight: 0 })
    expect(asked.length).toBeLessThan(records.length - 1)
    expect(most).toBe(3)
    // No idea was trained twice.
    const ideas = records.filter((r) => !r.baseline).map((r) => r.description)
    expect(new Set(ideas).size).toBe(ideas.length)
  }, 120_000)
})
