// Golden tests of the template against the original's train.py (karpathy/autoresearch), each
// formula restated in words with where it comes from.
import { beforeAll, describe, expect, it } from "vitest"
import { tf } from "../src/canvas.js"
import {
  createGPT,
  createOptimizer,
  flopsPerToken,
  muonGroups,
  muonLrScale,
  normuon,
  normuonAxis,
  type GPTConfig
} from "../templates/train.js"
import { useWasm } from "./tf-setup.js"

beforeAll(useWasm)

const config = (dim: number, headDim: number, depth = 2): GPTConfig => ({
  vocabSize: 16,
  seqLen: 8,
  depth,
  dim,
  nHead: dim / headDim,
  headDim,
  windows: Array.from({ length: depth }, () => 8)
})

describe("AdamW learning rates per parameter group (train.py, GPT.setup_optimizer)", () => {
  // dmodel_lr_scale = (model_dim / 768) ** -0.5 multiplies the lm_head lr (UNEMBEDDING_LR 0.004),
  // the token and value embedding lr (EMBEDDING_LR 0.6); resid_lambdas get SCALAR_LR * 0.01 and
  // x0_lambdas SCALAR_LR (0.5, betas 0.96/0.95), both unscaled; every other group betas 0.8/0.95.
  for (const [dim, headDim] of [[64, 32], [512, 128], [768, 128]] as const) {
    it(`at model_dim ${dim}`, () => {
      const model = createGPT(config(dim, headDim))
      const opt = createOptimizer(model)
      const s = Math.pow(dim / 768, -0.5)
      const lrOf = (p: tf.Variable) => opt.adam.find((a) => a.param === p)!
      expect(lrOf(model.lmHead).lr).toBeCloseTo(0.004 * s, 12)
      expect(lrOf(model.wte).lr).toBeCloseTo(0.6 * s, 12)
      for (const b of model.blocks) if (b.ve) expect(lrOf(b.ve).lr).toBeCloseTo(0.6 * s, 12)
      expect(lrOf(model.residLambdas).lr).toBeCloseTo(0.005, 12)
      expect(lrOf(model.x0Lambdas).lr).toBeCloseTo(0.5, 12)
      expect(lrOf(model.x0Lambdas).betas).toEqual([0.96, 0.95])
      expect(lrOf(model.residLambdas).betas).toEqual([0.8, 0.95])
      expect(opt.adam).toHaveLength(4 + model.blocks.filter((b) => b.ve).length)
    })
  }

  // MuonAdamW._step_muon: lr = MATRIX_LR * max(1, rows / cols) ** 0.5 for W[out=rows, in=cols];
  // our weights are stored [in, out], so the factor is max(1, out / in) ** 0.5.
  it("Muon's per-shape factor", () => {
    expect(muonLrScale(64, 256)).toBe(2) // c_fc: out 4·dim, in dim
    expect(muonLrScale(256, 64)).toBe(1) // mlp c_proj
    expect(muonLrScale(64, 64)).toBe(1) // q, k, v, attention c_proj
    expect(muonLrScale(32, 2)).toBe(1) // ve_gate
  })
})

describe("NorMuon's second-moment statistic (train.py, muon_step_fused)", () => {
  // The original keeps W as [out, in]; its buffer is [n, out, 1] (one per output neuron, the mean
  // over inputs) when out >= in, else [n, 1, in]. Stored [in, out] here, the same statistics are
  // [n, 1, out] when out >= in (square included) and [n, in, 1] otherwise.
  it("has one entry per output neuron for square and tall matrices, one per input for wide ones", () => {
    const v = (shape: [number, number]) => tf.variable(tf.zeros(shape))
    const [square, fc, proj] = muonGroups([v([64, 64]), v([64, 64]), v([64, 256]), v([256, 64])])
    expect(square!.second.shape).toEqual([2, 1, 64])
    expect(fc!.second.shape).toEqual([1, 1, 256]) // out 256 >= in 64: per output
    expect(proj!.second.shape).toEqual([1, 256, 1]) // out 64 < in 256: per input
    expect([normuonAxis(64, 64), normuonAxis(64, 256), normuonAxis(256, 64)]).toEqual([1, 1, 2])
  })

  it("matches a hand computation on a square 2x2 update", () => {
    // x [in, out] = [[1, 2], [3, 4]]. Per output j, v_mean_j = mean over inputs of x_ij²:
    // (1 + 9) / 2 = 5 and (4 + 16) / 2 = 10. The EMA from 0 with beta2 0.95: 0.25 and 0.5.
    // step_j = 1/sqrt(EMA_j) = 2 and √2. Norm kept: ‖x‖ = sqrt(Σ v_mean · 2) = √30; after scaling
    // sqrt(Σ v_mean · 2 · step²) = sqrt(5·2·4 + 10·2·2) = √80. update = x · step_j · √30/√80.
    const second = tf.variable(tf.zeros([1, 1, 2]))
    const out = normuon(tf.tensor3d([[[1, 2], [3, 4]]]), second, 0.95).arraySync()[0]!
    const k = Math.sqrt(30 / 80)
    const expected = [[1 * 2 * k, 2 * Math.SQRT2 * k], [3 * 2 * k, 4 * Math.SQRT2 * k]]
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(out[i]![j]!).toBeCloseTo(expected[i]![j]!, 5)
    expect(Array.from(second.dataSync())).toEqual([0.25, 0.5].map((x) => Math.fround(x)))
  })
})

describe("FLOPs per token (train.py, GPT.estimate_flops)", () => {
  // 6 × (all parameters − wte − value embeddings − the scalars) + Σ over layers 12 · n_head ·
  // head_dim · min(window, seq_len).
  it("counts block matrices, gates and lm_head 6 times, and attention over the full window", () => {
    const c = { ...config(64, 32, 2), windows: [4, 8] }
    const model = createGPT(c)
    const D = 64
    const blockMatrices = 2 * (4 * D * D + 2 * 4 * D * D)
    const gates = model.blocks.filter((b) => b.veGate).length * 32 * 2
    const lmHead = D * 16
    expect(flopsPerToken(model)).toBe(6 * (blockMatrices + gates + lmHead) + 12 * D * 4 + 12 * D * 8)
  })
})

describe("the seed of the initialisation (train.py seeds torch with 42 before init)", () => {
  it("gives the same weights for the same seed and different ones for another", () => {
    const c = config(64, 32)
    const weights = (seed: number) => {
      const model = createGPT(c, seed)
      return [model.wte, model.lmHead, ...model.blocks.flatMap((b) => [b.wq, b.wk, b.wv, b.fc, ...(b.ve ? [b.ve] : [])])].map((p) => Array.from(p.dataSync()))
    }
    const [a, b, other] = [weights(42), weights(42), weights(7)]
    expect(b).toEqual(a)
    for (let i = 0; i < a.length; i++) expect(other[i]).not.toEqual(a[i])
    // Every draw has its own seed: no two tensors of one model share their values.
    expect(a[2]!.slice(0, 8)).not.toEqual(a[3]!.slice(0, 8))
  })
})
