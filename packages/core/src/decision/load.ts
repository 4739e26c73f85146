// Load awareness: a wall-clock budget turns machine load into val_bpb, so a run whose
// throughput falls outside the band of recent runs was disturbed and must not decide anything.
import type { ExperimentRecord, RunMetrics, RunSample } from "../domain.js"
import { median } from "./noise.js"

/** The band of model FLOP/s of recent runs: a run outside it was disturbed by machine load. */
export interface ThroughputBand {
  readonly low: number
  readonly high: number
  readonly median: number
}

/** How wide the throughput band is and how many recent runs set it. */
export interface BandOptions {
  /** The band is at least ± this fraction of the median. Default 0.15. */
  readonly relative?: number
  /** … and at least ± this many robust standard deviations (1.4826 × MAD). Default 4. */
  readonly k?: number
  /** Fewer recent runs than this give no band (nothing is disturbed). Default 3. */
  readonly minRuns?: number
}

/**
 * Training throughput in model FLOP/s (6 × parameters × tokens / training seconds): unlike
 * tokens per second it changes little when a change makes the model larger or smaller, so
 * runs of different configurations share one band. Undefined when the trainer reports no sizes.
 */
export const throughputOf = (metrics: RunMetrics): number | undefined => {
  const flops = 6 * metrics.numParamsM * 1e6 * metrics.totalTokensM * 1e6
  return flops > 0 && metrics.trainingSeconds > 0 ? flops / metrics.trainingSeconds : undefined
}

/** Training tokens per second; undefined when the trainer reports no token count. */
export const tokensPerSecondOf = (metrics: RunMetrics): number | undefined =>
  metrics.totalTokensM > 0 && metrics.trainingSeconds > 0 ? (metrics.totalTokensM * 1e6) / metrics.trainingSeconds : undefined

/** The run whose metrics a record holds: its last first run, repair or re-run (not a noise, confirmation or best re-run). */
export const primaryRun = (record: ExperimentRecord): RunSample | undefined =>
  record.runs?.findLast((sample) => sample.kind === "run" || sample.kind === "repair" || sample.kind === "rerun")

/** Throughputs of the most recent runs, newest last: every run of the records (a record from before `runs` counts its metrics). */
export const recentThroughputs = (records: ReadonlyArray<ExperimentRecord>, count = 8): Array<number> =>
  records
    .flatMap((record) =>
      record.runs !== undefined ? record.runs.flatMap((sample) => sample.throughput ?? []) : record.metrics !== undefined ? (throughputOf(record.metrics) ?? []) : []
    )
    .slice(-count)

/**
 * Throughputs of every run of `commit` in the records: its own runs, and the re-runs of it as
 * the best beside other experiments (kind `best` in the records built on it).
 */
export const commitThroughputs = (records: ReadonlyArray<ExperimentRecord>, commit: string): Array<number> =>
  records.flatMap((record) =>
    (record.runs ?? []).flatMap((sample) =>
      sample.throughput !== undefined && !sample.disturbed && (sample.kind === "best" ? record.parent === commit : record.commit === commit) ? [sample.throughput] : []
    )
  )

/** The band of normal throughput from recent runs (median ± max(relative, k robust σ)). */
export const throughputBand = (recent: ReadonlyArray<number>, options: BandOptions = {}): ThroughputBand | undefined => {
  const values = recent.filter((value) => Number.isFinite(value) && value > 0)
  if (values.length < (options.minRuns ?? 3)) return undefined
  const m = median(values)
  const mad = median(values.map((value) => Math.abs(value - m)))
  const half = Math.max((options.relative ?? 0.15) * m, (options.k ?? 4) * 1.4826 * mad)
  return { low: m - half, high: m + half, median: m }
}

/** Whether a run's throughput falls outside the band of recent runs (re-run it before deciding). */
export const isDisturbed = (throughput: number | undefined, recent: ReadonlyArray<number>, options: BandOptions = {}): boolean => {
  if (throughput === undefined) return false
  const band = throughputBand(recent, options)
  return band !== undefined && (throughput < band.low || throughput > band.high)
}
