// sgemm throughput: our BatchMatMul kernel (tfjs wasm + native BLAS, through tf.matMul), the
// addon's sgemm called directly, and the machine's BLAS through numpy, on the same shapes.
// Prints a table; with --json the last line is one JSON object. --stock adds tfjs's stock
// wasm kernel (slow: seconds per product); --threads=N pins the BLAS threads (ours and numpy's);
// --probe adds the probe model's training tokens/s against its PyTorch twin (probe-bench.ts).
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { cpus } from "node:os"
import { installFastKernels, loadNativeKernels, uninstallFastKernels, type NativeKernels } from "../src/index.js"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { compareProbe, type ProbeComparison } from "./probe-bench.js"
import { findPython, runPythonJson } from "./python.js"

interface GemmCase {
  readonly name: string
  readonly a: number[]
  readonly b: number[]
  readonly transposeA: boolean
  readonly transposeB: boolean
}

const square = (transposeA: boolean, transposeB: boolean): GemmCase => ({
  name: `1024x256 · 256x1024 ${transposeA ? "T" : "N"}${transposeB ? "T" : "N"}`,
  a: transposeA ? [256, 1024] : [1024, 256],
  b: transposeB ? [1024, 256] : [256, 1024],
  transposeA,
  transposeB
})

export const gemmCases: GemmCase[] = [
  square(false, false),
  square(true, false),
  square(false, true),
  square(true, true),
  { name: "batched 32x 256x64 · (256x64)ᵀ (scores)", a: [32, 256, 64], b: [32, 256, 64], transposeA: false, transposeB: true },
  { name: "batched 32x 256x256 · 256x64 (values)", a: [32, 256, 256], b: [32, 256, 64], transposeA: false, transposeB: false },
  { name: "batched 32x (256x256)ᵀ · 256x64 (grad)", a: [32, 256, 256], b: [32, 256, 64], transposeA: true, transposeB: false },
  { name: "4-D 8x4x256x64 · (8x4x256x64)ᵀ", a: [8, 4, 256, 64], b: [8, 4, 256, 64], transposeA: false, transposeB: true },
  { name: "lm head 2048x256 · 256x8192", a: [2048, 256], b: [256, 8192], transposeA: false, transposeB: false },
  { name: "lm head grad (2048x256)ᵀ · 2048x8192", a: [2048, 256], b: [2048, 8192], transposeA: true, transposeB: false }
]

const flops = (c: GemmCase) => {
  const rank = c.a.length
  const m = c.transposeA ? c.a[rank - 1]! : c.a[rank - 2]!
  const k = c.transposeA ? c.a[rank - 2]! : c.a[rank - 1]!
  const n = c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!
  const batch = c.a.slice(0, -2).reduce((s, d) => s * d, 1)
  return 2 * m * n * k * batch
}

/** Seconds per call: at least `minSeconds` of back-to-back calls after one warm-up call. */
const time = (run: () => void, minSeconds: number) => {
  run()
  let calls = 0
  const start = performance.now()
  do {
    run()
    calls++
  } while (performance.now() - start < minSeconds * 1000)
  return (performance.now() - start) / 1000 / calls
}

const viaTfjs = (c: GemmCase, minSeconds: number) => {
  const a = tf.randomUniform(c.a, -1, 1, "float32", 1)
  const b = tf.randomUniform(c.b, -1, 1, "float32", 2)
  const seconds = time(() => tf.matMul(a, b, c.transposeA, c.transposeB).dispose(), minSeconds)
  tf.dispose([a, b])
  return flops(c) / seconds / 1e9
}

// The machine's BLAS with nothing in between: the addon's sgemm on plain Float32Arrays.
const direct = (addon: NativeKernels, c: GemmCase, minSeconds: number) => {
  const rank = c.a.length
  const m = c.transposeA ? c.a[rank - 1]! : c.a[rank - 2]!
  const k = c.transposeA ? c.a[rank - 2]! : c.a[rank - 1]!
  const n = c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!
  const batch = c.a.slice(0, -2).reduce((s, d) => s * d, 1)
  const a = Float32Array.from({ length: batch * m * k }, () => Math.random() - 0.5)
  const b = Float32Array.from({ length: batch * k * n }, () => Math.random() - 0.5)
  const out = new Float32Array(batch * m * n)
  const offsets = Uint32Array.from({ length: 3 * batch }, (_, i) => Math.floor(i / 3) * [m * k, k * n, m * n][i % 3]!)
  const seconds = time(() => addon.sgemm(c.transposeA, c.transposeB, m, n, k, 1, a, b, 0, out, offsets), minSeconds)
  return flops(c) / seconds / 1e9
}

