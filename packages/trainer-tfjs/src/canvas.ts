// What the canvas (train.ts) may import: the tf handle the harness set up, the contexts the
// harness passes to `train(ctx)` and `load(ctx, weights)`, and the few tensor helpers tfjs
// lacks. Nothing here decides the research: the model, optimizer and loop all live in the canvas.
//
// A canvas module exports two functions, run in two different processes:
//   export default async function train(ctx: CanvasContext): Promise<TrainedModel>
//   export async function load(ctx: EvalContext, weights: tf.Tensor[]): Promise<Predictor>
// `train` runs in the training process (train split only) and returns its weights; `load` runs
// in fresh evaluation processes that rebuild the model from those weights and return logits.
// The parent scores the logits itself (see docs/reliability.md).
import * as tf from "@tensorflow/tfjs"
import * as fastKernels from "@autoresearch/fast-kernels"
import { softmaxCrossEntropy } from "@autoresearch/fast-kernels"

export { tf }

/** A `[batch, seqLen]` row-major batch of token ids (inputs[t+1] === targets[t]). */
export interface Batch {
  readonly inputs: Int32Array
  readonly targets: Int32Array
  readonly epoch: number
}

export interface BatchLoader {
  readonly batch: number
  readonly seqLen: number
  next(): Batch
}

/** The fixed constants of the prepared profile (see @autoresearch/prepare). */
export interface CanvasProfile {
  readonly name: string
  readonly maxSeqLen: number
  readonly vocabSize: number
  readonly timeBudgetSeconds: number
}

export interface CanvasTokenizer {
  readonly vocabSize: number
  readonly bosId: number
  readonly encode: (text: string) => Int32Array
  readonly decode: (ids: ArrayLike<number>) => string
}

/** What the canvas reports after each optimizer step. */
export interface StepReport {
  /** Mean training loss of the step (nats/token), read back from the device. */
  readonly loss: number
  /** Tokens consumed by the step (all micro-batches). */
  readonly tokens: number
}

/** What `train` receives from the harness. */
export interface CanvasContext {
  /** The active tf backend ("wasm", "cpu", "tensorflow" for tfjs-node(-gpu) ...). */
  readonly backend: string
  readonly profile: CanvasProfile
  readonly tokenizer: CanvasTokenizer
  /** Endless training batches (cycles the train split, `epoch` counts passes). */
  readonly trainLoader: (batch: number, seqLen: number) => BatchLoader
  /**
   * Training seconds granted, counted from the call of `train`. The parent process owns the
   * real clock: it kills the run at start-up allowance + budget + grace after the harness was
   * ready, and a run that has not handed back its weights by then is a `timeout`.
   */
  readonly budgetSeconds: number
  /** Training time / budget, in [0, 1], from the call of `train`: drives the schedules. */
  readonly progress: () => number
  /**
   * Call once per optimizer step. Checks the loss (NaN or > 100 ends the run as `nan`),
   * counts tokens, streams progress; returns true once the budget is spent.
   */
  readonly endStep: (report: StepReport) => boolean
  /** Prints a line to the run's log. */
  readonly log: (line: string) => void
  /** Seed every random draw from this (default 42), so the same commit trains the same way twice. */
  readonly seed: number
}

/** What `train` returns: the trained weights (handed to `load` in a fresh process) and facts. */
export interface TrainedModel {
  /** Every trained tensor, in the order `load` expects them. */
  readonly weights: ReadonlyArray<tf.Tensor>
  readonly numParams: number
  readonly depth: number
  /** Training FLOPs per token (forward + backward), for MFU; 0 when unknown. */
  readonly flopsPerToken: number
}

/** What `load` receives in an evaluation process: the constants, never any data. */
export interface EvalContext {
  readonly backend: string
  readonly profile: CanvasProfile
}

/** The trained model in an evaluation process. */
export interface Predictor {
  /**
   * Next-token logits `[batch * seqLen, vocab]` for a `[batch, seqLen]` row-major batch of
   * token ids: row r, position t may depend on that row's tokens 0..t only. The harness turns
   * them into log-probabilities (log-softmax); the parent scores and checks those.
   */
  readonly logits: (inputs: Int32Array, batch: number, seqLen: number) => tf.Tensor2D | Promise<tf.Tensor2D>
  /**
   * When set, the harness applies `softCap * tanh(logits / softCap)` itself, inside the fused
   * cross-entropy kernel (faster than three element-wise ops over [batch * seqLen, vocab]).
   */
  readonly softCap?: number
}

export type Canvas = (ctx: CanvasContext) => Promise<TrainedModel>
export type CanvasLoader = (ctx: EvalContext, weights: ReadonlyArray<tf.Tensor>) => Predictor | Promise<Predictor>

/**
 * `tf.gather(table, ids)` whose gradient scatter-adds rows in a plain loop: the stock gradient
 * uses UnsortedSegmentSum, missing on wasm and O(vocab x tokens x width) on cpu.
 */
