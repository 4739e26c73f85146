// Runs the real loop on a real git workspace with the scripted test doubles.
import { join } from "node:path"
import { ResultsStore, runLoop as runCoreLoop, type LoopConfigInput, type ResearchEvent, type StoreIo } from "@autoresearch/core"
import { ScriptedAgent, ScriptedTrainer, type AgentScript, type ScriptedTrainerOptions, type TrainerScript } from "@autoresearch/core/test"
import { GitWorkspace } from "../../src/index.js"

export interface LoopRun {
  readonly dir: string
  readonly config?: Partial<LoopConfigInput>
  readonly agent: AgentScript
  readonly trainer: TrainerScript
  readonly trainerOptions?: ScriptedTrainerOptions
  readonly io?: StoreIo
  readonly signal?: AbortSignal
  readonly killSignal?: AbortSignal
  readonly onEvent?: (event: ResearchEvent) => void
}

export const runDirOf = (dir: string, tag = "t") => join(dir, "runs", tag)

export const runLoop = async (options: LoopRun) => {
  const agent = ScriptedAgent.make(options.agent)
  const trainer = ScriptedTrainer.make(options.trainer, options.trainerOptions)
  const events: Array<ResearchEvent> = []
  const tag = (options.config?.tag as string | undefined) ?? "t"
  const promise = runCoreLoop({
    tag,
    budgetSeconds: 1,
    noiseRepeats: 0,
    // The scripts hold one run per experiment: no paired confirmations unless a test asks.
    maxConfirmations: 0,
    ...options.config,
    agent: agent.layer,
    trainer: trainer.layer,
    store: ResultsStore.layer({ dir: runDirOf(options.dir, tag), io: options.io }),
    workspace: GitWorkspace.layer({ dir: options.dir, editable: ["train.ts"] }),
    signal: options.signal,
    killSignal: options.killSignal,
    onEvent: (event) => {
      events.push(event)
      options.onEvent?.(event)
    }
  })
  return { promise, agent, trainer, events }
}

/** A replace edit of train.ts. */
export const edit = (old: string, replacement: string) => ({ path: "train.ts", old, new: replacement })
