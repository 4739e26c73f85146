// The run's timeline (runs/<tag>/jobs.jsonl): written by the coordinator's ledger as it polls,
// each event once (also across a restart), and written by a real `--parallel 2` run.
import { execFileSync } from "node:child_process"
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ResultsStore } from "@autoresearch/core"
import { ScriptedAgent, ScriptedTrainer } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { type JobResult, jobIdOf, makeMemoryLedger, parseJobLog, readJobLog, runLocalParallelResearch, type TrainJob, withJobLog } from "../src/index.js"

const makeResearchWorkspace = () => {
  const dir = mkdtempSync(join(tmpdir(), "ar-joblog-ws-"))
  const git = (...args: Array<string>) => execFileSync("git", args, { cwd: dir, encoding: "utf8" })
  git("init", "--quiet", "-b", "main")
  git("config", "user.email", "test@autoresearch.local")
  git("config", "user.name", "test")
  mkdirSync(join(dir, ".autoresearch"))
  writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "cpu", source: { kind: "embedded" } }))
  writeFileSync(join(dir, "train.ts"), "const d = 0\n")
  writeFileSync(join(dir, "program.md"), "make it better\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git("add", "-A")
  git("commit", "--quiet", "-m", "init")
  return dir
}

const job = (n: number, round = 0): TrainJob => ({
  id: jobIdOf("t", n, round === 0 ? undefined : `${n}@${round}`), tag: "t", experiment: n, commit: "c".repeat(40), ref: `refs/autoresearch/t/${n}`, canvasFiles: [], canvasHash: "", budgetSeconds: 1,
  proposal: { description: `change ${n}`, parent: "p".repeat(40), edits: [], costUsd: 0, agentMs: 0, proposedAt: "2026-11-30T10:00:00.000Z", round }
})

const result = (j: TrainJob, worker: string, claims: number, valBpb: number): JobResult => ({
  jobId: j.id, tag: "t", experiment: j.experiment, worker, claims, logTail: "", startedAt: "2026-11-30T10:00:01.000Z", finishedAt: "2026-11-30T10:00:11.000Z",
  report: { _tag: "Success", metrics: { valBpb, trainingSeconds: 10, totalSeconds: 10, peakMemoryMb: 1, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0 } }
})