// One case per python process, so numpy runs interleaved with our measurements: on a shared
// machine the load changes by the second, and a ratio of figures taken minutes apart is noise.
const numpyScript = `
import json, sys, time
import numpy as np
c = json.loads(sys.stdin.read())
rng = np.random.default_rng(0)
a = rng.uniform(-1, 1, c["a"]).astype(np.float32)
b = rng.uniform(-1, 1, c["b"]).astype(np.float32)
x = np.swapaxes(a, -1, -2) if c["transposeA"] else a
y = np.swapaxes(b, -1, -2) if c["transposeB"] else b
np.matmul(x, y)
calls, start = 0, time.perf_counter()
while True:
    np.matmul(x, y); calls += 1
    if time.perf_counter() - start > c["minSeconds"]: break
print(json.dumps({"numpy": np.__version__, "gflops": c["flops"] / ((time.perf_counter() - start) / calls) / 1e9}))
`

const viaNumpy = (python: string, c: GemmCase, minSeconds: number) =>
  runPythonJson<{ numpy: string; gflops: number }>(python, ["-c", numpyScript], JSON.stringify({ ...c, flops: flops(c), minSeconds }))

export const runKernelBenchmark = async (argv: ReadonlyArray<string>) => {
  const json = argv.includes("--json")
  const withStock = argv.includes("--stock")
  const option = (name: string, fallback: number) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback)
  const minSeconds = option("seconds", 0.25)
  const rounds = option("rounds", 3)
  // 0: the BLAS default (OpenBLAS: one thread per core). Applies to numpy's OpenBLAS too.
  const threads = option("threads", 0)
  await tf.setBackend("wasm")
  const load = loadNativeKernels()
  const install = installFastKernels(tf)
  if (!install.installed || !("addon" in load)) {
    console.error(`bench:kernels: the fast kernels are not available (${install.reason ?? ("reason" in load ? load.reason : "")})`)
    process.exit(1)
  }
  if (threads > 0) {
    load.addon.setBlasThreads(threads)
    process.env.OPENBLAS_NUM_THREADS = String(threads)
  }
  const python = findPython("numpy")
  let numpyVersion = "not found"
  const rows = gemmCases.map((c) => ({ case: c.name, ours: 0, blas: 0, numpy: undefined as number | undefined, stock: undefined as number | undefined }))
  // Best of `rounds` interleaved measurements per engine.
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of gemmCases.entries()) {
      const row = rows[i]!
      row.ours = Math.max(row.ours, viaTfjs(c, minSeconds))
      row.blas = Math.max(row.blas, direct(load.addon, c, minSeconds))
      if (python) {
        const result = viaNumpy(python, c, minSeconds)
        numpyVersion = result.numpy
        row.numpy = Math.max(row.numpy ?? 0, result.gflops)
      }
    }
  }
  if (withStock) {
    uninstallFastKernels(tf)
    for (const [i, c] of gemmCases.entries()) rows[i]!.stock = viaTfjs(c, 0.01)
  }
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    blas: load.addon.blasInfo(),
    blasThreads: threads > 0 ? threads : "default",
    numpy: numpyVersion
  }
  const fmt = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(1))
  console.log(
    `sgemm GFLOP/s on ${machine.cpu} (${machine.cores} cores), ${machine.blas}, BLAS threads: ${machine.blasThreads}, numpy ${machine.numpy}`
  )
  console.log(
    `| shape | ours (tf.matMul on wasm) | BLAS called directly | ours / BLAS | numpy | ours / numpy |${withStock ? " stock tfjs wasm |" : ""}`
  )
  console.log(`|---|---|---|---|---|---|${withStock ? "---|" : ""}`)
  const ratio = (x: number, y: number | undefined) => (y ? (x / y).toFixed(2) : "–")
  for (const row of rows) {
    console.log(
      `| ${row.case} | ${fmt(row.ours)} | ${fmt(row.blas)} | ${ratio(row.ours, row.blas)} | ${fmt(row.numpy)} | ${ratio(row.ours, row.numpy)} |${withStock ? ` ${fmt(row.stock)} |` : ""}`
    )
  }
  let probe: ProbeComparison | undefined
  if (argv.includes("--probe")) {
    installFastKernels(tf)
    const peerScript = join(dirname(fileURLToPath(import.meta.url)), "../../../scripts/peer_probe.py")
    probe = compareProbe(tf, peerScript, option("probe-rounds", 2), option("probe-steps", 4))
    console.log(`\nprobe training step (vocab 8192, seq 256, batch 8, width 256, 4 layers; ${(probe.oursParameters / 1e6).toFixed(2)} M parameters)`)
    console.log("| engine | tokens/s | vs PyTorch |")
    console.log("|---|---|---|")
    console.log(`| ours: tfjs wasm + fast kernels (BLAS threads: ${machine.blasThreads}) | ${probe.oursTokensPerSec.toFixed(0)} | ${probe.ratio?.toFixed(2) ?? "–"} |`)
    if (probe.peer) console.log(`| ${probe.peer.engine}, ${probe.peer.threads} thread(s) | ${probe.peer.tokensPerSec.toFixed(0)} | 1.00 |`)
    else console.log(`| PyTorch | unavailable: ${probe.peerReason} | – |`)
  }
  if (json) {
    console.log(
      JSON.stringify({
        machine,
        ...(probe ? { probe } : {}),
        gflops: rows.map((row) => ({ ...row, ratio: row.ours / row.blas, numpyRatio: row.numpy ? row.ours / row.numpy : null }))
      })
    )
  }
}
