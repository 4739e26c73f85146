// The canvas: a GPT, its optimizer (Muon + AdamW) and the training loop, in one file.
// Everything here may change. The harness (fixed) calls `train(ctx)`, stops you at the time
// budget through `ctx.endStep`; fresh processes then `load` the returned weights and the parent
// scores their logits with the fixed val_bpb.
import {
  tf,
  adamw,
  attentionSoftmax,
  cautiousUpdate,
  crossEntropy,
  embeddingLookup,
  nesterovMomentum,
  normuon as normalise,
  polarExpress as orthogonalise,
  reluSquare,
  rmsNorm,
  rope,
  type CanvasContext,
  type EvalContext,
  type Predictor,
  type TrainedModel
} from "@autoresearch/trainer-tfjs/canvas"

// ---------------------------------------------------------------------------------------------
// Hyper-parameters (sized for the `cpu` profile: a tiny model that learns in a minute on 2 cores)
const DEPTH = 2 // transformer blocks
const ASPECT_RATIO = 32 // model_dim = DEPTH * ASPECT_RATIO, rounded up to a multiple of HEAD_DIM
const HEAD_DIM = 32
const WINDOW_PATTERN = "L" // per layer, repeated: S = half context, L = full; the last layer is L
const TOTAL_BATCH_SIZE = 2 ** 11 // tokens per optimizer step
const DEVICE_BATCH_SIZE = 8 // rows per micro-batch (gradient accumulation fills the rest; reduce if out of memory)
const EMBEDDING_LR = 0.6 // AdamW, token and value embeddings
const UNEMBEDDING_LR = 0.004 // AdamW, lm_head
const MATRIX_LR = 0.04 // Muon, every 2-D matrix in the blocks
const SCALAR_LR = 0.5 // AdamW, x0 lambdas (resid lambdas get 1 % of it)
const WEIGHT_DECAY = 0.2 // Muon's cautious weight decay, decays linearly to 0
const ADAM_BETAS: [number, number] = [0.8, 0.95]
const WARMUP_RATIO = 0.0 // of the time budget
const WARMDOWN_RATIO = 0.5 // of the time budget, linear down to FINAL_LR_FRAC
const FINAL_LR_FRAC = 0.0

// ---------------------------------------------------------------------------------------------
// Model

export interface GPTConfig {
  readonly vocabSize: number
  readonly seqLen: number
  readonly depth: number
  readonly dim: number
  readonly nHead: number
  readonly headDim: number
  /** Attention window per layer, in tokens (seqLen = full causal). */
  readonly windows: ReadonlyArray<number>
}

export const modelConfig = (vocabSize: number, seqLen: number, depth = DEPTH): GPTConfig => {
  const dim = Math.ceil((depth * ASPECT_RATIO) / HEAD_DIM) * HEAD_DIM
  return {
    vocabSize,
    seqLen,
    depth,
    dim,
    nHead: dim / HEAD_DIM,
    headDim: HEAD_DIM,
    windows: windowSizes(WINDOW_PATTERN, depth, seqLen)
  }
}

/**
 * S = half the context (rounded down), L = the full context; the pattern repeats and the last
 * layer is L. A window w lets a query see itself and the w tokens before it (w + 1 keys).
 */
export const windowSizes = (pattern: string, depth: number, seqLen: number): number[] =>
  Array.from({ length: depth }, (_, i) => {
    const kind = i === depth - 1 ? "L" : pattern[i % pattern.length]!.toUpperCase()
    if (kind !== "S" && kind !== "L") throw new Error(`WINDOW_PATTERN may hold only S and L, got ${kind}`)
    return kind === "L" ? seqLen : Math.floor(seqLen / 2)
  })

/** Layer i has a value embedding when i % 2 == (depth - 1) % 2 (the last layer always has one). */
const hasValueEmbedding = (i: number, depth: number) => i % 2 === (depth - 1) % 2
const VE_GATE_CHANNELS = 32