describe("the job log", () => {
  it("records offers, every claim (a lost one too) and each result once, also after a restart", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ar-joblog-")), "jobs.jsonl")
    const ledger = makeMemoryLedger()
    const [one, two] = [job(1), job(2)]
    const coordinator = withJobLog(ledger, { file, claimPollSeconds: 0 })
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* coordinator.recordOffers([one, two])
        yield* ledger.claim(one.id, "w1") // w1 dies with it
        yield* coordinator.results([one.id, two.id]) // the claim shows while the job is in flight
        yield* ledger.claim(one.id, "w2")
        yield* ledger.claim(two.id, "w1")
        yield* ledger.writeResult(result(one, "w2", 2, 1.5))
        yield* coordinator.results([one.id, two.id])
        yield* coordinator.results([two.id])
      })
    )
    const first = readJobLog(file)
    expect(first.map((e) => `${e._tag} ${e.experiment}${"worker" in e ? ` ${e.worker}` : ""}${"claim" in e ? ` ${e.claim}` : ""}`)).toEqual([
      "Offered 1", "Offered 2", "Claimed 1 w1 1", "Claimed 1 w2 2", "Claimed 2 w1 1", "Finished 1 w2 2"
    ])
    expect(first[0]).toMatchObject({ description: "change 1", round: 0 })
    expect(first.at(-1)).toMatchObject({ outcome: "success", valBpb: 1.5, startedAt: "2026-11-30T10:00:01.000Z" })

    // A restarted coordinator re-offers what it did not record: nothing is logged twice.
    const restarted = withJobLog(ledger, { file, claimPollSeconds: 0 })
    await Effect.runPromise(
      Effect.gen(function* () {
        yield* restarted.offered("t")
        yield* restarted.recordOffers([two])
        yield* ledger.writeResult(result(two, "w1", 1, 1.4))
        yield* restarted.results([one.id, two.id])
      })
    )
    const after = readJobLog(file)
    expect(after.slice(0, first.length)).toEqual(first)
    expect(after.slice(first.length).map((e) => `${e._tag} ${e.experiment}`)).toEqual(["Finished 2"])
  })

  it("a coordinator killed mid-append: the next one cuts the torn line before it writes", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ar-joblog-")), "jobs.jsonl")
    const ledger = makeMemoryLedger()
    await Effect.runPromise(withJobLog(ledger, { file }).recordOffers([job(1)]))
    appendFileSync(file, '{"_tag":"Offered","jobId":"ab')
    await Effect.runPromise(withJobLog(ledger, { file }).recordOffers([job(1), job(2)]))
    const parsed = parseJobLog(readFileSync(file, "utf8"))
    expect(parsed.problem).toBeUndefined()
    expect(parsed.events.map((e) => `${e._tag} ${e.experiment}`)).toEqual(["Offered 1", "Offered 2"])
  })

  it("decodes with Schema: a torn last line is skipped, a damaged line is named", () => {
    const line = JSON.stringify({ _tag: "Claimed", jobId: "abc-1", experiment: 1, claim: 1, worker: "w", at: "2026-11-30T10:00:00.000Z" })
    expect(parseJobLog(`${line}\n{"_tag":"Fini`).events).toHaveLength(1)
    expect(parseJobLog(`${line}\n{"_tag":"Claimed"}\n${line}\n`).problem).toMatchObject({ line: 2 })
    const file = join(mkdtempSync(join(tmpdir(), "ar-joblog-")), "jobs.jsonl")
    appendFileSync(file, `${line}\n`)
    expect(readJobLog(file)).toEqual([JSON.parse(line)])
  })

  it("is written by a `--parallel 2` run: every job offered, claimed by a worker and finished once", async () => {
    const dir = makeResearchWorkspace()
    const agent = ScriptedAgent.make((call, ctx) => {
      const d = Number(/const d = (\d+)/.exec(ctx.files[0]!.content)![1])
      return { description: `d to ${call + 1}`, edits: [{ path: "train.ts", old: `const d = ${d}`, new: `const d = ${call + 1}` }] }
    })
    const trainer = ScriptedTrainer.make((call) => 2 - call / 100, { delayMs: 100 })
    await Effect.runPromise(
      runLocalParallelResearch({ dir, tag: "jl", budgetSeconds: 1, parallel: 2, editable: ["train.ts"], maxExperiments: 5, maxConfirmations: 0, pollSeconds: 0.02 }).pipe(
        Effect.provide(Layer.mergeAll(agent.layer, trainer.layer, ResultsStore.layer({ dir: join(dir, "runs", "jl") }), GitWorkspace.layer({ dir, editable: ["train.ts"] })))
      )
    )
    const events = parseJobLog(readFileSync(join(dir, "runs", "jl", "jobs.jsonl"), "utf8"))
    expect(events.problem).toBeUndefined()
    const of = (tag: string) => events.events.filter((e) => e._tag === tag)
    // The baseline is three jobs: its run and its two noise repeats (the loop's default), named so;
    // with confirmations off every other experiment is one job.
    expect(of("Offered").map((e) => e.experiment)).toEqual([1, 1, 1, 2, 3, 4, 5])
    expect(of("Offered").slice(0, 3).map((e) => (e as { description?: string }).description).sort()).toEqual(["baseline", "baseline [1-noise1]", "baseline [1-noise2]"])
    expect(of("Finished").map((e) => e.experiment).sort()).toEqual([1, 1, 1, 2, 3, 4, 5])
    expect(of("Claimed").map((e) => e.experiment).sort()).toEqual([1, 1, 1, 2, 3, 4, 5])
    expect(new Set(of("Claimed").map((e) => (e as { worker: string }).worker))).toEqual(new Set(["local-1", "local-2"]))
    // Each job's claim comes before its result in the file.
    for (const finished of of("Finished")) {
      expect(events.events.findIndex((e) => e._tag === "Claimed" && e.jobId === finished.jobId)).toBeLessThan(events.events.indexOf(finished))
    }
  }, 60_000)
})
