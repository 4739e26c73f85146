// Reads a run's experiments.jsonl for the read-only commands (results, report, dashboard).
// Every line is decoded through core's ExperimentRecord schema; a torn last line (a crash
// mid-append) is skipped, any other bad line is an error naming the file and line.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { ExperimentRecord } from "@autoresearch/core"
import { ParseResult, Schema } from "effect"
import { UserError } from "../user-error.js"

const decodeRecord = Schema.decodeUnknownEither(ExperimentRecord)

/** Decodes the text of an experiments.jsonl file. */
export const parseRecords = (text: string, file: string): ReadonlyArray<ExperimentRecord> => {
  const lines = text.split("\n")
  const records: Array<ExperimentRecord> = []
  lines.forEach((line, index) => {
    if (line.trim() === "") return
    const isLast = lines.slice(index + 1).every((rest) => rest.trim() === "")
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      if (isLast) return // torn by a crash mid-append; the store repairs it on the next run
      throw new UserError(`${file}:${index + 1} is not valid JSON`, "the file was edited by hand or damaged")
    }
    const decoded = decodeRecord(json)
    if (decoded._tag === "Left") {
      throw new UserError(
        `${file}:${index + 1} is not an experiment record: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left).split("\n")[0]}`
      )
    }
    records.push(decoded.right)
  })
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

export const readRecords = (workspace: string, tag: string): ReadonlyArray<ExperimentRecord> => {
  const file = recordsFile(workspace, tag)
  return parseRecords(readFileSync(file, "utf8"), file)
}
