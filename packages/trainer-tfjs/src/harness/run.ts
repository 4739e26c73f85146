// The harness: the fixed code around the canvas. It chooses the backend, opens the prepared
// environment, runs `train(ctx)` under the time budget, checks the returned model for
// causality, scores it with prepare's fixed evaluateBpb and reports. Runs in a child process.
import { pathToFileURL } from "node:url"
import { loadPrepared, type PreparedEnvironment } from "@autoresearch/prepare"
import type { CrashReason, RunMetrics } from "@autoresearch/core"
import { installFastKernelsIfPresent, parseBackendChoice, selectBackend } from "../backend.js"
import type { Canvas, CanvasContext, StepReport, TrainedModel } from "../canvas.js"
import { causalityViolation } from "../integrity/causality.js"
import { changedFiles, describeChanged } from "../integrity/fixed-files.js"
import { formatSummary } from "../summary.js"
import { defaultPeakFlops, memoryMeter, mfuPercent } from "./summary-values.js"
import type { HarnessConfig } from "./protocol.js"
import { OUT_OF_MEMORY } from "../crash-signs.js"

/** Steps excluded from the counted training time (compilation and first allocations). */
export const WARMUP_STEPS = 10

/** A run that ended without a metric; `reason` is the crash class the parent records. */
export class RunCrashed extends Error {
  constructor(
    readonly reason: CrashReason,
    message: string
  ) {
    super(message)
  }
}

export interface HarnessIO {
  /** A line for the run's log (stdout). */
  readonly log: (line: string) => void
  /** A progress tick for the parent (rate-limited by the caller). */
  readonly progress: (p: { step: number; loss: number; progress: number; tokensPerSec: number; remainingSeconds: number }) => void
}


/** Classifies an exception thrown by the canvas or the evaluation. */
export const classify = (error: unknown): RunCrashed => {
  if (error instanceof RunCrashed) return error
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return new RunCrashed(OUT_OF_MEMORY.test(message) ? "oom" : "error", message)
}

const assertIntact = (config: HarnessConfig, when: string) => {
  const changed = changedFiles(config.fixedHashes)
  if (changed.length > 0) throw new RunCrashed("invalid", `${when}: ${describeChanged(changed)}`)
}