export const embeddingLookup = (table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D => {
  const gather = (tableArg: tf.Tensor, idsArg: tf.Tensor, save: tf.GradSaveFunc) => {
    save([idsArg])
    const [rows, width] = tableArg.shape as [number, number]
    return {
      value: tf.gather(tableArg, idsArg as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const idx = saved[0]!.dataSync()
        const upstream = dy.dataSync()
        const grad = new Float32Array(rows * width)
        for (let i = 0; i < idx.length; i++) {
          const dst = idx[i]! * width
          const src = i * width
          for (let j = 0; j < width; j++) grad[dst + j]! += upstream[src + j]!
        }
        return [tf.tensor2d(grad, [rows, width]), tf.zerosLike(saved[0]!)]
      }
    }
  }
  const lookup = tf.customGrad(gather as unknown as Parameters<typeof tf.customGrad>[0])
  return lookup(table, ids) as tf.Tensor2D
}

/**
 * Per-row cross-entropy (nats) of logits [N, V] soft-capped as softCap * tanh(logits / softCap),
 * against targets [N]: one fused kernel when @autoresearch/fast-kernels installed it, the same
 * math in stock tfjs ops otherwise. Differentiable either way.
 */
export const crossEntropy = (logits: tf.Tensor2D, targets: tf.Tensor1D, softCap = 0): tf.Tensor1D =>
  softmaxCrossEntropy(tf, logits, targets, { softCap })

// Fused layers and optimizer updates: one native kernel each where @autoresearch/fast-kernels
// installed them (a chain of 5-10 element-wise tfjs kernels otherwise), the same math in stock
// tfjs ops anywhere else. Differentiable where it matters (rmsNorm, rope).

/** Weightless RMSNorm over the last axis: x / sqrt(mean(x^2) + eps). */
export const rmsNorm = <T extends tf.Tensor>(x: T, eps = 1e-6): T => fastKernels.rmsNorm(tf, x, eps)

/** Rotary embeddings of x [..., T, 2h], tables cos/sin [T, h]: halves (x1, x2) -> (x1 cos + x2 sin, x2 cos - x1 sin). */
export const rope = <T extends tf.Tensor>(x: T, cos: tf.Tensor, sin: tf.Tensor): T => fastKernels.rope(tf, x, cos, sin)

/** Attention weights softmax(scale scores + mask) over the last axis; scores [..., T, S], additive mask [T, S]. */
export const attentionSoftmax = <T extends tf.Tensor>(scores: T, mask: tf.Tensor, scale: number): T =>
  fastKernels.attentionSoftmax(tf, scores, mask, scale)

/** The squared ReLU, max(x, 0)^2. */
export const reluSquare = <T extends tf.Tensor>(x: T): T => fastKernels.reluSquare(tf, x)

export type { AdamWSettings, AdamWState, PolarExpressCoefficients } from "@autoresearch/fast-kernels"

/** One AdamW step (bias-corrected, decoupled weight decay); returns the new param, m and v for the caller to assign. */
export const adamw = (state: fastKernels.AdamWState, grad: tf.Tensor, settings: fastKernels.AdamWSettings): fastKernels.AdamWState =>
  fastKernels.adamw(tf, state, grad, settings)

/** param - (lr update + decayLr param where update * param >= 0): Muon's step with cautious weight decay. */
export const cautiousUpdate = (param: tf.Tensor, update: tf.Tensor, lr: number, decayLr: number): tf.Tensor =>
  fastKernels.cautiousUpdate(tf, param, update, lr, decayLr)

/** Muon's Nesterov momentum: momentum' = beta momentum + (1 - beta) grad and the update (1 - beta) grad + beta momentum'. */
export const nesterovMomentum = (momentum: tf.Tensor, grad: tf.Tensor, beta: number): { readonly momentum: tf.Tensor; readonly update: tf.Tensor } =>
  fastKernels.nesterovMomentum(tf, momentum, grad, beta)

/**
 * NorMuon: x [n, rows, cols] normalised by an EMA of its second moment along `axis` (1: per
 * column, second [n, 1, cols]; 2: per row, [n, rows, 1]), keeping each matrix's norm; returns the
 * update and the new second moment for the caller to assign.
 */
export const normuon = (
  x: tf.Tensor3D,
  second: tf.Tensor,
  beta2: number,
  axis: 1 | 2
): { readonly update: tf.Tensor3D; readonly second: tf.Tensor } => fastKernels.normuon(tf, x, second, beta2, axis)

/**
 * Muon's orthogonalisation of a stack [n, rows, cols]: each matrix divided by (|g|_F 1.02 + 1e-6),
 * then per coefficient triple (a, b, c): A = X X^T, X = a X + (b A + c A A) X (tall: X^T X, X (...)).
 */
export const polarExpress = (g: tf.Tensor3D, coefficients: fastKernels.PolarExpressCoefficients): tf.Tensor3D =>
  fastKernels.polarExpress(tf, g, coefficients)
