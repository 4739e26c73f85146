// Parallel efficiency of the distributed queue: the coordinator's dispatcher against K
// simulated workers, each with its own SqlPersistedQueue (own worker id, own poll loop and
// leases) on a real PostgreSQL database, and a trainer that takes a fixed time (TEST DOUBLE).
// efficiency = achieved experiments per second / (K × one worker's), one worker's = 1/duration.
// The coordinator learns of results by polling, woken early by LISTEN/NOTIFY; --compare also
// runs each K with the wake-up off (poll only, as before), interleaved, for the ratio.
// Usage: DATABASE_URL=postgres://… pnpm bench:parallel [--workers 64 | --sweep 1,4,16,64]
//        [--duration 10] [--rounds 3] [--compare] [--json]
import { setMaxListeners } from "node:events"
import { tmpdir } from "node:os"
import { cpus, loadavg } from "node:os"
import { Effect, Layer } from "effect"
import { ScriptedTrainer } from "@autoresearch/core/test"
import {
  createScratchDatabase, dispatch, dropScratchDatabase, JobCheckout, jobIdOf, JobLedger, type JobResult, PgLedger, postgresBackend, postgresClient, postgresQueue, runWorker, type TrainJob
} from "../src/index.js"

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? args[at + 1]! : fallback
}
const json = args.includes("--json")
const sweep = (args.includes("--workers") ? option("workers", "64") : option("sweep", "1,4,16,64")).split(",").map(Number)
const durationSeconds = Number(option("duration", "10"))
const rounds = Number(option("rounds", "3"))
const compare = args.includes("--compare")
const adminUrl = process.env.DATABASE_URL
if (adminUrl === undefined || adminUrl === "") {
  console.error("bench:parallel needs PostgreSQL: set DATABASE_URL to a postgres:// URL whose role may CREATE DATABASE")
  process.exit(2)
}

/** TEST DOUBLE: the simulated workers need no checkout; the trainer ignores the directory. */
const noCheckout = Layer.succeed(JobCheckout, { prepare: () => Effect.succeed({ dir: tmpdir() }) })

type WakeMode = "notify" | "poll"

interface Row {
  readonly workers: number
  /** How the coordinator learnt of results: woken by NOTIFY (the default), or polling only. */
  readonly wake: WakeMode
  readonly experiments: number
  readonly efficiency: number
  readonly lost: number
  readonly duplicated: number
  readonly wallSeconds: number
  /** Claims in the ledger: more than experiments means some job was taken twice. */
  readonly claims: number
  readonly latencyMs: { readonly offerToClaim: number; readonly aroundRun: number; readonly resultToCoordinator: number }
  /** CPU seconds of this process per wall second: near 1 would mean the benchmark itself is the bottleneck. */
  readonly benchCpuShare: number
}

