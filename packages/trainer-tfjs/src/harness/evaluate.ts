// An evaluation process: fresh, with no data of its own. It rebuilds the canvas's model from
// the trained weights with the canvas's `load`, then answers the parent's batches with the
// log-probability of each target and, on request, full log-probability rows at positions the
// parent picks after the fact (the batch's logits are kept until then). Everything it sends is checked and scored by the parent.
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { profiles, type ProfileName } from "@autoresearch/prepare"
import { crossEntropy, type CanvasLoader, type EvalContext, type Predictor } from "../canvas.js"
import { EvalRequest, float32FromBase64, int32FromBase64, toBase64, type EvalConfig, type WireTensor } from "./protocol.js"
import { importCanvas, prepareChild, RunCrashed } from "./setup.js"

const decodeRequest = Schema.decodeUnknownSync(Schema.parseJson(EvalRequest))

const tensorOf = (w: WireTensor) =>
  w.dtype === "int32" ? tf.tensor(int32FromBase64(w.data), [...w.shape], "int32") : tf.tensor(float32FromBase64(w.data), [...w.shape], "float32")

/** The canvas's logits for a batch, checked for shape (no copy when they are float32 [n, vocab]). */
const logitsOf = async (predictor: Predictor, inputs: Int32Array, batch: number, seqLen: number, vocab: number) => {
  const logits = await predictor.logits(inputs, batch, seqLen)
  if (!(logits instanceof tf.Tensor) || logits.size !== batch * seqLen * vocab)
    throw new RunCrashed("error", `load(...).logits must return a [${batch * seqLen}, ${vocab}] tensor`)
  if (logits.dtype === "float32" && logits.rank === 2) return logits as tf.Tensor2D
  const shaped = tf.tidy(() => tf.reshape(tf.cast(logits, "float32"), [batch * seqLen, vocab]) as tf.Tensor2D)
  logits.dispose()
  return shaped
}

export const runEvaluation = async (
  config: EvalConfig,
  lines: AsyncIterator<string>,
  io: { log: (line: string) => void; send: (message: object) => void }
): Promise<void> => {
  const profile = profiles[(config.profile ?? "cpu") as ProfileName]
  if (profile === undefined) throw new RunCrashed("error", `unknown profile ${config.profile}`)
  const backend = await prepareChild(config.backend, io.log)
  const next = async () => {
    const line = await lines.next()
    return line.done ? undefined : decodeRequest(line.value)
  }
  const first = await next()
  if (first?.type !== "weights") throw new RunCrashed("error", "evaluation: expected the weights first")
  const weights = first.weights.map(tensorOf)
  const canvasModule = await importCanvas(config.canvas)
  if (typeof canvasModule.load !== "function")
    throw new RunCrashed("error", "the canvas must export async function load(ctx, weights) returning { logits }")
  const ctx: EvalContext = {
    backend: backend.name,
    profile: { name: profile.name, maxSeqLen: profile.maxSeqLen, vocabSize: profile.vocabSize, timeBudgetSeconds: profile.timeBudgetSeconds }
  }
  const predictor = await (canvasModule.load as CanvasLoader)(ctx, weights)
  if (typeof predictor?.logits !== "function") throw new RunCrashed("error", "load(ctx, weights) must return { logits }")
  io.send({ type: "ready" })

  const vocab = profile.vocabSize
  const softCap = typeof predictor.softCap === "number" && predictor.softCap > 0 ? predictor.softCap : 0
  let last: tf.Tensor2D | undefined
  for (let request = await next(); request !== undefined; request = await next()) {
    if (request.type === "batch") {
      const { batch, seqLen } = request
      const rows = int32FromBase64(request.rows)
      const width = seqLen + 1
      const inputs = new Int32Array(batch * seqLen)
      for (let b = 0; b < batch; b++) inputs.set(rows.subarray(b * width, b * width + seqLen), b * seqLen)
      const targets = new Int32Array(batch * seqLen)
      for (let b = 0; b < batch; b++) targets.set(rows.subarray(b * width + 1, (b + 1) * width), b * seqLen)
      last?.dispose()
      last = await logitsOf(predictor, inputs, batch, seqLen, vocab)
      const logits = last
      // -log p(target) by the fused kernel (the same one training uses).
      const nll = tf.tidy(() => crossEntropy(logits, tf.tensor1d(targets, "int32"), softCap))
      const targetLogp = Float32Array.from((await nll.data()) as Float32Array, (x) => -x)
      nll.dispose()
      io.send({ type: "logprobs", data: toBase64(targetLogp) })
    } else if (request.type === "reveal") {
      if (last === undefined) throw new RunCrashed("error", "evaluation: reveal before any batch")
      const logits = last
      const rowsLogp = tf.tidy(() => {
        const picked = tf.gather(logits, tf.tensor1d(request.positions as number[], "int32"))
        return tf.logSoftmax(softCap > 0 ? tf.mul(tf.tanh(tf.div(picked, softCap)), softCap) : picked)
      })
      const out = (await rowsLogp.data()) as Float32Array
      rowsLogp.dispose()
      io.send({ type: "distributions", data: toBase64(out) })
    }
  }
}
