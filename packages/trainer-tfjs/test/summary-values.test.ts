// The summary values besides the metric, against the original's train.py definitions.
import { beforeAll, describe, expect, it } from "vitest"
import { tf } from "../src/canvas.js"
import { DEFAULT_PEAK_FLOPS, defaultPeakFlops, mfuPercent, trackTensorPeak } from "../src/harness/summary-values.js"
import { useWasm } from "./tf-setup.js"

beforeAll(useWasm)

describe("summary values", () => {
  it("MFU is FLOPs per token × counted tokens / counted seconds / peak, in percent", () => {
    // train.py: 100 * num_flops_per_token * TOTAL_BATCH_SIZE * (step - 10) / total_training_time / 989.5e12
    // With its baseline's shape: 3e8 FLOPs/token, 2^19 tokens × 943 counted steps in 300 s.
    expect(mfuPercent(3e8, 2 ** 19 * 943, 300, 989.5e12)).toBeCloseTo((100 * 3e8 * 2 ** 19 * 943) / 300 / 989.5e12, 10)
    expect(mfuPercent(1e6, 1000, 0, 1e11)).toBe(0) // nothing counted yet
    expect([defaultPeakFlops(true), defaultPeakFlops(false)]).toEqual([DEFAULT_PEAK_FLOPS.gpu, 1e11])
    expect(DEFAULT_PEAK_FLOPS.gpu).toBe(989.5e12) // the original's H100_BF16_PEAK_FLOPS
  })

  it("the tensor peak sees memory that lives only inside a step", () => {
    const peak = trackTensorPeak()
    const before = tf.memory().numBytes
    tf.tidy(() => tf.sum(tf.mul(tf.ones([1 << 20]), 2))).dispose() // 4 MiB, twice, freed at once
    expect(tf.memory().numBytes).toBe(before)
    expect(peak() - before).toBeGreaterThanOrEqual(2 * 4 * (1 << 20))
  })
})
