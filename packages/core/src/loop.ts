// The research loop: baseline first, then one experiment after another until a limit or an
// interrupt. Each experiment is a list of phases (src/phases/), each a small Effect over the
// experiment value; the loop's state is one value that only `record` moves forward. The store
// and the git branch are the whole state on disk, so a loop killed at any moment resumes.
import { Cause, Effect, Exit, Layer } from "effect"
import type { LoopOptions } from "./config.js"
import type { ConfigError, ForeignStoreError, StoreError, WorkspaceError } from "./errors.js"
import { ResearchEvents, type ResearchEvent } from "./events.js"
import type { Summary } from "./domain.js"
import type { Agent } from "./services/agent.js"
import type { Store } from "./services/store.js"
import type { Trainer } from "./services/trainer.js"
import type { Workspace } from "./services/workspace.js"
import { backOff } from "./phases/back-off.js"
import { measureBaseline } from "./phases/baseline.js"
import { confirm } from "./phases/confirm.js"
import { decide } from "./phases/decide.js"
import { startExperiment, unlessKilled, type Outcome } from "./phases/experiment.js"
import { openRun } from "./phases/open-run.js"
import { proposeAndApply } from "./phases/propose-and-apply.js"
import { finishedRecord, record } from "./phases/record.js"
import { repair } from "./phases/repair.js"
import { killed, logFile, stopping, type LoopRun } from "./phases/run-context.js"
import { bestCommit, nextId, stopReason, summarizeRun, type LoopState } from "./phases/state.js"
import { train } from "./phases/train.js"

export { summarizeRun } from "./phases/state.js"

/** Two-stage interrupt: the first call stops after the running experiment, the second kills it. */
export class LoopInterrupt {
  private readonly stopController = new AbortController()
  private readonly killController = new AbortController()
  readonly signal: AbortSignal = this.stopController.signal
  readonly killSignal: AbortSignal = this.killController.signal
  interrupt(): "stopping" | "killing" {
    if (!this.stopController.signal.aborted) {
      this.stopController.abort()
      return "stopping"
    }
    this.killController.abort()
    return "killing"
  }
}

/** What stops the loop itself (a plugin's mistake never does): bad config, the store, the workspace. */
export type LoopError = ConfigError | StoreError | ForeignStoreError | WorkspaceError

/** One experiment, phase by phase: a record to append, or nothing when it was killed. */
const experiment = (run: LoopRun, state: LoopState): Effect.Effect<Outcome, WorkspaceError> => {
  const start = startExperiment(nextId(state), bestCommit(state), state.best === undefined)
  const phases =
    state.best === undefined
      ? Effect.succeed(start).pipe(Effect.flatMap(measureBaseline(run, state)))
      : Effect.succeed(start).pipe(
          Effect.flatMap(proposeAndApply(run, state)),
          Effect.flatMap((applied) => train(run, applied)),
          Effect.flatMap((trained) => unlessKilled(run, trained)),
          Effect.flatMap(repair(run, state)),
          Effect.flatMap(decide(run, state)),
          Effect.flatMap(confirm(run, state))
        )
  return Effect.zipRight(
    run.publish({ _tag: "ExperimentStarted", id: start.id, baseline: start.baseline, parent: start.parent }),
    phases.pipe(
      Effect.flatMap((done) => finishedRecord(run, done)),
      Effect.map((entry): Outcome => ({ _tag: "Recorded", record: entry, retryable: false })),
      Effect.catchTag("ExperimentEnded", (ended) => Effect.succeed(ended.outcome))
    )
  )
}

/** The research loop as an Effect: needs an Agent, a Trainer, a Store, a Workspace and ResearchEvents. */
const run = (options: LoopOptions): Effect.Effect<Summary, LoopError, Agent | Trainer | Store | Workspace | ResearchEvents> =>
  Effect.gen(function* () {
    const opened = yield* openRun(options)
    const loopRun = opened.run
    let state = opened.state
    const signals = { stopping: () => stopping(loopRun), killed: () => killed(loopRun), logOf: (id: number) => logFile(loopRun, id) }

    const loop = Effect.gen(function* () {
      for (;;) {
        yield* backOff(loopRun, state)
        const reason = stopReason(state, loopRun.config, { stopping: signals.stopping(), killed: signals.killed(), logOf: signals.logOf })
        if (reason !== undefined) return reason
        const outcome = yield* experiment(loopRun, state)
        if (outcome._tag === "Killed") return "killed by a second interrupt: the running experiment was dropped unrecorded"
        state = yield* record(loopRun, state, outcome.record, outcome.retryable)
      }
    })
    /** However the loop ends, the work tree is left at the best commit. */
    const settle = Effect.suspend(() => Effect.flatMap(loopRun.workspace.head, (head) => (head !== bestCommit(state) ? loopRun.workspace.reset(bestCommit(state)) : Effect.void)))

    const stop = yield* loop.pipe(Effect.ensuring(Effect.ignore(settle)))
    const summary = summarizeRun(loopRun.config.tag, state.records, bestCommit(state), stop)
    yield* loopRun.publish({ _tag: "LoopStopped", summary })
    return summary
  })

/** The research loop as an Effect: `ResearchLoop.run(options)` needs Agent | Trainer | Store | Workspace | ResearchEvents. */
export const ResearchLoop = { run }

/** `runLoop`'s options: the configuration plus a Layer for each service and an event listener. */
export interface RunLoopOptions extends LoopOptions {
  readonly agent: Layer.Layer<Agent, unknown>
  readonly trainer: Layer.Layer<Trainer, unknown>
  readonly store: Layer.Layer<Store, unknown>
  readonly workspace: Layer.Layer<Workspace, unknown>
  /** Called synchronously for every event the loop publishes. */
  readonly onEvent?: (event: ResearchEvent) => void
}

/** Every service of the loop from the layers in `options`, and the event hub calling `onEvent`. */
export const loopLayer = (options: RunLoopOptions) => {
  const { onEvent } = options
  // A listener that throws must not end the night: it is reported and the loop goes on.
  const listener =
    onEvent &&
    ((event: ResearchEvent) => {
      try {
        onEvent(event)
      } catch (error) {
        console.error(`autoresearch: an onEvent listener threw on ${event._tag}: ${error instanceof Error ? error.message : String(error)}`)
      }
    })
  return Layer.mergeAll(options.agent, options.trainer, options.store, options.workspace, ResearchEvents.layer(listener))
}

/**
 * The loop as an Effect with every service given as a Layer in `options` (a layer's own
 * failure, e.g. a missing API key, fails it too).
 */
export const runLoopEffect = (options: RunLoopOptions): Effect.Effect<Summary, unknown> =>
  ResearchLoop.run(options).pipe(Effect.provide(loopLayer(options)))

/**
 * The loop as a Promise, with every service given as a Layer: resolves with the Summary when
 * the loop stops, rejects with the tagged error (ConfigError, StoreError, WorkspaceError, ...)
 * that stopped it. `autoresearch`'s `runResearch` is this with the default layers.
 *
 * @example
 * const summary = await runLoop({ tag: "nov27", budgetSeconds: 300, agent, trainer, store, workspace })
 */
export const runLoop = async (options: RunLoopOptions): Promise<Summary> => {
  const exit = await Effect.runPromiseExit(runLoopEffect(options))
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
