// core's Evaluator service backed by a prepared environment's fixed metric.
import { Evaluator, EvaluatorError } from "@autoresearch/core"
import { Effect, Layer } from "effect"
import { loadPreparedEffect, type PreparedEnvironment, type PrepareOptions } from "./prepare.js"

const fromEnvironment = (env: PreparedEnvironment): Evaluator["Type"] => ({
  evaluate: (model) =>
    Effect.tryPromise({
      try: () => env.evaluateBpb(model),
      catch: (cause) =>
        new EvaluatorError({
          message: `evaluation failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause
        })
    })
})

/**
 * The fixed val_bpb metric of a prepared environment as core's `Evaluator` service.
 *
 * @example
 * Effect.provide(program, PreparedEvaluator.fromCache({ profile: "cpu" }))
 */
export const PreparedEvaluator = {
  /** The Evaluator of an environment already open. */
  layer: (env: PreparedEnvironment): Layer.Layer<Evaluator> => Layer.succeed(Evaluator, fromEnvironment(env)),
  /** Opens the prepared cache (never prepares); missing data is an EvaluatorError saying what to run. */
  fromCache: (options?: PrepareOptions): Layer.Layer<Evaluator, EvaluatorError> =>
    Layer.effect(
      Evaluator,
      loadPreparedEffect(options).pipe(
        Effect.map(fromEnvironment),
        Effect.mapError((e) => new EvaluatorError({ message: e.message, cause: e }))
      )
    )
}
