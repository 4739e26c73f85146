// Propose: ask the agent for one idea. Whatever the agent does (fails, throws, returns
// something that is not a Proposal) becomes an answer the loop can record; never a crash.
import { join } from "node:path"
import { Cause, Duration, Effect, Either, Schema } from "effect"
import { addCost, type CostUsd } from "../cost.js"
import { Proposal } from "../domain.js"
import { readNotes } from "../agent-kit/notes.js"
import { describeParseError } from "../errors.js"
import type { CanvasFile, ProposalContext } from "../services/agent.js"
import type { Experiment } from "./experiment.js"
import type { LoopRun } from "./run-context.js"
import { sessionExperiments, sessionSeconds, totalCost, type LoopState } from "./state.js"

/** Why the agent gave no proposal; `retryable` for a rate limit, overload, server or network error. */
export interface AgentFailure {
  readonly message: string
  readonly retryable: boolean
}

/** What the agent sees for this experiment: program, canvas, history, last failure, what is left. */
export const proposalContext = (run: LoopRun, state: LoopState, experiment: Experiment, files: ReadonlyArray<CanvasFile>): ProposalContext => {
  const { config } = run
  const last = state.records.at(-1)
  return {
    program: run.program,
    files,
    history: state.records,
    lastFailure:
      last !== undefined && (last.status === "crash" || last.status === "invalid")
        ? { description: last.description, message: last.crash?.message ?? last.decisionReason, logTail: last.crash?.logTail ?? "" }
        : undefined,
    remaining: {
      experiments: config.maxExperiments === undefined ? undefined : config.maxExperiments - sessionExperiments(state),
      seconds: config.maxDurationSeconds === undefined ? undefined : config.maxDurationSeconds - sessionSeconds(state),
      costUsd: config.maxCostUsd === undefined ? undefined : config.maxCostUsd - totalCost(state)
    },
    experimentId: experiment.id,
    notes: readNotes(join(run.runDir, "notes.md")),
    notesFile: join(run.runDir, "notes.md"),
    transcriptDir: join(run.runDir, "transcripts"),
    signal: run.runtime.killSignal
  }
}

/** One answer of the agent and the dollars it cost (counted even when it failed). */
interface Answer {
  readonly answer: Either.Either<Proposal, AgentFailure>
  readonly costUsd: CostUsd
}

const decodeProposal = Schema.decodeUnknownEither(Proposal)
/** A plugin's claim of spend: null is "unknown", anything not a finite positive number is 0. */
const dollars = (x: unknown): CostUsd => (x === null ? null : typeof x === "number" && Number.isFinite(x) && x > 0 ? x : 0)
const messageOf = (defect: unknown) => (defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect))

const decoded = (raw: unknown): Answer =>
  Either.match(decodeProposal(raw), {
    onRight: (proposal) => ({ answer: Either.right(proposal), costUsd: proposal.costUsd }),
    onLeft: (error) => ({
      answer: Either.left({ message: `the agent returned an invalid proposal: ${describeParseError(error)}`, retryable: false }),
      costUsd: dollars((raw as { costUsd?: unknown } | null)?.costUsd)
    })
  })

/**
 * Asks the agent once; the experiment carries the time and dollars spent, the answer is the
 * decoded proposal or the failure in words. The caller decides what the proposal is for.
 */
export const propose = (
  run: LoopRun,
  experiment: Experiment,
  context: ProposalContext
): Effect.Effect<readonly [Experiment, Either.Either<Proposal, AgentFailure>]> =>
  Effect.suspend(() => run.agent.propose(context)).pipe(
    Effect.map(decoded),
    Effect.catchAllCause((cause): Effect.Effect<Answer> => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some") {
        const error = failure.value
        return Effect.succeed({ answer: Either.left({ message: error.message, retryable: error.retryable === true }), costUsd: dollars(error.costUsd) })
      }
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      // A thrown exception or a defect of the plugin: this experiment's failure, with the message.
      return Effect.succeed({ answer: Either.left({ message: `the agent failed unexpectedly: ${messageOf(Cause.squash(cause))}`, retryable: false }), costUsd: 0 })
    }),
    Effect.timed,
    Effect.map(([duration, { answer, costUsd }]) => {
      const next: Experiment = { ...experiment, agentMs: experiment.agentMs + Duration.toMillis(duration), costUsd: addCost(experiment.costUsd, costUsd) }
      return [next, answer] as const
    })
  )
