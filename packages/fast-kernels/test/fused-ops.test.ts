// The fused RMSNorm, RoPE, attention softmax, squared ReLU, AdamW, cautious-update and polar
// express kernels against the same math in stock tfjs ops (what the ops run where the kernels
// are not installed).
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  adamw,
  attentionSoftmax,
  cautiousUpdate,
  installFastKernels,
  loadNativeKernels,
  nesterovMomentum,
  normuon,
  polarExpress,
  reluSquare,
  rmsNorm,
  rope
} from "../src/index.js"
import { expectClose, randomTensor, stockAndFast, tf, useWasm, withFastKernels, withStockKernels } from "./support.js"

beforeAll(useWasm)

const ropeTables = (positions: number, half: number) => {
  const angles = tf.mul(tf.reshape(tf.range(0, positions), [positions, 1]), tf.reshape(tf.pow(10000, tf.mul(tf.range(0, half), -2 / (2 * half))), [1, half]))
  return [tf.cos(angles), tf.sin(angles)] as const
}

describe("rmsNorm", () => {
  it.each([
    ["rows of 7", [5, 7]],
    ["4-D, rows of 64", [2, 3, 5, 64]],
    ["threaded (odd row count)", [301, 256]]
  ])("%s: forward and gradient match stock ops", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = tf.mul(randomTensor(shape, 11), 3)
      const weights = randomTensor(shape, 12)
      const [dx] = tf.grads((z: tf.Tensor) => tf.sum(tf.mul(rmsNorm(tf, z), weights)))([x])
      return [rmsNorm(tf, x), rmsNorm(tf, x, 0.5), dx!]
    })
    expectClose(fast, stock)
  })
})

describe("rope", () => {
  it.each([
    ["one sequence", [5, 8]],
    ["heads [B, H, T, D]", [2, 3, 5, 8]],
    ["threaded, the canvas's probe shape", [8, 4, 256, 64]]
  ])("%s: forward and gradient match stock ops", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const [cos, sin] = ropeTables(shape.at(-2)!, shape.at(-1)! / 2)
      const x = randomTensor(shape, 13)
      const weights = randomTensor(shape, 14)
      const [dx] = tf.grads((z: tf.Tensor) => tf.sum(tf.mul(rope(tf, z, cos, sin), weights)))([x])
      return [rope(tf, x, cos, sin), dx!]
    })
    expectClose(fast, stock)
  })

  it("takes the stock path for tables that only broadcast", async () => {
    expect(installFastKernels(tf).installed).toBe(true)
    const x = randomTensor([2, 5, 8], 15)
    const cos = tf.ones([1, 4])
    const sin = tf.zeros([1, 4])
    expect(Array.from(await rope(tf, x, cos, sin).data())).toEqual(Array.from(await x.data()))
  })
})

describe("adamw", () => {
  it.each([
    ["step 1, no decay", [13, 7], 1, 0],
    ["step 7 with weight decay", [5, 3, 4], 7, 0.1],
    ["threaded", [300, 257], 3, 0]
  ])("%s: param, m and v match the stock-op chain", async (_, shape, step, weightDecay) => {
    const { stock, fast } = await stockAndFast(() => {
      const state = { param: randomTensor(shape, 21), m: tf.mul(randomTensor(shape, 22), 0.1), v: tf.mul(tf.abs(randomTensor(shape, 23)), 0.01) }
      const next = adamw(tf, state, randomTensor(shape, 24), { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-10, step, weightDecay })
      return [next.param, next.m, next.v]
    })
    expectClose(fast, stock)
  })
})

describe("nesterovMomentum", () => {
  it.each([
    ["small", [9, 11]],
    ["threaded", [4, 256, 65]]
  ])("%s: momentum and update match the stock-op chain", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const next = nesterovMomentum(tf, randomTensor(shape, 33), randomTensor(shape, 34), 0.87)
      return [next.momentum, next.update]
    })
    expectClose(fast, stock)
  })
})

describe("normuon", () => {
  it.each([
    ["per column (axis 1)", [3, 5, 9], 1],
    ["per row (axis 2)", [2, 9, 5], 2],
    ["threaded, per column", [4, 200, 300], 1],
    ["threaded, per row", [2, 300, 70], 2]
  ] as const)("%s: update and second moment match the stock-op chain", async (_, shape, axis) => {
    const { stock, fast } = await stockAndFast(() => {
      const [n, rows, cols] = shape
      const second = tf.mul(tf.abs(randomTensor(axis === 1 ? [n, 1, cols] : [n, rows, 1], 36)), 0.01)
      const next = normuon(tf, randomTensor([...shape], 35) as tf.Tensor3D, second, 0.95, axis)
      return [next.update, next.second]
    })
    expectClose(fast, stock)
  })
})

