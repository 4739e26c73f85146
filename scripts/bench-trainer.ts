// pnpm bench:trainer [--json] [--budget 60] [--steps 5] [--peer [--peer-threads N]] [--rounds 2] [--baseline canvas.ts]
// The template canvas's speed and quality on this machine:
//   1. val_bpb after a fixed budget (default 60 s) through TfjsTrainer (a real harness run),
//      with its overhead (total - training seconds: start-up, data, warm-up steps, evaluation);
//   2. the unigram val_bpb (train-split token frequencies) as the floor to beat;
//   3. tokens/s and time per step of the canvas's training step at the `cpu` profile (real
//      batches) and at the probe config of PERFORMANCE-NOTES.md (synthetic tokens).
// With --json the last line is one JSON object. `measureProbe` is exported for comparisons.
// --peer also trains the PyTorch probe (scripts/peer_probe.py) when torch is importable and
// prints its tokens/s and our probe's ratio to it ("peerTokensPerSec", "ratio" in --json); the
// two alternate for --rounds rounds (default 2), best round each, so both see the same load,
// and the load average is printed with them (the machine may be shared). Both also report CPU
// seconds a step (all threads): "cpuRatio" (PyTorch's CPU seconds a token over ours) compares
// the work each needs, which the load changes far less than the wall-clock "ratio"; "cores" is
// how many cores this process may run on. PyTorch gets as many threads as our kernels use
// (the addon's pool; 1 on stock tfjs), not its own default (1 on some machines), so that the two
// use the same cores; --peer-threads N overrides it. Both counts are printed ("threads").
// --baseline measures a second canvas file (e.g. an older template, placed inside
// packages/trainer-tfjs so that its imports resolve) at the probe sizes in the same rounds:
// before/after figures from one run ("baseline" in --json).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { loadPrepared, prepare, type PreparedEnvironment } from "../packages/prepare/src/index.js"
import { runPeerProbe } from "../packages/fast-kernels/bench/peer.js"
import { loadNativeKernels } from "../packages/fast-kernels/src/index.js"
import { tf } from "../packages/trainer-tfjs/src/canvas.js"
import {
  canvasTemplatePath,
  installFastKernelsIfPresent,
  parseBackendChoice,
  selectBackend,
  trainOnce,
  unigramBpb
} from "../packages/trainer-tfjs/src/index.js"
import * as template from "../packages/trainer-tfjs/templates/train.js"
import { modelConfig, type GPTConfig, type MicroBatch } from "../packages/trainer-tfjs/templates/train.js"

/** What the step measurements need of a canvas module. */
export type CanvasSteps = Pick<typeof template, "createGPT" | "createOptimizer" | "trainingStep">

export interface StepThroughput {
  readonly tokensPerSec: number
  readonly secondsPerStep: number
  /** CPU seconds a step, all threads of this process. */
  readonly cpuSecondsPerStep: number
  readonly params: number
}

/** Times `steps` optimizer steps of the canvas (after 2 untimed ones) on the given batches. */
export const measureSteps = async (
  config: GPTConfig,
  rows: number,
  batches: () => MicroBatch,
  steps: number,
  canvas: CanvasSteps = template
): Promise<StepThroughput> => {
  const model = canvas.createGPT(config)
  const opt = canvas.createOptimizer(model)
  const step = async () => {
    const loss = canvas.trainingStep(model, opt, [batches()], rows, config.seqLen, 0)
    await loss.data()
    loss.dispose()
  }
  await step()
  await step()
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  for (let i = 0; i < steps; i++) await step()
  const secondsPerStep = (performance.now() - started) / 1000 / steps
  const cpu = process.cpuUsage(cpuStarted)
  const cpuSecondsPerStep = (cpu.user + cpu.system) / 1e6 / steps
  const params = [...Object.values(tf.engine().registeredVariables)].filter((v) => v.trainable).reduce((n, v) => n + v.size, 0)
  tf.disposeVariables()
  return { tokensPerSec: (rows * config.seqLen) / secondsPerStep, secondsPerStep, cpuSecondsPerStep, params }
}

