// The summary values that are not the metric: peak memory, MFU and the token count, each
// computed the way the original's train.py computes it (docs/trainer.md says where they differ).
import * as tf from "@tensorflow/tfjs"

/**
 * Peak FLOP/s that MFU is measured against when none is given (the `peakFlops` option or
 * AUTORESEARCH_PEAK_FLOPS). On a GPU the original's own constant, H100 BF16 dense 989.5e12, so
 * mfu_percent reads on the original's scale; on CPU backends 1e11, about what 2 cores reach.
 */
export const DEFAULT_PEAK_FLOPS = { gpu: 989.5e12, cpu: 100e9 } as const

export const defaultPeakFlops = (gpu: boolean): number => (gpu ? DEFAULT_PEAK_FLOPS.gpu : DEFAULT_PEAK_FLOPS.cpu)

/**
 * MFU in percent, as the original's steady-state figure: training FLOPs per token × tokens of
 * the counted (post-warm-up) steps / counted training seconds / peak FLOP/s.
 */
export const mfuPercent = (flopsPerToken: number, countedTokens: number, trainingSeconds: number, peakFlops: number): number =>
  trainingSeconds > 0 && peakFlops > 0 ? (100 * flopsPerToken * countedTokens) / trainingSeconds / peakFlops : 0

/**
 * The peak of live tensor bytes, measured at every allocation (not only between steps): tfjs's
 * engine adds each new tensor's bytes to `state.numBytes`, so a setter on that field sees the
 * in-step peak. The GPU figure of the summary (the original reports torch's
 * max_memory_allocated, its allocator's in-step peak).
 */
export const trackTensorPeak = (): (() => number) => {
  const state = (tf.engine() as unknown as { state: { numBytes: number } }).state
  let current = state.numBytes
  let peak = current
  Object.defineProperty(state, "numBytes", {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: number) => {
      current = value
      if (value > peak) peak = value
    }
  })
  return () => peak
}

/**
 * peak_vram_mb: on a GPU backend the in-step peak of tensor bytes; on CPU backends the process's
 * peak resident set (the kernel's high-water mark, so also in-step; it includes Node and the
 * data, about 100-200 MB more than the tensors).
 */
export const memoryMeter = (gpu: boolean) => {
  const tensorPeak = trackTensorPeak()
  return {
    peakMb: () => (gpu ? tensorPeak() : process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    tensorPeakMb: () => tensorPeak() / 2 ** 20,
    kind: (gpu ? "gpu" : "rss") as "gpu" | "rss"
  }
}
