// The acceptance rule, as a pure function: the whole of "is this change worth keeping?".
import type { Decision, RunReport } from "./domain.js"

/** The experiment to beat: the best kept run so far. */
export interface BestSoFar {
  readonly valBpb: number
  /** Non-blank lines of the canvas at the best commit (the simplicity criterion). */
  readonly canvasLines?: number
}

/** What the one-run keep rule looks at: the run's report, the best so far and the threshold. */
export interface DecisionInput {
  readonly report: RunReport
  /** Absent for the baseline: the first successful run is kept by definition. */
  readonly best?: BestSoFar
  /** Non-blank lines of the canvas after this experiment's edits. */
  readonly canvasLines?: number
  /** Smallest gain worth keeping (config `minDelta`). */
  readonly minDelta: number
  /** z × the measured noise std of the baseline; 0 when the noise floor is unknown. */
  readonly noiseThreshold?: number
}

/** The margin a change must beat the best by: the larger of minDelta and the noise floor. */
export const keepThreshold = (minDelta: number, noiseThreshold = 0): number => Math.max(minDelta, noiseThreshold)

/** Sample standard deviation (n − 1); 0 for fewer than two samples. */
export const sampleStd = (samples: ReadonlyArray<number>): number => {
  if (samples.length < 2) return 0
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  const squares = samples.reduce((a, b) => a + (b - mean) ** 2, 0)
  return Math.sqrt(squares / (samples.length - 1))
}

const fmt = (x: number) => x.toFixed(6)

/**
 * keep when val_bpb < best − threshold; a result equal to the best within the threshold
 * with fewer non-blank canvas lines is kept as a simplification; otherwise discard.
 * A crash is `crash`, a run the integrity checks refused is `invalid`.
 */
export const decide = (input: DecisionInput): Decision => {
  const { report, best } = input
  if (report._tag === "Crash") {
    return report.reason === "invalid"
      ? { status: "invalid", reason: `refused by the integrity checks: ${report.message}` }
      : { status: "crash", reason: `${report.reason}: ${report.message}` }
  }
  const value = report.metrics.valBpb
  if (!Number.isFinite(value)) return { status: "crash", reason: `nan: val_bpb is ${value}` }
  if (best === undefined) return { status: "keep", reason: `baseline val_bpb ${fmt(value)}` }
  const threshold = keepThreshold(input.minDelta, input.noiseThreshold)
  if (value < best.valBpb - threshold) {
    return { status: "keep", reason: `improved ${fmt(best.valBpb)} -> ${fmt(value)} (margin ${fmt(threshold)})` }
  }
  const equal = Math.abs(value - best.valBpb) <= threshold
  if (equal && input.canvasLines !== undefined && best.canvasLines !== undefined && input.canvasLines < best.canvasLines) {
    return {
      status: "keep",
      reason: `simplification: val_bpb ${fmt(value)} equals ${fmt(best.valBpb)} within ${fmt(threshold)} with ${best.canvasLines - input.canvasLines} fewer lines`
    }
  }
  return equal
    ? { status: "discard", reason: `no gain: ${fmt(value)} is within ${fmt(threshold)} of ${fmt(best.valBpb)}` }
    : { status: "discard", reason: `worse: ${fmt(value)} vs best ${fmt(best.valBpb)}` }
}

/** Non-blank lines of a text: the simplicity measure of the canvas. */
export const nonBlankLines = (text: string): number => {
  let count = 0
  for (const line of text.split("\n")) if (line.trim() !== "") count++
  return count
}
