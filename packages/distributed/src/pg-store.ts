// The Store on PostgreSQL: one row per experiment (its exact experiments.jsonl line), appended
// idempotently, and the best commit per run moved only by compare-and-set. After each append
// the run's results.tsv and experiments.jsonl are exported into `dir` for the local tools.
import { type ExperimentRecord, ExperimentRecord as ExperimentRecordSchema, Store, StoreError } from "@autoresearch/core"
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import type { DatabaseError } from "./errors.js"
import { jsonlLine, writeExports } from "./exports.js"
import { dbError } from "./postgres.js"
import { outlastOutage } from "./outage.js"

const decodeLine = Schema.decodeUnknown(Schema.parseJson(ExperimentRecordSchema))

/** The best commit of each run, moved only when the caller saw the current one. */
export class BestCommit extends Context.Tag("@autoresearch/distributed/BestCommit")<
  BestCommit,
  {
    readonly get: (tag: string) => Effect.Effect<string | undefined, DatabaseError>
    /** Sets the best to `next` if it is `expected` now (undefined: no best yet); true when it moved. */
    readonly compareAndSet: (tag: string, expected: string | undefined, next: string) => Effect.Effect<boolean, DatabaseError>
  }
>() {}

export interface PgStoreOptions {
  readonly tag: string
  /** Where the exports (and the run's logs) go, e.g. `<workspace>/runs/<tag>`. */
  readonly dir: string
}

const storeError = (dir: string) => (error: { readonly message: string }) => new StoreError({ message: error.message, path: dir, cause: error })

export const makePgStore = (options: PgStoreOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = sql<{ line: string }>`SELECT line FROM autoresearch_experiments WHERE tag = ${options.tag} ORDER BY id`.pipe(
      Effect.mapError(dbError("reading experiments")),
      outlastOutage
    )
    const read = rows.pipe(
      Effect.flatMap((found) =>
        Effect.forEach(found, (row) =>
          decodeLine(row.line).pipe(Effect.map((record) => ({ line: row.line, record })))
        ).pipe(Effect.mapError((error) => ({ message: `a stored experiment of run ${options.tag} does not decode: ${error.message}` })))
      ),
      Effect.mapError(storeError(options.dir))
    )
    const exportAll = read.pipe(
      Effect.flatMap((stored) =>
        Effect.try({
          try: () => writeExports(options.dir, stored.map((s) => s.line), stored.map((s) => s.record)),
          catch: (error) => new StoreError({ message: `could not export the run to ${options.dir}: ${(error as Error).message}`, path: options.dir, cause: error })
        })
      )
    )
    const list = Effect.map(read, (stored) => stored.map((s) => s.record))
    return Store.of({
      dir: options.dir,
      open: Effect.zipRight(exportAll, Effect.map(list, (records) => ({ records, repaired: [] }))),
      list,
      append: (record: ExperimentRecord) =>
        Effect.gen(function* () {
          const line = yield* Effect.try({
            try: () => jsonlLine(record),
            catch: (error) => new StoreError({ message: `refusing to store experiment ${record.id}: ${(error as Error).message}`, path: options.dir, cause: error })
          })
          // Idempotent: a coordinator that restarts and records the same experiment again changes nothing.
          yield* sql`INSERT INTO autoresearch_experiments (tag, id, line) VALUES (${record.tag}, ${record.id}, ${line})
                     ON CONFLICT (tag, id) DO NOTHING`.pipe(
            Effect.mapError(dbError("appending an experiment")),
            outlastOutage,
            Effect.mapError(storeError(options.dir))
          )
          yield* exportAll
        })
    })
  })

export const makeBestCommit = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  return BestCommit.of({
    get: (tag) =>
      sql<{ best_commit: string }>`SELECT best_commit FROM autoresearch_runs WHERE tag = ${tag}`.pipe(
        Effect.map((rows) => rows[0]?.best_commit),
        Effect.mapError(dbError("reading the best commit")),
        outlastOutage
      ),
    compareAndSet: (tag, expected, next) =>
      (expected === undefined
        ? sql`INSERT INTO autoresearch_runs (tag, best_commit) VALUES (${tag}, ${next}) ON CONFLICT (tag) DO NOTHING RETURNING tag`
        : sql`UPDATE autoresearch_runs SET best_commit = ${next} WHERE tag = ${tag} AND best_commit = ${expected} RETURNING tag`
      ).pipe(
        Effect.map((rows) => rows.length === 1),
        Effect.mapError(dbError("moving the best commit")),
        outlastOutage
      )
  })
})

export const PgStore = {
  layer: (options: PgStoreOptions): Layer.Layer<Store, never, SqlClient.SqlClient> => Layer.effect(Store, makePgStore(options)),
  bestCommit: Layer.effect(BestCommit, makeBestCommit)
}
