// TfjsTrainer: core's Trainer for the TypeScript canvas. The parent (this file) owns the clock
// and the number:
//   1. it bundles the canvas into a private scratch directory (outside the workspace);
//   2. a sandboxed training process (train split only, no writes) trains it and sends back its
//      weights; the parent kills it at ready + start-up allowance + budget + grace;
//   3. two fresh sandboxed evaluation processes, one after the other, load the canvas with those
//      weights and answer the parent's batches (see evaluation/plan.ts);
//   4. the parent checks the answers and computes val_bpb with its own rows and token_bytes.
// Nothing a child prints or sends is trusted as a result; nothing of a run outlives it.
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, mkdirSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Schema } from "effect"
import { type CrashReason, DEFAULT_SEED, type RunMetrics, type RunReport, Trainer, TrainerError, trainDeadlineSeconds, type TrainSpec } from "@autoresearch/core"
import { loadPrepared, type PreparedEnvironment } from "@autoresearch/prepare"
import { changedFiles, describeChanged, type FixedHashes } from "./integrity/fixed-files.js"
import { manifestPath, readFixedFiles, recordFixedFiles } from "./integrity/manifest.js"
import { startInGroup, type GroupExit } from "./process-group.js"
import { ChannelMessage, type EvalConfig, type HarnessConfig, type WireTensor } from "./harness/protocol.js"
import { readWorkspaceProfileIfAny, type WorkspaceProfile } from "./workspace-profile.js"
import { OUT_OF_MEMORY } from "./crash-signs.js"
import { createSandbox, sdkReadPaths } from "./sandbox.js"
import { defaultPlanOptions, makePlan } from "./evaluation/plan.js"
import { EvaluationInvalid, scoreEvaluation, type EvalAnswers } from "./evaluation/score.js"
import { driveEvaluation, type EvalOutcome } from "./evaluation/drive.js"
import { formatSummary } from "./summary.js"
import { defaultPeakFlops, mfuPercent } from "./harness/summary-values.js"
import { bundleCanvas } from "./canvas-bundle.js"

/** Settings of the default trainer: backend, peak FLOP/s for MFU, extra environment. */
export interface TfjsTrainerOptions {
  /** Backend: "auto" (default; or $AUTORESEARCH_BACKEND), "tensorflow-gpu", "tensorflow", "wasm", "cpu". */
  readonly backend?: string
  /** Overrides the workspace's recorded profile. */
  readonly profile?: string
  readonly cacheDir?: string
  /** Peak FLOP/s for MFU (default $AUTORESEARCH_PEAK_FLOPS, else DEFAULT_PEAK_FLOPS: 1e11 on CPU, 989.5e12 on GPU). */
  readonly peakFlops?: number
  /** The canvas file inside the workspace (default train.ts). */
  readonly canvas?: string
  /** Extra environment for the children (they get only PATH, HOME, LANG, TMPDIR and this). */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Seconds, after the training process is ready (its data loaded, the canvas not yet), for the
 * canvas to load and take its first steps. It grows with the seconds the harness needed to get
 * ready: a trusted measure of how loaded the machine is now (no canvas code had run yet).
 */
export const startupAllowanceSeconds = (budget: number, readySeconds = 0) => 2 + 0.025 * budget + readySeconds
/** Seconds past the budget a run may take to stop and hand back its weights. */
export const graceSeconds = (budget: number) => 2 + 0.025 * budget
/** The training process's limit from its ready message: past it, the group is killed (`timeout`). */
export const trainingLimitSeconds = (budget: number, readySeconds = 0) =>
  startupAllowanceSeconds(budget, readySeconds) + budget + graceSeconds(budget)
/** Seconds a process may take to load node, tf and the data before it says it is ready. */
const START_LIMIT_SECONDS = 120
/**
 * The evaluation processes start this long before the budget ends, so that node, tf and the
 * kernels are loaded when the weights come (their start-up takes a little CPU from the last,
 * warm-down seconds of every run alike).
 */
const EVALUATION_HEAD_START_SECONDS = 4
/** Each evaluation process's limit (an honest one takes seconds; a slow one gains nothing). */
const evaluationLimitSeconds = (budget: number) => 120 + budget

/** The built harness: the children run plain JavaScript (no tsx: it needs a child process). */
export const harnessPath = (): string => {
  const here = dirname(fileURLToPath(import.meta.url))
  const path = resolve(here, import.meta.url.endsWith(".ts") ? "../dist/harness/main.js" : "harness/main.js")
  if (!existsSync(path)) throw new Error(`the harness is not built (${path}): run \`pnpm build\``)
  return path
}

const decodeMessage = Schema.decodeUnknownOption(Schema.parseJson(ChannelMessage))

const crash = (reason: CrashReason, message: string, logTail: string): RunReport => ({ _tag: "Crash", reason, message, logTail })

const resultFileFor = (logFile: string) => logFile.replace(/\.log$/, "") + ".result.json"

/** The children's environment: no keys, no NODE_OPTIONS, nothing the parent's shell had. */
const childEnv = (extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv => {
  const keep = ["PATH", "HOME", "LANG", "TMPDIR", "AUTORESEARCH_FAST_KERNELS", "AUTORESEARCH_GEMM", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"]
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])), ...extra }
}