interface Block {
  readonly wq: tf.Variable<tf.Rank.R2> // weights are stored [in, out]: x @ W
  readonly wk: tf.Variable<tf.Rank.R2>
  readonly wv: tf.Variable<tf.Rank.R2>
  readonly wo: tf.Variable<tf.Rank.R2>
  readonly fc: tf.Variable<tf.Rank.R2>
  readonly proj: tf.Variable<tf.Rank.R2>
  readonly ve?: tf.Variable<tf.Rank.R2> // [vocab, dim]
  readonly veGate?: tf.Variable<tf.Rank.R2> // [gate channels, heads], zero at init
}

export interface GPT {
  readonly config: GPTConfig
  readonly wte: tf.Variable<tf.Rank.R2>
  readonly lmHead: tf.Variable<tf.Rank.R2> // untied: [dim, vocab]
  readonly residLambdas: tf.Variable<tf.Rank.R1>
  readonly x0Lambdas: tf.Variable<tf.Rank.R1>
  readonly blocks: ReadonlyArray<Block>
  /** Rotary tables [seqLen, headDim/2] and additive masks per (length, window), kept across steps. */
  readonly cache: Map<string, tf.Tensor>
}

/** Seeds for the random draws of one model: each draw its own, all from one seed (repeatable runs). */
const seedStream = (seed: number) => {
  let draw = 0
  return () => seed * 1000 + draw++
}

export const createGPT = (config: GPTConfig, seed = 42): GPT => {
  const { vocabSize: V, dim: D, depth, nHead } = config
  const nextSeed = seedStream(seed)
  const uniform = (shape: [number, number], fanIn: number) => {
    const bound = Math.sqrt(3) / Math.sqrt(fanIn)
    return tf.randomUniform(shape, -bound, bound, "float32", nextSeed())
  }
  // Unnamed: tfjs variable names are process-global, and the optimizer keys gradients by them.
  const v = (t: tf.Tensor) => tf.variable(t as tf.Tensor2D, true)
  const blocks = Array.from({ length: depth }, (_, i): Block => ({
    wq: v(uniform([D, D], D)),
    wk: v(uniform([D, D], D)),
    wv: v(uniform([D, D], D)),
    wo: v(tf.zeros([D, D])),
    fc: v(uniform([D, 4 * D], D)),
    proj: v(tf.zeros([4 * D, D])),
    ...(hasValueEmbedding(i, depth)
      ? { ve: v(uniform([V, D], D)), veGate: v(tf.zeros([Math.min(VE_GATE_CHANNELS, D), nHead])) }
      : {})
  }))
  return {
    config,
    wte: v(tf.randomNormal([V, D], 0, 1, "float32", nextSeed())),
    lmHead: v(tf.randomNormal([D, V], 0, 0.001, "float32", nextSeed())),
    residLambdas: tf.variable(tf.ones([depth]), true),
    x0Lambdas: tf.variable(tf.fill([depth], 0.1), true),
    blocks,
    cache: new Map()
  }
}

const cached = (model: GPT, key: string, make: () => tf.Tensor) => {
  let t = model.cache.get(key)
  if (!t) model.cache.set(key, (t = tf.keep(make())))
  return t
}

/** cos and sin tables of rotary embeddings, base 10000, [seqLen, headDim/2]. */
const ropeTables = (model: GPT, T: number) => {
  const half = model.config.headDim / 2
  const make = (fn: (a: number) => number) => () => {
    const table = new Float32Array(T * half)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < half; i++) table[t * half + i] = fn(t * Math.pow(10000, (-2 * i) / model.config.headDim))
    return tf.tensor2d(table, [T, half])
  }
  return [cached(model, `cos${T}`, make(Math.cos)), cached(model, `sin${T}`, make(Math.sin))] as const
}

