// Loads the native addon built by scripts/build-addon.mjs (node-gyp) and describes its API.
// Every kernel works in place on TypedArray views, usually views of the wasm heap: no copies.
import { createRequire } from "node:module"

export interface NativeKernels {
  /** Batched row-major C = alpha * op(A) * op(B) + beta * C; offsets holds (a, b, c) element offsets per batch entry. */
  readonly sgemm: (
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array,
    offsets: Uint32Array
  ) => void
  /** out = x transposed by perm; any 4-byte element type. */
  readonly transpose: (x: Float32Array | Int32Array, out: Float32Array | Int32Array, shape: Int32Array, perm: Int32Array) => void
  /** out = a op b with broadcasting (op 0 add, 1 sub, 2 mul, 3 div); shapes padded to the output's rank. */
  readonly binary: (
    op: number,
    a: Float32Array,
    aShape: Int32Array,
    b: Float32Array,
    bShape: Int32Array,
    out: Float32Array,
    outShape: Int32Array
  ) => void
  /** out = op(x) element-wise (op 0 square, 1 sqrt, 2 rsqrt, 3 neg, 4 relu). */
  readonly unary: (op: number, x: Float32Array, out: Float32Array) => void
  /** out = softmax over each run of `channels` elements of x. */
  readonly softmax: (x: Float32Array, channels: number, out: Float32Array) => void
  /** Sets every element of out to value. */
  readonly fill: (out: Float32Array, value: number) => void
  /** Copies the box `size` at srcBegin of src (srcShape) to dstBegin of dst (dstShape); 4-byte elements. */
  readonly copyBox: (
    src: Float32Array | Int32Array,
    srcShape: Int32Array,
    srcBegin: Int32Array,
    dst: Float32Array | Int32Array,
    dstShape: Int32Array,
    dstBegin: Int32Array,
    size: Int32Array
  ) => void
  /** out[o, i, :] = x[o, indices[i], :] for x [outer, dim, inner]; throws on an index outside [0, dim). */
  readonly gather: (
    x: Float32Array | Int32Array,
    indices: Int32Array,
    outer: number,
    dim: number,
    inner: number,
    out: Float32Array | Int32Array
  ) => void
  /** out[ids[i], :] = sum of x[i, :]; out is overwritten. */
  readonly segmentSum: (x: Float32Array, segmentIds: Int32Array, numSegments: number, out: Float32Array) => void
  /** Per-row (soft-capped when cap > 0) softmax cross-entropy. */
  readonly crossEntropyForward: (logits: Float32Array, targets: Int32Array, vocab: number, cap: number, loss: Float32Array) => void
  /** Its gradient with respect to the logits, scaled by dloss per row. */
  readonly crossEntropyBackward: (
    logits: Float32Array,
    targets: Int32Array,
    vocab: number,
    cap: number,
    dloss: Float32Array,
    dlogits: Float32Array
  ) => void
  /** out = x / sqrt(mean(x^2) + eps) over each run of `channels` elements. */
  readonly rmsNorm: (x: Float32Array, channels: number, eps: number, out: Float32Array) => void
  /** dx of rmsNorm for the upstream gradient dy. */
  readonly rmsNormBackward: (x: Float32Array, dy: Float32Array, channels: number, eps: number, dx: Float32Array) => void
  /**
   * Rotary embeddings: rows of x (2 half elements, `positions` rows a sequence) have their halves
   * rotated by the angles of cos/sin [positions, half]; `inverse` rotates back (the gradient).
   */
  readonly rope: (x: Float32Array, cos: Float32Array, sin: Float32Array, positions: number, inverse: boolean, out: Float32Array) => void
  /** One AdamW step (bias-corrected for `step`, decoupled weight decay) into new param, m and v arrays. */
  readonly adamw: (
    param: Float32Array,
    m: Float32Array,
    v: Float32Array,
    grad: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    step: number,
    weightDecay: number,
    paramOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array
  ) => void
  /** out = param - (lr * update + decayLr * param where update * param >= 0). */
  readonly cautiousUpdate: (param: Float32Array, update: Float32Array, lr: number, decayLr: number, out: Float32Array) => void
  /** momentumOut = beta momentum + (1 - beta) grad; updateOut = (1 - beta) grad + beta momentumOut. */
  readonly nesterovMomentum: (momentum: Float32Array, grad: Float32Array, beta: number, momentumOut: Float32Array, updateOut: Float32Array) => void
  /**
   * NorMuon: x [batch, rows, cols] scaled by rsqrt of an EMA of its second moment along `axis`
   * (1: one statistic per column, second [batch, 1, cols]; 2: per row, [batch, rows, 1]), keeping
   * each matrix's norm; writes the update and the new second moment.
   */
  readonly normuon: (
    x: Float32Array,
    batch: number,
    rows: number,
    cols: number,
    axis: number,
    second: Float32Array,
    beta2: number,
    out: Float32Array,
    secondOut: Float32Array
  ) => void
  /**
   * Muon's orthogonalisation of g [batch, rows, cols] into out: each matrix divided by
   * (|g|_F 1.02 + 1e-6), then one Newton-Schulz iteration per (a, b, c) triple of coefficients
   * (A = X X^T, X = a X + (b A + c A A) X; X^T X and X (...) for tall matrices), on the active GEMM.
   */
  readonly polarExpress: (g: Float32Array, batch: number, rows: number, cols: number, coefficients: Float32Array, out: Float32Array) => void
  /** out = softmax(scale x + mask) over runs of `channels`; mask [maskRows, channels] repeats over x's rows. */
  readonly maskedSoftmax: (x: Float32Array, mask: Float32Array, channels: number, scale: number, out: Float32Array) => void
  /** dx = scale y (dy - sum(dy y)) per run of `channels`: the gradient of softmax(scale x + ...) given its output y. */
  readonly softmaxBackward: (y: Float32Array, dy: Float32Array, channels: number, scale: number, dx: Float32Array) => void
  /** out = max(x, 0)^2. */
  readonly reluSquare: (x: Float32Array, out: Float32Array) => void
  /** dx = 2 max(x, 0) dy. */
  readonly reluSquareBackward: (x: Float32Array, dy: Float32Array, dx: Float32Array) => void
  /** What the next sgemm runs on. */
  readonly gemmInfo: () => GemmInfo
  /** Selects "blas", "builtin", or one built-in kernel by name; throws where this build or CPU lacks it. */
  readonly useGemm: (name: string) => void
  /** Threads of the addon's pool (and of OpenBLAS, when linked); returns the count in use. */
  readonly setThreads: (threads: number) => number
}

export interface GemmInfo {
  /** Which GEMM sgemm calls: the built-in one or the system BLAS. */
  readonly active: "builtin" | "blas"
  /** The built-in micro-kernel in use: "avx512", "avx2", "neon" or "generic". */
  readonly kernel: string
  /** The built-in micro-kernels this build has and this CPU runs, fastest first. */
  readonly kernels: string[]
  /** The system BLAS linked in (e.g. "OpenBLAS 0.3.21 ... Cooperlake MAX_THREADS=64"), or null. */
  readonly blas: string | null
  /** Threads of the addon's pool. */
  readonly threads: number
}

export type AddonLoad = { readonly addon: NativeKernels } | { readonly reason: string }

// src/ and dist/ both sit one level below the package root, next to build/.
const addonPath = "../build/Release/fast_kernels.node"

export const loadNativeKernels = (): AddonLoad => {
  try {
    return { addon: createRequire(import.meta.url)(addonPath) as NativeKernels }
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error)
    return { reason: message.includes("Cannot find module") ? "the native addon was not built" : message }
  }
}
