// A tiny GPT (one-hot embedding, RMSNorm, causal attention with a 5-D qkv transpose, ReLU² MLP,
// untied head, soft-capped cross-entropy, Adam) that exercises every replaced kernel in a
// real training step.
import { softmaxCrossEntropy } from "../src/index.js"
import { tf } from "./support.js"

export const tinyConfig = { vocab: 32, seq: 8, batch: 2, width: 16, heads: 2, softCap: 15 }

export const createTinyGpt = (seed: number) => {
  const { vocab, seq, batch, width, heads, softCap } = tinyConfig
  const headDim = width / heads
  const init = (shape: number[], offset: number) =>
    tf.variable(tf.randomNormal(shape, 0, 0.2, "float32", seed + offset), true, `tiny${seed}_${offset}_${Math.random()}`)
  const weights = {
    embed: init([vocab, width], 1),
    qkv: init([width, 3 * width], 2),
    proj: init([width, width], 3),
    up: init([width, 4 * width], 4),
    down: init([4 * width, width], 5),
    head: init([width, vocab], 6)
  }
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0)), -1e9))
  const rmsNorm = (x: tf.Tensor) => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6)))

  const loss = (inputs: tf.Tensor2D, targets: tf.Tensor1D) => {
    // A one-hot product rather than tf.gather: stock wasm cannot differentiate gather (it has no
    // UnsortedSegmentSum), and both runs must share the model.
    let x = tf.matMul(tf.oneHot(tf.reshape(inputs, [batch * seq]), vocab), weights.embed)
    const qkv = tf.transpose(tf.reshape(tf.matMul(rmsNorm(x), weights.qkv), [batch, seq, 3, heads, headDim]), [2, 0, 3, 1, 4])
    const [q, k, v] = tf.unstack(qkv) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), mask)
    const attended = tf.matMul(tf.softmax(scores), v)
    x = tf.add(x, tf.matMul(tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch * seq, width]), weights.proj))
    x = tf.add(x, tf.matMul(tf.square(tf.relu(tf.matMul(rmsNorm(x), weights.up))), weights.down))
    const logits = tf.matMul(rmsNorm(x), weights.head) as tf.Tensor2D
    return tf.mean(softmaxCrossEntropy(tf, logits, targets, { softCap })) as tf.Scalar
  }

  const optimizer = tf.train.adam(1e-2)
  const step = (inputs: tf.Tensor2D, targets: tf.Tensor1D): number => {
    const value = optimizer.minimize(() => loss(inputs, targets), true, Object.values(weights))!
    const result = value.dataSync()[0]!
    value.dispose()
    return result
  }
  const dispose = () => {
    tf.dispose(Object.values(weights))
    mask.dispose()
    optimizer.dispose()
  }
  return { step, dispose }
}

export const tinyBatch = (seed: number) => {
  const { vocab, seq, batch } = tinyConfig
  const tokens = Array.from({ length: batch * (seq + 1) }, (_, i) => (i * 7 + seed * 13 + ((i * i) % 5)) % vocab)
  const rows = Array.from({ length: batch }, (_, b) => tokens.slice(b * (seq + 1), (b + 1) * (seq + 1)))
  return {
    inputs: tf.tensor2d(rows.map((row) => row.slice(0, seq)), [batch, seq], "int32"),
    targets: tf.tensor1d(rows.flatMap((row) => row.slice(1)), "int32")
  }
}
