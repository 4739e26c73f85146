// The timeline of a parallel run, one JSON line per event in runs/<tag>/jobs.jsonl: every job
// the coordinator offered, every claim of a job by a worker, and each job's one result. The
// coordinator writes it from its ledger as it polls (the in-memory ledger of `--parallel N`, or
// PostgreSQL's claims written by workers on other machines), so `autoresearch results`,
// `report` and `dashboard` show the workers, the jobs in flight and who ran what, when,
// without a database. Each event is written once, also across a coordinator restart.
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from "node:fs"
import { dirname, join } from "node:path"
import { Effect, Schema } from "effect"
import { JobId, type TrainJob } from "./job.js"
import { JobLedger } from "./ledger.js"

export const JOBS_JSONL = "jobs.jsonl"

export const JobOffered = Schema.TaggedStruct("Offered", {
  jobId: JobId,
  experiment: Schema.Number,
  /** 0 for the first training of the experiment, 1… for a re-training on a newer best. */
  round: Schema.Number,
  at: Schema.String,
  description: Schema.optional(Schema.String)
})

export const JobClaimed = Schema.TaggedStruct("Claimed", {
  jobId: JobId,
  experiment: Schema.Number,
  /** 1 for the first claim; more means the workers before died (their lease ran out). */
  claim: Schema.Number,
  worker: Schema.String,
  at: Schema.String
})

export const JobFinished = Schema.TaggedStruct("Finished", {
  jobId: JobId,
  experiment: Schema.Number,
  worker: Schema.String,
  /** The claim that wrote the result. */
  claim: Schema.Number,
  startedAt: Schema.String,
  finishedAt: Schema.String,
  outcome: Schema.Literal("success", "crash"),
  valBpb: Schema.optional(Schema.Number)
})

export const JobEvent = Schema.Union(JobOffered, JobClaimed, JobFinished)
export type JobEvent = typeof JobEvent.Type

const encodeLine = Schema.encodeSync(Schema.parseJson(JobEvent))
const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(JobEvent))

/**
 * Decodes jobs.jsonl. A torn last line (a crash mid-append) is skipped; any other line that is
 * not a job event is an error naming its line.
 */
export const parseJobLog = (text: string): { readonly events: ReadonlyArray<JobEvent>; readonly problem?: { readonly line: number; readonly why: string } } => {
  const lines = text.split("\n")
  const complete = text.endsWith("\n") ? lines.slice(0, -1) : lines
  const events: Array<JobEvent> = []
  for (let i = 0; i < complete.length; i++) {
    const line = complete[i]!
    if (line.trim() === "") continue
    const decoded = decodeLine(line)
    if (decoded._tag === "Right") events.push(decoded.right)
    else if (!(i === complete.length - 1 && !text.endsWith("\n"))) return { events, problem: { line: i + 1, why: decoded.left.message.split("\n")[0]! } }
  }
  return { events }
}

export const readJobLog = (file: string): ReadonlyArray<JobEvent> => (existsSync(file) ? parseJobLog(readFileSync(file, "utf8")).events : [])

export interface JobLogOptions {
  /** The file, usually runs/<tag>/jobs.jsonl. */
  readonly file: string
  /**
   * How often the claims of the jobs in flight are read (default 1 s; always when a result
   * comes). The claims live where the workers wrote them: on PostgreSQL this is one query.
   */
  readonly claimPollSeconds?: number
}

/**
 * The coordinator's ledger, writing the run's timeline as a side effect of what the coordinator
 * asks it anyway: offers as they are recorded, and, as it polls for results, the claims of the
 * jobs it polls and the results it finds. Writing the timeline never fails the run.
 */
export const withJobLog = (ledger: JobLedger["Type"], options: JobLogOptions): JobLedger["Type"] => {
  const logged = new Set<string>()
  const keyOf = (event: JobEvent) => (event._tag === "Claimed" ? `C ${event.jobId} ${event.claim}` : `${event._tag[0]} ${event.jobId}`)
  const before = existsSync(options.file) ? readFileSync(options.file, "utf8") : ""
  // A coordinator killed mid-append left half a line: cut it, or the next line would join it.
  if (before !== "" && !before.endsWith("\n")) truncateSync(options.file, Buffer.byteLength(before.slice(0, before.lastIndexOf("\n") + 1)))
  for (const event of parseJobLog(before).events) logged.add(keyOf(event))
  const experimentOf = new Map<string, number>()
  let writable = true
  const append = (events: ReadonlyArray<JobEvent>) =>
    Effect.sync(() => {
      const fresh = events.filter((event) => !logged.has(keyOf(event)))
      if (fresh.length === 0 || !writable) return
      try {
        mkdirSync(dirname(options.file), { recursive: true })
        appendFileSync(options.file, fresh.map((event) => `${encodeLine(event)}\n`).join(""))
        for (const event of fresh) logged.add(keyOf(event))
      } catch {
        writable = false // a full or read-only disk loses the timeline, never the run
      }
    })
  const claimPollMs = (options.claimPollSeconds ?? 1) * 1000
  let lastClaimPoll = 0
  const offered = (job: TrainJob): JobEvent => {
    experimentOf.set(job.id, job.experiment)
    return {
      _tag: "Offered", jobId: job.id, experiment: job.experiment, round: job.proposal?.round ?? 0, at: new Date().toISOString(),
      // A noise repeat, a repair's run or a confirmation says which training of the experiment it is.
      description: `${job.proposal?.description ?? "baseline"}${job.run !== undefined && job.run !== String(job.experiment) ? ` [${job.run}]` : ""}`
    }
  }
  return {
    ...ledger,
    recordOffers: (jobs) => Effect.tap(ledger.recordOffers(jobs), () => append(jobs.map(offered))),
    offered: (tag) => Effect.tap(ledger.offered(tag), (jobs) => Effect.sync(() => jobs.forEach((job) => experimentOf.set(job.id, job.experiment)))),
    results: (jobIds) =>
      Effect.gen(function* () {
        const found = yield* ledger.results(jobIds)
        const now = Date.now()
        const fresh = found.filter((result) => !logged.has(`F ${result.jobId}`))
        if (fresh.length > 0 || now - lastClaimPoll >= claimPollMs) {
          lastClaimPoll = now
          // Read after the results: every claim that led to one of them is in this read.
          const claims = yield* Effect.orElseSucceed(ledger.claimsOf(jobIds), () => [])
          yield* append(
            claims.map((c) => ({ _tag: "Claimed", jobId: c.jobId, experiment: experimentOf.get(c.jobId) ?? 0, claim: c.claim, worker: c.worker, at: c.claimedAt }) as const)
          )
        }
        yield* append(
          fresh.map((r) => ({
            _tag: "Finished", jobId: r.jobId, experiment: r.experiment, worker: r.worker, claim: r.claims, startedAt: r.startedAt, finishedAt: r.finishedAt,
            outcome: r.report._tag === "Success" ? "success" : "crash",
            ...(r.report._tag === "Success" && Number.isFinite(r.report.metrics.valBpb) ? { valBpb: r.report.metrics.valBpb } : {})
          }) as const)
        )
        return found
      })
  }
}

/** Runs the coordinator with its ledger writing `<runDir>/jobs.jsonl` (the workers keep theirs). */
export const withRunJobLog =
  (runDir: string, options: Omit<JobLogOptions, "file"> = {}) =>
  <A, E, R>(coordinator: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | JobLedger> =>
    Effect.flatMap(JobLedger, (ledger) => Effect.provideService(coordinator, JobLedger, withJobLog(ledger, { ...options, file: join(runDir, JOBS_JSONL) })))
