import { beforeAll, describe, expect, it } from "vitest"
import { expectClose, onCpu, randomTensor, tf, useWasm, withFastKernels } from "./support.js"

beforeAll(useWasm)

// The stock wasm backend has no UnsortedSegmentSum, so tfjs's cpu backend is the reference.
describe("UnsortedSegmentSum", () => {
  it("sums rows into segments like the cpu kernel, dropping out-of-range ids", async () => {
    const compute = () =>
      tf.unsortedSegmentSum(randomTensor([9, 3, 2], 11), tf.tensor1d([4, 0, 4, 2, 2, 2, 0, 4, 1], "int32"), 6)
    expectClose(await withFastKernels(compute), await onCpu(compute))
  })

  it("makes tf.gather's gradient (an embedding's) work on wasm and match the cpu backend", async () => {
    const compute = () => {
      const table = randomTensor([10, 4], 12)
      const ids = tf.tensor2d([[1, 3, 3], [9, 0, 1]], [2, 3], "int32")
      const weights = randomTensor([2, 3, 4], 13)
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table)
    }
    const fast = await withFastKernels(compute)
    expect(fast[0]!.shape).toEqual([10, 4])
    expectClose(fast, await onCpu(compute))
  })
})
