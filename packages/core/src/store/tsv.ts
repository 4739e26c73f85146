// results.tsv in exactly the reference's format: one row per experiment, never broken by
// what an agent wrote in its description.
import type { ExperimentRecord, Status } from "../domain.js"

/** The header line of results.tsv, exactly the reference's. */
export const TSV_HEADER = "commit\tval_bpb\tmemory_gb\tstatus\tdescription"

/** The reference knows three statuses; the precise one lives in experiments.jsonl. */
export const tsvStatus = (status: Status): "keep" | "discard" | "crash" =>
  status === "keep" || status === "discard" ? status : "crash"

/** Tabs and line breaks would break the row: they become single spaces. */
export const tsvDescription = (description: string): string => description.replace(/[\t\r\n]+/g, " ").trim()

/** One row, without the newline: 7-char commit, 6-decimal val_bpb, 1-decimal GB (0 on a crash). */
export const tsvRow = (record: ExperimentRecord): string => {
  const status = tsvStatus(record.status)
  const metrics = status === "crash" ? undefined : record.metrics
  const valBpb = metrics?.valBpb ?? 0
  const memoryGb = (metrics?.peakMemoryMb ?? 0) / 1024
  return [record.commit.slice(0, 7), valBpb.toFixed(6), memoryGb.toFixed(1), status, tsvDescription(record.description)].join("\t")
}
