// A worker process against PostgreSQL: what `autoresearch worker --db … --remote …` runs,
// with the Trainer the caller gives (the CLI gives the tfjs trainer, unchanged).
import { join } from "node:path"
import type { Trainer } from "@autoresearch/core"
import { Effect, type Layer } from "effect"
import { postgresBackend } from "./backend.js"
import type { DatabaseError } from "./errors.js"
import type { LeaseOptions } from "./queue.js"
import { defaultWorkerName, GitCheckout, runWorker, type WorkerOptions } from "./worker.js"

export interface WorkerProcessOptions extends LeaseOptions, Pick<WorkerOptions, "maxClaims" | "maxJobs" | "signal" | "onJob"> {
  /** postgres:// URL of the shared database. */
  readonly db: string
  /** The git remote the coordinator pushes experiment commits to. */
  readonly remote: string
  /** This worker's own directory: its checkout (`<dir>/checkout`) and the runs' logs (`<dir>/logs`). */
  readonly dir: string
  readonly name?: string
}

/** Serves training jobs until the signal or maxJobs; resolves with the number of jobs done. */
export const serveJobs = (options: WorkerProcessOptions, trainer: Layer.Layer<Trainer>): Effect.Effect<number, DatabaseError> =>
  runWorker({
    name: options.name ?? defaultWorkerName(),
    logsDir: join(options.dir, "logs"),
    ...(options.maxClaims !== undefined ? { maxClaims: options.maxClaims } : {}),
    ...(options.maxJobs !== undefined ? { maxJobs: options.maxJobs } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onJob !== undefined ? { onJob: options.onJob } : {})
  }).pipe(
    Effect.provide(trainer),
    Effect.provide(GitCheckout.layer({ dir: join(options.dir, "checkout"), remote: options.remote })),
    Effect.provide(postgresBackend({ url: options.db, maxConnections: 3, ...options }))
  )
