// results.tsv and experiments.jsonl written from records, byte for byte as the file store in
// @autoresearch/core writes them, so `autoresearch results`, `report`, `dashboard` and every
// tool that reads the reference's table work on a run stored in PostgreSQL.
import { renameSync, writeFileSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { EXPERIMENTS_JSONL, ExperimentRecord, RESULTS_TSV, TSV_HEADER, tsvRow } from "@autoresearch/core"
import { Schema } from "effect"

const encodeRecord = Schema.encodeSync(ExperimentRecord)

/** One experiments.jsonl line without its newline; refuses NaN and Infinity as the file store does. */
export const jsonlLine = (record: ExperimentRecord): string =>
  JSON.stringify(encodeRecord(record), (key, value) => {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`field ${key} is ${value}`)
    return value
  })

export const resultsTsvText = (records: ReadonlyArray<ExperimentRecord>): string =>
  `${TSV_HEADER}\n${records.map((record) => `${tsvRow(record)}\n`).join("")}`

export const experimentsJsonlText = (lines: ReadonlyArray<string>): string => lines.map((line) => `${line}\n`).join("")

/** Replaces a file whole (write aside, then rename): a reader never sees half of it. */
const replaceFile = (path: string, text: string) => {
  const aside = `${path}.${process.pid}.tmp`
  writeFileSync(aside, text)
  renameSync(aside, path)
}

/** Writes `<dir>/results.tsv` and `<dir>/experiments.jsonl` from the stored lines. */
export const writeExports = (dir: string, lines: ReadonlyArray<string>, records: ReadonlyArray<ExperimentRecord>) => {
  mkdirSync(dir, { recursive: true })
  replaceFile(join(dir, EXPERIMENTS_JSONL), experimentsJsonlText(lines))
  replaceFile(join(dir, RESULTS_TSV), resultsTsvText(records))
}
