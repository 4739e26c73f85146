import { afterEach, beforeAll, describe, expect, it } from "vitest"
import { installFastKernels, uninstallFastKernels } from "../src/index.js"
import { tf, useWasm } from "./support.js"
import { createTinyGpt, tinyBatch } from "./tiny-gpt.js"

beforeAll(useWasm)
afterEach(() => {
  delete process.env.AUTORESEARCH_FAST_KERNELS
})

// A loader double standing in for a machine where the addon could not be built.
const missingAddon = () => ({ reason: "the native addon was not built" })

describe("without the native addon", () => {
  it("prints one line saying training will be slow and how to fix it, and keeps the stock kernels", () => {
    uninstallFastKernels(tf)
    const stockMatMul = tf.getKernel("BatchMatMul", "wasm")
    const lines: string[] = []
    const result = installFastKernels(tf, { loadAddon: missingAddon, log: (line) => lines.push(line) })
    expect(result).toEqual({ installed: false, kernels: [], reason: "the native addon was not built" })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/training will be slow/)
    expect(lines[0]).toMatch(/apt install build-essential/)
    expect(lines[0]).toMatch(/xcode-select --install/)
    expect(lines[0]).toMatch(/pnpm --filter @autoresearch\/fast-kernels rebuild/)
    expect(lines[0]).not.toMatch(/\n/)
    expect(tf.getKernel("BatchMatMul", "wasm")).toBe(stockMatMul)
  })

  it("still trains on the stock kernels", () => {
    uninstallFastKernels(tf)
    installFastKernels(tf, { loadAddon: missingAddon, log: () => {} })
    const model = createTinyGpt(3)
    const { inputs, targets } = tinyBatch(3)
    const losses = [model.step(inputs, targets), model.step(inputs, targets), model.step(inputs, targets)]
    expect(losses.every(Number.isFinite)).toBe(true)
    expect(losses[2]!).toBeLessThan(losses[0]!)
    model.dispose()
    tf.dispose([inputs, targets])
  })

  it("is switched off by AUTORESEARCH_FAST_KERNELS=0", () => {
    uninstallFastKernels(tf)
    process.env.AUTORESEARCH_FAST_KERNELS = "0"
    const lines: string[] = []
    const result = installFastKernels(tf, { log: (line) => lines.push(line) })
    expect(result.installed).toBe(false)
    expect(result.reason).toMatch(/AUTORESEARCH_FAST_KERNELS=0/)
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeUndefined()
  })

  it("installs with the real addon once, and a second install is a no-op", () => {
    const first = installFastKernels(tf)
    const matMul = tf.getKernel("BatchMatMul", "wasm")
    const second = installFastKernels(tf)
    expect(first.gemm).toMatch(/^GEMM: (built-in \((AVX-512|AVX2\+FMA|NEON|portable C)\)|.+\(system BLAS\)), \d+ thread\(s\)/)
    expect(second).toEqual(first)
    expect(tf.getKernel("BatchMatMul", "wasm")).toBe(matMul)
  })
})
