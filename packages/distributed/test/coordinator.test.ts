// The coordinator with N workers in one process (`--parallel N`): a real git workspace and the
// file store, a scripted agent and a trainer whose val_bpb is a function of the canvas (TEST
// DOUBLES). A change that beats the best but was built on an older one is re-applied and trained again.
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { ResultsStore, Trainer } from "@autoresearch/core"
import { ScriptedAgent } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { runLocalParallelResearch } from "../src/index.js"
import { makeResearchWorkspace } from "./support/research-workspace.js"

const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

/**
 * TEST DOUBLE: val_bpb falls with a, b and c (d changes nothing); a run with b takes 1 s more,
 * with c 2 s more, so the results of a, b and c come back in that order.
 */
const valueOf = (canvas: string, name: string) => Number(new RegExp(`const ${name} = (\\d+)`).exec(canvas)![1])
const scoredTrainer = () => {
  const dirs: Array<string> = []
  const layer = Layer.succeed(Trainer, {
    name: "scored (test double)",
    run: (spec) =>
      Effect.gen(function* () {
        dirs.push(spec.dir)
        const canvas = readFileSync(join(spec.dir, "train.ts"), "utf8")
        const [a, b, c] = ["a", "b", "c"].map((name) => valueOf(canvas, name))
        const first = a === 0 && b === 1 ? 1000 : c === 1 && a + b === 0 ? 2000 : 0
        yield* Effect.sleep(`${50 + first} millis`)
        const valBpb = 1 - 0.01 * a! - 0.02 * b! - 0.001 * c!
        return { _tag: "Success", metrics: { valBpb, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0 } } as const
      })
  })
  return { layer, dirs }
}

describe("parallel research on one machine", () => {
  it("keeps N in flight, records every experiment once, and re-trains a stale winner on the current best", async () => {
    const dir = makeResearchWorkspace()
    // #2 a=1, #3 b=1, #4 c=1 are proposed together on the baseline; later proposals touch d.
    const agent = ScriptedAgent.make((call, ctx) => {
      const canvas = ctx.files[0]!.content
      const letter = ["a", "b", "c"][call]
      if (letter !== undefined) return { description: `${letter} up`, edits: [{ path: "train.ts", old: `const ${letter} = ${valueOf(canvas, letter)}`, new: `const ${letter} = 1` }] }
      const d = valueOf(canvas, "d")
      return { description: `d to ${call}`, edits: [{ path: "train.ts", old: `const d = ${d}`, new: `const d = ${call}` }] }
    })
    const trainer = scoredTrainer()
    const events: Array<string> = []
    const summary = await Effect.runPromise(
      runLocalParallelResearch({
        dir, tag: "par", budgetSeconds: 1, parallel: 3, editable: ["train.ts"], maxExperiments: 8, pollSeconds: 0.02,
        onEvent: (event) => events.push(event._tag === "Notice" ? `Notice ${event.message}` : event._tag)
      }).pipe(
        Effect.provide(Layer.mergeAll(agent.layer, trainer.layer, ResultsStore.layer({ dir: join(dir, "runs", "par") }), GitWorkspace.layer({ dir, editable: ["train.ts"] })))
      )
    )
    const records = readFileSync(join(dir, "runs", "par", "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records.map((r) => r.id).sort((x: number, y: number) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(summary.experiments).toBe(8)
    // Three proposals were in flight together: the agent saw the others listed as running.
    expect(agent.contexts.some((ctx) => (ctx.inFlight?.length ?? 0) >= 2)).toBe(true)
    // The keeps form one line of history: each built on the keep before it.
    const keeps = records.filter((r) => r.status === "keep")
    for (let i = 1; i < keeps.length; i++) expect(keeps[i].parent).toBe(keeps[i - 1].commit)
    // b beat the best but was built on the baseline: it was re-applied onto a=1 and trained again.
    expect(events.some((e) => e.startsWith("Notice #") && e.includes("re-applied onto"))).toBe(true)
    // a landed first; b beat it from the baseline, so it was re-applied on a: a+b. c alone does not beat that.
    const best = keeps.at(-1)
    expect(best.metrics.valBpb).toBeCloseTo(0.97, 9)
    expect(best.decisionReason).toContain("re-applied from")
    expect(records.find((r) => r.description === "c up").status).toBe("discard")
    expect(git(dir, "rev-parse", "HEAD")).toBe(best.commit)
    expect(readFileSync(join(dir, "train.ts"), "utf8")).toBe(git(dir, "show", `${best.commit}:train.ts`) + "\n")
    // Training happened in the workers' checkouts, each a commit fetched from the workspace.
    expect(new Set(trainer.dirs).size).toBeGreaterThan(1)
    // Each record names the worker that trained it.
    for (const r of records.filter((r) => r.status !== "invalid" && r.status !== "agent_error")) expect(r.worker).toMatch(/^local-[123]$/)
  }, 120_000)
})
