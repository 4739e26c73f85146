import { beforeAll, describe, expect, it } from "vitest"
import { tf } from "../src/canvas.js"
import {
  allParams,
  applyRope,
  forward,
  load,
  createGPT,
  createOptimizer,
  modelConfig,
  perTokenLoss,
  trainingStep,
  windowSizes,
  type GPT,
  type GPTConfig
} from "../templates/train.js"
import { randomTokens, rng, useWasm } from "./tf-setup.js"
import { installFastKernels } from "@autoresearch/fast-kernels"

beforeAll(useWasm)

const V = 16
const T = 8
const tiny = (windows?: number[]): GPTConfig => ({ ...modelConfig(V, T, 2), ...(windows ? { windows } : {}) })

const lossesOf = (model: GPT, inputs: Int32Array, targets: Int32Array, B: number) =>
  tf.tidy(() => perTokenLoss(model, inputs, targets, B, T)).dataSync() as Float32Array

/** Gives the zero-initialised projections and the near-zero lm_head real values. */
const randomise = (model: GPT, next: () => number) => {
  for (const b of model.blocks) {
    b.wo.assign(tf.mul(tf.randomNormal(b.wo.shape, 0, 1, "float32", Math.floor(next() * 1e6)), 0.2))
    b.proj.assign(tf.mul(tf.randomNormal(b.proj.shape, 0, 1, "float32", Math.floor(next() * 1e6)), 0.1))
    b.veGate?.assign(tf.randomNormal(b.veGate.shape, 0, 0.5, "float32", Math.floor(next() * 1e6)))
  }
  model.lmHead.assign(tf.randomNormal(model.lmHead.shape, 0, 0.3, "float32", Math.floor(next() * 1e6)))
}

