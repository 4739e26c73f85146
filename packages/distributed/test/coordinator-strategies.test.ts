// Branching strategies over parallel workers: the coordinator with N workers in this process on
// the in-memory queue and a real git workspace, on the scripted landscape of core's
// loop-strategy test: the best first step is a dead end, the better line starts at the
// second-best node. The agent and the trainer are TEST DOUBLES (a script that appends one move
// to the canvas, and a val_bpb computed from the canvas the worker checked out).
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { type ExperimentRecord, islandBests, islandOf, isNewBest, Phases, type ProposalContext, ResultsStore, Trainer } from "@autoresearch/core"
import { experimentRecord, ScriptedAgent, ScriptedTrainer } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Fiber, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { GitCheckout, memoryBackend, runLocalParallelResearch, runParallelResearch, runWorker } from "../src/index.js"
import { makeResearchWorkspace } from "./support/research-workspace.js"

const movesOf = (text: string) => (/const moves = "(\d*)"/.exec(text) ?? /^move (\d*)$/.exec(text))![1]!

/**
 * From the start (2.0) the first move gives 1.90 and every move after it 1.902 (a dead end); the
 * second move gives 1.92 and every move after it 0.01 better than its parent; any other 2.1.
 */
const valueOf = (moves: string): number => {
  if (moves === "") return 2.0
  if (moves[0] === "0") return moves.length === 1 ? 1.9 : 1.902
  if (moves[0] === "1") return 1.92 - 0.01 * (moves.length - 1)
  return 2.1
}

const git = (dir: string, ...args: Array<string>) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim()

/** A parallel night on the landscape: the agent tries move 0, 1, 2, ... from each canvas in turn. */
const night = async (strategy: "greedy" | "best-first" | "islands", parallel: number, maxExperiments: number) => {
  const dir = makeResearchWorkspace('const moves = ""\n')
  const tag = `${strategy.replace("-", "")}${parallel}`
  const tries = new Map<string, number>()
  const agent = ScriptedAgent.make((_call, ctx: ProposalContext) => {
    const moves = movesOf(ctx.files[0]!.content)
    const n = tries.get(moves) ?? 0
    tries.set(moves, n + 1)
    return { description: `move ${moves}${n}`, edits: [{ path: "train.ts", old: `"${moves}"`, new: `"${moves}${n}"` }] }
  })
  // Each training takes a while, so the flights overlap; the worker's checkout holds the canvas.
  const trainer = ScriptedTrainer.make((_call, spec) => valueOf(movesOf(readFileSync(join(spec.dir, "train.ts"), "utf8"))), { delayMs: 80, writeLog: false })
  const summary = await Effect.runPromise(
    runLocalParallelResearch({ dir, tag, budgetSeconds: 1, parallel, editable: ["train.ts"], maxExperiments, pollSeconds: 0.02, noiseRepeats: 0, strategy }).pipe(
      Effect.provide(Layer.mergeAll(agent.layer, trainer.layer, ResultsStore.layer({ dir: join(dir, "runs", tag) }), GitWorkspace.layer({ dir, editable: ["train.ts"] })))
    )
  )
  const records: Array<ExperimentRecord> = readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
  return { dir, tag, summary, records, contexts: agent.contexts }
}

const valOf = (record: ExperimentRecord) => record.metrics!.valBpb

/**
 * The best only moves through the rank of a new node (rankNode): a keep that moved it beat the
 * best before it, a keep that did not is a node off the best that says so. Returns the best
 * before each record, in store order.
 */
const checkRanks = (records: ReadonlyArray<ExperimentRecord>) => {
  let best: ExperimentRecord | undefined
  return records.map((record) => {
    const before = best
    if (record.status === "keep" && !record.baseline) {
      if (isNewBest(record)) expect(valOf(record)).toBeLessThan(valOf(before!))
      else {
        expect(valOf(record)).toBeGreaterThanOrEqual(valOf(before!))
        expect(record.decisionReason).toContain("not the run's best")
      }
    }
    if (isNewBest(record) && record.metrics !== undefined) best = record
    return before
  })
}

/** The run ends with the best as the work tree, the summary's best the lowest keep. */
const checkBest = (dir: string, summary: { bestBpb?: number; bestCommit: string }, records: ReadonlyArray<ExperimentRecord>) => {
  const keeps = records.filter((r) => r.status === "keep")
  expect(summary.bestBpb).toBe(Math.min(...keeps.map(valOf)))
  expect(summary.bestCommit).toBe(records.findLast((r) => isNewBest(r))!.commit)
  expect(git(dir, "rev-parse", "HEAD")).toBe(summary.bestCommit)
  expect(valueOf(movesOf(readFileSync(join(dir, "train.ts"), "utf8")))).toBeCloseTo(summary.bestBpb!, 10)
}

