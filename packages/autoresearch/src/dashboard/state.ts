// What the dashboard shows, folded from the run's records and events: the experiments so
// far, the one running now (its description, diff and training progress) and the stop; for a
// parallel run also its workers, the jobs in flight and the timeline (from jobs.jsonl).
import type { ExperimentRecord, ResearchEvent, Summary } from "@autoresearch/core"
import type { JobEvent } from "@autoresearch/distributed"
import { type ParallelSummary, summarizeJobs } from "../results/parallel.js"
import { summarize, type ResultsSummary } from "../results/summary.js"

export interface CurrentExperiment {
  readonly id: number
  readonly baseline: boolean
  readonly parent: string
  readonly startedAt: string
  readonly description?: string
  readonly diff?: string
  readonly progress?: {
    readonly step: number
    readonly loss: number
    readonly progress: number
    readonly tokensPerSec: number
    readonly remainingSeconds: number
  }
}

export interface DashboardState {
  readonly tag: string
  readonly records: ReadonlyArray<ExperimentRecord>
  readonly current: CurrentExperiment | null
  readonly stopped: Summary | null
  readonly notices: ReadonlyArray<string>
  /** A parallel run's job log (runs/<tag>/jobs.jsonl): offers, claims, results. */
  readonly jobEvents: ReadonlyArray<JobEvent>
}

/** What the page receives: the table's numbers instead of raw records. */
export interface DashboardView {
  readonly tag: string
  readonly summary: ResultsSummary
  readonly current: CurrentExperiment | null
  readonly stopped: Summary | null
  readonly notices: ReadonlyArray<string>
  /** The workers, the jobs in flight and the timeline of a parallel run; null for a sequential one. */
  readonly parallel: ParallelSummary | null
}

export const emptyState = (tag: string): DashboardState => ({ tag, records: [], current: null, stopped: null, notices: [], jobEvents: [] })

/** Adds events of the run's job log, as the dashboard tails it. */
export const withJobEvents = (state: DashboardState, events: ReadonlyArray<JobEvent>): DashboardState =>
  events.length === 0 ? state : { ...state, jobEvents: [...state.jobEvents, ...events] }

/** Adds records (from experiments.jsonl or ExperimentFinished), one per id, in id order. */
export const withRecords = (state: DashboardState, records: ReadonlyArray<ExperimentRecord>): DashboardState => {
  const byId = new Map(state.records.map((record) => [record.id, record]))
  for (const record of records) byId.set(record.id, record)
  return { ...state, records: [...byId.values()].sort((a, b) => a.id - b.id) }
}

export const applyEvent = (state: DashboardState, event: ResearchEvent, at: string): DashboardState => {
  switch (event._tag) {
    case "LoopStarted":
      return { ...state, stopped: null }
    case "Notice":
      return { ...state, notices: [...state.notices, event.message].slice(-20) }
    case "ExperimentStarted":
      return { ...state, current: { id: event.id, baseline: event.baseline, parent: event.parent, startedAt: at } }
    case "ProposalReady":
      return state.current?.id === event.id ? { ...state, current: { ...state.current, description: event.description, diff: event.diff } } : state
    case "TrainingProgress": {
      if (state.current?.id !== event.id) return state
      const { step, loss, progress, tokensPerSec, remainingSeconds } = event
      return { ...state, current: { ...state.current, progress: { step, loss, progress, tokensPerSec, remainingSeconds } } }
    }
    case "ExperimentFinished": {
      const next = withRecords(state, [event.record])
      return next.current?.id === event.record.id ? { ...next, current: null } : next
    }
    case "LoopStopped":
      return { ...state, current: null, stopped: event.summary }
  }
}

export const viewOf = (state: DashboardState): DashboardView => ({
  tag: state.tag,
  summary: summarize(state.tag, state.records),
  current: state.current,
  stopped: state.stopped,
  notices: state.notices,
  parallel: state.jobEvents.length > 0 ? summarizeJobs(state.jobEvents) : null
})
