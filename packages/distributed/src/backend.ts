// The two backends of parallel research, as one Layer each: the queue and the ledger in this
// process's memory (`--parallel N`, no database), or on PostgreSQL (`--db <url>`).
import type { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { Layer } from "effect"
import type { DatabaseError } from "./errors.js"
import { JobLedger, MemoryLedger } from "./ledger.js"
import { PgLedger } from "./pg-ledger.js"
import { postgresClient, type PostgresOptions } from "./postgres.js"
import { JobQueue, type LeaseOptions, memoryQueue, postgresQueue } from "./queue.js"

export const memoryBackend = (): Layer.Layer<JobQueue | JobLedger> => Layer.merge(memoryQueue, MemoryLedger.layer())

/** The queue and the ledger on PostgreSQL (tables created on first use), and the SqlClient for the Store. */
export const postgresBackend = (
  options: PostgresOptions & LeaseOptions
): Layer.Layer<JobQueue | JobLedger | SqlClient.SqlClient | PgClient.PgClient, DatabaseError> => {
  const client = postgresClient(options)
  // The queue's layer migrates (under a lock): the ledger waits for it.
  const queue = postgresQueue(options)
  return Layer.provideMerge(Layer.merge(queue, Layer.provide(PgLedger.layer, queue)), client)
}
