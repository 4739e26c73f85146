// The coordinator against PostgreSQL (`autoresearch run --parallel N --db … --remote …`): it
// holds the tag's advisory lock, stores experiments as rows (exporting results.tsv and
// experiments.jsonl into runs/<tag> as it goes), moves the best by compare-and-set, and keeps
// N jobs in flight for the workers on other machines.
import { join } from "node:path"
import { Layer, Effect } from "effect"
import { postgresBackend } from "../backend.js"
import { holdCoordinatorLock } from "../coordinator-lock.js"
import { withRunJobLog } from "../job-log.js"
import { PgStore } from "../pg-store.js"
import type { LeaseOptions } from "../queue.js"
import { type ParallelResearchOptions, runParallelResearch } from "./coordinator.js"

export interface DistributedResearchOptions extends ParallelResearchOptions, LeaseOptions {
  /** postgres:// URL of the shared database. */
  readonly db: string
  /** The git remote the workers fetch from (required across machines). */
  readonly remote: string
}

export const runDistributedResearch = (options: DistributedResearchOptions) => {
  const backend = postgresBackend({ url: options.db, maxConnections: 5, ...options })
  const store = PgStore.layer({ tag: options.tag, dir: join(options.dir, "runs", options.tag) })
  const research = runParallelResearch(options).pipe(withRunJobLog(join(options.dir, "runs", options.tag)))
  return Effect.scoped(Effect.zipRight(holdCoordinatorLock(options.tag), research)).pipe(
    Effect.provide(Layer.mergeAll(store, PgStore.bestCommit).pipe(Layer.provideMerge(backend)))
  )
}
