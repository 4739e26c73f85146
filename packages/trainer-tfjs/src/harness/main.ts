// The harness's entry point (a child process started by TfjsTrainer, or by hand):
//   node dist/harness/main.js --stdin-config                               (TfjsTrainer, built)
//   node --conditions=source --import tsx src/harness/main.ts --stdin-config  (from sources)
//   node dist/harness/main.js --canvas train.ts [--budget S] [--backend B] [--profile P]
//        [--cache-dir D] [--peak-flops N] [--seed N] [--result out.json]   (by hand)
// Built, tsx is registered only just before the canvas loads: Node loads tf, effect and prepare
// without its hooks, which saves about a second and a half of start-up.
// It exits 0 with the summary block printed, or 1 after printing the crash (FAIL for NaN).
import { writeSync, writeFileSync, readFileSync } from "node:fs"
import { spawn } from "node:child_process"
import { register } from "node:module"
import { dirname, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { Schema } from "effect"
import { register as registerTsx } from "tsx/esm/api"
import { DEFAULT_SEED } from "@autoresearch/core"
import { readWorkspaceProfile } from "../workspace-profile.js"
import { HarnessConfig, type ChannelMessage } from "./protocol.js"
import { classify, runHarness } from "./run.js"

// Resolves the canvas's @autoresearch/* and @tensorflow/* imports from this package, so a
// workspace anywhere on disk (with no node_modules) gets exactly the harness's modules; and
// loads the workspace's TypeScript as ES modules even without a package.json saying so.
const resolveHook = `
let anchor, workspace
export async function initialize(data) { anchor = data.anchor; workspace = data.workspace }
export async function resolve(specifier, context, next) {
  const fromWorkspace = context.parentURL && context.parentURL.startsWith(workspace)
  if (fromWorkspace && /^@(autoresearch|tensorflow)\\//.test(specifier))
    return next(specifier, { ...context, parentURL: anchor })
  const resolved = await next(specifier, context)
  if (resolved.url.startsWith(workspace) && /\\.(ts|mts|tsx)$/.test(resolved.url)) return { ...resolved, format: "module" }
  return resolved
}`

const readConfig = (): HarnessConfig => {
  const { values } = parseArgs({
    options: {
      "stdin-config": { type: "boolean" },
      canvas: { type: "string", default: "train.ts" },
      budget: { type: "string" },
      backend: { type: "string" },
      profile: { type: "string" },
      "cache-dir": { type: "string" },
      "peak-flops": { type: "string" },
      seed: { type: "string" },
      result: { type: "string" }
    }
  })
  if (values["stdin-config"]) return Schema.decodeUnknownSync(HarnessConfig)(JSON.parse(readFileSync(0, "utf8")))
  const canvas = resolve(values.canvas!)
  const recorded = readWorkspaceProfile(dirname(canvas))
  const profile = values.profile ?? recorded.profile
  const cacheDir = values["cache-dir"] ?? recorded.cacheDir
  const backend = values.backend ?? process.env.AUTORESEARCH_BACKEND
  const peakFlops = values["peak-flops"] ?? process.env.AUTORESEARCH_PEAK_FLOPS
  return {
    nonce: "",
    canvas,
    budgetSeconds: Number(values.budget ?? 60),
    seed: integerSeed(values.seed),
    fixedHashes: {},
    ...(profile ? { profile } : {}),
    ...(cacheDir ? { cacheDir } : {}),
    ...(recorded.source !== undefined ? { source: recorded.source } : {}),
    ...(backend ? { backend } : {}),
    ...(peakFlops ? { peakFlops: Number(peakFlops) } : {})
  }
}

const integerSeed = (text: string | undefined): number => {
  const seed = Number(text ?? DEFAULT_SEED)
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${text}`)
  return seed
}

const startedByTrainer = () => process.argv.includes("--stdin-config")

// A trainer's parent can die without a word (SIGKILL of the loop), and the harness runs in its
// own process group, so nothing would stop it. A watchdog shell in the same group (alive even
// while the canvas blocks the event loop) ends the whole group once the parent is gone, and
// ends itself when the harness exits.
const exitWithParent = () => {
  const watch = `while kill -0 ${process.ppid} 2>/dev/null && kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `kill -0 ${process.pid} 2>/dev/null && kill -KILL -${process.pid}`
  if (process.platform !== "win32") spawn("sh", ["-c", watch], { stdio: "ignore" }).unref()
}

const resultPath = () => {
  const i = process.argv.indexOf("--result")
  return i > 0 ? process.argv[i + 1] : undefined
}

const main = async () => {
  let config: HarnessConfig
  try {
    config = readConfig()
  } catch (error) {
    console.error(`harness: ${(error as Error).message.split("\n")[0]}`)
    process.exit(2)
  }
  if (startedByTrainer()) exitWithParent()
  const send = (message: ChannelMessage) => {
    if (config.channelFd !== undefined) writeSync(config.channelFd, JSON.stringify(message) + "\n")
  }
  if (!import.meta.url.endsWith(".ts")) registerTsx()
  register(`data:text/javascript,${encodeURIComponent(resolveHook)}`, {
    data: { anchor: import.meta.url, workspace: pathToFileURL(dirname(config.canvas)).href + "/" }
  })
  try {
    const metrics = await runHarness(config, {
      log: (line) => console.log(line),
      progress: (p) => send({ type: "progress", ...p })
    })
    send({ type: "result", nonce: config.nonce, metrics })
    const out = resultPath()
    if (out) writeFileSync(out, JSON.stringify({ status: "success", metrics }, null, 2))
    process.exit(0)
  } catch (error) {
    const crash = classify(error)
    console.error(crash.reason === "nan" ? crash.message : `crash (${crash.reason}): ${crash.message}`)
    if (crash.reason === "error" && error instanceof Error && error.stack) console.error(error.stack)
    send({ type: "crash", nonce: config.nonce, reason: crash.reason, message: crash.message })
    const out = resultPath()
    if (out) writeFileSync(out, JSON.stringify({ status: "crash", reason: crash.reason, message: crash.message }, null, 2))
    process.exit(1)
  }
}

await main()
