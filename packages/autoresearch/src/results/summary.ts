// The numbers behind `autoresearch results`: per-experiment rows with deltas, and the
// run's totals (keep rate, best, crashes). Pure: records in, plain data out (the --json shape).
import { costTotal, type ExperimentRecord, isNewBest, primaryRun, runsByCommit, type Status, throughputOf, tokensPerSecondOf } from "@autoresearch/core"
import { searchTree, type TreeNode } from "./tree.js"

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
  /** Model FLOP/s and tokens/s of the run its val_bpb comes from (from the metrics in older records). */
  readonly throughput: number | null
  readonly tokensPerSecond: number | null
  /** The machine's 1-minute load average at the start and the end of that run (null in older records). */
  readonly load: { readonly start: number; readonly end: number } | null
  /** Its runs that load disturbed (outside the throughput band of recent runs) and that were re-run. */
  readonly disturbedRuns: number
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
  /** The baseline's first run (its row's val_bpb). */
  readonly baselineBpb: number | null
  /** The best's first run (its row's val_bpb). */
  readonly bestBpb: number | null
  readonly bestCommit: string | null
  readonly bestDescription: string | null
  /** The mean of every run of the baseline's commit: its noise repeats and its re-runs beside later candidates. */
  readonly baselineMean: CommitMean | null
  /** The mean of every run of the best's commit: its first run, confirmations and re-runs beside later candidates. */
  readonly bestMean: CommitMean | null
  /**
   * baselineMean − bestMean (positive = improvement): a kept change's first run is one noisy
   * draw (and the one its keep was screened on), so the gain is measured on every run of both.
   */
  readonly improvement: number | null
  readonly improvementPercent: number | null
  /** The known agent spend: a lower bound when `unknownCosts` > 0. */
  readonly costUsd: number
  /** Experiments whose cost is unknown. */
  readonly unknownCosts: number
  /** The noise floor measured by repeating the baseline, when it was. */
  readonly noise: { readonly samples: ReadonlyArray<number>; readonly std: number } | null
  readonly rows: ReadonlyArray<ResultRow>
  /** The kept nodes and the node each branched from (one line unless the strategy branches). */
  readonly tree: ReadonlyArray<TreeNode>
}

/** A commit's val_bpb as the mean of all its runs in the records. */
export interface CommitMean {
  readonly valBpb: number
  readonly runs: number
}

const meanOf = (runs: Map<string, Array<number>>, record: ExperimentRecord | null, first: number | null): CommitMean | null => {
  const values = record !== null ? runs.get(record.commit) ?? [] : []
  if (values.length > 0) return { valBpb: values.reduce((sum, value) => sum + value, 0) / values.length, runs: values.length }
  return first !== null ? { valBpb: first, runs: 1 } : null
}

const shortCommit = (commit: string) => commit.slice(0, 7)

const measured = (record: ExperimentRecord): number | null =>
  record.metrics !== undefined && record.status !== "crash" && Number.isFinite(record.metrics.valBpb)
    ? record.metrics.valBpb
    : null

/** The throughput and load of the run a record's val_bpb comes from. */
const conditionsOf = (record: ExperimentRecord): Pick<ResultRow, "throughput" | "tokensPerSecond" | "load" | "disturbedRuns"> => {
  const primary = primaryRun(record)
  return {
    throughput: primary?.throughput ?? (record.metrics !== undefined ? throughputOf(record.metrics) : undefined) ?? null,
    tokensPerSecond: primary?.tokensPerSecond ?? (record.metrics !== undefined ? tokensPerSecondOf(record.metrics) : undefined) ?? null,
    load: primary !== undefined ? { start: primary.loadStart, end: primary.loadEnd } : null,
    disturbedRuns: record.runs?.filter((sample) => sample.disturbed === true).length ?? 0
  }
}

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
    if (valBpb !== null && (isNewBest(record) || (record.baseline && best === null))) {
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
      worker: record.worker ?? null,
      ...conditionsOf(record)
    }
  })
  const count = (status: Status) => records.filter((record) => record.status === status).length
  const changes = records.filter((record) => !record.baseline)
  const decided = changes.filter((record) => record.status !== "agent_error")
  const keptChanges = changes.filter((record) => record.status === "keep").length
  const baselineRecord = records.find((record) => record.baseline && measured(record) !== null) ?? null
  const baselineBpb = baselineRecord !== null ? measured(baselineRecord) : null
  const finalBest = best as number | null
  const finalRecord = bestRecord as ExperimentRecord | null
  const runs = runsByCommit(records)
  const baselineMean = meanOf(runs, baselineRecord, baselineBpb)
  const bestMean = meanOf(runs, finalRecord, finalBest)
  const improvement = baselineMean !== null && bestMean !== null ? baselineMean.valBpb - bestMean.valBpb : null
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
    baselineMean,
    bestMean,
    improvementPercent: improvement !== null && baselineMean !== null && baselineMean.valBpb > 0 ? (100 * improvement) / baselineMean.valBpb : null,
    costUsd: cost.knownUsd,
    unknownCosts: cost.unknown,
    noise: records.find((record) => record.baseline && record.noise !== undefined)?.noise ?? null,
    rows,
    tree: searchTree(records)
  }
}
