// Repair: a crashed change (not one the integrity checks refused) goes back to the agent with
// its log tail, up to `repairAttempts` times; each fix is committed on top and trained again.
import { Effect } from "effect"
import type { WorkspaceError } from "../errors.js"
import { applyEdits, commit } from "./apply.js"
import { type Experiment, type ExperimentEnded, unlessKilled } from "./experiment.js"
import { propose, proposalContext } from "./propose.js"
import { notice, readCanvas, type LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"
import { train } from "./train.js"

export const repair =
  (run: LoopRun, state: LoopState) =>
  (start: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      let experiment = start
      while (experiment.report?._tag === "Crash" && experiment.report.reason !== "invalid" && experiment.repairs < run.config.repairAttempts) {
        const { message, logTail } = experiment.report
        const repairs = experiment.repairs + 1
        experiment = { ...experiment, repairs }
        const context = proposalContext(run, state, experiment, yield* readCanvas(run))
        const [asked, answer] = yield* propose(run, experiment, { ...context, feedback: { kind: "repair", message, logTail, description: experiment.proposal!.description } })
        experiment = yield* unlessKilled(run, asked)
        if (answer._tag === "Left") break
        const fix = answer.right
        if ((yield* applyEdits(run, fix))._tag === "Left") break
        yield* notice(run, `experiment ${experiment.id}: the agent repairs its crashed change (${repairs}/${run.config.repairAttempts}): ${fix.description}`)
        experiment = yield* commit(run, experiment, `repair: ${fix.description}`)
        experiment = yield* unlessKilled(run, yield* train(run, experiment, `-repair${repairs}`))
      }
      return experiment
    })
