// installFastKernels: swaps native kernels into tfjs's wasm backend when the native addon is
// available, and otherwise says once, in one line, that training will be slow and why.
import type * as tfjs from "@tensorflow/tfjs"
import type { KernelConfig } from "@tensorflow/tfjs"
import { loadNativeKernels, type AddonLoad } from "./addon.js"
import { chooseGemm } from "./gemm-choice.js"
import { batchMatMulKernel } from "./kernels/batch-mat-mul.js"
import {
  SoftmaxCrossEntropy,
  SoftmaxCrossEntropyGrad,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyKernels
} from "./kernels/softmax-cross-entropy.js"
import { identityKernel } from "./kernels/identity.js"
import { castKernel } from "./kernels/cast.js"
import { fillLikeKernel } from "./kernels/fill.js"
import { binaryKernel } from "./kernels/binary.js"
import { softmaxKernel, unaryKernel, unaryOps, type UnaryKernelName } from "./kernels/unary.js"
import { concatKernel } from "./kernels/concat.js"
import { gatherKernel } from "./kernels/gather.js"
import { sliceKernel, splitKernel, unpackKernel } from "./kernels/slice.js"
import { transposeKernel } from "./kernels/transpose.js"
import { unsortedSegmentSumKernel } from "./kernels/unsorted-segment-sum.js"
import {
  AttentionSoftmax,
  AttentionSoftmaxGrad,
  fusedLayerGradients,
  fusedLayerKernels,
  ReluSquare,
  ReluSquareGrad,
  RmsNorm,
  RmsNormGrad,
  Rope
} from "./kernels/fused-layers.js"
import { AdamW, CautiousUpdate, NesterovMomentum, Normuon, optimizerKernels, PolarExpress } from "./kernels/optimizer.js"

export interface FastKernelsInstall {
  readonly installed: boolean
  /** Names of the kernels now served natively on the wasm backend. */
  readonly kernels: string[]
  /** Why nothing was installed. */
  readonly reason?: string
  /** Which GEMM BatchMatMul runs on, one line for logs (when installed). */
  readonly gemm?: string
}

export interface InstallOptions {
  /** Where the addon comes from; tests inject a failing loader to exercise the fallback. */
  readonly loadAddon?: () => AddonLoad
  /** Where the one-line slow-path notice goes (default: console.warn, once per process). */
  readonly log?: (line: string) => void
}

// Installed from a registry, pnpm rebuilds a dependency by name; inside this repository's
// workspace the package is a project, which `pnpm rebuild <name>` skips.
const rebuildCommand = import.meta.url.includes("/node_modules/")
  ? "pnpm rebuild @autoresearch/fast-kernels"
  : "pnpm --filter @autoresearch/fast-kernels rebuild"

export const fixHint =
  "Fix: install a C compiler (Debian/Ubuntu: apt install build-essential; macOS: xcode-select --install), " +
  `then run \`${rebuildCommand}\`.`

// Marks our configs so a second install is a no-op instead of wrapping our own kernel.
const ours = new WeakSet<KernelConfig>()
// The stock configs we replaced (absent: the wasm backend had no such kernel), for uninstall.
const replaced = new Map<string, KernelConfig | undefined>()
let warned = false
// The GEMM chosen at the first install in this process (choosing measures, so once).
let gemmLine: string | undefined

const warnOnce = (line: string) => {
  if (warned) return
  warned = true
  console.warn(line)
}

const replace = (tf: typeof tfjs, config: KernelConfig) => {
  const stock = tf.getKernel(config.kernelName, config.backendName)
  if (stock !== undefined) tf.unregisterKernel(config.kernelName, config.backendName)
  replaced.set(config.kernelName, stock)
  ours.add(config)
  tf.registerKernel(config)
}

/** Puts the stock wasm kernels back (A/B comparisons, benchmarks). */
export const uninstallFastKernels = (tf: typeof tfjs): void => {
  for (const [name, stock] of replaced) {
    const current = tf.getKernel(name, "wasm")
    if (current === undefined || !ours.has(current)) continue
    tf.unregisterKernel(name, "wasm")
    if (stock !== undefined) tf.registerKernel(stock)
  }
  replaced.clear()
}

