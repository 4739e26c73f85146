// The queue, the ledger, the worker and the dispatcher together in one process, on the
// in-memory backend (what `--parallel N` uses on one machine).
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ScriptedTrainer } from "@autoresearch/core/test"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import {
  dispatch, JobCheckout, jobIdOf, JobLedger, type JobResult, makeMemoryLedger, MAX_JOB_ID_LENGTH, memoryBackend,
  processJob, runWorker, type TrainJob
} from "../src/index.js"

const logsDir = () => mkdtempSync(join(tmpdir(), "ar-dist-"))

/** TEST DOUBLE: every job's commit is "already checked out" in one directory. */
const sameDirCheckout = Layer.succeed(JobCheckout, { prepare: () => Effect.succeed({ dir: tmpdir() }) })

const jobFor = (tag: string, experiment: number): TrainJob => ({
  id: jobIdOf(tag, experiment), tag, experiment, commit: `c${experiment}`.padEnd(40, "0"), ref: `refs/autoresearch/${tag}/${experiment}`,
  canvasFiles: ["train.ts"], canvasHash: "h", budgetSeconds: 1
})

describe("job ids", () => {
  it("fit the queue's 36 characters whatever the tag, and are stable", () => {
    const long = "a-very-long-tag-name-".repeat(20)
    for (const id of [jobIdOf(long, 1), jobIdOf(long, 123_456_789), jobIdOf(long, 99_999, "99999-confirm12@" + "f".repeat(40))]) {
      expect(id.length).toBeLessThanOrEqual(MAX_JOB_ID_LENGTH)
    }
    expect(jobIdOf("nov30", 7)).toBe(jobIdOf("nov30", 7))
    expect(jobIdOf("nov30", 7)).not.toBe(jobIdOf("nov31", 7))
    expect(jobIdOf("nov30", 7, "7-noise1@abc")).not.toBe(jobIdOf("nov30", 7))
    expect(jobIdOf("nov30", 7, "7-noise1@abc")).not.toBe(jobIdOf("nov30", 7, "7-noise1@abd"))
  })
})

describe("the ledger", () => {
  it("keeps the first result of a job and ignores a late second one", async () => {
    const ledger = makeMemoryLedger()
    const result = (worker: string): JobResult => ({
      jobId: "j1", tag: "t", experiment: 1, worker, report: { _tag: "Crash", reason: "error", message: "x", logTail: "" },
      logTail: "", claims: 1, startedAt: "", finishedAt: ""
    })
    expect(await Effect.runPromise(ledger.writeResult(result("a")))).toBe(true)
    expect(await Effect.runPromise(ledger.writeResult(result("b")))).toBe(false)
    expect((await Effect.runPromise(ledger.results(["j1", "j2"]))).map((r) => r.worker)).toEqual(["a"])
  })
})

describe("a worker", () => {
  it("records a job claimed more than maxClaims times as a crash without training it", async () => {
    const trainer = ScriptedTrainer.make([1.0])
    const ledger = makeMemoryLedger()
    const job = jobFor("t", 3)
    const program = Effect.gen(function* () {
      yield* ledger.recordOffers([job])
      // Two earlier workers claimed it and died (their process was killed: no result).
      yield* ledger.claim(job.id, "dead-1")
      yield* ledger.claim(job.id, "dead-2")
      yield* processJob({ name: "w3", logsDir: logsDir(), maxClaims: 2 }, job, 0)
      return yield* ledger.results([job.id])
    })
    const [result] = await Effect.runPromise(
      program.pipe(Effect.provide(Layer.mergeAll(trainer.layer, sameDirCheckout, Layer.succeed(JobLedger, ledger))))
    )
    expect(result!.report._tag).toBe("Crash")
    expect(result!.report._tag === "Crash" && result!.report.message).toMatch(/claimed 2 times and its worker died every time/)
    expect(result!.claims).toBe(3)
    expect(trainer.specs).toHaveLength(0)
  })

  it("records a checkout it refuses as an invalid run", async () => {
    const trainer = ScriptedTrainer.make([1.0])
    const refusing = Layer.succeed(JobCheckout, { prepare: () => Effect.succeed({ _tag: "Refused" as const, message: "the canvas does not hash to the job's canvas hash" }) })
    const ledger = makeMemoryLedger()
    const job = jobFor("t", 1)
    await Effect.runPromise(processJob({ name: "w", logsDir: logsDir() }, job, 0).pipe(Effect.provide(Layer.mergeAll(trainer.layer, refusing, Layer.succeed(JobLedger, ledger)))))
    const [result] = await Effect.runPromise(ledger.results([job.id]))
    expect(result!.report).toMatchObject({ _tag: "Crash", reason: "invalid" })
    expect(trainer.specs).toHaveLength(0)
  })
})

describe("dispatch with in-memory workers", () => {
  it("keeps N in flight, and every job gets exactly one result from one of the workers", async () => {
    const trainer = ScriptedTrainer.make((call) => 1 + call / 100, { delayMs: 100 })
    const tag = "mem"
    const total = 12
    let made = 0
    let maxInFlight = 0
    const recorded = new Map<number, JobResult>()
    const abort = new AbortController()
    const program = Effect.gen(function* () {
      const workers = yield* Effect.forkAll(
        [1, 2, 3].map((w) => runWorker({ name: `w${w}`, logsDir: logsDir(), signal: abort.signal }))
      )
      yield* dispatch({
        tag,
        parallel: 3,
        pollSeconds: 0.01,
        isRecorded: (job) => recorded.has(job.experiment),
        next: (inFlight) =>
          Effect.sync(() => {
            maxInFlight = Math.max(maxInFlight, inFlight.length + 1)
            return made < total ? jobFor(tag, ++made) : undefined
          }),
        onResult: (result) => Effect.sync(() => void recorded.set(result.experiment, result))
      })
      abort.abort()
      const done = yield* workers.await
      const ledger = yield* JobLedger
      return { done, claims: yield* ledger.claims(tag) }
    })
    const { claims } = await Effect.runPromise(program.pipe(Effect.provide(Layer.mergeAll(memoryBackend(), trainer.layer, sameDirCheckout))))
    expect([...recorded.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(maxInFlight).toBe(3)
    expect(trainer.specs).toHaveLength(total)
    expect(claims).toHaveLength(total)
    // The work was shared: every worker ran some of it.
    expect(new Set([...recorded.values()].map((r) => r.worker))).toEqual(new Set(["w1", "w2", "w3"]))
  })
})
