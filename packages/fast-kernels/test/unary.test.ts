import { beforeAll, describe, it } from "vitest"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

const ops = {
  square: (x: tf.Tensor) => tf.square(x),
  sqrt: (x: tf.Tensor) => tf.sqrt(tf.add(tf.abs(x), 0.1)),
  rsqrt: (x: tf.Tensor) => tf.rsqrt(tf.add(tf.abs(x), 0.1)),
  neg: (x: tf.Tensor) => tf.neg(x),
  relu: (x: tf.Tensor) => tf.relu(x),
  softmax: (x: tf.Tensor) => tf.softmax(tf.mul(x, 8))
} as const

// Small ones run on the calling thread, large ones are split across the pool (parts cut rows).
const shapes: Array<[string, number[]]> = [
  ["vector", [7]],
  ["odd matrix", [13, 29]],
  ["attention scores, threaded", [2, 4, 64, 65]],
  ["long rows, threaded", [5, 9001]]
]

describe.each(Object.entries(ops))("%s", (_, op) => {
  it.each(shapes)("%s matches the stock kernel, forward and gradient", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 71)
      const y = op(x)
      const weights = randomTensor(y.shape, 72)
      const [dx] = tf.grads((z: tf.Tensor) => tf.sum(tf.mul(op(z), weights)))([x])
      return [y, dx!]
    })
    expectClose(fast, stock)
  })
})
