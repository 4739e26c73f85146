import { beforeAll, describe, it } from "vitest"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

const ops = { add: tf.add, sub: tf.sub, mul: tf.mul, div: tf.div } as const

const shapes: Array<[string, number[], number[]]> = [
  ["RMSNorm scale [B,H,T,1] * [B,H,T,D]", [2, 3, 5, 1], [2, 3, 5, 4]],
  ["row vector", [4, 6], [6]],
  ["column vector", [4, 1], [4, 6]],
  ["scalar", [3, 5], []],
  ["scalar first", [], [3, 5]],
  ["both broadcast", [3, 1, 4], [1, 5, 1]],
  ["size-1 axes", [1, 4, 1, 3], [2, 1, 1, 3]],
  ["rank 5 mask", [1, 1, 1, 6, 6], [2, 3, 2, 6, 6]],
  ["odd sizes", [37, 1], [1, 29]],
  ["same shape", [3, 4], [3, 4]],
  // Large enough to be split across threads, with part boundaries inside rows.
  ["same shape, threaded", [301, 257], [301, 257]],
  ["row vector, threaded, parts cut rows", [7, 7001], [7001]],
  ["RMSNorm scale, threaded", [4, 8, 64, 1], [4, 8, 64, 37]],
  ["both broadcast, threaded", [61, 1, 700], [1, 3, 700]]
]

describe.each(Object.entries(ops))("%s", (_, op) => {
  it.each(shapes)("%s matches the stock kernel, forward and gradient", async (_, shapeA, shapeB) => {
    const { stock, fast } = await stockAndFast(() => {
      const a = randomTensor(shapeA, 91)
      // Away from zero, so division is well conditioned.
      const b = tf.add(tf.abs(randomTensor(shapeB, 92)), 0.5)
      const y = op(a, b)
      const weights = randomTensor(y.shape, 93)
      const [da, db] = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(op(x, z), weights)))([a, b])
      return [y, da!, db!]
    })
    expectClose(fast, stock)
  })
})
