// RMSNorm, rotary embeddings, attention's masked softmax and the squared ReLU for a training script: the fused native kernels when
// installFastKernels put them on the active backend, the same math in stock tfjs ops anywhere
// else (and for shapes the kernels do not take). Differentiable either way.
import type * as tfjs from "@tensorflow/tfjs"
import { hasKernel } from "./has-kernel.js"
import { AttentionSoftmax, ReluSquare, RmsNorm, Rope } from "../kernels/fused-layers.js"


/** Weightless RMSNorm over the last axis: x / sqrt(mean(x^2) + eps). */
export const rmsNorm = <T extends tfjs.Tensor>(tf: typeof tfjs, x: T, eps = 1e-6): T => {
  if (hasKernel(tf, RmsNorm) && x.dtype === "float32" && x.rank > 0 && x.size > 0)
    return tf.engine().runKernel(RmsNorm, { x }, { eps }) as T
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps)))) as T
}

/**
 * Rotary embeddings of x [..., T, 2h] with tables cos, sin [T, h]: the halves (x1, x2) of the
 * last axis become (x1 cos + x2 sin, x2 cos - x1 sin).
 */
export const rope = <T extends tfjs.Tensor>(tf: typeof tfjs, x: T, cos: tfjs.Tensor, sin: tfjs.Tensor): T => {
  const rank = x.rank
  const fits =
    rank >= 2 &&
    cos.rank === 2 &&
    sin.rank === 2 &&
    cos.shape[0] === x.shape[rank - 2] &&
    cos.shape[1]! * 2 === x.shape[rank - 1] &&
    sin.shape[0] === cos.shape[0] &&
    sin.shape[1] === cos.shape[1] &&
    x.size > 0 &&
    [x, cos, sin].every((t) => t.dtype === "float32")
  if (hasKernel(tf, Rope) && fits) return tf.engine().runKernel(Rope, { x, cos, sin }, { inverse: false }) as T
  return tf.tidy(() => {
    const half = x.shape[rank - 1]! / 2
    const [x1, x2] = tf.split(x, [half, half], rank - 1)
    return tf.concat([tf.add(tf.mul(x1!, cos), tf.mul(x2!, sin)), tf.sub(tf.mul(x2!, cos), tf.mul(x1!, sin))], rank - 1)
  }) as T
}

/**
 * Attention weights softmax(scale scores + mask) over the last axis; scores [..., T, S], the
 * additive mask [T, S] (0 where a key may be seen, a large negative number where not).
 */
export const attentionSoftmax = <T extends tfjs.Tensor>(tf: typeof tfjs, scores: T, mask: tfjs.Tensor, scale: number): T => {
  const rank = scores.rank
  const fits =
    rank >= 2 &&
    mask.rank === 2 &&
    mask.shape[0] === scores.shape[rank - 2] &&
    mask.shape[1] === scores.shape[rank - 1] &&
    scores.size > 0 &&
    scores.dtype === "float32" &&
    mask.dtype === "float32"
  if (hasKernel(tf, AttentionSoftmax) && fits) return tf.engine().runKernel(AttentionSoftmax, { scores, mask }, { scale }) as T
  return tf.tidy(() => tf.softmax(tf.add(tf.mul(scores, scale), mask))) as T
}

/** The squared ReLU, max(x, 0)^2. */
export const reluSquare = <T extends tfjs.Tensor>(tf: typeof tfjs, x: T): T => {
  if (hasKernel(tf, ReluSquare) && x.dtype === "float32" && x.size > 0) return tf.engine().runKernel(ReluSquare, { x }, {}) as T
  return tf.tidy(() => tf.square(tf.relu(x))) as T
}
