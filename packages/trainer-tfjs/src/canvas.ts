// What the canvas (train.ts) may import: the tf handle the harness set up, the context the
// harness passes to `train(ctx)`, and the few tensor helpers tfjs lacks. Nothing here
// decides the research: the model, optimizer and loop all live in the canvas.
import * as tf from "@tensorflow/tfjs"
import type { LossModel } from "@autoresearch/core"
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
  /** Training seconds granted (counted after the first `warmupSteps` steps). */
  readonly budgetSeconds: number
  /** Steps excluded from the counted time (compilation, first allocations): 10. */
  readonly warmupSteps: number
  /** Counted training time / budget, in [0, 1]: drives the schedules. 0 during warm-up. */
  readonly progress: () => number
  /**
   * Call once per optimizer step. Checks the loss (NaN or > 100 ends the run as `nan`),
   * counts time and tokens, streams progress; returns true once the budget is spent.
   */
  readonly endStep: (report: StepReport) => boolean
  /** Prints a line to the run's log. */
  readonly log: (line: string) => void
  /** Seed every random draw from this (default 42), so the same commit trains the same way twice. */
  readonly seed: number
}

/** What `train` returns: a model the fixed evaluator can score, plus facts for the summary. */
export interface TrainedModel extends LossModel {
  readonly numParams: number
  readonly depth: number
  /** Training FLOPs per token (forward + backward), for MFU; 0 when unknown. */
  readonly flopsPerToken: number
  /** Frees the model's tensors. */
  readonly dispose?: () => void
}

export type Canvas = (ctx: CanvasContext) => Promise<TrainedModel>

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