export const runHarness = async (config: HarnessConfig, io: HarnessIO): Promise<RunMetrics> => {
  assertIntact(config, "before the run")

  const backend = await selectBackend(parseBackendChoice(config.backend))
  backend.notes.forEach((n) => io.log(`backend: ${n}`))
  if (backend.name === "wasm") io.log(await installFastKernelsIfPresent())
  io.log(`backend: ${backend.name}`)
  const memory = memoryMeter(backend.gpu)

  const env: PreparedEnvironment = await loadPrepared({
    ...(config.profile ? { profile: config.profile as PreparedEnvironment["profile"]["name"] } : {}),
    ...(config.cacheDir ? { cacheDir: config.cacheDir } : {}),
    ...(config.source ? { source: config.source as never } : {})
  })

  const canvasModule = (await import(pathToFileURL(config.canvas).href)) as { default?: unknown }
  if (typeof canvasModule.default !== "function")
    throw new RunCrashed("error", `${config.canvas} must export default async function train(ctx)`)
  const train = canvasModule.default as Canvas
  io.log(`ready: ${process.uptime().toFixed(1)} s after start (node, tsx, tf, data, canvas)`)

  // The clock: the first WARMUP_STEPS steps do not count; the budget is checked after each step.
  const budget = config.budgetSeconds
  let steps = 0
  let countedTokens = 0
  let allTokens = 0
  let clockStart: number | undefined
  let trainingSeconds = 0
  let diverged: string | undefined
  let lastTick = 0
  let lastStepEnd = performance.now()
  let longestStep = 0
  const elapsed = () => (clockStart === undefined ? 0 : (performance.now() - clockStart) / 1000)
  const endStep = ({ loss, tokens }: StepReport): boolean => {
    steps += 1
    const stepEnd = performance.now()
    longestStep = Math.max(longestStep, stepEnd - lastStepEnd)
    lastStepEnd = stepEnd
    if (!Number.isFinite(loss) || loss > 100) {
      diverged ??= `loss ${loss} at step ${steps}`
      throw new RunCrashed("nan", `FAIL: ${diverged}`)
    }
    allTokens += tokens
    if (clockStart === undefined) {
      if (steps >= WARMUP_STEPS) {
        clockStart = performance.now()
        io.log(`warm-up: ${WARMUP_STEPS} steps done ${process.uptime().toFixed(1)} s after start (not counted)`)
      }
    } else {
      countedTokens += tokens
      trainingSeconds = elapsed()
    }
    const progress = Math.min(1, trainingSeconds / budget)
    const now = performance.now()
    if (now - lastTick > 1000 || progress >= 1) {
      lastTick = now
      const tokensPerSec = trainingSeconds > 0 ? countedTokens / trainingSeconds : 0
      const remainingSeconds = Math.max(0, budget - trainingSeconds)
      io.log(
        `step ${String(steps).padStart(5, "0")} | loss ${loss.toFixed(4)} | ${(100 * progress).toFixed(1)}% | ` +
          `${tokensPerSec.toFixed(0)} tok/s | ${remainingSeconds.toFixed(0)}s left`
      )
      io.progress({ step: steps, loss, progress, tokensPerSec, remainingSeconds })
    }
    return trainingSeconds >= budget
  }
  const ctx: CanvasContext = {
    backend: backend.name,
    profile: env.profile,
    tokenizer: env.tokenizer,
    trainLoader: (batch, seqLen) => env.trainLoader(batch, seqLen),
    budgetSeconds: budget,
    warmupSteps: WARMUP_STEPS,
    progress: () => Math.min(1, elapsed() / budget),
    endStep,
    log: io.log,
    seed: config.seed
  }

  let model: TrainedModel
  const trainStart = performance.now()
  try {
    model = await train(ctx)
  } catch (error) {
    throw diverged ? new RunCrashed("nan", `FAIL: ${diverged}`) : error
  }
  // A canvas that swallowed the divergence error still diverged.
  if (diverged) throw new RunCrashed("nan", `FAIL: ${diverged}`)
  // Training past the budget is more compute than the others got: allow one long last step.
  const counted = (performance.now() - (clockStart ?? trainStart)) / 1000
  const grace = (2 * longestStep) / 1000 + 5
  if (counted > budget + grace)
    throw new RunCrashed(
      "invalid",
      `train(ctx) ran ${counted.toFixed(1)} s of counted time for a budget of ${budget} s: stop when ctx.endStep returns true`
    )
  if (typeof model?.perTokenLoss !== "function") throw new RunCrashed("error", "train(ctx) must return a model with perTokenLoss")

  const evaluationStart = performance.now()
  assertIntact(config, "after training")
  const probe = env.valLoader(2, env.profile.maxSeqLen).next()
  const violation = await causalityViolation(
    model,
    { inputs: probe.inputs, targets: probe.targets, batch: 2, seqLen: env.profile.maxSeqLen },
    env.profile.vocabSize
  )
  if (violation) throw new RunCrashed("invalid", `causality probe: ${violation}`)

  const evaluation = await env.evaluateBpb(model)
  io.log(`evaluation: ${((performance.now() - evaluationStart) / 1000).toFixed(1)} s (integrity checks, causality probe, val_bpb on ${evaluation.tokens} tokens)`)
  model.dispose?.()
  if (!Number.isFinite(evaluation.valBpb)) throw new RunCrashed("nan", `FAIL: val_bpb is ${evaluation.valBpb}`)

  const peakFlops = config.peakFlops ?? defaultPeakFlops(backend.gpu)
  const mfu = mfuPercent(model.flopsPerToken, countedTokens, trainingSeconds, peakFlops)
  io.log(`summary: mfu against ${peakFlops.toExponential(4)} FLOP/s; peak tensor memory ${memory.tensorPeakMb().toFixed(1)} MB; seed ${config.seed}`)
  const metrics: RunMetrics = {
    valBpb: evaluation.valBpb,
    trainingSeconds,
    // From the process start: node, tsx and tfjs loading count as overhead too.
    totalSeconds: process.uptime(),
    peakMemoryMb: memory.peakMb(),
    memoryKind: memory.kind,
    mfuPercent: mfu,
    // As the original: every step's tokens, the uncounted warm-up ones included.
    totalTokensM: allTokens / 1e6,
    numSteps: steps,
    numParamsM: model.numParams / 1e6,
    depth: model.depth,
    backend: backend.name,
    seed: config.seed
  }
  io.log(formatSummary(metrics))
  return metrics
}
