// Per-row softmax cross-entropy of (optionally soft-capped) logits: the loss of a language
// model head. Runs the fused native kernel when installFastKernels put it on the active
// backend, and the same math in stock tfjs ops anywhere else, so a training script can always
// call it.
import type * as tfjs from "@tensorflow/tfjs"
import { SoftmaxCrossEntropy } from "../kernels/softmax-cross-entropy.js"

export interface SoftmaxCrossEntropyOptions {
  /** z = softCap * tanh(logits / softCap) before the softmax; 0 or absent: no cap. */
  readonly softCap?: number
}

/**
 * logits [N, V] float32, targets [N] int32 -> loss [N]: logsumexp(z) - z[target].
 * Rows whose target lies outside [0, V) (e.g. -1 padding) get loss 0 and no gradient.
 */
export const softmaxCrossEntropy = (
  tf: typeof tfjs,
  logits: tfjs.Tensor2D,
  targets: tfjs.Tensor1D,
  options: SoftmaxCrossEntropyOptions = {}
): tfjs.Tensor1D => {
  const softCap = options.softCap ?? 0
  if (tf.getKernel(SoftmaxCrossEntropy, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SoftmaxCrossEntropy, { logits, targets }, { softCap }) as tfjs.Tensor1D
  }
  return tf.tidy(() => {
    const vocab = logits.shape[1]
    const z = softCap > 0 ? tf.mul(tf.tanh(tf.div(logits, softCap)), softCap) : logits
    const picked = tf.sum(tf.mul(z, tf.oneHot(targets, vocab)), 1)
    const loss = tf.sub(tf.logSumExp(z, 1), picked) as tfjs.Tensor1D
    const valid = tf.logicalAnd(tf.greaterEqual(targets, 0), tf.less(targets, vocab))
    return tf.where(valid, loss, tf.zerosLike(loss))
  })
}