/** Rotates pairs (x1, x2) of the two halves of the head dimension by position-dependent angles. */
export const applyRope = (x: tf.Tensor4D, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor4D => rope(x, cos, sin)

/** Additive mask [T, T]: 0 where key j may be seen from query i (i - window <= j <= i), else -1e9. */
const attentionMask = (model: GPT, T: number, window: number) =>
  cached(model, `mask${T}:${window}`, () => {
    const mask = new Float32Array(T * T)
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) mask[i * T + j] = j <= i && i - j <= window ? 0 : -1e9
    return tf.tensor2d(mask, [T, T])
  })

const attention = (model: GPT, block: Block, layer: number, x: tf.Tensor2D, ids: tf.Tensor1D, B: number, T: number) => {
  const { nHead: H, headDim: Dh, dim: D, seqLen } = model.config
  const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, H, Dh]), [0, 2, 1, 3]) as tf.Tensor4D
  let v: tf.Tensor = tf.matMul(x, block.wv)
  if (block.ve && block.veGate) {
    // Gated value embedding: v += 2 sigmoid(W_gate x[:, :32]) * ve(ids), one gate per head.
    const gate = tf.mul(2, tf.sigmoid(tf.matMul(tf.slice(x, [0, 0], [-1, block.veGate.shape[0]]), block.veGate)))
    const ve = tf.reshape(embeddingLookup(block.ve, ids), [B * T, H, Dh])
    v = tf.add(v, tf.reshape(tf.mul(tf.reshape(gate, [B * T, H, 1]), ve), [B * T, D]))
  }
  const [cos, sin] = ropeTables(model, T)
  const q = rmsNorm(applyRope(toHeads(tf.matMul(x, block.wq)), cos, sin))
  const k = rmsNorm(applyRope(toHeads(tf.matMul(x, block.wk)), cos, sin))
  const window = Math.min(model.config.windows[layer]!, seqLen)
  const weights = attentionSoftmax(tf.matMul(q, k, false, true), attentionMask(model, T, window), 1 / Math.sqrt(Dh))
  const y = tf.matMul(weights, toHeads(v)) // [B, H, T, Dh]
  return tf.matMul(tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T, D]), block.wo)
}

const mlp = (block: Block, x: tf.Tensor2D) => tf.matMul(reluSquare(tf.matMul(x, block.fc)), block.proj)

/** Logits [B*T, vocab] in float32, before the soft cap (applied inside the loss). */
export const forward = (model: GPT, ids: tf.Tensor1D, B: number, T: number): tf.Tensor2D => {
  let x = rmsNorm(embeddingLookup(model.wte, ids))
  const x0 = x
  model.blocks.forEach((block, i) => {
    const resid = tf.slice(model.residLambdas, [i], [1])
    const x0w = tf.slice(model.x0Lambdas, [i], [1])
    x = tf.add(tf.mul(resid, x), tf.mul(x0w, x0))
    x = tf.add(x, attention(model, block, i, rmsNorm(x), ids, B, T))
    x = tf.add(x, mlp(block, rmsNorm(x)))
  })
  return tf.matMul(rmsNorm(x), model.lmHead)
}

/** Cross-entropy in nats per target token, [B*T], of logits soft-capped at 15 (15 tanh(z/15)). */
export const perTokenLoss = (model: GPT, inputs: Int32Array, targets: Int32Array, B: number, T: number): tf.Tensor1D =>
  crossEntropy(forward(model, tf.tensor1d(inputs, "int32"), B, T), tf.tensor1d(targets, "int32"), 15)

export const countParams = (model: GPT) => allParams(model).reduce((n, p) => n + p.size, 0)

/**
 * Training FLOPs per token, counted as the original does: 6 per weight outside the embeddings
 * and the scalars (block matrices, gates, lm_head), plus 12 · dim · window per layer for the
 * attention scores and their weighted sum (the full window, no causal halving).
 */
export const flopsPerToken = (model: GPT) => {
  const { dim, windows, seqLen } = model.config
  const weights = model.blocks.flatMap((b) => [b.wq, b.wk, b.wv, b.wo, b.fc, b.proj, ...(b.veGate ? [b.veGate] : [])])
  const blockWeights = weights.reduce((n, w) => n + w.size, 0)
  const attentionFlops = windows.reduce((n, w) => n + 12 * dim * Math.min(w, seqLen), 0)
  return 6 * (blockWeights + model.lmHead.size) + attentionFlops
}

