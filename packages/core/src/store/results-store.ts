// The default Store: results.tsv (the reference's format, for people and tools that know it)
// plus experiments.jsonl (every field, the source of truth). Both are appended whole lines at
// a time and fsync'ed; a line torn by a crash is found and repaired on open, never dropped.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, appendFileSync, ftruncateSync } from "node:fs"
import { join } from "node:path"
import { Effect, Either, Layer, Schema } from "effect"
import { ExperimentRecord } from "../domain.js"
import { ForeignStoreError, StoreError } from "../errors.js"
import { Store, type StoreOpened } from "../services/store.js"
import { parseExperimentLog } from "./experiment-log.js"
import { nodeStoreIo, type StoreIo } from "./io.js"
import { TSV_HEADER, tsvRow } from "./tsv.js"

export interface ResultsStoreOptions {
  /** The run's directory, e.g. `<workspace>/runs/<tag>`; created when missing. */
  readonly dir: string
  /** How lines reach the disk; replace only to inject faults in tests. */
  readonly io?: StoreIo
}

export const RESULTS_TSV = "results.tsv"
export const EXPERIMENTS_JSONL = "experiments.jsonl"

const encodeRecord = Schema.encodeSync(ExperimentRecord)

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Splits a file into its complete lines and a torn fragment (text after the last newline). */
const splitTorn = (text: string): { complete: string; fragment: string } => {
  const end = text.lastIndexOf("\n") + 1
  return { complete: text.slice(0, end), fragment: text.slice(end) }
}

const readIfExists = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, "utf8") : undefined)

