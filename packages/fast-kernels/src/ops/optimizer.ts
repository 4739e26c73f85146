// Fused optimizer updates for a training script: the native kernels when installFastKernels
// put them on the active backend, the same arithmetic in stock tfjs ops anywhere else. Both
// return new tensors (tfjs tensors are immutable); the caller assigns them to its variables.
import type * as tfjs from "@tensorflow/tfjs"
import { hasKernel } from "./has-kernel.js"
import { AdamW, CautiousUpdate, NesterovMomentum, Normuon, PolarExpress } from "../kernels/optimizer.js"

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

/**
 * Muon's Nesterov momentum: momentum' = beta momentum + (1 - beta) grad, and the update
 * (1 - beta) grad + beta momentum'. Returns both; the caller assigns the momentum.
 */
export const nesterovMomentum = (
  tf: typeof tfjs,
  momentum: tfjs.Tensor,
  grad: tfjs.Tensor,
  beta: number
): { readonly momentum: tfjs.Tensor; readonly update: tfjs.Tensor } => {
  if (hasKernel(tf, NesterovMomentum) && float32([momentum, grad]) && momentum.size > 0) {
    const [m2, update] = tf.engine().runKernel(NesterovMomentum, { momentum, grad }, { beta }) as tfjs.Tensor[]
    return { momentum: m2!, update: update! }
  }
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(momentum, beta), tf.mul(grad, 1 - beta))
    return { momentum: m2, update: tf.add(tf.mul(grad, 1 - beta), tf.mul(m2, beta)) }
  })
}

/**
 * NorMuon: normalises an orthogonalised update x [n, rows, cols] by an EMA of its second moment
 * along `axis` (1: one statistic per column, second [n, 1, cols]; 2: per row, second
 * [n, rows, 1]), keeping each matrix's norm. Returns the update and the new second moment
 * second + (mean(x^2) - second)(1 - beta2), which the caller assigns.
 */
export const normuon = (
  tf: typeof tfjs,
  x: tfjs.Tensor3D,
  second: tfjs.Tensor,
  beta2: number,
  axis: 1 | 2
): { readonly update: tfjs.Tensor3D; readonly second: tfjs.Tensor } => {
  const [n, rows, cols] = x.shape
  const fits = x.dtype === "float32" && second.dtype === "float32" && x.size > 0 && second.shape.join() === (axis === 1 ? [n, 1, cols] : [n, rows, 1]).join()
  if (hasKernel(tf, Normuon) && fits) {
    const [update, second2] = tf.engine().runKernel(Normuon, { x, second }, { beta2, axis }) as tfjs.Tensor[]
    return { update: update as tfjs.Tensor3D, second: second2! }
  }
  return tf.tidy(() => {
    const reduced = x.shape[axis]
    const vMean = tf.mean(tf.square(x), axis, true)
    const norm = tf.sqrt(tf.mul(tf.sum(vMean, [1, 2], true), reduced))
    const second2 = tf.add(second, tf.mul(tf.sub(vMean, second), 1 - beta2))
    const stepSize = tf.rsqrt(tf.maximum(second2, 1e-10))
    const newNorm = tf.sqrt(tf.sum(tf.mul(tf.mul(vMean, reduced), tf.square(stepSize)), [1, 2], true))
    const update = tf.mul(x, tf.mul(stepSize, tf.div(norm, tf.maximum(newNorm, 1e-10)))) as tfjs.Tensor3D
    return { update, second: second2 }
  })
}

/** Coefficients (a, b, c) of Newton-Schulz iterations, one triple per iteration. */
export type PolarExpressCoefficients = ReadonlyArray<readonly [number, number, number]>

/**
 * Muon's orthogonalisation of a stack of matrices [n, rows, cols]: each is divided by
 * (|g|_F 1.02 + 1e-6), then per coefficient triple A = X X^T, B = b A + c A A, X = a X + B X
 * (for tall matrices A = X^T X and X = a X + X B). One native call where installed; its
 * symmetric products cost about half a full product.
 */
export const polarExpress = (tf: typeof tfjs, g: tfjs.Tensor3D, coefficients: PolarExpressCoefficients): tfjs.Tensor3D => {
  if (hasKernel(tf, PolarExpress) && g.dtype === "float32" && g.rank === 3 && g.size > 0)
    return tf.engine().runKernel(PolarExpress, { g }, { coefficients: coefficients.flat() }) as tfjs.Tensor3D
  return tf.tidy(() => {
    const tall = g.shape[1] > g.shape[2]
    let x = tf.div(g, tf.add(tf.mul(tf.sqrt(tf.sum(tf.square(g), [1, 2], true)), 1.02), 1e-6)) as tfjs.Tensor3D
    for (const [a, b, c] of coefficients) {
      const A = tall ? tf.matMul(x, x, true, false) : tf.matMul(x, x, false, true)
      const B = tf.add(tf.mul(b, A), tf.mul(c, tf.matMul(A, A)))
      x = tf.add(tf.mul(a, x), tall ? tf.matMul(x, B) : tf.matMul(B, x)) as tfjs.Tensor3D
    }
    return x
  })
}