/** Every kept node is pinned as refs/autoresearch/<tag>/node-<id>. */
const checkPins = (dir: string, tag: string, records: ReadonlyArray<ExperimentRecord>) => {
  for (const record of records.filter((r) => r.status === "keep")) expect(git(dir, "rev-parse", `refs/autoresearch/${tag}/node-${record.id}`)).toBe(record.commit)
}

describe("branching strategies over parallel workers", () => {
  it.each([2, 3, 4])("islands with --parallel %i: the flights spread over the islands, each island's keeps form its line", async (parallel) => {
    // About eight experiments per island: enough for the second island's line to pass the dead end.
    const experiments = Math.max(20, 8 * parallel)
    const { dir, tag, summary, records, contexts } = await night("islands", parallel, experiments)
    const k = parallel // one island per experiment in flight
    expect(summary.experiments).toBe(experiments)
    checkRanks(records)
    checkBest(dir, summary, records)
    checkPins(dir, tag, records)
    records.forEach((record, j) => {
      if (record.baseline) return
      const island = islandOf(record.id, k)
      // Each experiment started from a best its island had (when it started or was re-applied)...
      const bests = new Set(Array.from({ length: j + 1 }, (_, p) => islandBests(records.slice(0, p), { islands: k })[island]?.commit))
      expect(bests.has(record.parent)).toBe(true)
      // ...and a keep stands on its island's best when it is recorded: the island's keeps are one line.
      if (record.status === "keep") expect(record.parent).toBe(islandBests(records.slice(0, j), { islands: k })[island]!.commit)
    })
    // Flights of different islands were in flight at the same time.
    expect(contexts.some((ctx) => (ctx.inFlight ?? []).some((other) => islandOf(other.id, k) !== islandOf(ctx.experimentId!, k)))).toBe(true)
    // The line of the second island passes the dead end the first island's keep led to.
    expect(records.find((r) => r.description === "move 1")?.status).toBe("keep")
    expect(summary.bestBpb).toBeLessThan(1.9)
  }, 120_000)

  it("best-first with --parallel 3 finds the better branch off a non-best node and pins every node", async () => {
    const { dir, tag, summary, records } = await night("best-first", 3, 30)
    expect(summary.experiments).toBe(30)
    // Well past the dead end (1.90), on the line that starts at the second-best node.
    expect(summary.bestBpb).toBeLessThan(1.88)
    expect(records.find((r) => r.commit === summary.bestCommit)!.description).toMatch(/^move 1/)
    const bestBefore = checkRanks(records)
    checkBest(dir, summary, records)
    checkPins(dir, tag, records)
    // Keeps off a node that was not the best at the time: branches, not re-applied onto the best.
    const branched = records.filter((r, j) => r.status === "keep" && !r.baseline && r.parent !== bestBefore[j]!.commit)
    expect(branched.length).toBeGreaterThan(0)
    expect(branched.every((r) => !/re-applied/.test(r.decisionReason))).toBe(true)
    // Each experiment starts at a kept node: the tree is rebuilt from the records alone.
    const nodes = new Set(records.filter((r) => r.status === "keep").map((r) => r.commit))
    for (const record of records.filter((r) => !r.baseline)) expect(nodes.has(record.parent)).toBe(true)
  }, 120_000)

  it("greedy with --parallel 2 is as before: every keep stands on the best, no node flags, no node refs", async () => {
    const { dir, tag, summary, records } = await night("greedy", 2, 12)
    const bestBefore = checkRanks(records)
    checkBest(dir, summary, records)
    for (const record of records) expect(record.advancesBest).toBeUndefined()
    records.forEach((record, j) => {
      if (record.status === "keep" && !record.baseline) expect(record.parent).toBe(bestBefore[j]!.commit)
    })
    expect(git(dir, "for-each-ref", `refs/autoresearch/${tag}/node-*`)).toBe("")
  }, 120_000)

  it("islands: a restarted coordinator resumes a branched flight at its node and judges it there", async () => {
    const dir = makeResearchWorkspace('const moves = ""\n')
    const tag = "resume"
    const tries = new Map<string, number>()
    const agent = ScriptedAgent.make((_call, ctx: ProposalContext) => {
      const moves = movesOf(ctx.files[0]!.content)
      const n = tries.get(moves) ?? 0
      tries.set(moves, n + 1)
      return { description: `move ${moves}${n}`, edits: [{ path: "train.ts", old: `"${moves}"`, new: `"${moves}${n}"` }] }
    })
    // The second island's first change ("1") trains for 1.5 s, so it is in flight when the first coordinator dies.
    const trainer = Layer.succeed(Trainer, {
      name: "landscape (test double)",
      run: (spec) =>
        Effect.gen(function* () {
          const moves = movesOf(readFileSync(join(spec.dir, "train.ts"), "utf8"))
          yield* Effect.sleep(moves === "1" ? "1500 millis" : "50 millis")
          return { _tag: "Success", metrics: { valBpb: valueOf(moves), trainingSeconds: 1, totalSeconds: 1, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0 } } as const
        })
    })
    const services = Layer.mergeAll(agent.layer, ResultsStore.layer({ dir: join(dir, "runs", tag) }), GitWorkspace.layer({ dir, editable: ["train.ts"] }))
    const options = { dir, tag, budgetSeconds: 1, parallel: 2, editable: ["train.ts"], pollSeconds: 0.02, noiseRepeats: 0, strategy: "islands" as const }
    const notices: Array<string> = []
    const summary = await Effect.runPromise(
      Effect.gen(function* () {
        // Two workers that outlive the first coordinator, on one queue and ledger.
        const stopWorkers = new AbortController()
        const workers = yield* Effect.forEach([1, 2], (i) =>
          runWorker({ name: `w${i}`, logsDir: join(dir, "runs", tag, "workers", `${i}`, "logs"), signal: stopWorkers.signal }).pipe(
            Effect.provide(GitCheckout.layer({ dir: join(dir, "runs", tag, "workers", `${i}`, "checkout"), remote: dir })),
            Effect.fork
          )
        )
        // The first coordinator is killed (the second interrupt) as soon as the first island's keep is recorded.
        const stop = new AbortController()
        const kill = new AbortController()
        yield* runParallelResearch({
          ...options, maxExperiments: 10, signal: stop.signal, killSignal: kill.signal,
          onEvent: (event) => {
            if (event._tag === "ExperimentFinished" && event.record.id === 2) {
              stop.abort()
              kill.abort()
            }
          }
        }).pipe(Effect.provide(services))
        const second = yield* runParallelResearch({ ...options, maxExperiments: 1, onEvent: (event) => void (event._tag === "Notice" && notices.push(event.message)) }).pipe(
          Effect.provide(services)
        )
        stopWorkers.abort()
        yield* Fiber.awaitAll(workers)
        return second
      }).pipe(Effect.provide(Layer.merge(memoryBackend(), trainer)))
    )
    expect(notices.some((n) => /^resuming #3 \(move 1\)/.test(n))).toBe(true)
    const records: Array<ExperimentRecord> = readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line))
    expect(records.map((r) => r.id)).toEqual([1, 2, 3])
    const baseline = records[0]!
    // Judged against its node (the start, 2.0): a keep; not the run's best (1.90); never re-applied onto it.
    expect(records[2]).toMatchObject({ description: "move 1", parent: baseline.commit, status: "keep", advancesBest: false })
    expect(records[2]!.decisionReason).toContain("a new node off experiment 1, not the run's best")
    expect(summary.bestCommit).toBe(records[1]!.commit)
    expect(git(dir, "rev-parse", `refs/autoresearch/${tag}/node-3`)).toBe(records[2]!.commit)
  }, 120_000)

  it("best-first counts the experiments in flight as visits: a second flight picks another node", () => {
    const baseline = experimentRecord({ id: 1, status: "keep", description: "baseline", commit: "a", parent: "0", valBpb: 2.0 })
    const b = experimentRecord({ id: 2, status: "keep", description: "b", commit: "b", parent: "a", valBpb: 1.9 })
    const c = { ...experimentRecord({ id: 3, status: "keep", description: "c", commit: "c", parent: "a", valBpb: 1.95 }), advancesBest: false }
    const records = [baseline, b, c]
    const state = { records, resumedAfter: 3, best: b, head: b.commit, sessionStart: 0, failuresInARow: 0, retryableInARow: 0 }
    // Only what branchPoint reads of a run: its configuration.
    const run = { config: { strategy: "best-first", islands: 2 } } as unknown as Phases.LoopRun
    expect(Phases.branchPoint(run, state, 4)?.node.id).toBe(2)
    expect(Phases.branchPoint(run, state, 5, [b.commit])?.node.id).toBe(3)
  })
})
