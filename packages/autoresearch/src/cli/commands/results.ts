import { readRecords, resolveTag } from "../../results/records.js"
import { readParallel } from "../../results/parallel.js"
import { renderParallel } from "../../results/parallel-table.js"
import { summarize } from "../../results/summary.js"
import { renderTable } from "../../results/table.js"
import { readVerify, renderVerify } from "../../verify/verify-file.js"
import { requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { stringOption } from "../values.js"

export const resultsCommand: Command = {
  name: "results",
  summary: "print the results table of a run: keep rate, best, deltas, crashes (and a parallel run's workers and timeline)",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    tag: { type: "string", short: "t", placeholder: "tag", description: "the run to show (default: the most recent)" },
    json: { type: "boolean", description: "print the summary and every row as one JSON object" }
  },
  details: ["exit codes: 0 shown, 2 bad option or unknown run, 3 not a workspace"],
  run: async ({ values, io }) => {
    const workspace = requireWorkspace(workspaceDir(values, io))
    const tag = resolveTag(workspace.dir, stringOption(values, "tag"))
    const summary = summarize(tag, readRecords(workspace.dir, tag))
    const verify = readVerify(workspace.dir, tag)
    // A parallel run's workers, jobs in flight and timeline (its runs/<tag>/jobs.jsonl).
    const parallel = readParallel(workspace.dir, tag)
    if (parallel?.problem !== undefined) line(io.stderr, `note: ${parallel.problem}`)
    if (values.json === true) {
      line(io.stdout, JSON.stringify({ ...summary, ...(verify !== undefined ? { verify } : {}), ...(parallel !== undefined ? { parallel: parallel.summary } : {}) }))
    } else {
      line(io.stdout, renderTable(summary, { color: io.stdout.isTTY === true && io.env.NO_COLOR === undefined }))
      if (verify !== undefined) line(io.stdout, renderVerify(verify))
      if (parallel !== undefined) line(io.stdout, `\n${renderParallel(parallel.summary)}`)
    }
    return ExitCode.ok
  }
}
