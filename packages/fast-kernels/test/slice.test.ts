import { beforeAll, describe, it } from "vitest"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

const slices: Array<[string, number[], number[], number[]]> = [
  ["1-D", [10], [3], [4]],
  ["leading rows (contiguous)", [6, 5], [2, 0], [3, 5]],
  ["columns", [6, 5], [0, 1], [-1, 3]],
  ["inner box of a 3-D tensor", [4, 5, 6], [1, 2, 3], [2, 2, 2]],
  ["whole tensor", [3, 4], [0, 0], [-1, -1]],
  ["size-1 axes", [1, 7, 1, 3], [0, 2, 0, 1], [1, 3, 1, 2]],
  ["rank 5", [3, 2, 4, 5, 6], [1, 0, 1, 2, 0], [1, 2, 2, 3, 6]],
  ["rank 6 odd box", [2, 3, 2, 3, 2, 3], [1, 1, 0, 1, 1, 0], [1, 2, 2, 2, 1, 2]],
  ["empty", [4, 5], [1, 1], [0, 3]]
]

const unstacks: Array<[string, number[], number]> = [
  ["axis 0 of [3, B, H, T, D]", [3, 2, 2, 5, 4], 0],
  ["middle axis", [4, 3, 5], 1],
  ["last axis", [4, 3, 5], 2],
  ["negative axis", [2, 3, 4], -2],
  ["rank 1", [5], 0]
]

describe("Slice", () => {
  it.each(slices)("%s matches the stock kernel, forward and gradient", async (_, shape, begin, size) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 31)
      const y = tf.slice(x, begin, size)
      const weights = randomTensor(y.shape, 32)
      return [y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.slice(t, begin, size), weights)))(x)]
    })
    expectClose(fast, stock, 0)
  })

  it("slices int32 tensors exactly", async () => {
    const { stock, fast } = await stockAndFast(() => tf.slice(tf.range(0, 60, 1, "int32").reshape([3, 4, 5]), [1, 1, 2], [2, 2, -1]))
    expectClose(fast, stock, 0)
  })
})

describe("Unpack", () => {
  it.each(unstacks)("%s matches the stock kernel, forward and gradient", async (_, shape, axis) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 33)
      const parts = tf.unstack(x, axis)
      const weights = parts.map((part, i) => randomTensor(part.shape, 40 + i))
      const dx = tf.grad((t: tf.Tensor) => tf.addN(tf.unstack(t, axis).map((part, i) => tf.sum(tf.mul(part, weights[i]!)))))(x)
      return [...parts, dx]
    })
    expectClose(fast, stock, 0)
  })
})

const splits: Array<[string, number[], number | number[], number]> = [
  ["RoPE halves of [B, H, T, D]", [2, 3, 5, 8], 2, 3],
  ["uneven sizes on axis 0", [7, 3], [2, 4, 1], 0],
  ["-1 size", [4, 9], [2, -1, 3], 1],
  ["negative axis", [3, 4, 6], 3, -1]
]

describe("SplitV", () => {
  it.each(splits)("%s matches the stock kernel, forward and gradient", async (_, shape, numOrSizeSplits, axis) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 34)
      const parts = tf.split(x, numOrSizeSplits, axis)
      const weights = parts.map((part, i) => randomTensor(part.shape, 60 + i))
      const dx = tf.grad((t: tf.Tensor) => tf.addN(tf.split(t, numOrSizeSplits, axis).map((part, i) => tf.sum(tf.mul(part, weights[i]!)))))(x)
      return [...parts, dx]
    })
    expectClose(fast, stock, 0)
  })
})
