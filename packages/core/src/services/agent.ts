import { Context, Effect, Layer } from "effect"
import type { ExperimentRecord, ProposalInput } from "../domain.js"
import { AgentError } from "../errors.js"

/** An editable file as the agent sees it. */
export interface CanvasFile {
  readonly path: string
  readonly content: string
}

/** Everything an agent may look at to make its next proposal. */
export interface ProposalContext {
  /** The human's research direction (program.md). */
  readonly program: string
  /** The editable files (the canvas), as they are at the commit the experiment starts from. */
  readonly files: ReadonlyArray<CanvasFile>
  /** Every experiment of this run so far, oldest first. */
  readonly history: ReadonlyArray<ExperimentRecord>
  /** The last crash (or invalid run) and its log tail, to learn from. */
  readonly lastFailure?: { readonly description: string; readonly message: string; readonly logTail: string }
  /**
   * Set when the agent is asked again within one experiment: the reason its previous edits
   * did not apply, or the crash log of its change when it is asked to repair it.
   */
  readonly feedback?: {
    readonly kind: "edit_failed" | "repair"
    readonly message: string
    readonly logTail?: string
    /** On a repair: the change that crashed, as it was described when proposed. */
    readonly description?: string
  }
  /**
   * In a parallel run: the experiments proposed and still training (not yet in the history).
   * Propose something else: they are being measured already.
   */
  readonly inFlight?: ReadonlyArray<{ readonly id: number; readonly description: string }>
  /** What is left of the run's limits, where set. */
  readonly remaining: {
    readonly experiments?: number
    readonly seconds?: number
    readonly costUsd?: number
  }
  /** The experiment number this proposal is for (1-based; the baseline is 1). */
  readonly experimentId: number
  /**
   * Set by a branching strategy (best-first): the kept experiment this one starts from. `files`
   * are its canvas and `history` the way to it; `best` says whether it is the run's best.
   */
  readonly branch?: { readonly id: number; readonly commit: string; readonly valBpb: number; readonly best: boolean }
  /** The run's research notes so far (see agent-kit/notes.ts), and the file the `note` tool appends to. */
  readonly notes?: string
  readonly notesFile?: string
  /** Where the agent may save its transcript (a directory), if the store keeps them. */
  readonly transcriptDir?: string
  readonly signal?: AbortSignal
}

/** What an agent does: the service behind the `Agent` tag. */
export interface AgentService {
  readonly name: string
  /** One idea as edits; the loop decodes the answer, so `{ description, edits }` is enough. */
  readonly propose: (ctx: ProposalContext) => Effect.Effect<ProposalInput, AgentError>
  /**
   * Optional: up to `count` different ideas in one call, for a parallel run with `count` free
   * workers (each becomes an experiment of its own). Without it, the run asks `propose` once per
   * free worker.
   */
  readonly proposeMany?: (ctx: ProposalContext, count: number) => Effect.Effect<ReadonlyArray<ProposalInput>, AgentError>
}

/** An agent as a plain async function, for `Agent.fromPromise`. */
export interface PromiseAgent {
  readonly name: string
  /** Resolve with `{ description, edits }` (and `costUsd` if it cost money); reject to fail this proposal. */
  readonly propose: (ctx: ProposalContext) => Promise<ProposalInput>
}

/**
 * The researcher: proposes one idea per experiment as edits to the canvas.
 *
 * @example
 * const agent = Agent.fromPromise({ name: "mine", propose: async (ctx) => ({ description: "lr up", edits: [...] }) })
 */
export class Agent extends Context.Tag("@autoresearch/core/Agent")<Agent, AgentService>() {
  /**
   * An Agent layer from an async function. A rejection is an `AgentError` with its message
   * (an `AgentError` rejected as is keeps `retryable` and `costUsd`).
   */
  static readonly fromPromise = (agent: PromiseAgent): Layer.Layer<Agent> =>
    Layer.succeed(Agent, {
      name: agent.name,
      propose: (ctx) =>
        Effect.tryPromise({
          try: () => agent.propose(ctx),
          catch: (error) =>
            error instanceof AgentError ? error : new AgentError({ message: error instanceof Error ? error.message : String(error), cause: error })
        })
    })
}
