// The ledger on PostgreSQL across two processes' worth of clients: a worker's result wakes the
// coordinator's wait between polls at once (LISTEN/NOTIFY), instead of at its next poll.
import { Context, Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { JobLedger, jobIdOf, type JobResult, makeMemoryLedger, postgresBackend } from "../src/index.js"
import { scratchDatabase, skipWithoutPostgres } from "./support/postgres.js"

const resultOf = (n: number): JobResult => ({
  jobId: jobIdOf("wake", n), tag: "wake", experiment: n, worker: "w", claims: 1, logTail: "", startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
  report: { _tag: "Crash", reason: "error", message: "scripted", logTail: "" }
})

/** How long `awaitResults(10)` waits when a result is written 300 ms into the wait. */
const wokenAfterMs = (coordinator: JobLedger["Type"], worker: JobLedger["Type"], n: number) =>
  Effect.gen(function* () {
    yield* coordinator.awaitResults(0.01) // starts listening
    const started = performance.now()
    const wait = yield* Effect.fork(coordinator.awaitResults(10))
    yield* Effect.sleep("300 millis")
    yield* worker.writeResult(resultOf(n))
    yield* wait.await
    return performance.now() - started
  })

describe("waiting for results", () => {
  it("in memory: a written result ends the wait", async () => {
    const ledger = makeMemoryLedger()
    const waited = await Effect.runPromise(wokenAfterMs(ledger, ledger, 1))
    expect(waited).toBeLessThan(3000)
  })
})

describe.skipIf(skipWithoutPostgres !== undefined)("waiting for results on PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> }
  beforeAll(async () => {
    db = await scratchDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  })

  it("a result written by another client wakes the coordinator's wait (NOTIFY), long before the poll", async () => {
    const ledgerOf = (url: string) => Layer.build(Layer.fresh(postgresBackend({ url, maxConnections: 2 })))
    const waited = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const coordinator = Context.get(yield* ledgerOf(db.url), JobLedger)
          const worker = Context.get(yield* ledgerOf(db.url), JobLedger)
          const waited = yield* wokenAfterMs(coordinator, worker, 1)
          // The write (and its wake-up) happens once: a late second write of the result changes nothing.
          expect(yield* worker.writeResult({ ...resultOf(1), worker: "late" })).toBe(false)
          expect((yield* coordinator.results([jobIdOf("wake", 1)])).map((r) => r.worker)).toEqual(["w"])
          return waited
        })
      )
    )
    expect(waited).toBeGreaterThanOrEqual(290)
    expect(waited).toBeLessThan(5000)
  }, 60_000)
})
