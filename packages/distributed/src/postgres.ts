// The PostgreSQL connection and the tables this package owns. Every process (coordinator,
// worker, benchmark) migrates on start, serialised by an advisory lock, so many starting at
// once never race on CREATE TABLE.
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Exit, Layer, Redacted, Scope } from "effect"
import { DatabaseError } from "./errors.js"

/** A database URL with its password replaced, for messages and logs. */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return "<unparseable database url>"
  }
}

export interface PostgresOptions {
  readonly url: string
  /** Connections in this process's pool (default 10). */
  readonly maxConnections?: number
}

/** SqlClient on PostgreSQL; fails with one line naming the (redacted) URL when unreachable. */
export const postgresClient = (options: PostgresOptions): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, DatabaseError> =>
  PgClient.layer({
    url: Redacted.make(options.url),
    maxConnections: options.maxConnections ?? 10,
    applicationName: "autoresearch",
    // ISO timestamps are stored as text, numbers as numbers: nothing to transform.
    transformJson: false
  }).pipe(
    Layer.mapError(
      (error) => new DatabaseError({ message: `cannot connect to PostgreSQL at ${redactUrl(options.url)}: ${error.message}`, cause: error })
    )
  )

const MIGRATION_LOCK = 7_213_091_001

/**
 * Runs `effect` while holding the migration advisory lock on a dedicated connection (given
 * back right after, while whatever `effect` started keeps the caller's scope).
 */
export const withMigrationLock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scope = yield* Scope.make()
    const connection = yield* Scope.extend(sql.reserve, scope)
    return yield* Effect.acquireUseRelease(
      connection.execute("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK], undefined),
      () => effect,
      () =>
        connection.execute("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK], undefined).pipe(
          Effect.ignore,
          Effect.zipRight(Scope.close(scope, Exit.void))
        )
    )
  })

/** The tables of jobs, claims, results, experiments and the best commit per run. */
export const migrate = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS autoresearch_jobs (
    id VARCHAR(36) PRIMARY KEY,
    tag TEXT NOT NULL,
    experiment INTEGER NOT NULL,
    job TEXT NOT NULL,
    offered_at TEXT NOT NULL
  )`
  yield* sql`CREATE INDEX IF NOT EXISTS autoresearch_jobs_tag ON autoresearch_jobs (tag)`
  yield* sql`CREATE TABLE IF NOT EXISTS autoresearch_claims (
    job_id VARCHAR(36) NOT NULL,
    claim INTEGER NOT NULL,
    worker TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (job_id, claim)
  )`
  yield* sql`CREATE TABLE IF NOT EXISTS autoresearch_results (
    job_id VARCHAR(36) PRIMARY KEY,
    tag TEXT NOT NULL,
    result TEXT NOT NULL
  )`
  yield* sql`CREATE INDEX IF NOT EXISTS autoresearch_results_tag ON autoresearch_results (tag)`
  // The exact line experiments.jsonl holds (text, not jsonb: jsonb reorders keys and the
  // export must stay byte-compatible).
  yield* sql`CREATE TABLE IF NOT EXISTS autoresearch_experiments (
    tag TEXT NOT NULL,
    id INTEGER NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (tag, id)
  )`
  yield* sql`CREATE TABLE IF NOT EXISTS autoresearch_runs (
    tag TEXT PRIMARY KEY,
    best_commit TEXT NOT NULL
  )`
})

/** Wraps any SqlError (or other failure) of a statement into a DatabaseError with context. */
export const dbError = (what: string) => (error: { readonly message: string }) =>
  new DatabaseError({ message: `PostgreSQL: ${what} failed: ${error.message}`, cause: error })
