// The workers, the jobs in flight and the timeline of a parallel run, folded from its
// runs/<tag>/jobs.jsonl (written by the coordinator: offers, claims, results). Pure: events in,
// plain data out (the `parallel` field of `autoresearch results --json`, the report and the
// dashboard draw the same).
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { JOBS_JSONL, type JobEvent, parseJobLog } from "@autoresearch/distributed"
import { runDir } from "./records.js"

export interface TimelineBar {
  readonly jobId: string
  readonly experiment: number
  /** 0, or the re-training's number for a change re-applied onto a newer best. */
  readonly round: number
  readonly worker: string
  readonly claim: number
  readonly start: string
  /** null while it runs. */
  readonly end: string | null
  /** lost: the worker died (or stalled) and the job went to another after its lease. */
  readonly outcome: "success" | "crash" | "lost" | "running"
  readonly valBpb: number | null
}

export interface WorkerRow {
  readonly name: string
  /** Results this worker wrote. */
  readonly jobs: number
  /** Claims of this worker that ended without its result (it died, the lease ran out). */
  readonly lostClaims: number
  readonly busySeconds: number
  /** The job it is running now, if any. */
  readonly running: { readonly jobId: string; readonly experiment: number; readonly since: string } | null
}

export interface InFlightJob {
  readonly jobId: string
  readonly experiment: number
  readonly round: number
  readonly description: string | null
  readonly offeredAt: string
  /** The worker of its latest claim; null while it waits for one. */
  readonly worker: string | null
  readonly claim: number | null
  readonly claimedAt: string | null
}

export interface ParallelSummary {
  readonly jobs: number
  readonly finished: number
  /** From the first offer to the last event (or now, while jobs are in flight). */
  readonly start: string | null
  readonly end: string | null
  readonly workers: ReadonlyArray<WorkerRow>
  readonly inFlight: ReadonlyArray<InFlightJob>
  /** Jobs claimed more than once, with every claim's worker in order. */
  readonly retried: ReadonlyArray<{ readonly jobId: string; readonly experiment: number; readonly workers: ReadonlyArray<string> }>
  /** One bar per claim, in claim order. */
  readonly timeline: ReadonlyArray<TimelineBar>
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000)

export const summarizeJobs = (events: ReadonlyArray<JobEvent>, now: Date = new Date()): ParallelSummary => {
  const offers = new Map<string, Extract<JobEvent, { _tag: "Offered" }>>()
  const claims = new Map<string, Array<Extract<JobEvent, { _tag: "Claimed" }>>>()
  const finished = new Map<string, Extract<JobEvent, { _tag: "Finished" }>>()
  let last: string | null = null
  for (const event of events) {
    if (event._tag === "Offered") offers.set(event.jobId, event)
    else if (event._tag === "Claimed") claims.set(event.jobId, [...(claims.get(event.jobId) ?? []), event])
    else finished.set(event.jobId, event)
    const at = event._tag === "Finished" ? event.finishedAt : event.at
    if (last === null || at > last) last = at
  }
  const jobIds = [...new Set([...offers.keys(), ...claims.keys(), ...finished.keys()])]
  const running = jobIds.some((id) => !finished.has(id))
  const end = running ? now.toISOString() : last
  const timeline: Array<TimelineBar> = []
  for (const jobId of jobIds) {
    const result = finished.get(jobId)
    const ofJob = [...(claims.get(jobId) ?? [])].sort((a, b) => a.claim - b.claim)
    ofJob.forEach((claim, i) => {
      const next = ofJob[i + 1]
      const won = result !== undefined && result.claim === claim.claim
      const round = offers.get(jobId)?.round ?? 0
      timeline.push({
        jobId, experiment: claim.experiment || result?.experiment || offers.get(jobId)?.experiment || 0, round, worker: claim.worker, claim: claim.claim,
        start: won ? result.startedAt : claim.at,
        end: won ? result.finishedAt : next !== undefined ? next.at : result !== undefined ? result.finishedAt : null,
        outcome: won ? result.outcome : next !== undefined || result !== undefined ? "lost" : "running",
        valBpb: won ? result.valBpb ?? null : null
      })
    })
  }
  timeline.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.claim - b.claim))
  const names = [...new Set([...timeline.map((bar) => bar.worker), ...[...finished.values()].map((r) => r.worker)])].sort()
  const workers = names.map((name): WorkerRow => {
    const bars = timeline.filter((bar) => bar.worker === name)
    const now_ = bars.findLast((bar) => bar.outcome === "running")
    return {
      name,
      jobs: [...finished.values()].filter((r) => r.worker === name).length,
      lostClaims: bars.filter((bar) => bar.outcome === "lost").length,
      busySeconds: bars.reduce((sum, bar) => sum + seconds(bar.start, bar.end ?? now.toISOString()), 0),
      running: now_ !== undefined ? { jobId: now_.jobId, experiment: now_.experiment, since: now_.start } : null
    }
  })
  const inFlight = jobIds
    .filter((id) => !finished.has(id) && offers.has(id))
    .map((id): InFlightJob => {
      const offer = offers.get(id)!
      const latest = claims.get(id)?.at(-1)
      return {
        jobId: id, experiment: offer.experiment, round: offer.round, description: offer.description ?? null, offeredAt: offer.at,
        worker: latest?.worker ?? null, claim: latest?.claim ?? null, claimedAt: latest?.at ?? null
      }
    })
    .sort((a, b) => a.experiment - b.experiment || a.round - b.round)
  const retried = jobIds
    .filter((id) => (claims.get(id)?.length ?? 0) > 1)
    .map((id) => ({ jobId: id, experiment: claims.get(id)![0]!.experiment, workers: claims.get(id)!.map((c) => c.worker) }))
    .sort((a, b) => a.experiment - b.experiment)
  const firstOffer = [...offers.values()].map((o) => o.at).sort()[0] ?? timeline[0]?.start ?? null
  return { jobs: jobIds.length, finished: finished.size, start: firstOffer, end, workers, inFlight, retried, timeline }
}

export const jobsFile = (workspace: string, tag: string) => join(runDir(workspace, tag), JOBS_JSONL)

/**
 * The run's parallel summary, or undefined for a run without a job log (a sequential run). A
 * damaged line stops the reading there, and `problem` says where.
 */
export const readParallel = (workspace: string, tag: string, now?: Date): { readonly summary: ParallelSummary; readonly problem?: string } | undefined => {
  const file = jobsFile(workspace, tag)
  if (!existsSync(file)) return undefined
  const parsed = parseJobLog(readFileSync(file, "utf8"))
  return {
    summary: summarizeJobs(parsed.events, now),
    ...(parsed.problem !== undefined ? { problem: `${file}:${parsed.problem.line} is not a job event (${parsed.problem.why}); the timeline stops before it` } : {})
  }
}
