import { beforeAll, describe, expect, it } from "vitest"
import { expectClose, randomTensor, stockAndFast, tf, useWasm, withFastKernels, withStockKernels } from "./support.js"
import { installFastKernels } from "../src/index.js"

beforeAll(useWasm)

// [name, a shape, b shape, transposeA, transposeB]
type Case = [string, number[], number[], boolean, boolean]

const sameBatch: Case[] = [
  ["2-D", [7, 5], [5, 3], false, false],
  ["2-D A^T", [5, 7], [5, 3], true, false],
  ["2-D B^T", [7, 5], [3, 5], false, true],
  ["2-D A^T B^T", [5, 7], [3, 5], true, true],
  ["odd sizes", [33, 65], [65, 17], false, false],
  ["odd sizes A^T B^T", [65, 33], [17, 65], true, true],
  ["row vector", [1, 9], [9, 11], false, false],
  ["column result", [13, 9], [9, 1], false, false],
  ["k = 1", [6, 1], [1, 4], false, false],
  ["batched", [4, 6, 8], [4, 8, 5], false, false],
  ["batched A^T", [4, 8, 6], [4, 8, 5], true, false],
  ["batched B^T", [4, 6, 8], [4, 5, 8], false, true],
  ["batched A^T B^T", [4, 8, 6], [4, 5, 8], true, true],
  ["4-D attention scores", [2, 3, 16, 8], [2, 3, 16, 8], false, true],
  ["4-D attention values", [2, 3, 16, 16], [2, 3, 16, 8], false, false],
  ["size-1 batch dims", [1, 1, 4, 3], [1, 1, 3, 2], false, false]
]

// tfjs's BatchMatMul gradient does not reduce over broadcast batch dimensions, so these
// compare the forward product only.
const broadcastBatch: Case[] = [
  ["shared right operand", [3, 5, 6], [6, 4], false, false],
  ["shared right operand B^T", [3, 5, 6], [4, 6], false, true],
  ["shared right operand A^T", [3, 6, 5], [6, 4], true, false],
  ["shared right operand A^T B^T", [3, 6, 5], [4, 6], true, true],
  ["shared left operand", [5, 6], [3, 6, 4], false, false],
  ["shared left operand A^T", [6, 5], [3, 6, 4], true, false],
  ["batch of one", [1, 5, 6], [3, 6, 4], false, false],
  ["rank-4 by rank-2", [2, 3, 5, 6], [6, 4], false, false]
]

describe("BatchMatMul", () => {
  it.each(sameBatch)("%s matches the stock kernel, forward and gradient", async (_, shapeA, shapeB, transposeA, transposeB) => {
    const { stock, fast } = await stockAndFast(() => {
      const a = randomTensor(shapeA, 1)
      const b = randomTensor(shapeB, 2)
      const product = tf.matMul(a, b, transposeA, transposeB)
      // Gradients of a weighted sum exercise the backward products with every flag combination.
      const weights = randomTensor(product.shape, 3)
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, transposeA, transposeB), weights)))([a, b])
      return [product, da!, db!]
    })
    expectClose(fast, stock)
  })

  it.each(broadcastBatch)("%s matches the stock kernel", async (_, shapeA, shapeB, transposeA, transposeB) => {
    const { stock, fast } = await stockAndFast(() => tf.matMul(randomTensor(shapeA, 1), randomTensor(shapeB, 2), transposeA, transposeB))
    expectClose(fast, stock)
  })

  it("broadcasts batch dimensions both ways like an explicitly tiled product", async () => {
    // tfjs's own kernels mis-size this case, so the reference tiles both operands first.
    const a = () => randomTensor([2, 1, 5, 4], 4)
    const b = () => randomTensor([1, 3, 4, 6], 5)
    const fast = await withFastKernels(() => tf.matMul(a(), b()))
    const tiled = await withStockKernels(() => tf.matMul(tf.tile(a(), [1, 3, 1, 1]), tf.tile(b(), [2, 1, 1, 1])))
    expect(fast[0]!.shape).toEqual([2, 3, 5, 6])
    expectClose(fast, tiled)
  })

  it("returns zeros for an empty inner dimension and empty results for empty outer ones", async () => {
    installFastKernels(tf)
    expect(Array.from(await tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3])).data())).toEqual([0, 0, 0, 0, 0, 0])
    expect(tf.matMul(tf.zeros([0, 4]), tf.zeros([4, 3])).shape).toEqual([0, 3])
  })

  it("rejects mismatched inner dimensions with tfjs's message", () => {
    installFastKernels(tf)
    expect(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 2]))).toThrow(/inner shapes/)
  })
})
