// The one reader of experiments.jsonl text, shared by the store (open, list) and the read-only
// commands (results, report, dashboard): complete lines are decoded through ExperimentRecord;
// the text after the last newline is a torn fragment (a crash mid-append), returned apart.
import { Either, ParseResult, Schema } from "effect"
import { ExperimentRecord } from "../domain.js"

const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())
const decodeRecord = Schema.decodeUnknownEither(ExperimentRecord)

/** The first line that is not a record: not JSON at all, or JSON of another shape. */
export interface ExperimentLogProblem {
  /** 1-based line number in the text. */
  readonly line: number
  readonly kind: "json" | "record"
  /** What is wrong, in words (`path: problem; ...`). */
  readonly why: string
}

/** What `parseExperimentLog` read: the records, a torn last line, the first bad line if any. */
export interface ExperimentLog {
  /** The records of the complete lines before the first problem. */
  readonly records: ReadonlyArray<ExperimentRecord>
  /** Text after the last newline: a line torn by a crash mid-append ("" when none). */
  readonly fragment: string
  readonly problem?: ExperimentLogProblem
}

const why = (error: ParseResult.ParseError) =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`)
    .join("; ")

/** Splits a file of lines into its complete lines and a torn fragment (the text after the last newline). */
export const splitTornLine = (text: string): { readonly complete: string; readonly fragment: string } => {
  const end = text.lastIndexOf("\n") + 1
  return { complete: text.slice(0, end), fragment: text.slice(end) }
}

/**
 * Decodes the text of an experiments.jsonl file, stopping at the first line that is not a record.
 *
 * @example
 * const { records, fragment, problem } = parseExperimentLog(readFileSync("runs/nov27/experiments.jsonl", "utf8"))
 */
export const parseExperimentLog = (text: string): ExperimentLog => {
  const { complete, fragment } = splitTornLine(text)
  const lines = complete.split("\n")
  const records: Array<ExperimentRecord> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue
    const json = decodeJson(lines[i])
    if (Either.isLeft(json)) return { records, fragment, problem: { line: i + 1, kind: "json", why: why(json.left) } }
    const record = decodeRecord(json.right)
    if (Either.isLeft(record)) return { records, fragment, problem: { line: i + 1, kind: "record", why: why(record.left) } }
    records.push(record.right)
  }
  return { records, fragment }
}

/** Whether a fragment is a whole JSON value after all (a reader racing an append sees no newline yet). */
export const isWholeJson = (fragment: string): boolean => fragment.trim() !== "" && Either.isRight(decodeJson(fragment))
