// Two real worker processes on PostgreSQL with a 1-second trainer (TEST DOUBLE); one is killed
// with -9 in the middle of a job. Every job must end with exactly one result, and the killed
// one with two claims: the lease ran out and the other worker took it.
import { mkdtempSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dispatch, JobLedger, type JobResult, postgresBackend, type TrainJob } from "../src/index.js"
import { commitExperiment, makeWorkspace } from "./support/git-fixture.js"
import { scratchDatabase, skipWithoutPostgres } from "./support/postgres.js"
import { type Child, spawnTs } from "./support/processes.js"

describe.skipIf(skipWithoutPostgres !== undefined)("workers on PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> }
  const children: Array<Child> = []
  beforeAll(async () => {
    db = await scratchDatabase()
  })
  afterAll(async () => {
    for (const child of children) child.process.kill("SIGKILL")
    await Promise.all(children.map((c) => c.exited))
    await db?.drop()
  })

  it("a worker killed with -9 mid-job: its job re-runs elsewhere, one result per job, two claims for the killed one", async () => {
    const { root, workspace, remote } = makeWorkspace()
    const tag = "kill9"
    const jobs: Array<TrainJob> = [1, 2, 3, 4, 5, 6].map((n) => commitExperiment(workspace, remote, tag, n))
    const worker = (name: string) => spawnTs("support/fake-worker.ts", [db.url, remote, mkdtempSync(join(root, `${name}-`)), name], { FAKE_TRAIN_MS: "1000", LEASE_SECONDS: "2" })
    const results = new Map<string, JobResult>()
    let killedJob: string | undefined

    const program = Effect.gen(function* () {
      // The coordinator side, in this process: keep two in flight.
      let next = 0
      const coordinator = dispatch({
        tag,
        parallel: 2,
        pollSeconds: 0.05,
        isRecorded: (job) => results.has(job.id),
        next: () => Effect.succeed(jobs[next++]),
        onResult: (result) => Effect.sync(() => void results.set(result.jobId, result))
      })
      const fiber = yield* Effect.fork(coordinator)
      const a = worker("a")
      const b = worker("b")
      children.push(a, b)
      // Kill a in the middle of its first job.
      const started = yield* Effect.promise(() => a.waitFor(/^started /, 60_000))
      killedJob = started.split(" ")[1]
      yield* Effect.sleep("300 millis")
      a.process.kill("SIGKILL")
      yield* Effect.promise(() => a.exited)
      yield* fiber.await
      const ledger = yield* JobLedger
      return yield* ledger.claims(tag)
    })
    const claims = await Effect.runPromise(program.pipe(Effect.provide(postgresBackend({ url: db.url, leaseSeconds: 2, pollSeconds: 0.1 }))))

    expect([...results.keys()].sort()).toEqual(jobs.map((j) => j.id).sort())
    for (const result of results.values()) expect(result.report._tag).toBe("Success")
    const claimsOf = (id: string) => claims.filter((c) => c.jobId === id)
    expect(claimsOf(killedJob!).map((c) => c.worker)).toEqual(["a", "b"])
    expect(results.get(killedJob!)!).toMatchObject({ worker: "b", claims: 2 })
    for (const job of jobs.filter((j) => j.id !== killedJob)) expect(claimsOf(job.id)).toHaveLength(1)
    // Exactly one stored result row per job, whatever happened.
    expect(results.size).toBe(jobs.length)
  }, 120_000)
})
