// One experiment as a value the phases hand on, and how it ends: a record, or nothing (killed).
import { Data, Effect } from "effect"
import type { CostUsd } from "../cost.js"
import type { Decision, ExperimentRecord, Proposal, RunReport } from "../domain.js"
import { killed, type LoopRun } from "./run-context.js"

export interface Experiment {
  readonly id: number
  readonly baseline: boolean
  /** The best commit it starts from. */
  readonly parent: string
  readonly startedAt: Date
  readonly agentMs: number
  readonly trainMs: number
  /** The agent's spend so far; null once any part of it is unknown. */
  readonly costUsd: CostUsd
  /** The proposal whose edits were applied (the last one asked, until one applies). */
  readonly proposal?: Proposal
  /** The commit holding its edits (the parent until they are committed). */
  readonly commit: string
  /** The unified diff parent → commit of the proposal (before any repair). */
  readonly diff?: string
  readonly report?: RunReport
  readonly repairs: number
  readonly canvasLines?: number
  readonly decision?: Decision
  readonly threshold?: number
  readonly confirmation?: ExperimentRecord["confirmation"]
  readonly evidence?: ExperimentRecord["evidence"]
  readonly noise?: ExperimentRecord["noise"]
}

/** How an experiment ended: a record to append, or nothing because the second interrupt killed it. */
export type Outcome =
  | { readonly _tag: "Recorded"; readonly record: ExperimentRecord; readonly retryable: boolean }
  | { readonly _tag: "Killed" }

/** A phase ends the experiment early (an agent error, edits that never applied, a kill). */
export class ExperimentEnded extends Data.TaggedError("ExperimentEnded")<{ readonly outcome: Outcome }> {}

export const startExperiment = (id: number, parent: string, baseline: boolean): Experiment => ({
  id,
  baseline,
  parent,
  startedAt: new Date(),
  agentMs: 0,
  trainMs: 0,
  costUsd: 0,
  commit: parent,
  repairs: 0
})

/** The crash part of a record, from a run report. */
export const crashOf = (report: RunReport | undefined) =>
  report?._tag === "Crash" ? { reason: report.reason, message: report.message, logTail: report.logTail } : undefined

type Fields = Pick<ExperimentRecord, "description" | "status" | "decisionReason"> & Partial<Pick<ExperimentRecord, "diffStat" | "transcript">>

/** The record of an experiment, with the fields the phases filled in. */
export const toRecord = (run: LoopRun, experiment: Experiment, fields: Fields): ExperimentRecord => {
  const finishedAt = new Date()
  const { report } = experiment
  return {
    id: experiment.id,
    tag: run.config.tag,
    baseline: experiment.baseline,
    parent: experiment.parent,
    commit: experiment.commit,
    startedAt: experiment.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durations: {
      agentMs: Math.round(experiment.agentMs),
      trainMs: Math.round(experiment.trainMs),
      totalMs: finishedAt.getTime() - experiment.startedAt.getTime()
    },
    costUsd: experiment.costUsd,
    repairs: experiment.repairs,
    metrics: report?._tag === "Success" ? report.metrics : undefined,
    crash: crashOf(report),
    canvasLines: experiment.canvasLines,
    transcript: experiment.proposal?.transcript,
    noise: experiment.noise,
    threshold: experiment.threshold,
    confirmation: experiment.confirmation,
    evidence: experiment.evidence,
    ...fields
  }
}

/** Ends the experiment with a record. */
export const endWith = (run: LoopRun, experiment: Experiment, fields: Fields, retryable = false) =>
  Effect.fail(new ExperimentEnded({ outcome: { _tag: "Recorded", record: toRecord(run, experiment, fields), retryable } }))

/** Ends the experiment unrecorded when the second interrupt came. */
export const unlessKilled = <A>(run: LoopRun, value: A): Effect.Effect<A, ExperimentEnded> =>
  killed(run) ? Effect.fail(new ExperimentEnded({ outcome: { _tag: "Killed" } })) : Effect.succeed(value)
