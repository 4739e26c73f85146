// Fused optimizer updates for a training script: the native kernels when installFastKernels
// put them on the active backend, the same arithmetic in stock tfjs ops anywhere else. Both
// return new tensors (tfjs tensors are immutable); the caller assigns them to its variables.
import type * as tfjs from "@tensorflow/tfjs"
import { AdamW, CautiousUpdate } from "../kernels/optimizer.js"

const hasKernel = (tf: typeof tfjs, name: string) => tf.getKernel(name, tf.getBackend()) !== undefined
const float32 = (tensors: ReadonlyArray<tfjs.Tensor>) => tensors.every((t) => t.dtype === "float32" && t.size === tensors[0]!.size)

export interface AdamWSettings {
  readonly lr: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  /** The step being taken, counted from 1 (bias correction). */
  readonly step: number
  /** Decoupled: param *= 1 - lr * weightDecay. Default 0. */
  readonly weightDecay?: number
}

export interface AdamWState {
  readonly param: tfjs.Tensor
  readonly m: tfjs.Tensor
  readonly v: tfjs.Tensor
}

/**
 * One AdamW step: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * param = param (1 - lr wd) - lr (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps).
 */
export const adamw = (tf: typeof tfjs, state: AdamWState, grad: tfjs.Tensor, s: AdamWSettings): AdamWState => {
  const weightDecay = s.weightDecay ?? 0
  const { param, m, v } = state
  if (hasKernel(tf, AdamW) && float32([param, m, v, grad]) && param.size > 0) {
    const attrs = { lr: s.lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, step: s.step, weightDecay }
    const [p2, m2, v2] = tf.engine().runKernel(AdamW, { param, m, v, grad }, attrs) as tfjs.Tensor[]
    return { param: p2!, m: m2!, v: v2! }
  }
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, s.beta1), tf.mul(grad, 1 - s.beta1))
    const v2 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(grad), 1 - s.beta2))
    const mHat = tf.div(m2, 1 - Math.pow(s.beta1, s.step))
    const vHat = tf.div(v2, 1 - Math.pow(s.beta2, s.step))
    const decayed = weightDecay === 0 ? param : tf.mul(param, 1 - s.lr * weightDecay)
    const p2 = tf.sub(decayed, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.eps)), s.lr))
    return { param: p2, m: m2, v: v2 }
  })
}

/**
 * Muon's step with cautious weight decay: param - (lr update + decayLr param), the decay only
 * where update and param agree in sign (update * param >= 0).
 */
export const cautiousUpdate = (tf: typeof tfjs, param: tfjs.Tensor, update: tfjs.Tensor, lr: number, decayLr: number): tfjs.Tensor => {
  if (hasKernel(tf, CautiousUpdate) && float32([param, update]) && param.size > 0)
    return tf.engine().runKernel(CautiousUpdate, { param, update }, { lr, decayLr }) as tfjs.Tensor
  return tf.tidy(() => {
    const agree = tf.cast(tf.greaterEqual(tf.mul(update, param), 0), "float32")
    return tf.sub(param, tf.add(tf.mul(update, lr), tf.mul(tf.mul(param, agree), decayLr)))
  })
}
