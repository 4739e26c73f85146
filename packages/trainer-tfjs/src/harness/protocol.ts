// What the parent (TfjsTrainer) and its two kinds of child say to each other. The parent writes
// JSON lines on the child's stdin; the child writes JSON lines on the channel fd (3). Nothing a
// child says is trusted: the parent measures the time itself and scores the evaluation
// processes' log-probabilities itself, after checking them (see evaluation/verify.ts).
import { Schema } from "effect"
import { CrashReason, DEFAULT_SEED } from "@autoresearch/core"

/** The training process's configuration (first stdin line). */
export const HarnessConfig = Schema.Struct({
  mode: Schema.optionalWith(Schema.Literal("train"), { default: () => "train" as const }),
  /** Absolute path of the canvas module the child imports (the parent's bundle of train.ts). */
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
  /** The fd the channel lines go to (3 under TfjsTrainer). */
  channelFd: Schema.optional(Schema.Number)
})
export type HarnessConfig = typeof HarnessConfig.Type

/** An evaluation process's configuration (first stdin line); weights and rows follow. */
export const EvalConfig = Schema.Struct({
  mode: Schema.Literal("eval"),
  canvas: Schema.String,
  profile: Schema.optional(Schema.String),
  backend: Schema.optional(Schema.String),
  channelFd: Schema.Number
})
export type EvalConfig = typeof EvalConfig.Type

export const ChildConfig = Schema.Union(EvalConfig, HarnessConfig)

/** A tensor as it travels: shape, dtype and its bytes in base64. */
export const WireTensor = Schema.Struct({
  shape: Schema.Array(Schema.Number),
  dtype: Schema.Literal("float32", "int32"),
  data: Schema.String
})
export type WireTensor = typeof WireTensor.Type

// --- training process -> parent
export const ReadyMessage = Schema.Struct({ type: Schema.Literal("ready") })
export const ProgressMessage = Schema.Struct({
  type: Schema.Literal("progress"),
  step: Schema.Number,
  loss: Schema.Number,
  progress: Schema.Number,
  tokensPerSec: Schema.Number,
  remainingSeconds: Schema.Number
})
export const TrainedMessage = Schema.Struct({
  type: Schema.Literal("trained"),
  weights: Schema.Array(WireTensor),
  numParams: Schema.Number,
  depth: Schema.Number,
  flopsPerToken: Schema.Number,
  steps: Schema.Number,
  tokens: Schema.Number,
  backend: Schema.String,
  peakMemoryMb: Schema.Number,
  memoryKind: Schema.Literal("gpu", "rss")
})
export const CrashMessage = Schema.Struct({ type: Schema.Literal("crash"), reason: CrashReason, message: Schema.String })

// --- evaluation process -> parent
export const LogProbsMessage = Schema.Struct({ type: Schema.Literal("logprobs"), data: Schema.String })
export const DistributionsMessage = Schema.Struct({ type: Schema.Literal("distributions"), data: Schema.String })

export const ChannelMessage = Schema.Union(
  ReadyMessage,
  ProgressMessage,
  TrainedMessage,
  CrashMessage,
  LogProbsMessage,
  DistributionsMessage
)
export type ChannelMessage = typeof ChannelMessage.Type

// --- parent -> evaluation process (stdin lines after the config)
export const WeightsRequest = Schema.Struct({ type: Schema.Literal("weights"), weights: Schema.Array(WireTensor) })
/** Rows of seqLen + 1 tokens: inputs are 0..seqLen-1, and the target of position t is t + 1. */
export const BatchRequest = Schema.Struct({ type: Schema.Literal("batch"), rows: Schema.String, batch: Schema.Number, seqLen: Schema.Number })
/** Full log-probability rows at these flat positions (b * seqLen + t) of the last batch. */
export const RevealRequest = Schema.Struct({ type: Schema.Literal("reveal"), positions: Schema.Array(Schema.Number) })
export const EvalRequest = Schema.Union(WeightsRequest, BatchRequest, RevealRequest)
export type EvalRequest = typeof EvalRequest.Type

export const toBase64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64")
const bytesOf = (s: string) => {
  const b = Buffer.from(s, "base64")
  // Copy into a fresh, aligned buffer.
  const out = new ArrayBuffer(b.byteLength - (b.byteLength % 4))
  new Uint8Array(out).set(b.subarray(0, out.byteLength))
  return out
}
export const float32FromBase64 = (s: string) => new Float32Array(bytesOf(s))
export const int32FromBase64 = (s: string) => new Int32Array(bytesOf(s))