/** Cuts `path` back to `length` bytes, durably. */
const truncateDurably = (path: string, length: number) => {
  const fd = openSync(path, "r+")
  try {
    ftruncateSync(fd, length)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

const appendDurably = (path: string, data: string) => {
  appendFileSync(path, data)
  const fd = openSync(path, "r")
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Moves a torn last line into `<file>.torn` (kept for a person to inspect) and cuts it off. */
const repairTornLine = (path: string, name: string, complete: string, fragment: string): string => {
  appendDurably(`${path}.torn`, `${fragment}\n`)
  truncateDurably(path, Buffer.byteLength(complete))
  return `${name}: a torn last line (${Buffer.byteLength(fragment)} bytes, from an interrupted append) was moved to ${name}.torn`
}

const parseRecords = (path: string, text: string): Either.Either<ReadonlyArray<ExperimentRecord>, StoreError | ForeignStoreError> => {
  const { records, problem } = parseExperimentLog(text)
  if (problem === undefined) return Either.right(records)
  return Either.left(
    records.length === 0
      ? new ForeignStoreError({ message: `${path} is not an autoresearch experiment log (line 1: ${problem.why}); refusing to touch it`, path })
      : new StoreError({ message: `${path}: line ${problem.line} is damaged (${problem.why}); fix or move the file before resuming`, path })
  )
}

const openFiles = (dir: string): Either.Either<StoreOpened, StoreError | ForeignStoreError> => {
  mkdirSync(dir, { recursive: true })
  const jsonlPath = join(dir, EXPERIMENTS_JSONL)
  const tsvPath = join(dir, RESULTS_TSV)
  const repaired: Array<string> = []

  // Refuse a foreign results.tsv before touching anything.
  let tsv = readIfExists(tsvPath)
  if (tsv !== undefined && tsv !== "") {
    const newline = tsv.indexOf("\n")
    const first = newline < 0 ? tsv : tsv.slice(0, newline)
    const tornHeader = newline < 0 && TSV_HEADER.startsWith(first)
    if (first !== TSV_HEADER && !tornHeader) {
      return Either.left(
        new ForeignStoreError({
          message: `${tsvPath} exists with a different header (${JSON.stringify(first.slice(0, 80))}); it is not ours, so it is left untouched: use another tag or move it`,
          path: tsvPath
        })
      )
    }
    if (tornHeader && first !== TSV_HEADER) {
      truncateDurably(tsvPath, 0)
      repaired.push(`${RESULTS_TSV}: a torn header was rewritten`)
      tsv = ""
    }
  }

  // experiments.jsonl is the source of truth.
  let records: ReadonlyArray<ExperimentRecord> = []
  const jsonl = readIfExists(jsonlPath)
  if (jsonl !== undefined) {
    const { complete, fragment } = splitTorn(jsonl)
    const parsed = parseRecords(jsonlPath, complete)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    records = parsed.right
    if (fragment !== "") repaired.push(repairTornLine(jsonlPath, EXPERIMENTS_JSONL, complete, fragment))
  }

  // results.tsv follows: repair a torn row, then rebuild rows the jsonl has and it lacks.
  let rows = 0
  if (tsv === undefined || tsv === "") {
    appendDurably(tsvPath, `${TSV_HEADER}\n`)
  } else {
    const { complete, fragment } = splitTorn(tsv)
    if (fragment !== "") repaired.push(repairTornLine(tsvPath, RESULTS_TSV, complete, fragment))
    rows = complete.split("\n").filter((line) => line !== "").length - 1
  }
  if (rows > records.length) {
    return Either.left(
      new StoreError({
        message: `${tsvPath} has ${rows} rows but ${jsonlPath} only ${records.length} records: the run's files disagree; move them aside or use another tag`,
        path: tsvPath
      })
    )
  }
  if (rows < records.length) {
    const missing = records.slice(rows)
    appendDurably(tsvPath, missing.map((r) => `${tsvRow(r)}\n`).join(""))
    repaired.push(`${RESULTS_TSV}: ${missing.length} row(s) missing after an interrupted append were rebuilt from ${EXPERIMENTS_JSONL}`)
  }
  return Either.right({ records, repaired })
}

/** Reads the records without repairing anything (safe while a loop is appending). */
const listSync = (dir: string): Either.Either<ReadonlyArray<ExperimentRecord>, StoreError | ForeignStoreError> => {
  const jsonlPath = join(dir, EXPERIMENTS_JSONL)
  const jsonl = readIfExists(jsonlPath)
  return jsonl === undefined ? Either.right([]) : parseRecords(jsonlPath, splitTorn(jsonl).complete)
}

const fromSync = <A>(dir: string, f: () => Either.Either<A, StoreError | ForeignStoreError>) =>
  Effect.try({
    try: f,
    catch: (error) => new StoreError({ message: `cannot read or repair the store in ${dir}: ${errorText(error)}`, path: dir, cause: error })
  }).pipe(Effect.flatMap((either) => either))

/** JSON would turn NaN or Infinity into null and make the line unreadable: refuse them. */
const serialise = (record: ExperimentRecord, path: string) =>
  Effect.try({
    try: () =>
      `${JSON.stringify(encodeRecord(record), (key, value) => {
        if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`field ${key} is ${value}`)
        return value
      })}\n`,
    catch: (error) => new StoreError({ message: `refusing to store experiment ${record.id}: ${errorText(error)}`, path, cause: error })
  })

export const makeResultsStore = (options: ResultsStoreOptions): Store["Type"] => {
  const io = options.io ?? nodeStoreIo
  const jsonlPath = join(options.dir, EXPERIMENTS_JSONL)
  const tsvPath = join(options.dir, RESULTS_TSV)
  const appendLine = (path: string, line: string) =>
    Effect.tryPromise({
      try: () => io.append(path, line),
      catch: (error) =>
        new StoreError({ message: `could not append to ${path}: ${errorText(error)}; the loop stops so nothing is lost`, path, cause: error })
    })
  return {
    dir: options.dir,
    open: fromSync(options.dir, () => openFiles(options.dir)),
    list: fromSync(options.dir, () => listSync(options.dir)),
    append: (record) =>
      Effect.gen(function* () {
        // jsonl first: if the tsv append is lost, open() rebuilds the row from the jsonl.
        const line = yield* serialise(record, jsonlPath)
        yield* appendLine(jsonlPath, line)
        yield* appendLine(tsvPath, `${tsvRow(record)}\n`)
      })
  }
}

/** The default Store, writing `<dir>/results.tsv` and `<dir>/experiments.jsonl`. */
export const ResultsStore = {
  layer: (options: ResultsStoreOptions): Layer.Layer<Store> => Layer.succeed(Store, makeResultsStore(options))
}
