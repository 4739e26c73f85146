// Islands in a parallel run (`--parallel 2 --strategy islands`): the coordinator asks the
// strategy for each experiment's base. A real git workspace and the file store; a scripted
// agent (TEST DOUBLE) appends one move to the canvas, a trainer (TEST DOUBLE) scores it: the
// first move off the start is a dead end, the second starts a line that improves every step.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { execFileSync } from "node:child_process"
import { type ExperimentRecord, ResultsStore, Trainer } from "@autoresearch/core"
import { ScriptedAgent } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { runLocalParallelResearch } from "../src/index.js"

const makeResearchWorkspace = () => {
  const dir = mkdtempSync(join(tmpdir(), "ar-islands-"))
  const git = (...args: Array<string>) => execFileSync("git", args, { cwd: dir })
  git("init", "--quiet", "-b", "main")
  git("config", "user.email", "test@autoresearch.local")
  git("config", "user.name", "test")
  mkdirSync(join(dir, ".autoresearch"))
  writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "cpu", source: { kind: "embedded" } }))
  writeFileSync(join(dir, "train.ts"), 'const moves = ""\n')
  writeFileSync(join(dir, "program.md"), "make it better\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git("add", "-A")
  git("commit", "--quiet", "-m", "init")
  return dir
}

const movesOf = (text: string) => (/const moves = "(\d*)"/.exec(text) ?? /^move (\d*)$/.exec(text))![1]!
const valueOf = (moves: string): number =>
  moves === "" ? 2.0 : moves[0] === "0" ? (moves.length === 1 ? 1.9 : 1.902) : moves[0] === "1" ? 1.92 - 0.01 * (moves.length - 1) : 2.1

const landscapeTrainer = Layer.succeed(Trainer, {
  name: "landscape (test double)",
  run: (spec) =>
    Effect.map(Effect.sleep("20 millis"), () => {
      const valBpb = valueOf(movesOf(readFileSync(join(spec.dir, "train.ts"), "utf8")))
      return { _tag: "Success", metrics: { valBpb, trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0 } } as const
    })
})

describe("islands in a parallel run", () => {
  it("runs one greedy line per job in flight, each from its own best; the second island's line beats the dead end", async () => {
    const dir = makeResearchWorkspace()
    const tries = new Map<string, number>()
    const agent = ScriptedAgent.make((_call, ctx) => {
      const moves = movesOf(ctx.files[0]!.content)
      const n = tries.get(moves) ?? 0
      tries.set(moves, n + 1)
      return { description: `move ${moves}${n}`, edits: [{ path: "train.ts", old: `"${moves}"`, new: `"${moves}${n}"` }] }
    })
    const summary = await Effect.runPromise(
      runLocalParallelResearch({ dir, tag: "isl", budgetSeconds: 1, parallel: 2, strategy: "islands", editable: ["train.ts"], maxExperiments: 30, pollSeconds: 0.02 }).pipe(
        Effect.provide(Layer.mergeAll(agent.layer, landscapeTrainer, ResultsStore.layer({ dir: join(dir, "runs", "isl") }), GitWorkspace.layer({ dir, editable: ["train.ts"] })))
      )
    )
    const records: Array<ExperimentRecord> = readFileSync(join(dir, "runs", "isl", "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records).toHaveLength(30)
    // Greedy would stay at the dead end's 1.90; the odd ids' island climbs the better line.
    expect(summary.bestBpb).toBeLessThan(1.85)
    // Island 1 (odd ids) never builds on island 0's dead end; every keep says whether it advanced the run's best.
    for (const record of records.filter((r) => !r.baseline && r.id % 2 === 1)) expect(movesOf(record.description)).not.toMatch(/^0/)
    for (const record of records.filter((r) => !r.baseline && r.status === "keep")) expect(typeof record.advancesBest).toBe("boolean")
    // The branch head is the run's best.
    expect(execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim()).toBe(summary.bestCommit)
    // An island's agent saw the way to its own base: from the start, the other island's keep is not kept.
    const fromStart = agent.contexts.find((ctx) => ctx.experimentId === 3)!
    expect(fromStart.history.find((r) => r.description === "move 0")?.status ?? "not yet recorded").not.toBe("keep")
  }, 60_000)
})
