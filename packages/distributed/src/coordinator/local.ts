// `--parallel N` on one machine: the coordinator and N workers in this process, on the
// in-memory queue. Each worker has its own checkout under runs/<tag>/workers/<i> (git-ignored)
// and fetches experiment commits straight from the workspace: the same code as N machines,
// without a database or a remote.
import { setMaxListeners } from "node:events"
import { join } from "node:path"
import type { Trainer } from "@autoresearch/core"
import { Effect, Fiber } from "effect"
import { memoryBackend } from "../backend.js"
import { withRunJobLog } from "../job-log.js"
import { GitCheckout, runWorker } from "../worker.js"
import { type ParallelResearchOptions, runParallelResearch } from "./coordinator.js"

export const runLocalParallelResearch = (options: Omit<ParallelResearchOptions, "remote">) =>
  Effect.gen(function* () {
    const workersDir = join(options.dir, "runs", options.tag, "workers")
    const stopWorkers = new AbortController()
    setMaxListeners(0, stopWorkers.signal)
    const workers = yield* Effect.forEach(Array.from({ length: options.parallel }, (_, i) => i + 1), (i) =>
      runWorker({ name: `local-${i}`, logsDir: join(workersDir, `${i}`, "logs"), signal: stopWorkers.signal }).pipe(
        Effect.provide(GitCheckout.layer({ dir: join(workersDir, `${i}`, "checkout"), remote: options.dir })),
        Effect.fork
      )
    )
    const summary = yield* runParallelResearch({ ...options, pollSeconds: options.pollSeconds ?? 0.2 }).pipe(
      withRunJobLog(join(options.dir, "runs", options.tag)),
      Effect.ensuring(Effect.sync(() => stopWorkers.abort()).pipe(Effect.zipRight(Fiber.awaitAll(workers))))
    )
    return summary
  }).pipe(Effect.provide(memoryBackend()))

export type LocalParallelRequirements = Trainer