// ---------------------------------------------------------------------------------------------
// Optimizer: Muon for the block matrices (by shape group), AdamW for everything else

const POLAR_EXPRESS: ReadonlyArray<readonly [number, number, number]> = [
  [8.156554524902461, -22.48329292557795, 15.878769915207462],
  [4.042929935166739, -2.808917465908714, 0.5000178451051316],
  [3.8916678022926607, -2.772484153217685, 0.5060648178503393],
  [3.285753657755655, -2.3681294933425376, 0.46449024233003106],
  [2.3465413258596377, -1.7097828382687081, 0.42323551169305323]
]

/**
 * Orthogonalises a stack of matrices [n, r, c]: drives every singular value towards 1. Each is
 * divided by its norm (x 1.02), then per triple (a, b, c): A = X Xᵀ, X = a X + (b A + c A A) X
 * (for tall matrices Xᵀ X and X (...)), as one native call where the fast kernels are installed.
 */
export const polarExpress = (g: tf.Tensor3D): tf.Tensor3D => orthogonalise(g, POLAR_EXPRESS)

/**
 * The axis NorMuon averages over, for a stack [n, in, out]: one statistic per output neuron
 * (averaging over inputs, axis 1) when out >= in, square matrices included; else one per input.
 * The original stores W as [out, in] and reduces its last axis when out >= in: the same statistic.
 */
export const normuonAxis = (inputs: number, outputs: number): 1 | 2 => (outputs >= inputs ? 1 : 2)

/**
 * NorMuon: normalise the orthogonalised update by an EMA of its second moment along the
 * reduced axis (see normuonAxis), keeping its norm.
 */
export const normuon = (x: tf.Tensor3D, second: tf.Variable, beta2: number): tf.Tensor3D => {
  const next = normalise(x, second, beta2, normuonAxis(x.shape[1], x.shape[2]))
  second.assign(next.second)
  return next.update
}

export interface MuonGroup {
  readonly params: ReadonlyArray<tf.Variable>
  readonly momentum: tf.Variable // [n, r, c]
  readonly second: tf.Variable // [n, 1, out] (one per output) or [n, in, 1] (one per input)
}

export const muonGroups = (matrices: ReadonlyArray<tf.Variable>): MuonGroup[] => {
  const byShape = new Map<string, tf.Variable[]>()
  for (const p of matrices) byShape.set(p.shape.join("x"), [...(byShape.get(p.shape.join("x")) ?? []), p])
  return [...byShape.values()].map((params) => {
    const [r, c] = params[0]!.shape as [number, number]
    return {
      params,
      momentum: tf.variable(tf.zeros([params.length, r, c]), false),
      second: tf.variable(tf.zeros(normuonAxis(r, c) === 1 ? [params.length, 1, c] : [params.length, r, 1]), false)
    }
  })
}

export interface MuonSettings {
  readonly lr: number
  readonly momentum: number
  readonly weightDecay: number
  readonly beta2: number
}

/** Muon's lr factor for a matrix: max(1, fan_out / fan_in)^½ (taller-than-wide W[out, in] steps further). */
export const muonLrScale = (inputs: number, outputs: number) => Math.sqrt(Math.max(1, outputs / inputs))

/** One Muon step for a shape group: Nesterov, polar express, NorMuon, cautious weight decay. */
export const muonStep = (group: MuonGroup, grads: ReadonlyArray<tf.Tensor>, s: MuonSettings) =>
  tf.tidy(() => {
    const g = tf.stack(grads as tf.Tensor[]) as tf.Tensor3D
    const next = nesterovMomentum(group.momentum, g, s.momentum)
    group.momentum.assign(next.momentum)
    const update = normuon(polarExpress(next.update as tf.Tensor3D), group.second, s.beta2)
    const [inputs, outputs] = group.params[0]!.shape as [number, number]
    const lr = s.lr * muonLrScale(inputs, outputs)
    // Cautious weight decay: decay only where the update agrees in sign with the weight.
    tf.unstack(update).forEach((u, i) => group.params[i]!.assign(cautiousUpdate(group.params[i]!, u, lr, lr * s.weightDecay)))
  })

