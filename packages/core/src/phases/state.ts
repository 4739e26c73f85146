// The loop's state as one explicit value. Everything in it is derived from the store's records
// (and re-derived the same way on a resume), except what is counted per session.
import { costTotal } from "../cost.js"
import type { ExperimentRecord, Summary } from "../domain.js"
import { keepThreshold } from "../policy.js"
import type { LoopConfig } from "../config.js"

export interface LoopState {
  /** Every experiment of the tag, oldest first (earlier sessions included). */
  readonly records: ReadonlyArray<ExperimentRecord>
  /** Records that were there when this session started (a resume when > 0). */
  readonly resumedAfter: number
  /** The best kept experiment, undefined until the baseline is kept. */
  readonly best: ExperimentRecord | undefined
  /**
   * The base until something is kept: HEAD at the start, so a person's fix of a failing
   * baseline, committed on the run branch, is what the next session measures.
   */
  readonly head: string
  /** When this session started (ms since the epoch): `maxDurationSeconds` counts from it. */
  readonly sessionStart: number
  /** Failures in a row in this session, retryable agent errors not counted. */
  readonly failuresInARow: number
  /** Retryable agent errors in a row: the loop waits longer after each. */
  readonly retryableInARow: number
}

/** The best kept experiment: the last `keep` (each keep beat the one before it). */
export const bestOf = (records: ReadonlyArray<ExperimentRecord>) => records.findLast((r) => r.status === "keep" && r.metrics !== undefined)

export const initialState = (records: ReadonlyArray<ExperimentRecord>, head: string, sessionStart = Date.now()): LoopState => ({
  records,
  resumedAfter: records.length,
  best: bestOf(records),
  head,
  sessionStart,
  failuresInARow: 0,
  retryableInARow: 0
})

export const bestCommit = (state: LoopState): string => state.best?.commit ?? state.head
export const noiseStd = (state: LoopState): number => state.records.find((r) => r.noise !== undefined)?.noise?.std ?? 0
/** The known spend of the tag (experiments of unknown cost add nothing: `maxCostUsd` cannot see them). */
export const totalCost = (state: LoopState): number => costTotal(state.records).knownUsd
/** The margin a change must beat the best by: max(minDelta, noiseZ × noise std). */
export const threshold = (state: LoopState, config: LoopConfig): number => keepThreshold(config.minDelta, config.noiseZ * noiseStd(state))
export const nextId = (state: LoopState): number => (state.records.at(-1)?.id ?? 0) + 1
export const sessionSeconds = (state: LoopState, now = Date.now()): number => (now - state.sessionStart) / 1000
/** Experiments recorded by this session (a resume's earlier ones not counted): what `maxExperiments` limits. */
export const sessionExperiments = (state: LoopState): number => state.records.length - state.resumedAfter
/** Experiments since the last keep (earlier sessions included). */
export const sinceLastKeep = (state: LoopState): number => {
  const last = state.records.findLastIndex((r) => r.status === "keep")
  return last < 0 ? 0 : state.records.length - 1 - last
}
/** The last record of this session, if any. */
export const lastOfSession = (state: LoopState): ExperimentRecord | undefined =>
  state.records.length > state.resumedAfter ? state.records.at(-1) : undefined

const FAILURES: ReadonlyArray<ExperimentRecord["status"]> = ["crash", "invalid", "agent_error"]

/** The state after one more record; `retryable` marks an agent error worth waiting out. */
export const withRecord = (state: LoopState, record: ExperimentRecord, retryable = false): LoopState => {
  const failed = FAILURES.includes(record.status)
  return {
    ...state,
    records: [...state.records, record],
    best: record.status === "keep" ? record : state.best,
    failuresInARow: retryable ? state.failuresInARow : failed ? state.failuresInARow + 1 : 0,
    retryableInARow: retryable ? state.retryableInARow + 1 : 0
  }
}

/** Why the loop stops before the next experiment, or undefined to go on. */
export const stopReason = (
  state: LoopState,
  config: LoopConfig,
  signals: { readonly stopping: boolean; readonly killed: boolean; readonly logOf: (id: number) => string },
  now = Date.now()
): string | undefined => {
  if (signals.killed) return "killed by a second interrupt"
  if (signals.stopping) return "interrupted"
  if (config.maxExperiments !== undefined && sessionExperiments(state) >= config.maxExperiments) return `reached maxExperiments (${config.maxExperiments})`
  if (config.maxDurationSeconds !== undefined && sessionSeconds(state, now) >= config.maxDurationSeconds) {
    return `reached maxDurationSeconds (${config.maxDurationSeconds})`
  }
  if (config.maxCostUsd !== undefined && totalCost(state) >= config.maxCostUsd) return `reached maxCostUsd ($${config.maxCostUsd})`
  if (config.maxWithoutImprovement !== undefined && sinceLastKeep(state) >= config.maxWithoutImprovement) {
    return `no improvement in the last ${config.maxWithoutImprovement} experiments (maxWithoutImprovement)`
  }
  const last = lastOfSession(state)
  if (last?.baseline && last.status !== "keep") {
    return `the unchanged baseline failed (${last.decisionReason}); fix the canvas or the trainer, see ${signals.logOf(last.id)}`
  }
  if (state.failuresInARow >= config.maxConsecutiveFailures) {
    return `${config.maxConsecutiveFailures} experiments failed in a row (last: ${last?.decisionReason}); stopping rather than burning the budget`
  }
  return undefined
}

/** The run's Summary from its records. */
export const summarizeRun = (tag: string, records: ReadonlyArray<ExperimentRecord>, bestCommit: string, stopReason: string): Summary => {
  const count = (f: (r: ExperimentRecord) => boolean) => records.filter(f).length
  const baseline = records.find((r) => r.baseline && r.status === "keep")
  const cost = costTotal(records)
  return {
    tag,
    experiments: records.length,
    kept: count((r) => r.status === "keep" && !r.baseline),
    discarded: count((r) => r.status === "discard"),
    crashed: count((r) => r.status === "crash" || r.status === "agent_error"),
    invalid: count((r) => r.status === "invalid"),
    baselineBpb: baseline?.metrics?.valBpb,
    bestBpb: bestOf(records)?.metrics?.valBpb,
    bestCommit,
    costUsd: cost.knownUsd,
    ...(cost.unknown > 0 ? { unknownCosts: cost.unknown } : {}),
    stopReason
  }
}
