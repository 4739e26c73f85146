import { beforeAll, describe, expect, it } from "vitest"
import { installFastKernels } from "../src/index.js"
import { stockAndFast, expectClose, randomTensor, tf, useWasm } from "./support.js"

beforeAll(useWasm)

describe("Identity", () => {
  it("clones share memory until the last reference is disposed", async () => {
    expect(installFastKernels(tf).installed).toBe(true)
    const before = tf.memory()
    const x = tf.tensor1d([1, 2, 3])
    const y = tf.clone(x)
    x.dispose()
    expect(Array.from(await y.data())).toEqual([1, 2, 3])
    y.dispose()
    expect(tf.memory().numBytes).toBe(before.numBytes)
    expect(tf.memory().numTensors).toBe(before.numTensors)
  })

  it("matches the stock kernel through gradients that pass dy through", async () => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor([4, 6], 51)
      return [tf.clone(x), tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.clone(t), tf.mul(t, 2))))(x)]
    })
    expectClose(fast, stock, 0)
  })
})
