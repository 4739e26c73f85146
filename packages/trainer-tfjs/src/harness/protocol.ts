// What the parent (TfjsTrainer) and the harness child say to each other. The parent writes one
// HarnessConfig as JSON on the child's stdin; the child writes JSON lines on the channel fd.
// Only a result or crash carrying the run's nonce counts: the nonce reaches the harness on stdin
// before the canvas loads, so a canvas cannot forge one by printing or writing to the channel.
import { Schema } from "effect"
import { CrashReason, DEFAULT_SEED, RunMetrics } from "@autoresearch/core"

export const HarnessConfig = Schema.Struct({
  nonce: Schema.String,
  /** Absolute path of the canvas (train.ts). */
  canvas: Schema.String,
  budgetSeconds: Schema.Number,
  /** Handed to the canvas as ctx.seed and recorded in the metrics. */
  seed: Schema.optionalWith(Schema.Int, { default: () => DEFAULT_SEED }),
  profile: Schema.optional(Schema.String),
  cacheDir: Schema.optional(Schema.String),
  /** The prepared data source, as recorded in the workspace (passed to prepare untouched). */
  source: Schema.optional(Schema.Unknown),
  /** "auto" (default), "tensorflow-gpu", "tensorflow", "wasm" or "cpu". */
  backend: Schema.optional(Schema.String),
  /** Peak FLOP/s the MFU is measured against. */
  peakFlops: Schema.optional(Schema.Number),
  /** sha256 of every fixed file, recorded by the parent; re-checked after the canvas ran. */
  fixedHashes: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { default: () => ({}) }),
  /** The fd the channel lines go to (3 under TfjsTrainer). */
  channelFd: Schema.optional(Schema.Number)
})
export type HarnessConfig = typeof HarnessConfig.Type

export const ProgressMessage = Schema.Struct({
  type: Schema.Literal("progress"),
  step: Schema.Number,
  loss: Schema.Number,
  progress: Schema.Number,
  tokensPerSec: Schema.Number,
  remainingSeconds: Schema.Number
})
export const ResultMessage = Schema.Struct({ type: Schema.Literal("result"), nonce: Schema.String, metrics: RunMetrics })
export const CrashMessage = Schema.Struct({
  type: Schema.Literal("crash"),
  nonce: Schema.String,
  reason: CrashReason,
  message: Schema.String
})
export const ChannelMessage = Schema.Union(ProgressMessage, ResultMessage, CrashMessage)
export type ChannelMessage = typeof ChannelMessage.Type
