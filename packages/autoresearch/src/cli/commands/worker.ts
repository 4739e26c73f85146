// `autoresearch worker`: one training job at a time from the shared PostgreSQL queue. It
// fetches each job's commit from the git remote, checks its canvas hash and profile, makes sure
// the profile's data is prepared here, runs the tfjs trainer unchanged and writes the report
// and the log tail back. CUDA_VISIBLE_DEVICES is passed on to the trainer as it is.
import { resolve } from "node:path"
import { defaultWorkerName, redactUrl, serveJobs } from "@autoresearch/distributed"
import { Effect } from "effect"
import { preparedTfjsTrainer } from "../../run-parallel.js"
import { UserError } from "../../user-error.js"
import { ExitCode, line, type Command } from "../command.js"
import { onInterrupt } from "../interrupt.js"
import { statusLine } from "../status-line.js"
import { numberOption, stringOption } from "../values.js"

export const workerCommand: Command = {
  name: "worker",
  summary: "train jobs from a shared PostgreSQL queue for `autoresearch run --db` coordinators (one per GPU or machine)",
  options: {
    db: { type: "string", placeholder: "postgres-url", description: "the shared database (default: $AUTORESEARCH_DB, which keeps the password out of `ps`)" },
    remote: { type: "string", placeholder: "git-url", description: "the git remote the coordinator pushes experiment commits to" },
    dir: { type: "string", short: "C", placeholder: "path", description: "this worker's own folder: its checkout and the runs' logs (default ./autoresearch-worker)" },
    name: { type: "string", placeholder: "name", description: "this worker in results and the dashboard (default host:pid, plus :gpu<N> from CUDA_VISIBLE_DEVICES)" },
    "max-jobs": { type: "string", placeholder: "n", description: "stop after n jobs (default: serve until Ctrl-C)" },
    lease: { type: "string", placeholder: "seconds", description: "how long a job stays claimed without renewal; a killed worker's job re-runs after it (default 60)" }
  },
  details: [
    "The data of a job's profile must be prepared on this machine (`autoresearch prepare`).",
    "Ctrl-C once: finish the running job and stop; twice: stop now (the job re-runs elsewhere after the lease).",
    "Exit codes: 0 stopped, 2 bad option, 1 the database or the remote cannot be reached."
  ],
  run: async ({ values, io }) => {
    const cmd = "worker"
    const db = stringOption(values, "db") ?? io.env.AUTORESEARCH_DB
    const remote = stringOption(values, "remote")
    if (db === undefined || db === "") throw new UserError("no database: pass --db <postgres-url> or set AUTORESEARCH_DB", "see `autoresearch worker --help`", ExitCode.usage)
    if (!/^postgres(ql)?:\/\//.test(db)) throw new UserError(`--db must be a postgres:// URL (got ${redactUrl(db)})`, "see `autoresearch worker --help`", ExitCode.usage)
    if (remote === undefined || remote === "") throw new UserError("no git remote: pass --remote <git-url> (the one the coordinator pushes to)", "see `autoresearch worker --help`", ExitCode.usage)
    const maxJobs = numberOption(values, "max-jobs", cmd, { integer: true, positive: true })
    const leaseSeconds = numberOption(values, "lease", cmd, { positive: true })
    const dir = resolve(io.cwd, stringOption(values, "dir") ?? "autoresearch-worker")
    const name = stringOption(values, "name") ?? defaultWorkerName(io.env)
    const err = statusLine(io.stderr)
    err.print(`worker ${name} · database ${redactUrl(db)} · remote ${remote} · folder ${dir}`)
    const interrupts = onInterrupt((stage) => {
      err.print(stage === "stopping" ? "interrupted: finishing the running job, then stopping (Ctrl-C again to stop now)" : "stopping now")
      if (stage === "killing") process.exit(ExitCode.interrupted)
    })
    try {
      const outcome = await Effect.runPromise(
        serveJobs(
          {
            db, remote, dir, name, signal: interrupts.interrupt.signal,
            ...(maxJobs !== undefined ? { maxJobs } : {}),
            ...(leaseSeconds !== undefined ? { leaseSeconds } : {}),
            onJob: (event) =>
              err.print(
                event.kind === "started"
                  ? `${event.job.tag} #${event.job.experiment}: training ${event.job.commit.slice(0, 7)}${event.claim > 1 ? ` (claim ${event.claim})` : ""}`
                  : `${event.job.tag} #${event.job.experiment}: ${event.report?._tag === "Success" ? `val_bpb ${event.report.metrics.valBpb.toFixed(6)}` : `crash (${event.report?._tag === "Crash" ? event.report.reason : "?"})`}`
              )
          },
          preparedTfjsTrainer
        ).pipe(Effect.either)
      )
      // The tagged error itself (one line for a person), not a FiberFailure around it.
      if (outcome._tag === "Left") throw outcome.left
      const done = outcome.right
      line(io.stdout, `worker ${name} stopped after ${done} job${done === 1 ? "" : "s"}`)
      return interrupts.interrupt.signal.aborted ? ExitCode.interrupted : ExitCode.ok
    } finally {
      err.done()
      interrupts.dispose()
    }
  }
}
