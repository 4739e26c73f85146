// Reads a run's experiments.jsonl for the read-only commands (results, report, dashboard).
// The lines are decoded by core's parseExperimentLog, the store's own reader.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { type ExperimentRecord, isWholeJson, parseExperimentLog } from "@autoresearch/core"
import { UserError } from "../user-error.js"

/**
 * Decodes the text of an experiments.jsonl file with the store's own reader. A torn last line
 * (a crash mid-append) is skipped; a last line complete but for its newline is read; any other
 * bad line is an error naming the file and line.
 */
export const parseRecords = (text: string, file: string): ReadonlyArray<ExperimentRecord> => {
  const first = parseExperimentLog(text)
  const { records, problem } = first.problem === undefined && isWholeJson(first.fragment) ? parseExperimentLog(`${text}\n`) : first
  if (problem?.kind === "json") throw new UserError(`${file}:${problem.line} is not valid JSON`, "the file was edited by hand or damaged")
  if (problem?.kind === "record") throw new UserError(`${file}:${problem.line} is not an experiment record: ${problem.why}`)
  return records
}

export const runsDir = (workspace: string) => join(workspace, "runs")
export const runDir = (workspace: string, tag: string) => join(workspace, "runs", tag)
export const recordsFile = (workspace: string, tag: string) => join(runDir(workspace, tag), "experiments.jsonl")

/** Tags with a store under runs/, most recently modified first. */
export const listTags = (workspace: string): ReadonlyArray<string> => {
  const dir = runsDir(workspace)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "experiments.jsonl")))
    .map((name) => ({ name, mtime: statSync(join(dir, name, "experiments.jsonl")).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)
    .map((entry) => entry.name)
}

/** The tag to show: the one asked for, else the most recent run. */
export const resolveTag = (workspace: string, tag: string | undefined): string => {
  if (tag !== undefined) {
    if (!existsSync(recordsFile(workspace, tag))) {
      const known = listTags(workspace)
      throw new UserError(
        `no run "${tag}" in ${runsDir(workspace)}`,
        known.length > 0 ? `known runs: ${known.join(", ")}` : "start one with `autoresearch run`"
      )
    }
    return tag
  }
  const latest = listTags(workspace)[0]
  if (latest === undefined) {
    throw new UserError(`no runs yet in ${workspace}`, "start one with `autoresearch run`")
  }
  return latest
}

/**
 * The records of `runs/<tag>/experiments.jsonl` in a workspace, read with the store's own parser (a torn last line skipped).
 *
 * @example
 * const records = readRecords("/home/me/research", "nov27")
 */
export const readRecords = (workspace: string, tag: string): ReadonlyArray<ExperimentRecord> => {
  const file = recordsFile(workspace, tag)
  return parseRecords(readFileSync(file, "utf8"), file)
}
