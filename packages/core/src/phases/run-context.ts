// What every phase of one loop run needs, built once when the loop starts: the decoded
// configuration, the services, the paths and the interrupt signals.
import { join } from "node:path"
import { Effect } from "effect"
import type { LoopConfig, LoopRuntime } from "../config.js"
import { WorkspaceError } from "../errors.js"
import type { ResearchEvent } from "../events.js"
import type { AgentService, CanvasFile } from "../services/agent.js"
import type { StoreService } from "../services/store.js"
import type { TrainerService } from "../services/trainer.js"
import type { WorkspaceService } from "../services/workspace.js"

export interface LoopRun {
  readonly config: LoopConfig
  readonly runtime: LoopRuntime
  readonly agent: AgentService
  readonly trainer: TrainerService
  readonly store: StoreService
  readonly workspace: WorkspaceService
  readonly publish: (event: ResearchEvent) => Effect.Effect<void>
  /** Publishes synchronously (for callbacks such as the trainer's onProgress). */
  readonly publishNow: (event: ResearchEvent) => void
  /** Where logs and transcripts go. */
  readonly runDir: string
  readonly logsDir: string
  /** The research direction (program.md), read once. */
  readonly program: string
  /** Trainings one experiment may run at once (its noise repeats); 1 unless a parallel run sets it. */
  readonly concurrency?: number
}

/** The first interrupt: stop after the running experiment. */
export const stopping = (run: LoopRun) => run.runtime.signal?.aborted === true || killed(run)
/** The second interrupt: drop the running experiment now. */
export const killed = (run: LoopRun) => run.runtime.killSignal?.aborted === true

export const notice = (run: LoopRun, message: string) => run.publish({ _tag: "Notice", message })

export const logFile = (run: LoopRun, id: number, suffix = "") => join(run.logsDir, `${id}${suffix}.log`)

/** The canvas files as they are in the work tree now. */
export const readCanvas = (run: LoopRun): Effect.Effect<ReadonlyArray<CanvasFile>, WorkspaceError> =>
  Effect.forEach(run.workspace.editable, (path) => Effect.map(run.workspace.read(path), (content) => ({ path, content }))).pipe(
    Effect.catchTag("EditError", (error) => Effect.fail(new WorkspaceError({ message: `cannot read the canvas: ${error.message}` })))
  )