/** Watches the parent from inside the group: if it dies, the whole group goes (even a canvas blocking its event loop). */
const withWatchdog = (command: string, args: ReadonlyArray<string>) =>
  process.platform === "win32"
    ? { command, args: [...args] }
    : {
        command: "sh",
        args: ["-c", 'p=$PPID; (while kill -0 "$p" 2>/dev/null; do sleep 1; done; kill -KILL -$$) & exec "$@"', "sh", command, ...args]
      }

interface Session {
  readonly profile: string
  readonly prepare: ReturnType<typeof prepareOptionsOf>
  readonly hashes: FixedHashes
  readonly env: PreparedEnvironment
}

const prepareOptionsOf = (options: TfjsTrainerOptions, workspace: WorkspaceProfile | undefined) => {
  const profile = options.profile ?? workspace?.profile
  const cacheDir = options.cacheDir ?? workspace?.cacheDir
  return {
    ...(profile ? { profile: profile as PreparedEnvironment["profile"]["name"] } : {}),
    ...(cacheDir ? { cacheDir } : {}),
    ...(workspace?.source !== undefined ? { source: workspace.source } : {})
  }
}

/** The trusted state of a workspace in this session: its profile, fixed-file hashes and data. */
const openSession = (options: TfjsTrainerOptions, sessions: Map<string, Session>, dir: string) =>
  Effect.gen(function* () {
    const workspace = yield* Effect.try({
      try: () => readWorkspaceProfileIfAny(dir),
      catch: (error) => new TrainerError({ message: (error as Error).message })
    })
    const profile = JSON.stringify(workspace ?? null)
    const known = sessions.get(dir)
    if (known) return { session: known, changed: known.profile !== profile }
    const prepare = prepareOptionsOf(options, workspace)
    const session = yield* Effect.tryPromise({
      try: async () => ({
        profile,
        prepare,
        hashes: readFixedFiles(dir, prepare.cacheDir) ?? (await recordFixedFiles(dir, prepare)),
        env: await loadPrepared(prepare)
      }),
      catch: (error) => new TrainerError({ message: `cannot open the prepared environment: ${(error as Error).message}`, cause: error })
    })
    sessions.set(dir, session)
    return { session, changed: false }
  })

const classifyExit = (exit: GroupExit, what: string): { reason: CrashReason; message: string } => {
  if (exit.timedOut) return { reason: "timeout", message: `the ${what} passed its time limit and was killed` }
  if (exit.aborted) return { reason: "error", message: "the run was aborted" }
  if (OUT_OF_MEMORY.test(exit.tail)) return { reason: "oom", message: "the run ran out of memory" }
  if (exit.signal === "SIGKILL") return { reason: "oom", message: "the run was killed (SIGKILL), most likely by the out-of-memory killer" }
  return { reason: "error", message: `the ${what} exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} before it finished` }
}