export interface AdamParam {
  readonly param: tf.Variable
  readonly lr: number
  readonly betas: readonly [number, number]
  readonly m: tf.Variable
  readonly v: tf.Variable
}

export const adamParam = (param: tf.Variable, lr: number, betas: readonly [number, number] = ADAM_BETAS): AdamParam => ({
  param,
  lr,
  betas,
  m: tf.variable(tf.zerosLike(param), false),
  v: tf.variable(tf.zerosLike(param), false)
})

/** One AdamW step (eps 1e-10, bias-corrected, no weight decay); `step` counts from 1. */
export const adamStep = (a: AdamParam, grad: tf.Tensor, step: number, lrMultiplier: number) =>
  tf.tidy(() => {
    const [beta1, beta2] = a.betas
    const next = adamw({ param: a.param, m: a.m, v: a.v }, grad, { lr: a.lr * lrMultiplier, beta1, beta2, eps: 1e-10, step })
    a.m.assign(next.m)
    a.v.assign(next.v)
    a.param.assign(next.param)
  })

export const allParams = (model: GPT): tf.Variable[] => [
  model.wte,
  model.lmHead,
  model.residLambdas,
  model.x0Lambdas,
  ...model.blocks.flatMap((b) => [b.wq, b.wk, b.wv, b.wo, b.fc, b.proj, ...(b.ve ? [b.ve, b.veGate!] : [])])
]

export interface Optimizer {
  readonly adam: ReadonlyArray<AdamParam>
  readonly muon: ReadonlyArray<MuonGroup>
  step: number
}

export const createOptimizer = (model: GPT): Optimizer => {
  // Head and embedding lrs scale with 1/sqrt(dim/768); the per-layer scalars' do not.
  const scale = Math.pow(model.config.dim / 768, -0.5)
  const embeddings = [model.wte, ...model.blocks.flatMap((b) => (b.ve ? [b.ve] : []))]
  return {
    adam: [
      adamParam(model.lmHead, UNEMBEDDING_LR * scale),
      ...embeddings.map((e) => adamParam(e, EMBEDDING_LR * scale)),
      adamParam(model.residLambdas, SCALAR_LR * 0.01),
      adamParam(model.x0Lambdas, SCALAR_LR, [0.96, 0.95])
    ],
    muon: muonGroups(model.blocks.flatMap((b) => [b.wq, b.wk, b.wv, b.wo, b.fc, b.proj, ...(b.veGate ? [b.veGate] : [])])),
    step: 0
  }
}

// ---------------------------------------------------------------------------------------------
// Schedules (progress = counted training time / budget)

export const lrMultiplier = (progress: number) => {
  if (progress < WARMUP_RATIO) return progress / WARMUP_RATIO
  if (progress <= 1 - WARMDOWN_RATIO) return 1
  const left = (1 - progress) / WARMDOWN_RATIO
  return left + (1 - left) * FINAL_LR_FRAC
}

/** Muon's momentum ramps from 0.85 to 0.95 over the first 300 steps. */
export const muonMomentum = (step: number) => {
  const frac = Math.min(step / 300, 1)
  return (1 - frac) * 0.85 + frac * 0.95
}

// ---------------------------------------------------------------------------------------------
// Training

export interface MicroBatch {
  readonly inputs: Int32Array
  readonly targets: Int32Array
}

