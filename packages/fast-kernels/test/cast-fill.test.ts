import { beforeAll, describe, expect, it } from "vitest"
import { installFastKernels } from "../src/index.js"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

// Small ones fill on the calling thread, large ones are split across the pool.
const shapes: Array<[string, number[]]> = [
  ["scalar", []],
  ["odd matrix", [13, 29]],
  ["embedding table, threaded", [1031, 257]]
]

describe("ZerosLike and OnesLike", () => {
  it.each(shapes)("%s matches the stock kernels, float32 and int32", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 81)
      const i = tf.cast(tf.mul(x, 100), "int32")
      return [tf.zerosLike(x), tf.onesLike(x), tf.zerosLike(i), tf.onesLike(i), tf.zerosLike(tf.cast(x, "bool"))]
    })
    expectClose(fast, stock, 0)
    for (const { shape: s } of fast) expect(s).toEqual(shape)
  })

  it("fills outputs that overwrite freed memory (no stale values)", async () => {
    const { stock, fast } = await stockAndFast(() => {
      const x = tf.fill([300, 301], 7)
      const y = tf.add(x, 1)
      x.dispose()
      return [tf.zerosLike(y), tf.onesLike(y)]
    })
    expectClose(fast, stock, 0)
  })
})

describe("Cast", () => {
  it.each(shapes)("%s matches the stock kernel between every dtype pair, and through gradients", async (_, shape) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = tf.mul(randomTensor(shape, 82), 10)
      const i = tf.cast(x, "int32")
      const b = tf.cast(x, "bool")
      const out: tf.Tensor[] = []
      for (const t of [x, i, b]) for (const dtype of ["float32", "int32", "bool"] as const) out.push(tf.cast(t, dtype))
      const weights = randomTensor(x.shape, 83)
      out.push(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.cast(tf.square(z), "float32"), weights)))(x))
      return out
    })
    expectClose(fast, stock, 0)
  })

  it("a same-dtype cast shares memory until the last reference is disposed", async () => {
    expect(installFastKernels(tf).installed).toBe(true)
    const before = tf.memory()
    const x = tf.tensor1d([1, 2, 3])
    const y = tf.cast(x, "float32")
    x.dispose()
    expect(Array.from(await y.data())).toEqual([1, 2, 3])
    y.dispose()
    expect(tf.memory().numBytes).toBe(before.numBytes)
    expect(tf.memory().numTensors).toBe(before.numTensors)
  })
})
