import { beforeAll, describe, it } from "vitest"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

const cases: Array<[string, number[][], number]> = [
  ["RoPE halves on the last axis", [[2, 3, 5, 4], [2, 3, 5, 4]], 3],
  ["rows", [[2, 5], [3, 5], [1, 5]], 0],
  ["middle axis, uneven", [[2, 1, 4], [2, 3, 4]], 1],
  ["negative axis", [[3, 2], [3, 5]], -1],
  ["with an empty input", [[2, 0], [2, 3]], 1],
  ["one input", [[4, 3]], 0]
]

describe("Concat", () => {
  it.each(cases)("%s matches the stock kernel, forward and gradient", async (_, shapes, axis) => {
    const { stock, fast } = await stockAndFast(() => {
      const xs = shapes.map((shape, i) => randomTensor(shape, 70 + i))
      const y = tf.concat(xs, axis)
      const weights = randomTensor(y.shape, 79)
      const grads = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(tf.concat(ts, axis), weights)))(xs)
      return [y, ...grads]
    })
    expectClose(fast, stock, 0)
  })

  it("concatenates int32 tensors exactly", async () => {
    const { stock, fast } = await stockAndFast(() => tf.concat([tf.range(0, 6, 1, "int32").reshape([2, 3]), tf.range(6, 10, 1, "int32").reshape([2, 2])], 1))
    expectClose(fast, stock, 0)
  })
})
