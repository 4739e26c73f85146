// The reference's summary block (`---` then `key:   value` lines): printed by the harness for
// people and for tools that read logs, parsed by CommandTrainer for commands we do not control.
import type { RunMetrics } from "@autoresearch/core"

const line = (key: string, value: string) => `${`${key}:`.padEnd(18)}${value}`

/** The reference block (same keys, order and decimals) plus `backend:`, `memory_kind:` and `seed:`. */
export const formatSummary = (m: RunMetrics): string =>
  [
    "---",
    line("val_bpb", m.valBpb.toFixed(6)),
    line("training_seconds", m.trainingSeconds.toFixed(1)),
    line("total_seconds", m.totalSeconds.toFixed(1)),
    line("peak_vram_mb", m.peakMemoryMb.toFixed(1)),
    line("mfu_percent", m.mfuPercent.toFixed(2)),
    line("total_tokens_M", m.totalTokensM.toFixed(1)),
    line("num_steps", String(m.numSteps)),
    line("num_params_M", m.numParamsM.toFixed(1)),
    line("depth", String(m.depth)),
    ...(m.backend ? [line("backend", m.backend)] : []),
    line("memory_kind", m.memoryKind),
    ...(m.seed !== undefined ? [line("seed", String(m.seed))] : [])
  ].join("\n")

const keys: Record<string, keyof RunMetrics> = {
  val_bpb: "valBpb",
  training_seconds: "trainingSeconds",
  total_seconds: "totalSeconds",
  peak_vram_mb: "peakMemoryMb",
  mfu_percent: "mfuPercent",
  total_tokens_M: "totalTokensM",
  num_steps: "numSteps",
  num_params_M: "numParamsM",
  depth: "depth",
  seed: "seed"
}

/**
 * Reads the LAST summary block of a log. Undefined when there is none or it lacks val_bpb,
 * training_seconds or total_seconds (a run that did not finish).
 */
export const parseSummary = (log: string): RunMetrics | undefined => {
  const lines = log.split(/\r?\n/)
  const start = lines.findLastIndex((l) => l.trim() === "---")
  if (start < 0) return undefined
  const fields: Record<string, string> = {}
  for (const l of lines.slice(start + 1)) {
    const match = /^\s*([A-Za-z_]+):\s*(\S.*?)\s*$/.exec(l) // `val_bpb: 2.0` and `val_bpb:2.0` alike
    if (match) fields[match[1]!] = match[2]!
  }
  const numbers: Partial<Record<keyof RunMetrics, number>> = {}
  for (const [key, name] of Object.entries(keys)) {
    const value = Number(fields[key])
    if (fields[key] !== undefined && Number.isFinite(value)) (numbers as Record<string, number>)[name] = value
  }
  if (numbers.valBpb === undefined || numbers.trainingSeconds === undefined || numbers.totalSeconds === undefined) return undefined
  const kind = fields.memory_kind
  return {
    valBpb: numbers.valBpb,
    trainingSeconds: numbers.trainingSeconds,
    totalSeconds: numbers.totalSeconds,
    peakMemoryMb: numbers.peakMemoryMb ?? 0,
    memoryKind: kind === "gpu" || kind === "rss" ? kind : numbers.peakMemoryMb !== undefined ? "gpu" : "unknown",
    mfuPercent: numbers.mfuPercent ?? 0,
    totalTokensM: numbers.totalTokensM ?? 0,
    numSteps: numbers.numSteps ?? 0,
    numParamsM: numbers.numParamsM ?? 0,
    depth: numbers.depth ?? 0,
    ...(fields.backend ? { backend: fields.backend } : {}),
    ...(numbers.seed !== undefined ? { seed: numbers.seed } : {})
  }
}
