// Which GEMM the addon's sgemm uses: the built-in one, or the system BLAS when the addon links
// one and it is faster here. AUTORESEARCH_GEMM=builtin|blas decides without measuring;
// otherwise both run, interleaved, on two products of the probe model's shapes (~0.2 s).
import type { GemmInfo, NativeKernels } from "./addon.js"

export interface GemmChoice {
  readonly active: "builtin" | "blas"
  /** One line for logs, e.g. "built-in GEMM (avx2, 2 threads)". */
  readonly description: string
}

const kernelNames: Record<string, string> = { avx512: "AVX-512", avx2: "AVX2+FMA", neon: "NEON", generic: "portable C" }

const blasName = (info: GemmInfo) => info.blas?.split(" ").slice(0, 2).join(" ") ?? "system BLAS"

export const describeGemm = (info: GemmInfo): string =>
  info.active === "blas"
    ? `GEMM: ${blasName(info)} (system BLAS), ${info.threads} thread(s)`
    : `GEMM: built-in (${kernelNames[info.kernel] ?? info.kernel}), ${info.threads} thread(s)` +
      (info.blas === null ? ", no system BLAS linked" : "")

// Seconds of the best of `rounds` calls of one product on the active GEMM.
const timeProduct = (addon: NativeKernels, shape: readonly [boolean, boolean, number, number, number, number]) => {
  const [transA, transB, m, n, k, batch] = shape
  const a = new Float32Array(batch * m * k).fill(0.5)
  const b = new Float32Array(batch * k * n).fill(0.25)
  const c = new Float32Array(batch * m * n)
  const offsets = Uint32Array.from({ length: 3 * batch }, (_, i) => Math.floor(i / 3) * [m * k, k * n, m * n][i % 3]!)
  return () => {
    const start = performance.now()
    addon.sgemm(transA, transB, m, n, k, 1, a, b, 0, c, offsets)
    return performance.now() - start
  }
}

// The probe's MLP product and its batched attention scores.
const calibrationShapes = [
  [false, false, 1024, 1024, 256, 1],
  [false, true, 256, 256, 64, 16]
] as const

const measure = (addon: NativeKernels, rounds: number) => {
  const products = calibrationShapes.map((shape) => timeProduct(addon, shape))
  const best = { builtin: products.map(() => Infinity), blas: products.map(() => Infinity) }
  for (let round = 0; round < rounds; round++) {
    for (const gemm of ["builtin", "blas"] as const) {
      addon.useGemm(gemm)
      products.forEach((run, i) => (best[gemm][i] = Math.min(best[gemm][i]!, run())))
    }
  }
  const total = (times: number[]) => times.reduce((sum, t) => sum + t, 0)
  return { builtin: total(best.builtin), blas: total(best.blas) }
}

export const chooseGemm = (addon: NativeKernels, env: NodeJS.ProcessEnv = process.env): GemmChoice => {
  const info = addon.gemmInfo()
  const forced = env.AUTORESEARCH_GEMM
  if (info.blas === null || forced === "builtin") {
    addon.useGemm("builtin")
    return { active: "builtin", description: describeGemm(addon.gemmInfo()) }
  }
  if (forced === "blas") {
    addon.useGemm("blas")
    return { active: "blas", description: describeGemm(addon.gemmInfo()) }
  }
  const ms = measure(addon, 4)
  const active = ms.blas < ms.builtin ? "blas" : "builtin"
  addon.useGemm(active)
  const other = active === "blas" ? "built-in" : blasName(info)
  return {
    active,
    description: `${describeGemm(addon.gemmInfo())}; faster here than the ${other} (${Math.min(ms.blas, ms.builtin).toFixed(1)} vs ${Math.max(ms.blas, ms.builtin).toFixed(1)} ms on a calibration pair)`
  }
}
