// The training process: opens the train split (it cannot read the val split: the sandbox and
// prepare's loadTraining both keep it out), runs `train(ctx)` with an advisory clock, and sends
// the trained weights to the parent. The parent owns the real clock and kills the process at
// its limit; nothing this process says about time or quality is trusted.
import * as tf from "@tensorflow/tfjs"
import { loadTraining } from "@autoresearch/prepare"
import type { Canvas, CanvasContext, StepReport } from "../canvas.js"
import type { HarnessConfig } from "./protocol.js"
import { toBase64 } from "./protocol.js"
import { importCanvas, prepareChild, RunCrashed } from "./setup.js"
import { memoryMeter } from "./summary-values.js"

export interface TrainIO {
  readonly log: (line: string) => void
  readonly send: (message: object) => void
}

const wireTensor = (t: tf.Tensor) => {
  if (t.dtype !== "float32" && t.dtype !== "int32") throw new RunCrashed("error", `train(ctx) returned a ${t.dtype} weight: use float32 or int32`)
  const data = t.dataSync() as Float32Array | Int32Array
  return { shape: [...t.shape], dtype: t.dtype, data: toBase64(data) }
}

export const runTraining = async (config: HarnessConfig, io: TrainIO): Promise<void> => {
  const backend = await prepareChild(config.backend, io.log)
  const memory = memoryMeter(backend.gpu)
  const env = await loadTraining({
    ...(config.profile ? { profile: config.profile as never } : {}),
    ...(config.cacheDir ? { cacheDir: config.cacheDir } : {}),
    ...(config.source ? { source: config.source as never } : {})
  })
  // The parent's clock starts here: what follows is the canvas's time.
  io.send({ type: "ready" })
  const canvasModule = await importCanvas(config.canvas)
  if (typeof canvasModule.default !== "function")
    throw new RunCrashed("error", "the canvas must export default async function train(ctx)")
  const train = canvasModule.default as Canvas

  const budget = config.budgetSeconds
  let steps = 0
  let tokens = 0
  let diverged: string | undefined
  let lastTick = 0
  let clockStart = performance.now()
  const elapsed = () => (performance.now() - clockStart) / 1000
  const endStep = (report: StepReport): boolean => {
    steps += 1
    if (!Number.isFinite(report.loss) || report.loss > 100) {
      diverged ??= `loss ${report.loss} at step ${steps}`
      throw new RunCrashed("nan", `FAIL: ${diverged}`)
    }
    tokens += report.tokens
    const seconds = elapsed()
    const progress = Math.min(1, seconds / budget)
    const now = performance.now()
    if (now - lastTick > 1000 || progress >= 1) {
      lastTick = now
      const tokensPerSec = seconds > 0 ? tokens / seconds : 0
      const remainingSeconds = Math.max(0, budget - seconds)
      io.log(
        `step ${String(steps).padStart(5, "0")} | loss ${report.loss.toFixed(4)} | ${(100 * progress).toFixed(1)}% | ` +
          `${tokensPerSec.toFixed(0)} tok/s | ${remainingSeconds.toFixed(0)}s left`
      )
      io.send({ type: "progress", step: steps, loss: report.loss, progress, tokensPerSec, remainingSeconds })
    }
    return seconds >= budget
  }
  const ctx: CanvasContext = {
    backend: backend.name,
    profile: env.profile,
    tokenizer: env.tokenizer,
    trainLoader: (batch, seqLen) => env.trainLoader(batch, seqLen),
    budgetSeconds: budget,
    progress: () => Math.min(1, elapsed() / budget),
    endStep,
    log: io.log,
    seed: config.seed
  }
  clockStart = performance.now()
  let model: Awaited<ReturnType<Canvas>>
  try {
    model = await train(ctx)
  } catch (error) {
    throw diverged ? new RunCrashed("nan", `FAIL: ${diverged}`) : error
  }
  // A canvas that swallowed the divergence error still diverged.
  if (diverged) throw new RunCrashed("nan", `FAIL: ${diverged}`)
  if (!Array.isArray(model?.weights)) throw new RunCrashed("error", "train(ctx) must return { weights: tf.Tensor[], numParams, depth, flopsPerToken }")
  io.log(`summary: peak tensor memory ${memory.tensorPeakMb().toFixed(1)} MB; seed ${config.seed}`)
  io.send({
    type: "trained",
    weights: model.weights.map(wireTensor),
    numParams: Number(model.numParams) || 0,
    depth: Number(model.depth) || 0,
    flopsPerToken: Number(model.flopsPerToken) || 0,
    steps,
    tokens,
    backend: backend.name,
    peakMemoryMb: memory.peakMb(),
    memoryKind: memory.kind
  })
}
