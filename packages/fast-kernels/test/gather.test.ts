import { beforeAll, describe, expect, it } from "vitest"
import { installFastKernels } from "../src/index.js"
import { expectClose, randomTensor, stockAndFast, tf, useWasm } from "./support.js"

beforeAll(useWasm)

const cases: Array<[string, number[], number[][] | number[], number]> = [
  ["embedding rows", [10, 4], [[1, 3, 3], [9, 0, 1]], 0],
  ["middle axis", [3, 5, 2], [4, 0, 4], 1],
  ["last axis", [3, 6], [5, 1], 1],
  ["negative axis", [2, 3, 4], [3, 0], -1]
]

describe("GatherV2", () => {
  it.each(cases)("%s matches the stock kernel", async (_, shape, indices, axis) => {
    const { stock, fast } = await stockAndFast(() => tf.gather(randomTensor(shape, 81), tf.tensor(indices, undefined, "int32"), axis))
    expectClose(fast, stock, 0)
  })

  it("gathers int32 tensors exactly", async () => {
    const { stock, fast } = await stockAndFast(() => tf.gather(tf.range(0, 12, 1, "int32").reshape([4, 3]), tf.tensor1d([3, 3, 0], "int32")))
    expectClose(fast, stock, 0)
  })

  it("rejects an index outside the axis like the stock kernel", () => {
    expect(installFastKernels(tf).installed).toBe(true)
    expect(() => tf.gather(tf.zeros([4, 2]), tf.tensor1d([1, 4], "int32"))).toThrow(/index value 4 is not in \[0, 3\]/)
  })
})
