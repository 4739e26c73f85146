import { beforeAll, describe, expect, it } from "vitest"
import { installFastKernels, uninstallFastKernels } from "../src/index.js"
import { relativeError, tf, useWasm } from "./support.js"
import { createTinyGpt, tinyBatch } from "./tiny-gpt.js"

beforeAll(useWasm)

const trajectory = (steps: number) => {
  const model = createTinyGpt(42)
  const { inputs, targets } = tinyBatch(1)
  const losses = Array.from({ length: steps }, () => model.step(inputs, targets))
  model.dispose()
  tf.dispose([inputs, targets])
  return losses
}

describe("training with the fast kernels", () => {
  it("follows the stock kernels' loss trajectory for 5 steps", () => {
    uninstallFastKernels(tf)
    const stock = trajectory(5)
    expect(installFastKernels(tf).installed).toBe(true)
    const fast = trajectory(5)
    expect(fast[4]!).toBeLessThan(fast[0]!)
    expect(relativeError(fast, stock)).toBeLessThan(1e-4)
  })

  it("leaks no tensors and no wasm heap over 100 steps", () => {
    expect(installFastKernels(tf).installed).toBe(true)
    const model = createTinyGpt(7)
    const { inputs, targets } = tinyBatch(2)
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength
    for (let i = 0; i < 10; i++) model.step(inputs, targets)
    const before = { ...tf.memory(), heap: heap() }
    for (let i = 0; i < 90; i++) model.step(inputs, targets)
    const after = { ...tf.memory(), heap: heap() }
    expect(after.numTensors).toBe(before.numTensors)
    expect(after.numBytes).toBe(before.numBytes)
    expect(after.heap).toBe(before.heap)
    model.dispose()
    tf.dispose([inputs, targets])
  })
})
