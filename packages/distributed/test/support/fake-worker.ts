// A worker process whose trainer is a TEST DOUBLE: every run takes FAKE_TRAIN_MS and reports a
// val_bpb. Everything else is real: PostgreSQL, the queue, the ledger, the git checkout.
// Prints "started <job id> <claim>" and "finished <job id>" so a test can kill it mid-job.
import { ScriptedTrainer } from "@autoresearch/core/test"
import { Effect } from "effect"
import { serveJobs } from "../../src/index.js"

const [db, remote, dir, name] = process.argv.slice(2)
const trainMs = Number(process.env.FAKE_TRAIN_MS ?? 1000)
const leaseSeconds = Number(process.env.LEASE_SECONDS ?? 2)
const trainer = ScriptedTrainer.make(() => 1.5, { delayMs: trainMs })
const abort = new AbortController()
process.on("SIGTERM", () => abort.abort())

Effect.runPromise(
  serveJobs(
    {
      db: db!, remote: remote!, dir: dir!, name: name!, leaseSeconds, renewSeconds: leaseSeconds / 4, pollSeconds: 0.1, signal: abort.signal,
      onJob: (event) => console.log(`${event.kind} ${event.job.id} ${event.claim}`)
    },
    trainer.layer
  )
).then(
  (done) => {
    console.log(`stopped after ${done} jobs`)
    process.exit(0)
  },
  (error) => {
    console.error(`worker failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
)