export const installFastKernels = (tf: typeof tfjs, options: InstallOptions = {}): FastKernelsInstall => {
  if (process.env.AUTORESEARCH_FAST_KERNELS === "0") {
    return { installed: false, kernels: [], reason: "disabled by AUTORESEARCH_FAST_KERNELS=0" }
  }
  const stock = stockKernels(tf)
  if (stock === undefined) {
    return {
      installed: false,
      kernels: [],
      reason: "the wasm backend is not loaded: import '@tensorflow/tfjs-backend-wasm' before installFastKernels"
    }
  }
  if (ours.has(stock.BatchMatMul)) {
    return { installed: true, kernels: installedKernelNames(tf), ...(gemmLine ? { gemm: gemmLine } : {}) }
  }
  const load = (options.loadAddon ?? loadNativeKernels)()
  if (!("addon" in load)) {
    ;(options.log ?? warnOnce)(
      `autoresearch: fast CPU kernels unavailable (${load.reason}); training will be slow. ${fixHint}`
    )
    return { installed: false, kernels: [], reason: load.reason }
  }
  const { addon } = load
  // OpenBLAS starts with its own thread count (OPENBLAS_NUM_THREADS or every core): align it with
  // the pool's ($AUTORESEARCH_THREADS or the cores this process may use), so both GEMMs and the
  // calibration between them run on the same threads.
  addon.setThreads(addon.gemmInfo().threads)
  gemmLine ??= chooseGemm(addon).description
  const configs = [
    batchMatMulKernel(addon, stock.BatchMatMul),
    transposeKernel(addon, stock.Transpose),
    sliceKernel(addon, stock.Slice, tf.slice_util.parseSliceParams),
    unpackKernel(addon, stock.Unpack),
    splitKernel(addon, stock.SplitV, { parseAxisParam: tf.util.parseAxisParam, prepareSplitSize: tf.backend_util.prepareSplitSize }),
    concatKernel(addon, stock.Concat, {
      parseAxisParam: tf.util.parseAxisParam,
      assertParamsConsistent: tf.backend_util.assertParamsConsistent
    }),
    gatherKernel(addon, stock.GatherV2, tf.util.parseAxisParam),
    binaryKernel(addon, "Add", stock.Add),
    binaryKernel(addon, "Sub", stock.Sub),
    binaryKernel(addon, "Multiply", stock.Multiply),
    binaryKernel(addon, "RealDiv", stock.RealDiv),
    ...(Object.keys(unaryOps) as UnaryKernelName[]).map((name) => unaryKernel(addon, name, stock[name])),
    softmaxKernel(addon, stock.Softmax),
    identityKernel(stock.Identity),
    castKernel(stock.Cast),
    fillLikeKernel(addon, 0, stock.ZerosLike),
    fillLikeKernel(addon, 1, stock.OnesLike),
    unsortedSegmentSumKernel(addon),
    ...softmaxCrossEntropyKernels(addon),
    ...fusedLayerKernels(addon),
    ...optimizerKernels(addon)
  ]
  for (const config of configs) replace(tf, config)
  registerGradientOnce(tf)
  return { installed: true, kernels: installedKernelNames(tf), gemm: gemmLine }
}

const replacedStockKernels = [
  "BatchMatMul",
  "Transpose",
  "Slice",
  "Unpack",
  "SplitV",
  "Concat",
  "GatherV2",
  "Identity",
  "Cast",
  "ZerosLike",
  "OnesLike",
  "Add",
  "Sub",
  "Multiply",
  "RealDiv",
  "Square",
  "Sqrt",
  "Rsqrt",
  "Neg",
  "Relu",
  "Softmax"
] as const

/** The stock wasm kernels we wrap, or undefined when the wasm backend is not loaded. */
const stockKernels = (tf: typeof tfjs) => {
  const configs = replacedStockKernels.map((name) => tf.getKernel(name, "wasm"))
  if (configs.some((config) => config === undefined)) return undefined
  return Object.fromEntries(replacedStockKernels.map((name, i) => [name, configs[i]!])) as Record<
    (typeof replacedStockKernels)[number],
    KernelConfig
  >
}

const installedKernelNames = (tf: typeof tfjs) =>
  [
    ...replacedStockKernels,
    "UnsortedSegmentSum",
    SoftmaxCrossEntropy,
    SoftmaxCrossEntropyGrad,
    RmsNorm,
    RmsNormGrad,
    Rope,
    AttentionSoftmax,
    AttentionSoftmaxGrad,
    ReluSquare,
    ReluSquareGrad,
    AdamW,
    CautiousUpdate,
    NesterovMomentum,
    Normuon,
    PolarExpress
  ].filter((name) => {
    const config = tf.getKernel(name, "wasm")
    return config !== undefined && ours.has(config)
  })

let gradientRegistered = false
const registerGradientOnce = (tf: typeof tfjs) => {
  if (gradientRegistered) return
  gradientRegistered = true
  const runKernel = (name: string, inputs: object, attrs: object) => tf.engine().runKernel(name, inputs as never, attrs as never) as tfjs.Tensor
  const zerosLike = (t: tfjs.Tensor) => tf.zerosLike(t)
  const sumToTrailing = (t: tfjs.Tensor, shape: number[]) => {
    const size = shape.reduce((n, d) => n * d, 1)
    return tf.reshape(tf.sum(tf.reshape(t, [-1, size]), 0), shape)
  }
  for (const gradient of [softmaxCrossEntropyGradient(runKernel, zerosLike), ...fusedLayerGradients(runKernel, { zerosLike, sumToTrailing })])
    tf.registerGradient(gradient)
}
