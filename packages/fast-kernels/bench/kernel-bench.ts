// sgemm throughput side by side in one run: the addon's built-in GEMM and the system BLAS it
// links (when it does), both called directly; the built-in through tf.matMul on the wasm
// backend; the machine's BLAS through numpy. Then the probe model's training tokens/s with
// each GEMM (and, with --peer, its PyTorch twin). Engines interleave case by case and round
// by round, best round counts, and the machine's load is printed with the figures: on a
// shared machine only ratios taken in one run mean anything.
// Prints tables; with --json the last line is one JSON object. --stock adds tfjs's stock wasm
// kernel (slow); --threads=N pins the threads (ours, OpenBLAS's and numpy's); --no-probe skips
// the probe model.
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { cpus, loadavg } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describeGemm, installFastKernels, loadNativeKernels, uninstallFastKernels, type NativeKernels } from "../src/index.js"
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

const dims = (c: GemmCase) => {
  const rank = c.a.length
  return {
    m: c.transposeA ? c.a[rank - 1]! : c.a[rank - 2]!,
    k: c.transposeA ? c.a[rank - 2]! : c.a[rank - 1]!,
    n: c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!,
    batch: c.a.slice(0, -2).reduce((s, d) => s * d, 1)
  }
}

const flops = (c: GemmCase) => {
  const { m, n, k, batch } = dims(c)
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

// One GEMM of the addon with nothing in between: sgemm on plain Float32Arrays.
const direct = (addon: NativeKernels, c: GemmCase, minSeconds: number) => {
  const { m, n, k, batch } = dims(c)
  const a = Float32Array.from({ length: batch * m * k }, () => Math.random() - 0.5)
  const b = Float32Array.from({ length: batch * k * n }, () => Math.random() - 0.5)
  const out = new Float32Array(batch * m * n)
  const offsets = Uint32Array.from({ length: 3 * batch }, (_, i) => Math.floor(i / 3) * [m * k, k * n, m * n][i % 3]!)
  const seconds = time(() => addon.sgemm(c.transposeA, c.transposeB, m, n, k, 1, a, b, 0, out, offsets), minSeconds)
  return flops(c) / seconds / 1e9
}

// One case per python process, so numpy runs interleaved with our measurements.
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

// OpenBLAS's threads spin for a while after each call (its thread timeout, ~0.1 s), taking a
// core from whatever runs next; pausing after a BLAS measurement keeps that off the built-in's.
const settle = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)

const geomean = (xs: ReadonlyArray<number>) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length)

const loadNow = () => loadavg().map((x) => Number(x.toFixed(2))) as [number, number, number]