export const runTfjs = (options: TfjsTrainerOptions, sessions: Map<string, Session>) => (spec: TrainSpec) =>
  Effect.gen(function* () {
    const dir = resolve(spec.dir)
    const { session, changed } = yield* openSession(options, sessions, dir)
    mkdirSync(dirname(spec.logFile), { recursive: true })
    const refuse = (message: string) => {
      writeFileSync(spec.logFile, message + "\n")
      return crash("invalid", message, message)
    }
    if (changed) return refuse("refused to run: .autoresearch/profile.json changed during this session (it is read once, when the session starts)")
    const before = changedFiles(session.hashes)
    if (before.length > 0)
      return refuse(
        `refused to run: ${describeChanged(before)} ` +
          `(if you changed them on purpose, e.g. prepared again or upgraded the SDK, delete ${manifestPath(dir, options.cacheDir)})`
      )
    const scratch = mkdtempSync(join(tmpdir(), "autoresearch-run-"))
    const report = yield* Effect.tryPromise({
      try: () => runOnce(options, session, dir, scratch, spec),
      catch: (error) => new TrainerError({ message: `cannot run the harness: ${(error as Error).message}`, cause: error })
    }).pipe(Effect.ensuring(Effect.sync(() => rmSync(scratch, { recursive: true, force: true }))))
    // The children cannot write, but a run without the sandbox could: check the fixed files again.
    const after = changedFiles(session.hashes)
    const final = after.length > 0 ? crash("invalid", `the run changed fixed files: ${describeChanged(after)}`, report._tag === "Crash" ? report.logTail : "") : report
    writeFileSync(resultFileFor(spec.logFile), JSON.stringify(final, null, 2) + "\n")
    return final
  })

