// Drives one evaluation process through its share of the plan: config, then (once training is
// done) the weights, then per batch the rows, the target log-probs back, and the revealed
// distributions. The process is killed at
// its deadline, on abort, and when it is done; it never outlives this call.
import { Schema } from "effect"
import type { CrashReason } from "@autoresearch/core"
import { startInGroup, type GroupExit } from "../process-group.js"
import { ChannelMessage, float32FromBase64, toBase64, type WireTensor } from "../harness/protocol.js"
import type { EvalAnswers } from "./score.js"
import type { EvalPlan } from "./plan.js"

const decodeMessage = Schema.decodeUnknownOption(Schema.parseJson(ChannelMessage))

export interface EvalProcessSpec {
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly config: object
  /** The trained weights once training handed them back; undefined when it did not (the process is then ended). */
  readonly weights: Promise<ReadonlyArray<WireTensor> | undefined>
  readonly logFile: string
  readonly deadlineMs: number
  readonly signal?: AbortSignal
  readonly vocabSize: number
}

export type EvalOutcome =
  | { readonly ok: true; readonly exit: GroupExit; readonly readySeconds: number; readonly batchSeconds: number }
  | { readonly ok: false; readonly reason: CrashReason; readonly message: string; readonly exit: GroupExit }

export const driveEvaluation = async (spec: EvalProcessSpec, plan: EvalPlan, p: 0 | 1, answers: EvalAnswers): Promise<EvalOutcome> => {
  const queue: ChannelMessage[] = []
  let wake: (() => void) | undefined
  let gone = false
  const proc = startInGroup({
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    stdin: JSON.stringify(spec.config) + "\n",
    keepStdinOpen: true,
    appendLog: true,
    onChannelLine: (line) => {
      const m = decodeMessage(line)
      queue.push(m._tag === "Some" ? m.value : { type: "crash", reason: "error", message: "the evaluation process sent an unreadable message" })
      wake?.()
    },
    deadlineMs: spec.deadlineMs,
    logFile: spec.logFile,
    ...(spec.signal ? { signal: spec.signal } : {})
  })
  void proc.exit.then(() => {
    gone = true
    wake?.()
  })
  const next = async (): Promise<ChannelMessage | undefined> => {
    while (queue.length === 0 && !gone) await new Promise<void>((r) => (wake = r))
    return queue.shift()
  }
  const stop = async (reason: CrashReason, message: string): Promise<EvalOutcome> => {
    proc.kill()
    const exit = await proc.exit
    if (exit.timedOut) return { ok: false, reason: "timeout", message: "the evaluation passed its deadline and was killed", exit }
    return { ok: false, reason, message, exit }
  }
  const expect = async <K extends ChannelMessage["type"]>(type: K): Promise<Extract<ChannelMessage, { type: K }> | EvalOutcome> => {
    const m = await next()
    if (m?.type === type) return m as Extract<ChannelMessage, { type: K }>
    if (m?.type === "crash") return stop(m.reason, `evaluation: ${m.message}`)
    if (m === undefined) return stop("error", "the evaluation process exited before it answered")
    return stop("invalid", `the evaluation process sent "${m.type}" where "${type}" was due`)
  }
  const isOutcome = (x: object): x is EvalOutcome => "exit" in x

  // Started while training finishes: node, tf and the kernels load meanwhile; the weights follow.
  const weights = await spec.weights
  if (weights === undefined) return stop("error", "training handed back no weights")
  const started = performance.now()
  proc.send(JSON.stringify({ type: "weights", weights }) + "\n")
  const ready = await expect("ready")
  if (isOutcome(ready)) return ready
  const readyAt = performance.now()
  const T = plan.seqLen
  const width = T + 1
  const V = spec.vocabSize
  const batches = plan.batches[p]
  const sendBatch = (ids: ReadonlyArray<number>) => {
    const rows = new Int32Array(ids.length * width)
    ids.forEach((id, b) => rows.set(plan.rows[id]!.tokens, b * width))
    proc.send(JSON.stringify({ type: "batch", rows: toBase64(rows), batch: ids.length, seqLen: T }) + "\n")
  }
  // The reveal of batch k goes out with batch k + 1, so the process never waits for the parent;
  // the reveal still reaches it only after it committed batch k's log-probabilities.
  if (batches.length > 0) sendBatch(batches[0]!)
  for (const [k, ids] of batches.entries()) {
    const logprobs = await expect("logprobs")
    if (isOutcome(logprobs)) return logprobs
    const lp = float32FromBase64(logprobs.data)
    if (lp.length !== ids.length * T) return stop("invalid", `the evaluation process returned ${lp.length} log-probabilities for ${ids.length} x ${T}`)
    ids.forEach((id, b) => answers.logp.set(id, lp.slice(b * T, (b + 1) * T)))
    const positions = plan.reveals[p][k]!
    proc.send(JSON.stringify({ type: "reveal", positions }) + "\n")
    if (k + 1 < batches.length) sendBatch(batches[k + 1]!)
    const dists = await expect("distributions")
    if (isOutcome(dists)) return dists
    const all = float32FromBase64(dists.data)
    if (all.length !== positions.length * V) return stop("invalid", `the evaluation process returned ${all.length} values for ${positions.length} distributions`)
    positions.forEach((pos, i) => answers.revealed.set(`${ids[Math.floor(pos / T)]!}:${pos % T}`, all.slice(i * V, (i + 1) * V)))
  }
  proc.kill()
  const exit = await proc.exit
  if (exit.timedOut) return { ok: false, reason: "timeout", message: "the evaluation passed its deadline and was killed", exit }
  if (exit.aborted) return { ok: false, reason: "error", message: "the run was aborted", exit }
  return { ok: true, exit, readySeconds: (readyAt - started) / 1000, batchSeconds: (performance.now() - readyAt) / 1000 }
}
