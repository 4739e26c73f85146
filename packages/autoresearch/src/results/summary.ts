// The numbers behind `autoresearch results`: per-experiment rows with deltas, and the
// run's totals (keep rate, best, crashes). Pure: records in, plain data out (the --json shape).
import { costTotal, type ExperimentRecord, type Status } from "@autoresearch/core"

/** One experiment as `autoresearch results` shows it (and `--json` prints it). */
export interface ResultRow {
  readonly id: number
  readonly commit: string
  readonly status: Status
  readonly baseline: boolean
  readonly valBpb: number | null
  /** val_bpb minus the best before this experiment (negative = better); null without a metric. */
  readonly deltaVsBest: number | null
  /** The best val_bpb after this experiment was decided (the running best). */
  readonly bestAfter: number | null
  readonly memoryGb: number | null
  readonly trainingSeconds: number | null
  /** The agent's spend on it; null when unknown (a model without a price). */
  readonly costUsd: number | null
  readonly description: string
  /** Why it crashed or was refused, when it did. */
  readonly failure: string | null
  /** The margin it had to beat the best by (max(minDelta, z × noise std)), when recorded. */
  readonly threshold: number | null
  /** A candidate keep's confirmation re-run, when the run confirms keeps. */
  readonly confirmation: { readonly valBpb: number | null; readonly confirmed: boolean } | null
  /** The worker that trained it, in a parallel run. */
  readonly worker: string | null
}

/** A run's totals and rows: the shape of `autoresearch results --json`. */
export interface ResultsSummary {
  readonly tag: string
  readonly experiments: number
  /** Kept changes (the baseline is not counted). */
  readonly kept: number
  readonly discarded: number
  readonly crashed: number
  readonly invalid: number
  readonly agentErrors: number
  /** Kept changes / decided changes (the baseline is not a change); null before any change. */
  readonly keepRate: number | null
  readonly baselineBpb: number | null
  readonly bestBpb: number | null
  readonly bestCommit: string | null
  readonly bestDescription: string | null
  /** baseline − best (positive = improvement). */
  readonly improvement: number | null
  readonly improvementPercent: number | null
  /** The known agent spend: a lower bound when `unknownCosts` > 0. */
  readonly costUsd: number
  /** Experiments whose cost is unknown. */
  readonly unknownCosts: number
  /** The noise floor measured by repeating the baseline, when it was. */
  readonly noise: { readonly samples: ReadonlyArray<number>; readonly std: number } | null
  readonly rows: ReadonlyArray<ResultRow>
}

const shortCommit = (commit: string) => commit.slice(0, 7)

const measured = (record: ExperimentRecord): number | null =>
  record.metrics !== undefined && record.status !== "crash" && Number.isFinite(record.metrics.valBpb)
    ? record.metrics.valBpb
    : null

/**
 * Rows with deltas and the run's totals from its records (exported as `summarizeResults`).
 *
 * @example
 * console.log(renderTable(summarizeResults("nov27", readRecords(dir, "nov27"))))
 */
export const summarize = (tag: string, records: ReadonlyArray<ExperimentRecord>): ResultsSummary => {
  let best: number | null = null
  let bestRecord: ExperimentRecord | null = null
  const rows = records.map((record): ResultRow => {
    const valBpb = measured(record)
    const deltaVsBest = valBpb !== null && best !== null ? valBpb - best : null
    if (valBpb !== null && (record.status === "keep" || (record.baseline && best === null))) {
      best = valBpb
      bestRecord = record
    }
    return {
      id: record.id,
      commit: shortCommit(record.commit),
      status: record.status,
      baseline: record.baseline,
      valBpb,
      deltaVsBest,
      bestAfter: best,
      memoryGb: record.metrics !== undefined ? record.metrics.peakMemoryMb / 1024 : null,
      trainingSeconds: record.metrics?.trainingSeconds ?? null,
      costUsd: record.costUsd,
      description: record.description,
      failure: record.crash !== undefined ? `${record.crash.reason}: ${record.crash.message}` : record.status === "keep" || record.status === "discard" ? null : record.decisionReason,
      threshold: record.threshold ?? null,
      confirmation: record.confirmation !== undefined ? { valBpb: record.confirmation.valBpb ?? null, confirmed: record.confirmation.confirmed } : null,
      worker: record.worker ?? null
    }
  })
  const count = (status: Status) => records.filter((record) => record.status === status).length
  const changes = records.filter((record) => !record.baseline)
  const decided = changes.filter((record) => record.status !== "agent_error")
  const keptChanges = changes.filter((record) => record.status === "keep").length
  const baselineBpb = records.map((record) => (record.baseline ? measured(record) : null)).find((value) => value !== null) ?? null
  const finalBest = best as number | null
  const finalRecord = bestRecord as ExperimentRecord | null
  const improvement = baselineBpb !== null && finalBest !== null ? baselineBpb - finalBest : null
  const cost = costTotal(records)
  return {
    tag,
    experiments: records.length,
    kept: keptChanges,
    discarded: count("discard"),
    crashed: count("crash"),
    invalid: count("invalid"),
    agentErrors: count("agent_error"),
    keepRate: decided.length > 0 ? keptChanges / decided.length : null,
    baselineBpb,
    bestBpb: finalBest,
    bestCommit: finalRecord !== null ? shortCommit(finalRecord.commit) : null,
    bestDescription: finalRecord?.description ?? null,
    improvement,
    improvementPercent: improvement !== null && baselineBpb !== null && baselineBpb > 0 ? (100 * improvement) / baselineBpb : null,
    costUsd: cost.knownUsd,
    unknownCosts: cost.unknown,
    noise: records.find((record) => record.baseline && record.noise !== undefined)?.noise ?? null,
    rows
  }
}