const measure = (workers: number, url: string, wake: WakeMode): Promise<Row> => {
  const tag = `bench-k${workers}`
  const total = workers * rounds
  const lease = { leaseSeconds: Math.max(30, durationSeconds * 4), pollSeconds: 0.1 }
  const trainer = ScriptedTrainer.make(() => 1, { delayMs: durationSeconds * 1000, writeLog: false })
  // The coordinator's queue, the ledger and one pool of connections the simulated workers share.
  const backend = postgresBackend({ url, maxConnections: 10, ...lease })
  const results = new Map<string, JobResult>()
  let recordedTwice = 0
  const seen = new Map<string, number>()
  const offeredAt = new Map<string, number>()
  const abort = new AbortController()
  setMaxListeners(0, abort.signal) // one stop signal for all K simulated workers
  const program = Effect.gen(function* () {
    // Each simulated worker has a queue of its own (Layer.fresh), as a separate machine would.
    // Built before the clock starts: a worker that is still starting up is not yet a worker.
    // The workers share a pool of their own (as separate machines would not share the coordinator's).
    const workerClient = yield* Layer.build(postgresClient({ url, maxConnections: 20 }))
    const workerLedger = yield* Layer.build(PgLedger.layer.pipe(Layer.provide(Layer.succeedContext(workerClient))))
    const queues = yield* Effect.forEach(Array.from({ length: workers }), () =>
      Layer.build(Layer.fresh(postgresQueue(lease)).pipe(Layer.provide(Layer.succeedContext(workerClient))))
    )
    const fibers = yield* Effect.forEach(queues, (queue, i) =>
      runWorker({ name: `sim-${i}`, logsDir: tmpdir(), signal: abort.signal }).pipe(Effect.provide(queue), Effect.provide(workerLedger), Effect.fork)
    )
    let made = 0
    const started = performance.now()
    const cpuStart = process.cpuUsage()
    // Poll only: the coordinator's wait between polls is a plain sleep, as before NOTIFY.
    const ledger = yield* JobLedger
    const coordinatorLedger = wake === "poll" ? { ...ledger, awaitResults: (seconds: number) => Effect.sleep(`${seconds} seconds`) } : ledger
    yield* dispatch({
      tag,
      parallel: workers,
      pollSeconds: 0.1,
      isRecorded: (job) => results.has(job.id),
      next: () =>
        Effect.sync((): TrainJob | undefined => {
          if (made >= total) return undefined
          const n = ++made
          offeredAt.set(jobIdOf(tag, n), Date.now())
          return { id: jobIdOf(tag, n), tag, experiment: n, commit: "0".repeat(40), ref: `refs/autoresearch/${tag}/${n}`, canvasFiles: [], canvasHash: "", budgetSeconds: durationSeconds }
        }),
      onResult: (result) =>
        Effect.sync(() => {
          seen.set(result.jobId, Date.now())
          if (results.has(result.jobId)) recordedTwice++
          results.set(result.jobId, result)
        })
    }).pipe(Effect.provideService(JobLedger, coordinatorLedger))
    const wallSeconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuStart)
    abort.abort()
    yield* Effect.forEach(fibers, (fiber) => fiber.await)
    const claims = yield* (yield* JobLedger).claims(tag)
    const mean = (xs: ReadonlyArray<number>) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length))
    const finished = [...results.values()]
    // Where a job's time beyond the trainer's went: waiting to be claimed, around the run, waiting to be seen.
    const latencyMs = {
      offerToClaim: mean(claims.map((c) => Date.parse(c.claimedAt) - offeredAt.get(c.jobId)!)),
      aroundRun: mean(finished.map((r) => Date.parse(r.finishedAt) - Date.parse(r.startedAt) - durationSeconds * 1000)),
      resultToCoordinator: mean(finished.map((r) => seen.get(r.jobId)! - Date.parse(r.finishedAt)))
    }
    return { wallSeconds, claims: claims.length, latencyMs, cpuShare: (cpu.user + cpu.system) / 1e6 / wallSeconds }
  })
  return Effect.runPromise(
    program.pipe(Effect.provide(Layer.mergeAll(backend, trainer.layer, noCheckout)), Effect.scoped)
  ).then(({ wallSeconds, claims, latencyMs, cpuShare }) => {
    const achieved = results.size / wallSeconds
    const ideal = workers / durationSeconds
    return {
      workers,
      wake,
      experiments: results.size,
      efficiency: Number((achieved / ideal).toFixed(3)),
      lost: total - results.size,
      // Work done twice: jobs trained more than once, or a result recorded twice.
      duplicated: trainer.specs.length - results.size + recordedTwice,
      claims,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      latencyMs,
      benchCpuShare: Number(cpuShare.toFixed(2))
    }
  })
}

const rows: Array<Row> = []
for (const workers of sweep) {
  for (const wake of compare ? (["poll", "notify"] as const) : (["notify"] as const)) {
    const url = await createScratchDatabase(adminUrl, "autoresearch_bench")
    try {
      rows.push(await measure(workers, url, wake))
    } finally {
      await dropScratchDatabase(adminUrl, url)
    }
    const row = rows.at(-1)!
    if (!json) console.error(`K=${row.workers} (${row.wake}): ${row.experiments} experiments in ${row.wallSeconds} s, efficiency ${row.efficiency}`)
  }
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`
if (json) {
  console.log(JSON.stringify(rows.length === 1 ? rows[0] : rows))
} else {
  console.log(`fake trainer: ${durationSeconds} s per job, ${rounds} jobs per worker; ${machine}`)
  console.log("workers  wake    experiments  wall_s  efficiency  lost  duplicated  offer→claim_ms  around_run_ms  result→coordinator_ms")
  for (const r of rows) {
    console.log(`${String(r.workers).padStart(7)}  ${r.wake.padEnd(6)}  ${String(r.experiments).padStart(11)}  ${r.wallSeconds.toFixed(1).padStart(6)}  ${r.efficiency.toFixed(3).padStart(10)}  ${String(r.lost).padStart(4)}  ${String(r.duplicated).padStart(10)}  ${String(r.latencyMs.offerToClaim).padStart(14)}  ${String(r.latencyMs.aroundRun).padStart(13)}  ${String(r.latencyMs.resultToCoordinator).padStart(21)}`)
  }
  const at64 = rows.find((r) => r.workers === 64 && r.wake === "notify")
  if (at64 !== undefined) console.log(`target efficiency >= 0.9 at K=64, lost = duplicated = 0: ${at64.efficiency >= 0.9 && at64.lost === 0 && at64.duplicated === 0 ? "met" : "MISSED"}`)
}