const runOnce = async (options: TfjsTrainerOptions, session: Session, dir: string, scratch: string, spec: TrainSpec): Promise<RunReport> => {
  const { env } = session
  const started = performance.now()
  const log = (line: string) => appendFileSync(spec.logFile, line + "\n")
  writeFileSync(spec.logFile, "")
  const canvas = join(scratch, "canvas.mjs")
  const harness = harnessPath()
  const bundleError = await bundleCanvas(join(dir, options.canvas ?? "train.ts"), canvas, harness)
  if (bundleError !== undefined) {
    log(bundleError)
    return crash("error", `the canvas does not compile: ${bundleError.split("\n")[0]}`, bundleError)
  }
  const off = process.env.AUTORESEARCH_SANDBOX === "off"
  const secrets = env.fixedFiles.filter((f) => !env.trainingFiles.includes(f))
  const trainSandbox = createSandbox({ reads: [...sdkReadPaths(), canvas, ...env.trainingFiles], secrets, off })
  const evalSandbox = createSandbox({ reads: [...sdkReadPaths(), canvas], secrets, off })
  trainSandbox.layers.forEach((l) => log(`${l} [training]`))
  evalSandbox.layers.forEach((l) => log(`${l} [evaluation]`))
  const backend = options.backend ?? process.env.AUTORESEARCH_BACKEND
  const childEnvironment = childEnv(options.env)
  const tail = (exit: GroupExit) => exit.tail

  // --- training
  const budget = spec.budgetSeconds
  // The loop's backstop for the whole run (runTimeoutSeconds): nothing of the run passes it.
  const backstop = trainDeadlineSeconds(spec)
  const config: typeof HarnessConfig.Encoded = {
    mode: "train",
    canvas,
    budgetSeconds: budget,
    seed: spec.seed ?? DEFAULT_SEED,
    channelFd: 3,
    ...session.prepare,
    // The cache root the parent resolved (the child's environment has no AUTORESEARCH_CACHE).
    cacheDir: dirname(dirname(env.cacheDir)),
    ...(backend ? { backend } : {})
  }
  // --- evaluation: two fresh processes, started shortly before training ends (they load node,
  // tf and the kernels meanwhile) and handed the weights once they are in.
  const plan = makePlan(env.evaluationRows(), env.profile.evalBatchSize, defaultPlanOptions())
  const answers: EvalAnswers = { logp: new Map(), revealed: new Map() }
  const evalConfig: EvalConfig = { mode: "eval", canvas, profile: env.profile.name, channelFd: 3, ...(backend ? { backend } : {}) }
  let handWeights: (weights: ReadonlyArray<WireTensor> | undefined) => void = () => undefined
  const weights = new Promise<ReadonlyArray<WireTensor> | undefined>((resolve) => (handWeights = resolve))
  const evaluate = async (p: 0 | 1) => {
    const evalCommand = evalSandbox.wrap(["--enable-source-maps", "--no-warnings", harness])
    const outcome = await driveEvaluation(
      {
        ...withWatchdog(evalCommand.command, evalCommand.args),
        cwd: scratch,
        env: childEnvironment,
        config: evalConfig,
        weights,
        logFile: spec.logFile,
        deadlineMs: Math.min(evaluationLimitSeconds(budget), Math.max(1, backstop - (performance.now() - started) / 1000)) * 1000,
        vocabSize: env.profile.vocabSize,
        ...(spec.signal ? { signal: spec.signal } : {})
      },
      plan,
      p,
      answers
    )
    if (outcome.ok)
      log(`[trainer] evaluation process ${p + 1}/2: ready ${outcome.readySeconds.toFixed(1)} s after the weights, ${plan.batches[p].length} batches in ${outcome.batchSeconds.toFixed(1)} s`)
    return outcome
  }
  let evaluations: Promise<EvalOutcome[]> | undefined
  // Side by side only when nothing connects them (no shared writes, network or PIDs); else in turn.
  const startEvaluations = () => {
    evaluations ??= evalSandbox.isolated
      ? Promise.all([evaluate(0), evaluate(1)])
      : evaluate(0).then(async (first) => (first.ok ? [first, await evaluate(1)] : [first]))
  }

  let readyAt: number | undefined
  const spawnedAt = performance.now()
  let limit = trainingLimitSeconds(budget)
  let trained: Extract<ChannelMessage, { type: "trained" }> | undefined
  let trainedAt = 0
  let childCrash: Extract<ChannelMessage, { type: "crash" }> | undefined
  let lateKill: ReturnType<typeof setTimeout> | undefined
  let startEarly: ReturnType<typeof setTimeout> | undefined
  let late = false
  const trainCommand = trainSandbox.wrap(["--enable-source-maps", "--no-warnings", harness])
  const { command, args } = withWatchdog(trainCommand.command, trainCommand.args)
  const training = startInGroup({
    command,
    args,
    cwd: scratch,
    env: childEnvironment,
    stdin: JSON.stringify(config) + "\n",
    appendLog: true,
    onChannelLine: (line) => {
      const decoded = decodeMessage(line)
      if (decoded._tag === "None") return
      const m = decoded.value
      if (m.type === "ready" && readyAt === undefined) {
        readyAt = performance.now()
        limit = trainingLimitSeconds(budget, (readyAt - spawnedAt) / 1000)
        startEarly = setTimeout(startEvaluations, Math.max(0, budget - EVALUATION_HEAD_START_SECONDS) * 1000)
        lateKill = setTimeout(() => {
          late = true
          log(`[trainer] the training process did not hand back its weights within ${limit.toFixed(1)} s of being ready (budget ${budget} s + start-up allowance + grace): killing it`)
          training.kill()
        }, limit * 1000)
      } else if (m.type === "progress") spec.onProgress?.(m)
      else if (m.type === "trained" && readyAt !== undefined && trained === undefined && !late) {
        trained = m
        trainedAt = performance.now()
        startEvaluations()
      } else if (m.type === "crash" && childCrash === undefined) childCrash = m
    },
    deadlineMs: Math.min(START_LIMIT_SECONDS + trainingLimitSeconds(budget, START_LIMIT_SECONDS), backstop) * 1000,
    logFile: spec.logFile,
    ...(spec.signal ? { signal: spec.signal } : {})
  })
  const trainExit = await training.exit
  clearTimeout(lateKill)
  clearTimeout(startEarly)
  handWeights(late ? undefined : trained?.weights)
  // Whatever happened, no evaluation process outlives this run.
  const outcomes = evaluations ? await evaluations : []
  if (trainExit.aborted) return crash("error", "the run was aborted", tail(trainExit))
  if (late || trainExit.timedOut)
    return crash("timeout", `training passed its limit (ready + ${limit.toFixed(1)} s for a budget of ${budget} s) and was killed`, tail(trainExit))
  if (trained === undefined) {
    if (childCrash) return crash(childCrash.reason, childCrash.message, tail(trainExit))
    const { reason, message } = classifyExit(trainExit, "training process")
    return crash(reason, message, tail(trainExit))
  }
  const trainingSeconds = (trainedAt - readyAt!) / 1000
  log(`[trainer] training: ${trainingSeconds.toFixed(1)} s from ready to weights (limit ${limit.toFixed(1)} s; ready ${((readyAt! - spawnedAt) / 1000).toFixed(1)} s after the start), measured by the parent`)
  for (const outcome of outcomes) if (!outcome.ok) return crash(outcome.reason, outcome.message, tail(outcome.exit))

  let scored
  try {
    scored = scoreEvaluation(plan, answers, env.tokenBytes, env.profile.vocabSize)
  } catch (error) {
    if (error instanceof EvaluationInvalid) {
      log(`[trainer] invalid: ${error.message}`)
      return crash("invalid", error.message, `[trainer] invalid: ${error.message}`)
    }
    throw error
  }
  if (!Number.isFinite(scored.valBpb)) return crash("nan", `FAIL: val_bpb is ${scored.valBpb}`, "")
  const twins = plan.rows.filter((r) => r.kind === "twin").length
  const repeats = plan.rows.filter((r) => r.kind === "repeat").length
  log(
    `[trainer] evaluation: ${((performance.now() - trainedAt) / 1000).toFixed(1)} s after the weights, in 2 fresh processes (${evalSandbox.isolated ? "side by side" : "one after the other"}) ` +
      `(${plan.rows.length - twins - repeats} scored rows, ${twins} twins, ${repeats} repeats, ${answers.revealed.size} distributions checked; val_bpb on ${scored.tokens} tokens)`
  )
  const peakFlops =
    options.peakFlops ??
    (process.env.AUTORESEARCH_PEAK_FLOPS ? Number(process.env.AUTORESEARCH_PEAK_FLOPS) : defaultPeakFlops(trained.memoryKind === "gpu"))
  const seed = spec.seed ?? DEFAULT_SEED
  log(`[trainer] summary: mfu against ${peakFlops.toExponential(4)} FLOP/s; seed ${seed}`)
  const metrics: RunMetrics = {
    valBpb: scored.valBpb,
    trainingSeconds,
    totalSeconds: (performance.now() - started) / 1000,
    peakMemoryMb: trained.peakMemoryMb,
    memoryKind: trained.memoryKind,
    mfuPercent: mfuPercent(trained.flopsPerToken, trained.tokens, trainingSeconds, peakFlops),
    // As the original: every step's tokens (there are no uncounted warm-up steps any more).
    totalTokensM: trained.tokens / 1e6,
    numSteps: trained.steps,
    numParamsM: trained.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0) / 1e6,
    depth: trained.depth,
    backend: trained.backend,
    seed
  }
  log(formatSummary(metrics))
  return { _tag: "Success", metrics }
}

/** The TypeScript canvas trainer (tfjs), as core's Trainer. */
export const TfjsTrainer = {
  layer: (options: TfjsTrainerOptions = {}) =>
    Layer.sync(Trainer, () => {
      const sessions = new Map<string, Session>()
      return { name: "tfjs", run: runTfjs(options, sessions) }
    })
}

/** One run without Effect: for scripts and benchmarks (throws TrainerError when it cannot start). */
export const trainOnce = (spec: TrainSpec, options: TfjsTrainerOptions = {}): Promise<RunReport> =>
  Effect.runPromise(runTfjs(options, new Map())(spec))