/**
 * The probe of PERFORMANCE-NOTES.md with the canvas's model and optimizer: vocab 8192, seq 256,
 * batch 8, width 256, 4 layers, 4 heads, full causal attention. (The canvas adds value
 * embeddings and uses Muon, so it has more parameters than the probe's 7.41 M.)
 */
export const probeConfig: GPTConfig = { vocabSize: 8192, seqLen: 256, depth: 4, dim: 256, nHead: 4, headDim: 64, windows: [256, 256, 256, 256] }

export const measureProbe = (steps = 3, canvas: CanvasSteps = template): Promise<StepThroughput> => {
  let seed = 1
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0), seed / 2 ** 32)
  const tokens = () => Int32Array.from({ length: 8 * 256 }, () => Math.floor(random() * probeConfig.vocabSize))
  return measureSteps(probeConfig, 8, () => ({ inputs: tokens(), targets: tokens() }), steps, canvas)
}

/** The template's defaults at the profile (DEVICE_BATCH_SIZE 8 rows of maxSeqLen). */
export const measureProfile = (env: PreparedEnvironment, steps = 5): Promise<StepThroughput> => {
  const loader = env.trainLoader(8, env.profile.maxSeqLen)
  return measureSteps(modelConfig(env.profile.vocabSize, env.profile.maxSeqLen), 8, () => loader.next(), steps)
}

