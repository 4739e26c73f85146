// The default Store: results.tsv (the reference's format, for people and tools that know it)
// plus experiments.jsonl (every field, the source of truth). Both are appended whole lines at
// a time and fsync'ed; a line torn by a crash is found and repaired on open, never dropped.
// Every file operation, the repair included, goes through the injectable StoreIo.
import { join } from "node:path"
import { Effect, Layer, Schema } from "effect"
import { ExperimentRecord } from "../domain.js"
import { ForeignStoreError, StoreError } from "../errors.js"
import { Store, type StoreOpened } from "../services/store.js"
import { parseExperimentLog, splitTornLine } from "./experiment-log.js"
import { nodeStoreIo, type StoreIo } from "./io.js"
import { TSV_HEADER, tsvRow } from "./tsv.js"

/** Where `ResultsStore` keeps a run, and (for tests) how it touches the disk. */
export interface ResultsStoreOptions {
  /** The run's directory, e.g. `<workspace>/runs/<tag>`; created when missing. */
  readonly dir: string
  /** How files are read, appended and repaired; replace only to inject faults or a file system in tests. */
  readonly io?: StoreIo
}

/** The reference's results file in a run's directory. */
export const RESULTS_TSV = "results.tsv"
/** The full record of every experiment in a run's directory, one JSON line each. */
export const EXPERIMENTS_JSONL = "experiments.jsonl"

const encodeRecord = Schema.encodeSync(ExperimentRecord)

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Records from the complete lines of experiments.jsonl, or the error that makes the file unusable. */
const decodeLog = (path: string, complete: string): Effect.Effect<ReadonlyArray<ExperimentRecord>, StoreError | ForeignStoreError> => {
  const { records, problem } = parseExperimentLog(complete)
  if (problem === undefined) return Effect.succeed(records)
  return Effect.fail(
    records.length === 0
      ? new ForeignStoreError({ message: `${path} is not an autoresearch experiment log (line 1: ${problem.why}); refusing to touch it`, path })
      : new StoreError({ message: `${path}: line ${problem.line} is damaged (${problem.why}); fix or move the file before resuming`, path })
  )
}

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

/**
 * The default store over `options.dir` as a plain StoreService (`ResultsStore.layer` wraps it).
 *
 * @example
 * const { records, repaired } = await Effect.runPromise(makeResultsStore({ dir: "runs/nov27" }).open)
 */
