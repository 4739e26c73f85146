// Parameters that only make sense moved together: a larger total batch wants a larger learning
// rate (square-root scaling), a deeper model a proportionally wider one (the aspect ratio kept),
// and a smaller total batch a smaller micro-batch (a step must hold whole micro-batches of
// DEVICE_BATCH_SIZE × sequence length tokens, and the sequence length is not on the canvas).
// A move of the first brings the others along in the same experiment.
import type { Configuration } from "./dimensions.js"
import type { ParamValue } from "./parameters.js"

const TOTAL_BATCH = /^(TOTAL_BATCH_SIZE|BATCH_SIZE|GLOBAL_BATCH_SIZE)$/
const LEARNING_RATE = /(^|_)LR$|LEARNING_RATE/
const MICRO_BATCH = /^(DEVICE_BATCH_SIZE|MICRO_BATCH_SIZE|BATCH_SIZE_PER_DEVICE)$/
const DEPTH = /^(DEPTH|N_LAYERS?|NUM_LAYERS)$/
const WIDTH = /^(MODEL_DIM|N_EMBD|D_MODEL|WIDTH|HIDDEN_SIZE|EMBED_DIM)$/

const round3 = (value: number) => Number(value.toPrecision(3))

const scaled = (value: ParamValue, factor: number, multiple: number): ParamValue | undefined => {
  if (value.type !== "number" || value.value <= 0) return undefined
  if (value.form === "pow2") return { ...value, value: 2 ** Math.round(Math.log2(value.value * factor)) }
  if (value.form === "int") return { ...value, value: Math.max(multiple, Math.round((value.value * factor) / multiple) * multiple) }
  return { ...value, value: round3(value.value * factor) }
}

/** The parameters that move along with `param` going from `before` to `after` (none when uncoupled). */
export const coupledChanges = (config: Configuration, param: string, before: ParamValue, after: ParamValue): Map<string, ParamValue> => {
  const out = new Map<string, ParamValue>()
  if (before.type !== "number" || after.type !== "number" || before.value <= 0) return out
  const factor = after.value / before.value
  if (TOTAL_BATCH.test(param)) {
    for (const [name, value] of config) {
      // Shrinking keeps the micro-batches per step (growing only adds accumulation steps).
      const next = LEARNING_RATE.test(name) ? scaled(value, Math.sqrt(factor), 1) : MICRO_BATCH.test(name) && factor < 1 ? scaled(value, factor, 1) : undefined
      if (next !== undefined) out.set(name, next)
    }
  } else if (DEPTH.test(param)) {
    const head = config.get("HEAD_DIM")
    const multiple = head?.type === "number" && Number.isInteger(head.value) && head.value > 0 ? head.value : 1
    for (const [name, value] of config) {
      const next = WIDTH.test(name) ? scaled(value, factor, multiple) : undefined
      if (next !== undefined) out.set(name, next)
    }
  }
  for (const [name, value] of out) if (value.type === "number" && value.value === (config.get(name) as { value: number }).value) out.delete(name)
  return out
}
