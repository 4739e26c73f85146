// The diffs of the kept changes, read from the workspace's git history, for the HTML report:
// what actually moved val_bpb, line by line. Missing commits (a pruned repository) are skipped.
import { execFileSync } from "node:child_process"
import type { ExperimentRecord } from "@autoresearch/core"

export const keptDiffs = (workspace: string, records: ReadonlyArray<ExperimentRecord>): ReadonlyMap<number, string> => {
  const diffs = new Map<number, string>()
  for (const record of records) {
    if (record.baseline || record.status !== "keep" || record.parent === record.commit) continue
    try {
      diffs.set(record.id, execFileSync("git", ["diff", record.parent, record.commit], { cwd: workspace, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }))
    } catch {
      // the commit is gone or this is not a git work tree: the report simply has no diff for it
    }
  }
  return diffs
}