export const makeResultsStore = (options: ResultsStoreOptions): Store["Type"] => {
  const { dir } = options
  const io = options.io ?? nodeStoreIo
  const jsonlPath = join(dir, EXPERIMENTS_JSONL)
  const tsvPath = join(dir, RESULTS_TSV)

  /** One file operation of the open/repair path; a failure is one StoreError naming the run. */
  const fileOp = <A>(f: () => Promise<A>) =>
    Effect.tryPromise({
      try: f,
      catch: (error) => new StoreError({ message: `cannot read or repair the store in ${dir}: ${errorText(error)}`, path: dir, cause: error })
    })
  const readFile = (path: string) =>
    Effect.try({
      try: () => io.read(path),
      catch: (error) => new StoreError({ message: `cannot read or repair the store in ${dir}: ${errorText(error)}`, path: dir, cause: error })
    })
  const appendLine = (path: string, line: string) =>
    Effect.tryPromise({
      try: () => io.append(path, line),
      catch: (error) =>
        new StoreError({ message: `could not append to ${path}: ${errorText(error)}; the loop stops so nothing is lost`, path, cause: error })
    })

  /** Moves a torn last line into `<file>.torn` (kept for a person to inspect) and cuts it off. */
  const repairTornLine = (path: string, name: string, complete: string, fragment: string) =>
    Effect.gen(function* () {
      yield* fileOp(() => io.append(`${path}.torn`, `${fragment}\n`))
      yield* fileOp(() => io.truncate(path, Buffer.byteLength(complete)))
      return `${name}: a torn last line (${Buffer.byteLength(fragment)} bytes, from an interrupted append) was moved to ${name}.torn`
    })

  const open: Effect.Effect<StoreOpened, StoreError | ForeignStoreError> = Effect.gen(function* () {
    yield* fileOp(() => io.makeDir(dir))
    const repaired: Array<string> = []

    // Refuse a foreign results.tsv before touching anything.
    let tsv = yield* readFile(tsvPath)
    if (tsv !== undefined && tsv !== "") {
      const newline = tsv.indexOf("\n")
      const first = newline < 0 ? tsv : tsv.slice(0, newline)
      const tornHeader = newline < 0 && TSV_HEADER.startsWith(first)
      if (first !== TSV_HEADER && !tornHeader) {
        return yield* new ForeignStoreError({
          message: `${tsvPath} exists with a different header (${JSON.stringify(first.slice(0, 80))}); it is not ours, so it is left untouched: use another tag or move it`,
          path: tsvPath
        })
      }
      if (tornHeader && first !== TSV_HEADER) {
        yield* fileOp(() => io.truncate(tsvPath, 0))
        repaired.push(`${RESULTS_TSV}: a torn header was rewritten`)
        tsv = ""
      }
    }

    // experiments.jsonl is the source of truth.
    let records: ReadonlyArray<ExperimentRecord> = []
    const jsonl = yield* readFile(jsonlPath)
    if (jsonl !== undefined) {
      const { complete, fragment } = splitTornLine(jsonl)
      records = yield* decodeLog(jsonlPath, complete)
      if (fragment !== "") repaired.push(yield* repairTornLine(jsonlPath, EXPERIMENTS_JSONL, complete, fragment))
    }

    // results.tsv follows: repair a torn row, then rebuild rows the jsonl has and it lacks.
    let rows = 0
    if (tsv === undefined || tsv === "") {
      yield* fileOp(() => io.append(tsvPath, `${TSV_HEADER}\n`))
    } else {
      const { complete, fragment } = splitTornLine(tsv)
      if (fragment !== "") repaired.push(yield* repairTornLine(tsvPath, RESULTS_TSV, complete, fragment))
      rows = complete.split("\n").filter((line) => line !== "").length - 1
    }
    if (rows > records.length) {
      return yield* new StoreError({
        message: `${tsvPath} has ${rows} rows but ${jsonlPath} only ${records.length} records: the run's files disagree; move them aside or use another tag`,
        path: tsvPath
      })
    }
    if (rows < records.length) {
      const missing = records.slice(rows)
      yield* fileOp(() => io.append(tsvPath, missing.map((r) => `${tsvRow(r)}\n`).join("")))
      repaired.push(`${RESULTS_TSV}: ${missing.length} row(s) missing after an interrupted append were rebuilt from ${EXPERIMENTS_JSONL}`)
    }
    return { records, repaired }
  })

  /** Reads the records without repairing anything (safe while a loop is appending). */
  const list = Effect.flatMap(readFile(jsonlPath), (jsonl) =>
    jsonl === undefined ? Effect.succeed([]) : decodeLog(jsonlPath, splitTornLine(jsonl).complete)
  )

  return {
    dir,
    open,
    list,
    append: (record) =>
      Effect.gen(function* () {
        // jsonl first: if the tsv append is lost, open() rebuilds the row from the jsonl.
        const line = yield* serialise(record, jsonlPath)
        yield* appendLine(jsonlPath, line)
        yield* appendLine(tsvPath, `${tsvRow(record)}\n`)
      })
  }
}

/**
 * The default Store, writing `<dir>/results.tsv` and `<dir>/experiments.jsonl`.
 *
 * @example
 * await runLoop({ ...options, store: ResultsStore.layer({ dir: "runs/nov27" }) })
 */
export const ResultsStore = {
  /** The store over `options.dir` as a Layer. */
  layer: (options: ResultsStoreOptions): Layer.Layer<Store> => Layer.succeed(Store, makeResultsStore(options))
}
