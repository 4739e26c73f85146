// Parallel research from the CLI: `--parallel N` alone runs N workers in this process on the
// in-memory queue; with `--db` and `--remote` this process is the coordinator and the workers
// are `autoresearch worker` processes anywhere that reach the database and the remote.
import { join } from "node:path"
import { ConfigError, decodeLoopConfig, ResultsStore, type Summary, Trainer, TrainerError } from "@autoresearch/core"
import { runDistributedResearch, runLocalParallelResearch } from "@autoresearch/distributed"
import { GitWorkspace } from "@autoresearch/git"
import { loadPrepared } from "@autoresearch/prepare"
import { TfjsTrainer } from "@autoresearch/trainer-tfjs"
import { Effect, Layer } from "effect"
import { agentLayer, chooseAgent } from "./agent-selection.js"
import { eventLogWriter, eventsFile } from "./events/event-log.js"
import { resolveResearch, type ResearchOptions } from "./run-research.js"
import { CANVAS_FILE, PROGRAM_FILE, readWorkspaceProfile } from "./workspace/workspace.js"

export interface ParallelOptions extends ResearchOptions {
  /** Training jobs in flight at once (and, without `db`, workers in this process). */
  readonly parallel: number
  /** postgres:// URL: coordinate workers on other machines through this database. */
  readonly db?: string
  /** The git remote the workers fetch experiment commits from (with `db`). */
  readonly remote?: string
}

/** The tfjs trainer, after loading the data of the checkout's profile (a worker's checkout has its own). */
export const preparedTfjsTrainer: Layer.Layer<Trainer> = Layer.effect(
  Trainer,
  Effect.map(Trainer, (tfjs) =>
    Trainer.of({
      name: tfjs.name,
      run: (spec) =>
        Effect.tryPromise({
          try: async () => {
            const { profile, source, cacheDir } = readWorkspaceProfile(spec.dir)
            await loadPrepared({ profile, source, ...(cacheDir !== undefined ? { cacheDir } : {}) })
          },
          catch: (error) => new TrainerError({ message: `this machine cannot run the job's profile: ${(error as Error).message}`, cause: error })
        }).pipe(Effect.zipRight(tfjs.run(spec)))
    })
  )
).pipe(Layer.provide(TfjsTrainer.layer()))

export const runParallelResearch = async (options: ParallelOptions): Promise<Summary> => {
  if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new ConfigError({ message: `parallel must be a whole number of at least 1 (got ${options.parallel})` })
  if (options.db !== undefined && !options.remote) {
    throw new ConfigError({ message: "parallel with db needs remote: the workers fetch each experiment's commit from it", hint: "pass remote: <git-url>" })
  }
  const { dir, tag, budgetSeconds } = resolveResearch(options)
  const {
    dir: _dir, tag: _tag, budgetSeconds: _budget, maxHours, agent: _agent, model: _model, openaiApi: _api, effort: _effort, thinking: _thinking,
    trainer: _trainer, store: _store, workspace: _workspace, onEvent: _onEvent, eventsLog: _eventsLog, env: _env, parallel, db: _db, remote: _remote, ...loop
  } = options
  const maxDurationSeconds = loop.maxDurationSeconds ?? (maxHours !== undefined ? maxHours * 3600 : undefined)
  // Decode first: a bad tag must never become a path.
  const decoded = Effect.runSync(Effect.either(decodeLoopConfig({ ...loop, tag, budgetSeconds, ...(maxDurationSeconds !== undefined ? { maxDurationSeconds } : {}) })))
  if (decoded._tag === "Left") throw decoded.left
  const runDir = join(dir, "runs", tag)
  const writeEvent = options.eventsLog === false ? undefined : eventLogWriter(eventsFile(runDir))
  // The sequential loop's options all hold here (noise repeats, repairs, confirmations, back-off, limits).
  const common = {
    ...loop, dir, tag, budgetSeconds, parallel, editable: [CANVAS_FILE], programFile: PROGRAM_FILE,
    ...(maxDurationSeconds !== undefined ? { maxDurationSeconds } : {}),
    onEvent: (event: Parameters<NonNullable<ResearchOptions["onEvent"]>>[0]) => {
      writeEvent?.(event)
      options.onEvent?.(event)
    }
  }
  const agent = typeof options.agent === "object" ? options.agent : agentLayer(chooseAgent(options.agent, options.env), options.model !== undefined ? { model: options.model } : {})
  const services = Layer.mergeAll(agent, options.workspace ?? GitWorkspace.layer({ dir, editable: [CANVAS_FILE] }))
  const program =
    options.db !== undefined
      ? runDistributedResearch({ ...common, db: options.db, remote: options.remote! })
      : runLocalParallelResearch(common).pipe(
          Effect.provide(Layer.merge(options.trainer ?? preparedTfjsTrainer, options.store ?? ResultsStore.layer({ dir: runDir })))
        )
  const outcome = await Effect.runPromise(Effect.either(program.pipe(Effect.provide(services))))
  // The tagged error itself (one line for a person), not a FiberFailure around it.
  if (outcome._tag === "Left") throw outcome.left
  return outcome.right
}
