// The sequential decision inside the loop (config `maxConfirmations`): a scripted trainer (a
// test double) draws val_bpb from known distributions per canvas, so which keeps are real is
// known. Runs on the in-memory Workspace and Store doubles.
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Agent, runLoop } from "../src/index.js"
import { InMemoryStore, InMemoryWorkspace, ScriptedTrainer } from "../src/test/index.js"

const SIGMA = 0.01

const random = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `const option = k`: every option is as good as the start (0), except 5, which is 4σ better. */
const truthOf = (canvas: string) => (/const option = (\d+)/.exec(canvas)![1] === "5" ? 2.0 - 4 * SIGMA : 2.0)

/** Experiment n (after the baseline) tries option n − 1: options 1–8. */
const optionsAgent = Layer.succeed(Agent, {
  name: "options",
  propose: (ctx) => {
    const current = /const option = \d+/.exec(ctx.files[0]!.content)![0]
    const option = ctx.experimentId - 1
    return Effect.succeed({ description: `option ${option}`, edits: [{ path: "train.ts", old: current, new: `const option = ${option}` }] })
  }
})

const runNight = async (seed: number, maxConfirmations: number) => {
  const workspace = InMemoryWorkspace.make({ files: { "train.ts": "const option = 0\n" } })
  const store = InMemoryStore.make()
  const next = random(seed)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const trained: Array<{ log: string; canvas: string; seed: number | undefined }> = []
  const trainer = ScriptedTrainer.make((_call, spec) => {
    const canvas = workspace.files()["train.ts"]!
    trained.push({ log: spec.logFile, canvas, seed: (spec as { seed?: number }).seed })
    return truthOf(canvas) + SIGMA * gaussian()
  })
  const summary = await runLoop({
    tag: "t",
    budgetSeconds: 1,
    noiseRepeats: 2,
    maxConfirmations,
    maxExperiments: 9,
    agent: optionsAgent,
    trainer: trainer.layer,
    store: store.layer,
    workspace: workspace.layer
  })
  return { summary, records: store.records, trained, workspace }
}

describe("the sequential decision in the loop", () => {
  it("records its evidence, re-runs the best on the best's canvas, and ends on the real gain", async () => {
    const { records, trained, workspace } = await runNight(3, 3)
    const changes = records.filter((r) => !r.baseline)
    expect(changes).toHaveLength(8)
    for (const record of changes) {
      expect(record.evidence).toBeDefined()
      expect(record.evidence!.candidateRuns.length).toBe(1 + record.evidence!.bestReruns.length)
    }
    const real = changes.find((r) => r.description === "option 5")!
    expect(real.status).toBe("keep")
    expect(real.evidence!.margin).toBeGreaterThan(real.evidence!.bar)
    // Paired re-runs: `-confirm<k>` on the candidate's canvas, `-best<k>` on the best's.
    for (const { log, canvas } of trained) {
      const id = Number(/(\d+)-(?:confirm|best)\d+\.log$/.exec(log)?.[1] ?? 0)
      if (id === 0) continue
      const option = id - 1
      if (/-confirm\d+\.log$/.test(log)) expect(canvas).toBe(`const option = ${option}\n`)
      else expect(canvas).not.toBe(`const option = ${option}\n`)
    }
    // Each pair shares one fresh seed: the candidate's and the best's k-th re-runs.
    const seedOf = (suffix: string) => trained.find(({ log }) => log.endsWith(suffix))?.seed
    const confirmed = changes.find((r) => r.evidence!.bestReruns.length > 0)!
    expect(seedOf(`/${confirmed.id}-confirm1.log`)).toBeDefined()
    expect(seedOf(`/${confirmed.id}-confirm1.log`)).toBe(seedOf(`/${confirmed.id}-best1.log`))
    // The best's re-runs add to its samples: the later decisions compare with more runs.
    const later = changes.filter((r) => r.id > real.id)
    expect(later.every((r) => r.evidence!.bestRuns.length >= real.evidence!.candidateRuns.length)).toBe(true)
    expect(workspace.files()["train.ts"]).toBe("const option = 5\n")
  })

  it("over 20 simulated nights: no-gain options kept in under 5 % of decisions, the real one in most", async () => {
    let falseKeeps = 0
    let noGainDecisions = 0
    let found = 0
    let oneRunFalseKeeps = 0
    for (let seed = 1; seed <= 20; seed++) {
      const oneRun = await runNight(seed * 7919, 0)
      oneRunFalseKeeps += oneRun.records.filter((r) => !r.baseline && r.description !== "option 5" && r.status === "keep").length
      const { records } = await runNight(seed * 7919, 3)
      for (const record of records.filter((r) => !r.baseline)) {
        if (record.description === "option 5") found += record.status === "keep" ? 1 : 0
        else {
          // No other option is better than the start: every keep of one is false.
          noGainDecisions++
          if (record.status === "keep") falseKeeps++
        }
      }
    }
    expect(noGainDecisions).toBeGreaterThan(100)
    expect(falseKeeps / noGainDecisions).toBeLessThan(0.05)
    console.log(`20 nights: ${falseKeeps} false keeps in ${noGainDecisions} no-gain decisions (one-run rule: ${oneRunFalseKeeps}); the 4σ gain found in ${found} of 20`)
    expect(falseKeeps).toBeLessThan(oneRunFalseKeeps)
    expect(found).toBeGreaterThanOrEqual(17)
  })

  it("maxConfirmations 0 keeps the one-run rule (no evidence, no re-runs)", async () => {
    const { records, trained } = await runNight(5, 0)
    expect(records.every((r) => r.evidence === undefined)).toBe(true)
    expect(trained.some(({ log }) => /-(confirm|best)\d+\.log$/.test(log))).toBe(false)
  })
})

describe("the plateau stop", () => {
  it("stops after maxWithoutImprovement experiments in a row without a keep", async () => {
    const workspace = InMemoryWorkspace.make({ files: { "train.ts": "const option = 0\n" } })
    const store = InMemoryStore.make()
    // Baseline 2.0, option 1 is kept (1.9), then nothing improves.
    const trainer = ScriptedTrainer.make((_call) => (workspace.files()["train.ts"] === "const option = 1\n" ? 1.9 : 2.0))
    const summary = await runLoop({
      tag: "t",
      budgetSeconds: 1,
      noiseRepeats: 0,
      maxExperiments: 20,
      maxWithoutImprovement: 4,
      agent: optionsAgent,
      trainer: trainer.layer,
      store: store.layer,
      workspace: workspace.layer
    })
    expect(store.records.map((r) => r.status)).toEqual(["keep", "keep", "discard", "discard", "discard", "discard"])
    expect(summary.stopReason).toBe("no improvement in the last 4 experiments (maxWithoutImprovement)")
  })
})