describe("the template GPT", () => {
  it("windowSizes: S is half the context (rounded down, as the original's //), the pattern repeats, the last layer is L", () => {
    expect(windowSizes("SSSL", 6, 256)).toEqual([128, 128, 128, 256, 128, 256])
    expect(windowSizes("S", 2, 255)).toEqual([127, 255])
    expect(windowSizes("L", 2, 8)).toEqual([8, 8])
    expect(() => windowSizes("SXL", 3, 8)).toThrow(/only S and L/)
  })

  // The second case installs the fast kernels (the harness's wasm path) for the rest of the file.
  for (const kernels of ["stock wasm kernels", "the fast kernels"]) {
    it(`has gradients that match central finite differences, per parameter tensor (${kernels})`, (ctx) => {
      if (kernels === "the fast kernels" && !installFastKernels(tf, { log: () => undefined }).installed) ctx.skip()
      const next = rng(1)
      const model = createGPT(tiny([4, 8]))
      randomise(model, next)
      const B = 2
      const inputs = randomTokens(B * T, V, next)
      const targets = randomTokens(B * T, V, next)
      const loss = () => tf.mean(perTokenLoss(model, inputs, targets, B, T)) as tf.Scalar
      const { grads } = tf.variableGrads(loss)
      const variables = Object.values(tf.engine().registeredVariables).filter((v) => v.trainable && grads[v.name])
      expect(variables.length).toBeGreaterThanOrEqual(12)
      const eps = 1e-2
      for (const v of variables) {
        // A unit-norm direction: the step stays small next to ReLU's kink and the attention softmax.
        const raw = tf.randomNormal(v.shape, 0, 1, "float32", Math.floor(next() * 1e6))
        const direction = tf.div(raw, tf.norm(raw))
        const original = v.clone()
        const at = (sign: number) => {
          v.assign(tf.add(original, tf.mul(direction, sign * eps)))
          return tf.tidy(() => loss().dataSync()[0]!)
        }
        const numeric = (at(1) - at(-1)) / (2 * eps)
        v.assign(original)
        const analytic = tf.sum(tf.mul(grads[v.name]!, direction)).dataSync()[0]!
        expect(Math.abs(numeric - analytic), `${v.name}: ${numeric} vs ${analytic}`).toBeLessThan(
          0.02 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 1e-3
        )
        tf.dispose([original, direction, raw])
      }
    })
  }

  it("RoPE preserves the norm of every head vector", () => {
    const x = tf.randomNormal([2, 3, 5, 8], 0, 1, "float32", 7) as tf.Tensor4D
    const angles = tf.randomUniform([5, 4], 0, 20, "float32", 8)
    const y = applyRope(x, tf.cos(angles), tf.sin(angles))
    const norm = (t: tf.Tensor) => Array.from(tf.sqrt(tf.sum(tf.square(t), -1)).dataSync())
    const before = norm(x)
    norm(y).forEach((n, i) => expect(n).toBeCloseTo(before[i]!, 4))
    expect(Array.from(y.dataSync())).not.toEqual(Array.from(x.dataSync()))
  })

  it("is causal: changing tokens after t leaves the losses at <= t unchanged (also with S windows)", () => {
    const next = rng(2)
    for (const windows of [[8, 8], [4, 8]]) {
      const model = createGPT(tiny(windows))
      randomise(model, next)
      const inputs = randomTokens(2 * T, V, next)
      const targets = randomTokens(2 * T, V, next)
      const base = lossesOf(model, inputs, targets, 2)
      const t = 3
      const inp = inputs.slice()
      const tgt = targets.slice()
      for (let b = 0; b < 2; b++) for (let p = t + 1; p < T; p++) (inp[b * T + p] = (inp[b * T + p]! + 5) % V), (tgt[b * T + p] = (tgt[b * T + p]! + 3) % V)
      const after = lossesOf(model, inp, tgt, 2)
      for (let b = 0; b < 2; b++) {
        for (let p = 0; p <= t; p++) expect(after[b * T + p]).toBeCloseTo(base[b * T + p]!, 5)
        expect(Array.from(after.slice(b * T + t + 1, (b + 1) * T))).not.toEqual(Array.from(base.slice(b * T + t + 1, (b + 1) * T)))
      }
    }
  })

  // FlashAttention-3's window_size=(w, 0), which the original uses, lets query i see keys
  // i-w .. i: w + 1 keys. With w = 3, position 3 still sees token 0 and position 4 no longer does.
  it("an S window w shows a query itself and the w tokens before it, and hides the rest", () => {
    const next = rng(3)
    const model = createGPT({ ...modelConfig(V, T, 1), windows: [3] })
    randomise(model, next)
    const inputs = randomTokens(T, V, next)
    const targets = randomTokens(T, V, next)
    const base = lossesOf(model, inputs, targets, 1)
    const changed = inputs.slice()
    changed[0] = (changed[0]! + 1) % V
    const after = lossesOf(model, changed, targets, 1)
    expect(after[0]).not.toBeCloseTo(base[0]!, 5)
    expect(after[3]).not.toBeCloseTo(base[3]!, 5)
    for (let p = 4; p < T; p++) expect(after[p]).toBeCloseTo(base[p]!, 6)
  })

  it("load(ctx, weights) rebuilds the trained model in another process's shape: the same logits, soft-capped", async () => {
    const next = rng(4)
    const model = createGPT(tiny())
    randomise(model, next)
    const weights = allParams(model)
    const profile = { name: "tiny", maxSeqLen: T, vocabSize: V, timeBudgetSeconds: 1 }
    const predictor = await load({ backend: "wasm", profile }, weights.map((w) => tf.tensor(w.dataSync(), w.shape)))
    const inputs = randomTokens(2 * T, V, next)
    expect(predictor.softCap).toBe(15)
    const raw = await predictor.logits(inputs, 2, T)
    const logits = tf.mul(tf.tanh(tf.div(raw, 15)), 15)
    const expected = tf.tidy(() => tf.mul(tf.tanh(tf.div(forward(model, tf.tensor1d(inputs, "int32"), 2, T), 15)), 15))
    expect(logits.shape).toEqual([2 * T, V])
    const a = logits.dataSync()
    const e = expected.dataSync()
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(e[i]!, 5)
  })

  it("keeps tf.memory().numTensors flat across 30 training steps", () => {
    const next = rng(5)
    const model = createGPT(tiny([4, 8]))
    const opt = createOptimizer(model)
    const batch = () => ({ inputs: randomTokens(2 * T, V, next), targets: randomTokens(2 * T, V, next) })
    const counts: number[] = []
    for (let step = 0; step < 30; step++) {
      const loss = trainingStep(model, opt, [batch(), batch()], 2, T, step / 30)
      expect(Number.isFinite(loss.dataSync()[0])).toBe(true)
      loss.dispose()
      counts.push(tf.memory().numTensors)
    }
    expect(new Set(counts.slice(1)).size).toBe(1)
  })
})
