// The probe model of docs/performance.md in TensorFlow.js, the twin of scripts/peer_probe.py:
// vocab 8192, seq 256, batch 8, width 256, 4 layers, 4 heads, learned positions, ReLU² MLP,
// weightless RMSNorm, untied head, soft-cap 15, causal attention with an additive mask, AdamW.
import type * as tfjs from "@tensorflow/tfjs"
import { softmaxCrossEntropy } from "../src/index.js"

export const probeConfig = { vocab: 8192, seq: 256, batch: 8, width: 256, layers: 4, heads: 4, softCap: 15 }

export const createProbe = (tf: typeof tfjs, config = probeConfig) => {
  const { vocab, seq, batch, width, layers, heads, softCap } = config
  const headDim = width / heads
  let seed = 0
  const param = (shape: number[], std: number) =>
    tf.variable(tf.randomNormal(shape, 0, std, "float32", ++seed), true, `probe_${seed}_${Math.random()}`)
  const params = {
    embed: param([vocab, width], 1),
    positions: param([seq, width], 0.02),
    blocks: Array.from({ length: layers }, () => ({
      qkv: param([width, 3 * width], width ** -0.5),
      proj: param([width, width], width ** -0.5),
      fc: param([width, 4 * width], width ** -0.5),
      down: param([4 * width, width], (4 * width) ** -0.5)
    })),
    head: param([width, vocab], width ** -0.5)
  }
  const variables = [params.embed, params.positions, ...params.blocks.flatMap((b) => Object.values(b)), params.head]
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0)), -1e9))
  const rmsNorm = (x: tfjs.Tensor) => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6)))

  const loss = (inputs: tfjs.Tensor2D, targets: tfjs.Tensor1D) => {
    let x: tfjs.Tensor = tf.reshape(tf.add(tf.gather(params.embed, inputs), params.positions), [batch * seq, width])
    for (const block of params.blocks) {
      const qkv = tf.transpose(tf.reshape(tf.matMul(rmsNorm(x), block.qkv), [batch, seq, 3, heads, headDim]), [2, 0, 3, 1, 4])
      const [q, k, v] = tf.unstack(qkv) as [tfjs.Tensor4D, tfjs.Tensor4D, tfjs.Tensor4D]
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), mask)
      const y = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [batch * seq, width])
      x = tf.add(x, tf.matMul(y, block.proj))
      x = tf.add(x, tf.matMul(tf.square(tf.relu(tf.matMul(rmsNorm(x), block.fc))), block.down))
    }
    const logits = tf.matMul(rmsNorm(x), params.head) as tfjs.Tensor2D
    return tf.mean(softmaxCrossEntropy(tf, logits, targets, { softCap })) as tfjs.Scalar
  }

  // AdamW: Adam plus decoupled weight decay on the matrices.
  const learningRate = 1e-3
  const weightDecay = 0.1
  const optimizer = tf.train.adam(learningRate, 0.9, 0.95, 1e-8)
  const step = (inputs: tfjs.Tensor2D, targets: tfjs.Tensor1D): number => {
    tf.tidy(() => {
      for (const v of variables) if (v.rank === 2) v.assign(tf.mul(v, 1 - learningRate * weightDecay))
    })
    const value = optimizer.minimize(() => loss(inputs, targets), true, variables)!
    const result = value.dataSync()[0]!
    value.dispose()
    return result
  }
  const parameterCount = variables.reduce((n, v) => n + v.size, 0)
  const dispose = () => {
    tf.dispose(variables)
    mask.dispose()
    optimizer.dispose()
  }
  const randomBatch = () => ({
    inputs: tf.randomUniform([batch, seq], 0, vocab, "int32", ++seed) as tfjs.Tensor2D,
    targets: tf.randomUniform([batch * seq], 0, vocab, "int32", ++seed) as tfjs.Tensor1D
  })
  return { step, dispose, parameterCount, randomBatch, tokensPerStep: batch * seq }
}
