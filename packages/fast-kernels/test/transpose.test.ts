import { beforeAll, describe, it } from "vitest"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

const cases: Array<[string, number[], number[]]> = [
  ["2-D", [7, 5], [1, 0]],
  ["2-D larger than a tile", [70, 45], [1, 0]],
  ["batched 2-D (key transpose)", [2, 3, 37, 19], [0, 1, 3, 2]],
  ["attention heads [B,T,H,D] -> [B,H,T,D]", [2, 9, 4, 8], [0, 2, 1, 3]],
  ["5-D qkv split [B,T,3,H,D] -> [3,B,H,T,D]", [2, 7, 3, 4, 5], [2, 0, 3, 1, 4]],
  ["reverse rank 4", [3, 4, 5, 6], [3, 2, 1, 0]],
  ["identity", [3, 4], [0, 1]],
  ["size-1 dims", [1, 5, 1, 3], [3, 2, 1, 0]],
  ["size-1 dims kept inside", [4, 1, 6], [2, 1, 0]],
  ["rank 6", [2, 3, 2, 3, 2, 3], [5, 0, 4, 1, 3, 2]],
  ["empty", [0, 4], [1, 0]]
]

describe("Transpose", () => {
  it.each(cases)("%s matches the stock kernel, forward and gradient", async (_, shape, perm) => {
    const { stock, fast } = await stockAndFast(() => {
      const x = randomTensor(shape, 7)
      const y = tf.transpose(x, perm)
      const weights = randomTensor(y.shape, 8)
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, perm), weights)))(x)
      return [y, dx]
    })
    expectClose(fast, stock, 0)
  })

  it("transposes int32 tensors exactly", async () => {
    const { stock, fast } = await stockAndFast(() => tf.transpose(tf.range(0, 120, 1, "int32").reshape([2, 3, 4, 5]), [1, 3, 0, 2]))
    expectClose(fast, stock, 0)
  })

  it("leaves other dtypes to the stock kernel", async () => {
    const { stock, fast } = await stockAndFast(() => tf.transpose(tf.tensor2d([[true, false, true]], [1, 3], "bool"), [1, 0]).cast("int32"))
    expectClose(fast, stock, 0)
  })
})