describe("cautiousUpdate", () => {
  it.each([
    ["small", [9, 11]],
    ["threaded", [4, 256, 64]]
  ])("%s matches the stock-op chain", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => [cautiousUpdate(tf, randomTensor(shape, 31), randomTensor(shape, 32), 0.04, 0.008)])
    expectClose(fast, stock)
  })
})

/** An additive causal mask [T, S]: 0 where key j <= query i (the last T keys of S), else -1e9. */
const causalMask = (T: number, S: number) =>
  tf.tensor2d(
    Array.from({ length: T * S }, (_, k) => (k % S <= Math.floor(k / S) + S - T ? 0 : -1e9)),
    [T, S]
  )

describe("attentionSoftmax", () => {
  it.each([
    ["rows of 7, a random mask", [3, 5, 7], false],
    ["[B, H, T, T], causal", [2, 3, 17, 17], true],
    ["threaded, causal over more keys than queries", [2, 4, 64, 130], true]
  ] as const)("%s: forward and the gradients of scores and mask match stock ops", async (_, shape, causal) => {
    const { stock, fast } = await stockAndFast(() => {
      const [T, S] = shape.slice(-2) as [number, number]
      const scores = tf.mul(randomTensor([...shape], 41), 4)
      const mask = causal ? causalMask(T, S) : tf.mul(randomTensor([T, S], 42), 2)
      const weights = randomTensor([...shape], 43)
      const loss = (z: tf.Tensor, m: tf.Tensor) => tf.sum(tf.mul(attentionSoftmax(tf, z, m, 0.125), weights))
      const [dScores, dMask] = tf.grads(loss)([scores, mask])
      return [attentionSoftmax(tf, scores, mask, 0.125), dScores!, dMask!]
    })
    expectClose(fast, stock)
  })

  it("takes the stock path for a mask that broadcasts differently", async () => {
    const f = () => {
      const scores = randomTensor([2, 5, 7], 44)
      const mask = tf.mul(randomTensor([2, 1, 7], 45), 3)
      return [attentionSoftmax(tf, scores, mask, 0.5), tf.softmax(tf.add(tf.mul(scores, 0.5), mask))]
    }
    const [ours, reference] = await withFastKernels(f)
    expectClose([ours!], [reference!])
  })
})

describe("reluSquare", () => {
  it.each([
    ["small", [13, 7]],
    ["threaded", [300, 257]]
  ])("%s: forward and gradient match stock ops", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 51)
      const weights = randomTensor(shape, 52)
      const [dx] = tf.grads((z: tf.Tensor) => tf.sum(tf.mul(reluSquare(tf, z), weights)))([x])
      return [reluSquare(tf, x), dx!]
    })
    expectClose(fast, stock)
  })
})

// The coefficients the canvas uses (Muon's "polar express").
const POLAR_EXPRESS = [
  [8.156554524902461, -22.48329292557795, 15.878769915207462],
  [4.042929935166739, -2.808917465908714, 0.5000178451051316],
  [3.8916678022926607, -2.772484153217685, 0.5060648178503393],
  [3.285753657755655, -2.3681294933425376, 0.46449024233003106],
  [2.3465413258596377, -1.7097828382687081, 0.42323551169305323]
] as const

describe("polarExpress", () => {
  const load = loadNativeKernels()
  const addon = "addon" in load ? load.addon : undefined
  const info = addon?.gemmInfo()
  // Every GEMM the addon has: its symmetric products run on whichever is active.
  const gemms = info ? [...info.kernels, ...(info.blas === null ? [] : ["blas"])] : []
  const initial = info ? (info.active === "blas" ? "blas" : info.kernel) : undefined
  afterAll(() => {
    if (initial !== undefined) addon!.useGemm(initial)
  })

  const shapes: Array<[string, number[]]> = [
    ["square", [2, 6, 6]],
    ["wide, odd sizes", [3, 7, 19]],
    ["tall, odd sizes", [2, 23, 5]],
    ["tall, rows past the packing block (k 300)", [2, 300, 37]],
    ["wide, one matrix of the probe's MLP shape class", [1, 64, 256]],
    ["a stack of 16 (split over entries)", [16, 33, 33]]
  ]
  it.each(shapes)("%s: matches the stock-op chain on every GEMM", async (_, shape) => {
    expect(addon, "the native addon").toBeDefined()
    const compute = () => polarExpress(tf, tf.mul(randomTensor(shape, 61), 5) as tf.Tensor3D, POLAR_EXPRESS)
    const stock = await withStockKernels(compute)
    for (const gemm of gemms) {
      addon!.useGemm(gemm)
      const fast = await withFastKernels(compute)
      expect(fast[0]!.data.every(Number.isFinite), gemm).toBe(true)
      expectClose(fast, stock, 1e-4)
    }
  })

  it("with no coefficients only normalises", async () => {
    const compute = () => polarExpress(tf, randomTensor([2, 4, 3], 62) as tf.Tensor3D, [])
    expectClose(await withFastKernels(compute), await withStockKernels(compute))
  })
})
