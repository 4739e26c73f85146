// TfjsTrainer: core's Trainer for the TypeScript canvas. Each run is a harness child process in
// its own process group; the metric comes only from the harness's nonce-signed result on a
// private channel (fd 3), never from what the canvas printed.
import { randomBytes } from "node:crypto"
import { mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Effect, Layer, Schema } from "effect"
import { type CrashReason, DEFAULT_SEED, type RunReport, Trainer, TrainerError, trainDeadlineSeconds, type TrainSpec } from "@autoresearch/core"
import { changedFiles, describeChanged, type FixedHashes } from "./integrity/fixed-files.js"
import { manifestPath, readFixedFiles, recordFixedFiles } from "./integrity/manifest.js"
import { runInGroup, type GroupExit } from "./process-group.js"
import { ChannelMessage, type HarnessConfig } from "./harness/protocol.js"
import { readWorkspaceProfile } from "./workspace-profile.js"
import { OUT_OF_MEMORY } from "./crash-signs.js"

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
  /** Extra environment for the child. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * How to start the harness: built, plain node (the harness registers tsx itself for the
 * canvas); from this package's sources, node with tsx and the `source` condition.
 */
export const harnessCommand = (): { command: string; args: string[] } => {
  const fromSource = import.meta.url.endsWith(".ts")
  const harness = fileURLToPath(new URL(`./harness/main.${fromSource ? "ts" : "js"}`, import.meta.url))
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
  return { command: process.execPath, args: fromSource ? ["--conditions=source", "--import", tsx, harness] : [harness] }
}

const decodeMessage = Schema.decodeUnknownOption(Schema.parseJson(ChannelMessage))


/** The crash class of a run that sent no trusted result or crash message. */
const classifyExit = (exit: GroupExit): { reason: "timeout" | "oom" | "error"; message: string } => {
  if (exit.timedOut) return { reason: "timeout", message: "the run passed its deadline and was killed" }
  if (exit.aborted) return { reason: "error", message: "the run was aborted" }
  if (OUT_OF_MEMORY.test(exit.tail)) return { reason: "oom", message: "the run ran out of memory" }
  if (exit.signal === "SIGKILL") return { reason: "oom", message: "the run was killed (SIGKILL), most likely by the out-of-memory killer" }
  return {
    reason: "error",
    message: `the harness exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} without a result`
  }
}

const crash = (reason: CrashReason, message: string, logTail: string): RunReport => ({ _tag: "Crash", reason, message, logTail })

const resultFileFor = (logFile: string) => logFile.replace(/\.log$/, "") + ".result.json"

export const runTfjs = (options: TfjsTrainerOptions, recorded: Map<string, FixedHashes>) => (spec: TrainSpec) =>
  Effect.gen(function* () {
    const dir = resolve(spec.dir)
    const workspace = yield* Effect.try({
      try: () => readWorkspaceProfile(dir),
      catch: (error) => new TrainerError({ message: (error as Error).message })
    })
    const profile = options.profile ?? workspace.profile
    const cacheDir = options.cacheDir ?? workspace.cacheDir
    const prepareOptions = {
      ...(profile ? { profile: profile as never } : {}),
      ...(cacheDir ? { cacheDir } : {}),
      ...(workspace.source !== undefined ? { source: workspace.source as never } : {})
    }
    // The hashes this session trusts: recorded once per workspace, before any canvas of this
    // session ran; later runs are compared with them, not with the (editable) files.
    const hashes =
      recorded.get(dir) ??
      (yield* Effect.tryPromise({
        try: async () => readFixedFiles(dir) ?? (await recordFixedFiles(dir, prepareOptions)),
        catch: (error) => new TrainerError({ message: `cannot record the fixed files: ${(error as Error).message}`, cause: error })
      }))
    recorded.set(dir, hashes)

    mkdirSync(dirname(spec.logFile), { recursive: true })
    const before = changedFiles(hashes)
    if (before.length > 0) {
      const message =
        `refused to run: ${describeChanged(before)} ` +
        `(if you changed them on purpose, e.g. prepared again or upgraded the SDK, delete ${manifestPath(dir)})`
      writeFileSync(spec.logFile, message + "\n")
      return crash("invalid", message, message)
    }

    const nonce = randomBytes(24).toString("hex")
    const backend = options.backend ?? process.env.AUTORESEARCH_BACKEND
    const peakFlops = options.peakFlops ?? (process.env.AUTORESEARCH_PEAK_FLOPS ? Number(process.env.AUTORESEARCH_PEAK_FLOPS) : undefined)
    const config: typeof HarnessConfig.Encoded = {
      nonce,
      canvas: join(dir, options.canvas ?? "train.ts"),
      budgetSeconds: spec.budgetSeconds,
      seed: spec.seed ?? DEFAULT_SEED,
      fixedHashes: { ...hashes },
      channelFd: 3,
      ...(profile ? { profile } : {}),
      ...(cacheDir ? { cacheDir } : {}),
      ...(workspace.source !== undefined ? { source: workspace.source } : {}),
      ...(backend ? { backend } : {}),
      ...(peakFlops ? { peakFlops } : {})
    }
    let verdict: ChannelMessage | undefined
    const onChannelLine = (line: string) => {
      const message = decodeMessage(line)
      if (message._tag === "None") return
      const m = message.value
      if (m.type === "progress") spec.onProgress?.(m)
      else if (m.nonce === nonce && verdict === undefined) verdict = m
    }
    const { command, args } = harnessCommand()
    const deadline = trainDeadlineSeconds(spec)
    const exit = yield* Effect.tryPromise({
      try: () =>
        runInGroup({
          command,
          args: [...args, "--stdin-config"],
          cwd: dir,
          env: { ...process.env, ...options.env },
          stdin: JSON.stringify(config),
          onChannelLine,
          deadlineMs: deadline * 1000,
          logFile: spec.logFile,
          ...(spec.signal ? { signal: spec.signal } : {})
        }),
      catch: (error) => new TrainerError({ message: `cannot start the harness: ${(error as Error).message}`, cause: error })
    })

    const after = changedFiles(hashes)
    const report: RunReport =
      after.length > 0
        ? crash("invalid", `the run changed fixed files: ${describeChanged(after)}`, exit.tail)
        : exit.timedOut || exit.aborted || verdict === undefined
          ? (({ reason, message }) => crash(reason, message, exit.tail))(classifyExit(exit))
          : verdict.type === "result"
            ? { _tag: "Success", metrics: verdict.metrics }
            : verdict.type === "crash"
              ? crash(verdict.reason, verdict.message, exit.tail)
              : crash("error", "unexpected message from the harness", exit.tail)
    writeFileSync(resultFileFor(spec.logFile), JSON.stringify(report, null, 2) + "\n")
    return report
  })

/** The TypeScript canvas trainer (tfjs), as core's Trainer. */
export const TfjsTrainer = {
  layer: (options: TfjsTrainerOptions = {}) =>
    Layer.sync(Trainer, () => {
      const recorded = new Map<string, FixedHashes>()
      return { name: "tfjs", run: runTfjs(options, recorded) }
    })
}

/** One run without Effect: for scripts and benchmarks (throws TrainerError when it cannot start). */
export const trainOnce = (spec: TrainSpec, options: TfjsTrainerOptions = {}): Promise<RunReport> =>
  Effect.runPromise(runTfjs(options, new Map())(spec))