export const runKernelBenchmark = async (argv: ReadonlyArray<string>) => {
  const json = argv.includes("--json")
  const withStock = argv.includes("--stock")
  const option = (name: string, fallback: number) => Number(argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback)
  const minSeconds = option("seconds", 0.25)
  const rounds = option("rounds", 3)
  // 0: the default (one thread per core). Applies to numpy's OpenBLAS too.
  const threads = option("threads", 0)
  const loadAtStart = loadNow()
  await tf.setBackend("wasm")
  const load = loadNativeKernels()
  const install = installFastKernels(tf)
  if (!install.installed || !("addon" in load)) {
    console.error(`bench:kernels: the fast kernels are not available (${install.reason ?? ("reason" in load ? load.reason : "")})`)
    process.exit(1)
  }
  const { addon } = load
  const chosen = addon.gemmInfo()
  const chosenGemm = chosen.active === "blas" ? "blas" : "builtin"
  if (threads > 0) {
    addon.setThreads(threads)
    process.env.OPENBLAS_NUM_THREADS = String(threads)
  }
  const hasBlas = chosen.blas !== null
  const python = findPython("numpy")
  let numpyVersion = "not found"
  const rows = gemmCases.map((c) => ({
    case: c.name,
    builtin: 0,
    blas: hasBlas ? 0 : (null as number | null),
    builtinTfjs: 0,
    numpy: null as number | null,
    stock: null as number | null
  }))
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of gemmCases.entries()) {
      const row = rows[i]!
      addon.useGemm("builtin")
      row.builtin = Math.max(row.builtin, direct(addon, c, minSeconds))
      row.builtinTfjs = Math.max(row.builtinTfjs, viaTfjs(c, minSeconds))
      if (hasBlas) {
        addon.useGemm("blas")
        row.blas = Math.max(row.blas!, direct(addon, c, minSeconds))
        settle()
      }
      if (python) {
        const result = viaNumpy(python, c, minSeconds)
        numpyVersion = result.numpy
        row.numpy = Math.max(row.numpy ?? 0, result.gflops)
      }
    }
  }
  addon.useGemm("builtin")
  if (withStock) {
    uninstallFastKernels(tf)
    for (const [i, c] of gemmCases.entries()) rows[i]!.stock = viaTfjs(c, 0.01)
    installFastKernels(tf)
  }
  const loadAfterGemm = loadNow()

  let probe: ProbeComparison | undefined
  if (!argv.includes("--no-probe")) {
    const peerScript = argv.includes("--peer") ? join(dirname(fileURLToPath(import.meta.url)), "../../../scripts/peer_probe.py") : undefined
    probe = compareProbe(tf, {
      gemms: hasBlas ? ["builtin", "blas"] : ["builtin"],
      useGemm: (name) => {
        settle()
        addon.useGemm(name)
      },
      ...(peerScript ? { peerScript } : {}),
      rounds: option("probe-rounds", 2),
      steps: option("probe-steps", 3),
      // PyTorch on as many threads as our pool, not its default (1 on some machines).
      peerThreads: addon.gemmInfo().threads
    })
  }
  addon.useGemm(chosenGemm)
  const loadAtEnd = loadNow()

  const info = addon.gemmInfo()
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    builtinKernel: info.kernel,
    blas: info.blas,
    threads: info.threads,
    numpy: numpyVersion,
    // os.loadavg() (1, 5, 15 minutes) at the start, after the sgemm cases and at the end.
    load: { start: loadAtStart, afterGemm: loadAfterGemm, end: loadAtEnd },
    date: new Date().toISOString()
  }
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(1))
  const ratio = (x: number, y: number | null | undefined) => (y ? (x / y).toFixed(2) : "–")
  console.log(
    `sgemm GFLOP/s on ${machine.cpu} (${machine.cores} cores), ${machine.threads} thread(s); built-in kernel ${machine.builtinKernel}; ` +
      `system BLAS: ${machine.blas ?? "none linked"}; numpy ${machine.numpy}`
  )
  console.log(`load average (1/5/15 min): ${loadAtStart.join(" ")} at start, ${loadAtEnd.join(" ")} at end; ${machine.date}`)
  console.log(`| shape | built-in | system BLAS | **built-in / BLAS** | built-in via tf.matMul | numpy | built-in / numpy |${withStock ? " stock tfjs wasm |" : ""}`)
  console.log(`|---|---|---|---|---|---|---|${withStock ? "---|" : ""}`)
  for (const row of rows) {
    console.log(
      `| ${row.case} | ${fmt(row.builtin)} | ${fmt(row.blas)} | ${ratio(row.builtin, row.blas)} | ${fmt(row.builtinTfjs)} | ${fmt(row.numpy)} | ${ratio(row.builtin, row.numpy)} |${withStock ? ` ${fmt(row.stock)} |` : ""}`
    )
  }
  const builtinGflops = geomean(rows.map((row) => row.builtin))
  const blasGflops = hasBlas ? geomean(rows.map((row) => row.blas!)) : null
  const numpyGflops = rows.every((row) => row.numpy !== null) ? geomean(rows.map((row) => row.numpy!)) : null
  console.log(
    `| geometric mean | ${fmt(builtinGflops)} | ${fmt(blasGflops)} | ${ratio(builtinGflops, blasGflops)} | ${fmt(geomean(rows.map((row) => row.builtinTfjs)))} | ${fmt(numpyGflops)} | ${ratio(builtinGflops, numpyGflops)} |${withStock ? " |" : ""}`
  )
  const probeBuiltin = probe?.tokensPerSec.builtin
  const probeBlas = probe?.tokensPerSec.blas
  if (probe) {
    console.log(`\nprobe training step (vocab 8192, seq 256, batch 8, width 256, 4 layers; ${(probe.parameters / 1e6).toFixed(2)} M parameters), tokens/s`)
    console.log("| engine | tokens/s | vs built-in |")
    console.log("|---|---|---|")
    console.log(`| ours, built-in GEMM (${info.kernel}) | ${fmt(probeBuiltin)} | 1.00 |`)
    if (probeBlas !== undefined) console.log(`| ours, system BLAS | ${fmt(probeBlas)} | ${ratio(probeBlas, probeBuiltin)} |`)
    if (probe.peer) console.log(`| ${probe.peer.engine}, ${probe.peer.threads} thread(s) | ${fmt(probe.peer.tokensPerSec)} | ${ratio(probe.peer.tokensPerSec, probeBuiltin)} |`)
    else if (probe.peerReason) console.log(`| PyTorch | unavailable: ${probe.peerReason} | – |`)
  }
  console.log(`\nGEMM the fast kernels chose here: ${describeGemm(info)}`)
  if (json) {
    console.log(
      JSON.stringify({
        machine,
        builtinGflops,
        blasGflops,
        builtinVsBlas: blasGflops === null ? null : builtinGflops / blasGflops,
        minBuiltinVsBlas: hasBlas ? Math.min(...rows.map((row) => row.builtin / row.blas!)) : null,
        probeBuiltinTokensPerSec: probeBuiltin ?? null,
        probeBlasTokensPerSec: probeBlas ?? null,
        probeBuiltinVsBlas: probeBuiltin !== undefined && probeBlas !== undefined ? probeBuiltin / probeBlas : null,
        ...(probe?.peer ? { probePeerTokensPerSec: probe.peer.tokensPerSec, probeBuiltinVsPeer: probeBuiltin! / probe.peer.tokensPerSec } : {}),
        chosenGemm,
        gflops: rows
      })
    )
  }
}
