import { Context, type Effect } from "effect"
import type { EvaluatorError } from "../errors.js"

/**
 * A model as the evaluator sees it: per-token cross-entropy in nats for a batch of rows.
 * `inputs` and `targets` are row-major `[batch, seqLen]`; the result has the same layout.
 */
export interface LossModel {
  readonly perTokenLoss: (
    inputs: Int32Array,
    targets: Int32Array,
    batch: number,
    seqLen: number
  ) => Promise<Float32Array> | Float32Array
}

/** The metric and what it was measured on: val_bpb, tokens and bytes. */
export interface Evaluation {
  readonly valBpb: number
  /** Targets counted (those with a byte length > 0). */
  readonly tokens: number
  readonly bytes: number
}

/** What the `Evaluator` tag provides. */
export interface EvaluatorService {
  readonly evaluate: (model: LossModel) => Effect.Effect<Evaluation, EvaluatorError>
}

/** The fixed metric: owns the pinned validation data and computes val_bpb of a model. */
export class Evaluator extends Context.Tag("@autoresearch/core/Evaluator")<Evaluator, EvaluatorService>() {}
