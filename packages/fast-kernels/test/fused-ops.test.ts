// The fused RMSNorm, RoPE, AdamW and cautious-update kernels against the same math in stock
// tfjs ops (what the ops run where the kernels are not installed).
import { beforeAll, describe, expect, it } from "vitest"
import { adamw, cautiousUpdate, installFastKernels, rmsNorm, rope } from "../src/index.js"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

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

describe("cautiousUpdate", () => {
  it.each([
    ["small", [9, 11]],
    ["threaded", [4, 256, 64]]
  ])("%s matches the stock-op chain", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => [cautiousUpdate(tf, randomTensor(shape, 31), randomTensor(shape, 32), 0.04, 0.008)])
    expectClose(fast, stock)
  })
})
