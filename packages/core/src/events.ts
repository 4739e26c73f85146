// The loop's typed event stream: every listener (CLI progress, dashboard, an embedding
// program) sees the same events. Events are Schemas so they can cross a process or a socket.
import { Context, Effect, Layer, PubSub, Schema, Stream } from "effect"
import { ExperimentRecord, Summary } from "./domain.js"

/** The loop started (or resumed after `resumedAfter` records) from the best commit. */
export const LoopStarted = Schema.TaggedStruct("LoopStarted", {
  tag: Schema.String,
  /** Experiments already recorded for this tag (a resume when > 0). */
  resumedAfter: Schema.Number,
  bestCommit: Schema.String,
  bestBpb: Schema.optional(Schema.Number)
})
/** Something a person should know: a store repair, a resume reset, a retry. */
export const Notice = Schema.TaggedStruct("Notice", { message: Schema.String })
/** An experiment started from `parent` (the baseline when `baseline`). */
export const ExperimentStarted = Schema.TaggedStruct("ExperimentStarted", {
  id: Schema.Number,
  baseline: Schema.Boolean,
  parent: Schema.String
})
/** The agent's proposal for an experiment, with its diff, before training. */
export const ProposalReady = Schema.TaggedStruct("ProposalReady", {
  id: Schema.Number,
  description: Schema.String,
  /** Unified diff of the edits against the parent commit. */
  diff: Schema.String
})
/** Progress of the running training (step, loss, seconds): published while it trains. */
export const TrainingProgressEvent = Schema.TaggedStruct("TrainingProgress", {
  id: Schema.Number,
  step: Schema.Number,
  loss: Schema.Number,
  progress: Schema.Number,
  tokensPerSec: Schema.Number,
  remainingSeconds: Schema.Number
})
/** An experiment was decided and recorded durably. */
export const ExperimentFinished = Schema.TaggedStruct("ExperimentFinished", { record: ExperimentRecord })
/** The loop stopped: the run's Summary with the reason. */
export const LoopStopped = Schema.TaggedStruct("LoopStopped", { summary: Summary })

/** Every event the loop publishes, as one Schema union (`onEvent` gets these; events.jsonl holds them). */
export const ResearchEvent = Schema.Union(
  LoopStarted,
  Notice,
  ExperimentStarted,
  ProposalReady,
  TrainingProgressEvent,
  ExperimentFinished,
  LoopStopped
)
/**
 * One event the loop publishes; switch on `_tag`.
 *
 * @example
 * onEvent: (event) => { if (event._tag === "ExperimentFinished") console.log(event.record.status) }
 */
export type ResearchEvent = typeof ResearchEvent.Type

/** What the `ResearchEvents` tag provides. */
export interface ResearchEventsService {
  readonly publish: (event: ResearchEvent) => Effect.Effect<void>
  /** A stream of every event published after subscription. */
  readonly events: Stream.Stream<ResearchEvent>
}

/** The hub the loop publishes to; subscribe with `events`. */
export class ResearchEvents extends Context.Tag("@autoresearch/core/ResearchEvents")<ResearchEvents, ResearchEventsService>() {
  /** An in-memory hub; `listener`, when given, is called synchronously for every event. */
  static readonly layer = (listener?: (event: ResearchEvent) => void) =>
    Layer.effect(
      ResearchEvents,
      Effect.map(PubSub.unbounded<ResearchEvent>(), (hub) => ({
        publish: (event: ResearchEvent) =>
          Effect.zipRight(
            Effect.sync(() => listener?.(event)),
            Effect.asVoid(PubSub.publish(hub, event))
          ),
        events: Stream.fromPubSub(hub)
      }))
    )
}
