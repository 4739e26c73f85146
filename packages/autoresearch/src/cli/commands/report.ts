import { join } from "node:path"
import { readParallel } from "../../results/parallel.js"
import { readRecords, resolveTag, runDir } from "../../results/records.js"
import { keptDiffs } from "../../report/kept-diffs.js"
import { writeReport } from "../../report/write-report.js"
import { readVerify, renderVerify } from "../../verify/verify-file.js"
import { readNotes } from "@autoresearch/core"
import { requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { displayPath } from "../display-path.js"
import { stringOption } from "../values.js"
import { resolve } from "node:path"

/** The run's last verify report (as text) and its research notes, where it has them. */
const verifyAndNotes = (workspace: string, tag: string): { verify?: string; notes?: string } => {
  const verify = readVerify(workspace, tag)
  const notes = readNotes(join(runDir(workspace, tag), "notes.md"))
  return { ...(verify !== undefined ? { verify: renderVerify(verify) } : {}), ...(notes !== "" ? { notes } : {}) }
}

export const reportCommand: Command = {
  name: "report",
  summary: "write the progress chart (SVG + PNG) and a self-contained HTML report of a run",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    tag: { type: "string", short: "t", placeholder: "tag", description: "the run to report (default: the most recent)" },
    out: { type: "string", short: "o", placeholder: "dir", description: "where to write the files (default: runs/<tag>/report)" },
    "svg-only": { type: "boolean", description: "skip the PNG" },
    json: { type: "boolean", description: "print the written paths as one JSON object" }
  },
  details: [
    "writes progress.svg, progress.png and report.html (the PNG is rendered in-process by resvg:",
    "no browser needed); for a parallel run also timeline.svg and timeline.png (who trained what, when)."
  ],
  run: async ({ values, io }) => {
    const workspace = requireWorkspace(workspaceDir(values, io))
    const tag = resolveTag(workspace.dir, stringOption(values, "tag"))
    const out = stringOption(values, "out")
    const records = readRecords(workspace.dir, tag)
    const parallel = readParallel(workspace.dir, tag)
    if (parallel?.problem !== undefined) line(io.stderr, `note: ${parallel.problem}`)
    const files = await writeReport({
      tag,
      records,
      diffs: keptDiffs(workspace.dir, records),
      outDir: out !== undefined ? resolve(io.cwd, out) : join(runDir(workspace.dir, tag), "report"),
      programFile: join(workspace.dir, "program.md"),
      ...verifyAndNotes(workspace.dir, tag),
      ...(parallel !== undefined ? { parallel: parallel.summary } : {}),
      png: values["svg-only"] !== true
    })
    if (values.json === true) {
      line(io.stdout, JSON.stringify(files))
      return ExitCode.ok
    }
    const show = (path: string) => displayPath(io.cwd, path)
    line(io.stdout, `chart:  ${show(files.svg)} (${files.points} points)`)
    if (files.png !== null) line(io.stdout, `chart:  ${show(files.png)}`)
    else if (values["svg-only"] !== true) line(io.stderr, `note: ${files.pngSkipped}`)
    if (files.timeline !== null) line(io.stdout, `timeline: ${show(files.timeline.png ?? files.timeline.svg)}`)
    line(io.stdout, `report: ${show(files.html)}`)
    return ExitCode.ok
  }
}
