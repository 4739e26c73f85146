import { beforeAll, describe, expect, it } from "vitest"
import { installFastKernels, softmaxCrossEntropy } from "../src/index.js"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

describe("softmaxCrossEntropy", () => {
  it.each([
    ["no cap", 0, 3],
    ["soft cap 15", 15, 3],
    ["soft cap reached (large logits)", 2, 40]
  ])("%s: the fused kernel matches stock ops, forward and gradient", async (_, softCap, logitScale) => {
    const { stock, fast } = await stockAndFast(() => {
      const logits = tf.mul(randomTensor([37, 101], 21), logitScale) as tf.Tensor2D
      // -1 and 101 are outside the vocabulary: masked rows, zero loss and gradient.
      const targets = tf.tensor1d([...Array.from({ length: 35 }, (_, i) => (i * 13) % 101), -1, 101], "int32")
      const rowWeights = randomTensor([37], 22)
      const loss = softmaxCrossEntropy(tf, logits, targets, { softCap })
      const dlogits = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropy(tf, x as tf.Tensor2D, targets, { softCap }), rowWeights)))(logits)
      return [loss, dlogits]
    })
    expectClose(fast, stock)
    expect(fast[0]!.data.slice(35)).toEqual([0, 0])
  })

  it("splits large inputs across threads with the same result", async () => {
    // 130 x 8192 logits: above the size where the native kernel starts threads, uneven rows.
    const { stock, fast } = await stockAndFast(() => {
      const logits = tf.mul(randomTensor([130, 8192], 23), 4) as tf.Tensor2D
      const targets = tf.tensor1d(Array.from({ length: 130 }, (_, i) => (i * 997) % 8192), "int32")
      const loss = softmaxCrossEntropy(tf, logits, targets, { softCap: 15 })
      const dlogits = tf.grad((x: tf.Tensor) => tf.mean(softmaxCrossEntropy(tf, x as tf.Tensor2D, targets, { softCap: 15 })))(logits)
      return [loss, dlogits]
    })
    expectClose(fast, stock)
  })

  it("rejects logits that are not [N, V] with targets [N]", () => {
    expect(installFastKernels(tf).installed).toBe(true)
    expect(() => softmaxCrossEntropy(tf, tf.zeros([4, 5]) as tf.Tensor2D, tf.zeros([3], "int32") as tf.Tensor1D)).toThrow(/logits \[N, V\] and targets \[N\]/)
  })
})
