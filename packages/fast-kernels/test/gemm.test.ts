// The addon's sgemm against a float64 reference, called directly: every GEMM this machine has
// (each built-in micro-kernel, and the system BLAS when the addon links one), on random shapes
// with odd sizes, all four transpose cases, batches whose operands sit at scattered offsets,
// alpha and beta, single- and multi-threaded.
import { afterAll, describe, expect, it } from "vitest"
import { loadNativeKernels, type NativeKernels } from "../src/addon.js"

const load = loadNativeKernels()
const addon = "addon" in load ? load.addon : undefined
const info = addon?.gemmInfo()
const gemms = info ? [...info.kernels, ...(info.blas === null ? [] : ["blas"])] : []
const initial = info ? (info.active === "blas" ? "blas" : info.kernel) : undefined
const threadsBefore = info?.threads ?? 1

// A small deterministic generator, so a failing case can be rerun.
const generator = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

interface Case {
  readonly transA: boolean
  readonly transB: boolean
  readonly m: number
  readonly n: number
  readonly k: number
  readonly batch: number
  readonly alpha: number
  readonly beta: number
}

/** Runs one case through the addon and a float64 loop; returns the norm-wise relative error. */
const check = (native: NativeKernels, c: Case, random: () => number) => {
  const { m, n, k, batch } = c
  // Operands at scattered offsets (gaps between entries) in larger arrays.
  const gap = () => Math.floor(random() * 7)
  const offsets = new Uint32Array(3 * batch)
  let endA = 0
  let endB = 0
  let endC = 0
  for (let i = 0; i < batch; i++) {
    endA += gap()
    endB += gap()
    endC += gap()
    offsets.set([endA, endB, endC], 3 * i)
    endA += m * k
    endB += k * n
    endC += m * n
  }
  const fill = (length: number) => Float32Array.from({ length }, () => random() * 2 - 1)
  const a = fill(endA + 3)
  const b = fill(endB + 3)
  const c0 = fill(endC + 3)
  const out = Float32Array.from(c0)
  native.sgemm(c.transA, c.transB, m, n, k, c.alpha, a, b, c.beta, out, offsets)
  let diff = 0
  let scale = 0
  for (let e = 0; e < batch; e++) {
    const [oa, ob, oc] = [offsets[3 * e]!, offsets[3 * e + 1]!, offsets[3 * e + 2]!]
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0
        for (let p = 0; p < k; p++) {
          const x = c.transA ? a[oa + p * m + i]! : a[oa + i * k + p]!
          const y = c.transB ? b[ob + j * k + p]! : b[ob + p * n + j]!
          sum += x * y
        }
        const expected = c.alpha * sum + c.beta * c0[oc + i * n + j]!
        diff = Math.max(diff, Math.abs(out[oc + i * n + j]! - expected))
        scale = Math.max(scale, Math.abs(expected))
      }
    }
  }
  // Elements outside every C entry are untouched.
  const inC = new Uint8Array(out.length)
  for (let e = 0; e < batch; e++) inC.fill(1, offsets[3 * e + 2]!, offsets[3 * e + 2]! + m * n)
  for (let i = 0; i < out.length; i++) if (!inC[i]) expect(out[i]).toBe(c0[i])
  return scale === 0 ? diff : diff / scale
}

const randomCases = (count: number, seed: number, maxDim: number): Case[] => {
  const random = generator(seed)
  const dim = () => 1 + Math.floor(random() * maxDim)
  return Array.from({ length: count }, (_, i) => ({
    transA: (i & 1) === 1,
    transB: (i & 2) === 2,
    m: dim(),
    n: dim(),
    k: dim(),
    batch: 1 + Math.floor(random() * 3),
    alpha: i % 5 === 0 ? 0.5 + random() : 1,
    beta: i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : random() * 2 - 1
  }))
}

// Shapes that cross the block sizes (KC 256, MC 240, NC 3072) and the micro-tile edges.
const blockCases: Case[] = [false, true].flatMap((transA) =>
  [false, true].flatMap((transB) => [
    { transA, transB, m: 250, n: 70, k: 520, batch: 1, alpha: 1, beta: 0 },
    { transA, transB, m: 13, n: 3100, k: 5, batch: 2, alpha: 1, beta: 0.5 },
    { transA, transB, m: 300, n: 129, k: 257, batch: 1, alpha: -1.5, beta: 1 }
  ])
)

describe.skipIf(addon === undefined)("sgemm against a float64 reference", () => {
  afterAll(() => {
    addon!.setThreads(threadsBefore)
    if (initial !== undefined) addon!.useGemm(initial)
  })

  it("reports the GEMMs it has", () => {
    expect(info!.kernels.length).toBeGreaterThan(0)
    expect(info!.kernels).toContain("generic")
    expect(["builtin", "blas"]).toContain(info!.active)
    expect(() => addon!.useGemm("no-such-kernel")).toThrow(/no GEMM kernel 'no-such-kernel'/)
  })

  for (const gemm of gemms) {
    for (const threads of [1, 2]) {
      it(`${gemm}, ${threads} thread(s): random odd shapes, all transposes, batches at scattered offsets`, () => {
        addon!.useGemm(gemm)
        addon!.setThreads(threads)
        const random = generator(17 + threads)
        for (const c of randomCases(48, 7 + threads, 40)) {
          expect(check(addon!, c, random), JSON.stringify(c)).toBeLessThanOrEqual(1e-4)
        }
      })
    }
    it(`${gemm}: shapes crossing the packing blocks`, () => {
      addon!.useGemm(gemm)
      addon!.setThreads(2)
      const random = generator(99)
      for (const c of blockCases) expect(check(addon!, c, random), JSON.stringify(c)).toBeLessThanOrEqual(1e-4)
    })
  }

  it("k = 0 scales C by beta", () => {
    addon!.useGemm("builtin")
    const c = Float32Array.from([1, 2, 3, 4])
    addon!.sgemm(false, false, 2, 2, 0, 1, new Float32Array(0), new Float32Array(0), 0.5, c, new Uint32Array(3))
    expect(Array.from(c)).toEqual([0.5, 1, 1.5, 2])
  })

  it("rejects an offset that reads outside its array", () => {
    expect(() => addon!.sgemm(false, false, 2, 2, 2, 1, new Float32Array(4), new Float32Array(4), 0, new Float32Array(4), Uint32Array.from([1, 0, 0]))).toThrow(
      /batch entry 0 reads or writes outside/
    )
  })
})
