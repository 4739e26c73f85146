// A branching strategy on the distributed path: the coordinator on PostgreSQL (`--db`, `--remote`)
// with best-first, two workers in this process fetching from a bare git remote. The best in the
// database moves by compare-and-set only when a keep moves the run's best; nodes off the best
// leave it. The agent and the trainer are TEST DOUBLES (a script that appends one move to the
// canvas, and a val_bpb computed from the canvas the worker checked out).
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ExperimentRecord, isNewBest, type ProposalContext } from "@autoresearch/core"
import { ScriptedAgent, ScriptedTrainer } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Fiber, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BestCommit, GitCheckout, PgStore, postgresBackend, runDistributedResearch, runWorker } from "../src/index.js"
import { scratchDatabase, skipWithoutPostgres } from "./support/postgres.js"
import { makeResearchWorkspace } from "./support/research-workspace.js"

const movesOf = (text: string) => /const moves = "(\d*)"/.exec(text)![1]!
/** The start 2.0; the first move off it 1.90 and a dead end after; the second 1.92, then 0.01 better per move. */
const valueOf = (moves: string) => (moves === "" ? 2.0 : moves[0] === "0" ? (moves.length === 1 ? 1.9 : 1.902) : moves[0] === "1" ? 1.92 - 0.01 * (moves.length - 1) : 2.1)
const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

describe.skipIf(skipWithoutPostgres !== undefined)("best-first on PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> }
  beforeAll(async () => {
    db = await scratchDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  })

  it("branches off nodes over two workers; the database's best moves only with the run's best", async () => {
    const dir = makeResearchWorkspace('const moves = ""\n')
    const remote = mkdtempSync(join(tmpdir(), "ar-remote-"))
    git(remote, "init", "--quiet", "--bare")
    const tag = "bfpg"
    const tries = new Map<string, number>()
    const agent = ScriptedAgent.make((_call, ctx: ProposalContext) => {
      const moves = movesOf(ctx.files[0]!.content)
      const n = tries.get(moves) ?? 0
      tries.set(moves, n + 1)
      return { description: `move ${moves}${n}`, edits: [{ path: "train.ts", old: `"${moves}"`, new: `"${moves}${n}"` }] }
    })
    const trainer = ScriptedTrainer.make((_call, spec) => valueOf(movesOf(readFileSync(join(spec.dir, "train.ts"), "utf8"))), { delayMs: 50, writeLog: false })
    const notices: Array<string> = []
    const summary = await Effect.runPromise(
      Effect.gen(function* () {
        const stopWorkers = new AbortController()
        const workers = yield* Effect.forEach([1, 2], (i) =>
          runWorker({ name: `pg-${i}`, logsDir: join(dir, "runs", "w", `${i}`, "logs"), signal: stopWorkers.signal }).pipe(
            Effect.provide(Layer.merge(GitCheckout.layer({ dir: join(dir, "runs", "w", `${i}`, "checkout"), remote }), postgresBackend({ url: db.url, pollSeconds: 0.05 }))),
            Effect.fork
          )
        )
        const result = yield* runDistributedResearch({
          dir, tag, db: db.url, remote, budgetSeconds: 1, parallel: 2, editable: ["train.ts"], maxExperiments: 14, pollSeconds: 0.05, noiseRepeats: 0, strategy: "best-first",
          onEvent: (event) => void (event._tag === "Notice" && notices.push(event.message))
        }).pipe(Effect.ensuring(Effect.sync(() => stopWorkers.abort())))
        yield* Fiber.awaitAll(workers)
        return result
      }).pipe(Effect.provide(Layer.mergeAll(agent.layer, trainer.layer, GitWorkspace.layer({ dir, editable: ["train.ts"] }))))
    )
    const records: Array<ExperimentRecord> = readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records).toHaveLength(14)
    // Nodes off the best were kept without moving it, and the compare-and-set never missed.
    expect(records.some((r) => r.status === "keep" && r.advancesBest === false)).toBe(true)
    expect(notices.filter((n) => /moved under this coordinator/.test(n))).toEqual([])
    const best = await Effect.runPromise(Effect.flatMap(BestCommit, (b) => b.get(tag)).pipe(Effect.provide(Layer.provideMerge(PgStore.bestCommit, postgresBackend({ url: db.url })))))
    expect(best).toBe(summary.bestCommit)
    expect(summary.bestCommit).toBe(records.findLast((r) => isNewBest(r))!.commit)
    expect(summary.bestBpb).toBe(Math.min(...records.filter((r) => r.status === "keep").map((r) => r.metrics!.valBpb)))
    // The run branch on the remote is the best; every node is pinned in the workspace.
    expect(git(remote, "rev-parse", `refs/heads/autoresearch/${tag}`)).toBe(summary.bestCommit)
    for (const r of records.filter((r) => r.status === "keep")) expect(git(dir, "rev-parse", `refs/autoresearch/${tag}/node-${r.id}`)).toBe(r.commit)
  }, 180_000)
})