/** One real harness run of the template for `budgetSeconds`. */
export const budgetRun = async (budgetSeconds: number) => {
  const dir = mkdtempSync(join(tmpdir(), "bench-trainer-"))
  try {
    writeFileSync(join(dir, "train.ts"), readFileSync(canvasTemplatePath, "utf8"))
    const report = await trainOnce({ dir, budgetSeconds, logFile: join(dir, "run.log") })
    if (report._tag !== "Success") throw new Error(`the ${budgetSeconds} s run crashed (${report.reason}): ${report.message}\n${report.logTail}`)
    // Where the overhead goes, from the harness's timing lines.
    const log = readFileSync(join(dir, "run.log"), "utf8")
    const seconds = (pattern: RegExp) => Number(pattern.exec(log)?.[1] ?? Number.NaN)
    const phases = {
      readySeconds: seconds(/^ready: ([\d.]+) s/m),
      warmupDoneSeconds: seconds(/^warm-up: \d+ steps done ([\d.]+) s/m),
      evaluationSeconds: seconds(/^evaluation: ([\d.]+) s/m)
    }
    return { ...report.metrics, phases }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const main = async () => {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean" },
      peer: { type: "boolean" },
      budget: { type: "string", default: "60" },
      steps: { type: "string", default: "5" },
      rounds: { type: "string", default: "2" },
      "peer-threads": { type: "string" },
      baseline: { type: "string" }
    }
  })
  const budgetSeconds = Number(values.budget)
  const steps = Number(values.steps)
  await prepare({ profile: "cpu" })
  const env = await loadPrepared({ profile: "cpu" })

  // The harness run first, alone, so nothing in this process competes with it for the cores.
  const run = await budgetRun(budgetSeconds)
  const unigram = await unigramBpb(env)

  const backend = await selectBackend(parseBackendChoice(process.env.AUTORESEARCH_BACKEND))
  const kernels = backend.name === "wasm" ? await installFastKernelsIfPresent() : "fast kernels: n/a"
  // The threads our kernels use: the addon's pool where the fast kernels are installed.
  const native = loadNativeKernels()
  const ourThreads = kernels.includes("GEMM:") && "addon" in native ? native.addon.gemmInfo().threads : 1
  const peerThreads = values["peer-threads"] === undefined ? ourThreads : Number(values["peer-threads"])
  if (!Number.isInteger(peerThreads) || peerThreads < 1) throw new Error(`--peer-threads must be a whole number >= 1, got ${values["peer-threads"]}`)
  const baselineCanvas = values.baseline === undefined ? undefined : ((await import(pathToFileURL(resolve(values.baseline)).href)) as CanvasSteps)
  const profile = await measureProfile(env, steps)
  // The canvas at the probe sizes (and the baseline canvas) and the PyTorch probe in
  // alternating rounds, best round each.
  const loadBefore = loadavg()
  let probe: StepThroughput | undefined
  let baseline: StepThroughput | undefined
  let peerRun: ReturnType<typeof runPeerProbe> | undefined
  for (let round = 0; round < Math.max(1, Number(values.rounds)); round++) {
    const mine = await measureProbe(Math.max(2, Math.ceil(steps / 2)))
    if (probe === undefined || mine.tokensPerSec > probe.tokensPerSec) probe = mine
    if (baselineCanvas !== undefined) {
      const theirs = await measureProbe(Math.max(2, Math.ceil(steps / 2)), baselineCanvas)
      if (baseline === undefined || theirs.tokensPerSec > baseline.tokensPerSec) baseline = theirs
    }
    if (!values.peer || (peerRun !== undefined && "reason" in peerRun)) continue
    const run = runPeerProbe(join(dirname(fileURLToPath(import.meta.url)), "peer_probe.py"), 5, peerThreads)
    if (peerRun === undefined || "reason" in run || ("peer" in peerRun && run.peer.tokensPerSec > peerRun.peer.tokensPerSec)) peerRun = run
  }
  probe = probe!
  const loadAfter = loadavg()
  const peer = peerRun && "peer" in peerRun ? peerRun.peer : undefined
  const load = `${loadBefore.map((x) => x.toFixed(2)).join(" ")} before, ${loadAfter.map((x) => x.toFixed(2)).join(" ")} after (1/5/15 min)`

  const cpuRatio = peer?.cpuSecondsPerStep === undefined ? undefined : peer.cpuSecondsPerStep / probe.cpuSecondsPerStep
  const overhead = run.totalSeconds - run.trainingSeconds
  const rows: Array<[string, string]> = [
    ["backend (in-process steps)", `${backend.name} (${kernels})`],
    ["backend (harness run)", run.backend ?? "?"],
    ["load average (probe rounds)", load],
    [`cpu profile: tokens/s`, `${profile.tokensPerSec.toFixed(0)} (${(profile.secondsPerStep * 1000).toFixed(0)} ms/step, ${(profile.params / 1e6).toFixed(2)} M params)`],
    ["cores this process may use", String(availableParallelism())],
    ["threads", `ours ${ourThreads}${peer === undefined ? "" : `, PyTorch ${peer.threads}`}`],
    [`probe config: tokens/s`, `${probe.tokensPerSec.toFixed(0)} (${(probe.secondsPerStep * 1000).toFixed(0)} ms/step, ${(probe.cpuSecondsPerStep * 1000).toFixed(0)} ms CPU/step, ${(probe.params / 1e6).toFixed(2)} M params)`],
    ...(peerRun === undefined
      ? []
      : peer === undefined
        ? [["PyTorch peer", `unavailable: ${"reason" in peerRun ? peerRun.reason : ""}`] as [string, string]]
        : [
            ["PyTorch probe: tokens/s", `${peer.tokensPerSec.toFixed(0)} (${(peer.stepSeconds * 1000).toFixed(0)} ms/step, ${cpuRatio === undefined ? "" : `${(peer.cpuSecondsPerStep! * 1000).toFixed(0)} ms CPU/step, `}${(peer.parameters / 1e6).toFixed(2)} M params, ${peer.engine}, ${peer.threads} thread(s))`] as [string, string],
            ["ours / PyTorch (probe), tokens/s", (probe.tokensPerSec / peer.tokensPerSec).toFixed(2)] as [string, string],
            ...(cpuRatio === undefined ? [] : [["ours / PyTorch, tokens per CPU second", cpuRatio.toFixed(2)] as [string, string]])
          ]),
    ...(baseline === undefined
      ? []
      : [
          [
            `baseline ${values.baseline}: tokens/s`,
            `${baseline.tokensPerSec.toFixed(0)} (${(baseline.secondsPerStep * 1000).toFixed(0)} ms/step, ${(baseline.cpuSecondsPerStep * 1000).toFixed(0)} ms CPU/step)`
          ] as [string, string],
          [
            "this canvas / baseline, tokens/s (per CPU second)",
            `${(probe.tokensPerSec / baseline.tokensPerSec).toFixed(2)} (${(baseline.cpuSecondsPerStep / probe.cpuSecondsPerStep).toFixed(2)})`
          ] as [string, string],
          ...(peer === undefined
            ? []
            : [
                [
                  "baseline / PyTorch, tokens/s (per CPU second)",
                  `${(baseline.tokensPerSec / peer.tokensPerSec).toFixed(2)}${peer.cpuSecondsPerStep === undefined ? "" : ` (${(peer.cpuSecondsPerStep / baseline.cpuSecondsPerStep).toFixed(2)})`}`
                ] as [string, string]
              ])
        ]),
    [`val_bpb after ${budgetSeconds} s`, run.valBpb.toFixed(6)],
    ["unigram val_bpb", unigram.toFixed(6)],
    ["steps / tokens", `${run.numSteps} / ${(run.totalTokensM * 1e6).toFixed(0)}`],
    ["training / total seconds", `${run.trainingSeconds.toFixed(1)} / ${run.totalSeconds.toFixed(1)}`],
    ["overhead", `${overhead.toFixed(1)} s (${((100 * overhead) / budgetSeconds).toFixed(1)} % of the budget; target <= 10 %)`],
    // The harness's older logs timed its phases; the sealed harness (no warm-up steps) does not.
    ...(Number.isNaN(run.phases.readySeconds)
      ? []
      : [
          [
            "  of which",
            `start-up ${run.phases.readySeconds.toFixed(1)} s, 10 warm-up steps ${(run.phases.warmupDoneSeconds - run.phases.readySeconds).toFixed(1)} s, ` +
              `evaluation ${run.phases.evaluationSeconds.toFixed(1)} s`
          ] as [string, string]
        ]),
    ["peak memory", `${run.peakMemoryMb.toFixed(0)} MB (${run.memoryKind})`]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`)
  if (values.json)
    console.log(
      JSON.stringify({
        backend: run.backend ?? backend.name,
        profileTokensPerSec: profile.tokensPerSec,
        probeTokensPerSec: probe.tokensPerSec,
        valBpb60s: run.valBpb,
        unigramBpb: unigram,
        overheadSeconds: overhead,
        budgetSeconds,
        kernels,
        load: { before: loadBefore, after: loadAfter },
        cores: availableParallelism(),
        threads: { ours: ourThreads, ...(peer === undefined ? {} : { peer: peer.threads }) },
        probeCpuSecondsPerStep: probe.cpuSecondsPerStep,
        ...(peer === undefined ? {} : { peerTokensPerSec: peer.tokensPerSec, ratio: probe.tokensPerSec / peer.tokensPerSec }),
        ...(cpuRatio === undefined ? {} : { peerCpuSecondsPerStep: peer!.cpuSecondsPerStep, cpuRatio }),
        ...(baseline === undefined
          ? {}
          : {
              baseline: {
                canvas: values.baseline,
                tokensPerSec: baseline.tokensPerSec,
                cpuSecondsPerStep: baseline.cpuSecondsPerStep,
                ...(peer === undefined ? {} : { ratio: baseline.tokensPerSec / peer.tokensPerSec }),
                ...(peer?.cpuSecondsPerStep === undefined ? {} : { cpuRatio: peer.cpuSecondsPerStep / baseline.cpuSecondsPerStep })
              }
            })
      })
    )
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