/** One optimizer step over the micro-batches (gradients averaged); returns the mean loss. */
export const trainingStep = (
  model: GPT,
  opt: Optimizer,
  microBatches: ReadonlyArray<MicroBatch>,
  B: number,
  T: number,
  progress: number
): tf.Scalar => {
  const params = allParams(model)
  let total: tf.NamedTensorMap = {}
  let lossSum: tf.Scalar = tf.scalar(0)
  for (const mb of microBatches) {
    const { value, grads } = tf.variableGrads(
      () => tf.div(tf.mean(perTokenLoss(model, mb.inputs, mb.targets, B, T)), microBatches.length) as tf.Scalar,
      params
    )
    const summed = tf.tidy(() => mapValues(grads, (g, k) => (total[k] ? tf.add(total[k]!, g) : g.clone())))
    const loss = tf.tidy(() => tf.add(lossSum, value) as tf.Scalar)
    tf.dispose([...Object.values(grads), ...Object.values(total), value, lossSum])
    total = summed
    lossSum = loss
  }
  opt.step += 1
  const lrm = lrMultiplier(progress)
  for (const a of opt.adam) adamStep(a, total[a.param.name]!, opt.step, lrm)
  const settings = { lr: MATRIX_LR * lrm, momentum: muonMomentum(opt.step - 1), weightDecay: WEIGHT_DECAY * (1 - progress), beta2: 0.95 }
  for (const group of opt.muon) muonStep(group, group.params.map((p) => total[p.name]!), settings)
  tf.dispose(Object.values(total))
  return lossSum
}

const mapValues = (map: tf.NamedTensorMap, fn: (t: tf.Tensor, key: string) => tf.Tensor): tf.NamedTensorMap =>
  Object.fromEntries(Object.entries(map).map(([k, t]) => [k, fn(t, k)]))

export default async function train(ctx: CanvasContext): Promise<TrainedModel> {
  const T = ctx.profile.maxSeqLen
  const tokensPerMicroBatch = DEVICE_BATCH_SIZE * T
  if (TOTAL_BATCH_SIZE % tokensPerMicroBatch !== 0)
    throw new Error(`TOTAL_BATCH_SIZE ${TOTAL_BATCH_SIZE} is not a multiple of DEVICE_BATCH_SIZE x seqLen = ${tokensPerMicroBatch}`)
  const accumulation = TOTAL_BATCH_SIZE / tokensPerMicroBatch
  const model = createGPT(modelConfig(ctx.profile.vocabSize, T), ctx.seed)
  const opt = createOptimizer(model)
  const loader = ctx.trainLoader(DEVICE_BATCH_SIZE, T)
  ctx.log(
    `model: depth ${model.config.depth}, dim ${model.config.dim}, heads ${model.config.nHead}, ` +
      `${(countParams(model) / 1e6).toFixed(2)}M params, seed ${ctx.seed}; ${accumulation} x ${DEVICE_BATCH_SIZE} x ${T} tokens per step`
  )
  for (;;) {
    const micro = Array.from({ length: accumulation }, () => loader.next())
    const loss = trainingStep(model, opt, micro, DEVICE_BATCH_SIZE, T, ctx.progress())
    const value = (await loss.data())[0]!
    loss.dispose()
    if (ctx.endStep({ loss: value, tokens: accumulation * DEVICE_BATCH_SIZE * T })) break
  }
  return { weights: allParams(model), numParams: countParams(model), depth: model.config.depth, flopsPerToken: flopsPerToken(model) }
}

/** Rebuilds the trained model in an evaluation process: its logits, soft-capped at 15 as in the loss. */
export async function load(ctx: EvalContext, weights: ReadonlyArray<tf.Tensor>): Promise<Predictor> {
  const model = createGPT(modelConfig(ctx.profile.vocabSize, ctx.profile.maxSeqLen))
  const params = allParams(model)
  if (weights.length !== params.length) throw new Error(`load: ${weights.length} weights for ${params.length} parameters`)
  params.forEach((p, i) => p.assign(weights[i]!))
  return { logits: (inputs, batch, seqLen) => tf.tidy(() => forward(model, tf.tensor1d(inputs, "int32"), batch, seqLen)), softCap: 15 }
}
