// Every val_bpb measured per commit in a run's records: the baseline's repeats, each
// experiment's own runs and the paired re-runs of the best it was compared with.
import type { ExperimentRecord } from "../domain.js"

/** Every val_bpb measured per commit in a run's records (repeats, own runs, paired re-runs). */
export const runsByCommit = (records: ReadonlyArray<ExperimentRecord>): Map<string, Array<number>> => {
  const runs = new Map<string, Array<number>>()
  const add = (commit: string, values: ReadonlyArray<number>) => {
    if (!runs.has(commit)) runs.set(commit, [])
    runs.get(commit)!.push(...values.filter(Number.isFinite))
  }
  for (const record of records) {
    if (record.evidence !== undefined) {
      add(record.commit, record.evidence.candidateRuns)
      add(record.parent, record.evidence.bestReruns)
    } else if (record.baseline && record.noise !== undefined) add(record.commit, record.noise.samples)
    else if (record.metrics !== undefined && record.status !== "crash") add(record.commit, [record.metrics.valBpb])
  }
  return runs
}
