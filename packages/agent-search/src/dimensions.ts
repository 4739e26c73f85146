// The coordinates the search moves along: each number (tuple elements one by one) with a scale
// that keeps it meaningful, and each string or boolean as a set of alternatives.
import type { Parameter, ParamValue } from "./parameters.js"

export type Scale =
  /** A positive real, moved by factors (learning rates, weight decay). */
  | "log"
  /** A positive integer, moved by steps that shrink to ±1 (depth, ratios of sizes). */
  | "int"
  /** A power of two, moved by doubling or halving (batch sizes, dimensions). */
  | "pow2"
  /** A value just below 1, moved by factors of its distance to 1 (betas, momentum). */
  | "complement"
  /** A fraction in [0, 1], moved by additive steps (warm-up and warm-down ratios). */
  | "unit"
  /** A finite set of alternatives (attention window patterns, booleans, configured choices). */
  | "choice"

export interface Dimension {
  /** `NAME`, or `NAME[i]` for a tuple element. */
  readonly id: string
  readonly param: string
  readonly index?: number
  readonly scale: Scale
}

export type Configuration = ReadonlyMap<string, ParamValue>

const SHAPE = /BATCH|SIZE|DIM|TOKENS|LEN|SEQ|CONTEXT|HEADS?\b|WIDTH/
const FRACTION = /RATIO|FRAC|DROPOUT/
const MOMENTUM = /BETA|MOMENTUM/

const isPowerOfTwo = (value: number) => Number.isInteger(value) && value >= 2 && (value & (value - 1)) === 0

const numberScale = (name: string, value: number, form: "int" | "float" | "pow2"): Scale | undefined => {
  if (form === "pow2") return "pow2"
  if (FRACTION.test(name) && value >= 0 && value <= 1) return "unit"
  if (MOMENTUM.test(name) && value >= 0.5 && value < 1) return "complement"
  if (form === "int") return isPowerOfTwo(value) && SHAPE.test(name) ? "pow2" : value >= 0 ? "int" : undefined
  if (value === 0) return "unit"
  return "log"
}

/** The dimensions of the given parameters; `choices` names extra parameters given as alternatives. */
export const dimensionsOf = (parameters: ReadonlyArray<Parameter>, choices: ReadonlySet<string>): ReadonlyArray<Dimension> =>
  parameters.flatMap((parameter): Array<Dimension> => {
    const { name, value } = parameter
    if (choices.has(name) || value.type === "boolean") return [{ id: name, param: name, scale: "choice" }]
    switch (value.type) {
      case "number": {
        const scale = numberScale(name, value.value, value.form)
        return scale === undefined ? [] : [{ id: name, param: name, scale }]
      }
      case "string":
        return /^[SL]+$/i.test(value.value) ? [{ id: name, param: name, scale: "choice" }] : []
      case "tuple":
        return value.values.flatMap((element, index) => {
          const scale = MOMENTUM.test(name) && element > 0 && element < 1 ? "complement" : numberScale(name, element, Number.isInteger(element) ? "int" : "float")
          return scale === undefined ? [] : [{ id: `${name}[${index}]`, param: name, index, scale }]
        })
    }
  })

/** The number a numeric dimension has in a configuration. */
export const numberAt = (config: Configuration, dimension: Dimension): number => {
  const value = config.get(dimension.param)!
  if (value.type === "number") return value.value
  if (value.type === "tuple") return value.values[dimension.index!]!
  return Number.NaN
}

/** The parameter value with a numeric dimension set to `next`. */
export const withNumber = (config: Configuration, dimension: Dimension, next: number): ParamValue => {
  const value = config.get(dimension.param)!
  if (value.type === "tuple") return { type: "tuple", values: value.values.map((v, i) => (i === dimension.index ? next : v)) }
  const form = value.type === "number" ? value.form : "float"
  // A fraction written as an integer (`= 0`) becomes a decimal once it moves.
  return { type: "number", value: next, form: dimension.scale === "unit" && form === "int" ? "float" : form }
}

const round3 = (value: number) => Number(value.toPrecision(3))

/** Step sizes halve per level (pow2 only ever doubles or halves). */
export const move = (scale: Scale, current: number, direction: 1 | -1, level: number): number | undefined => {
  const shrink = 2 ** level
  let next: number
  switch (scale) {
    case "log":
      if (current === 0) return undefined
      next = round3(current * 2 ** (direction / shrink))
      break
    case "int": {
      const step = Math.max(1, Math.round((Math.abs(current) * 0.5) / shrink))
      next = current + direction * step
      if (next < Math.min(1, current)) return undefined
      break
    }
    case "pow2":
      next = direction > 0 ? current * 2 : current / 2
      if (next < 1) return undefined
      break
    case "complement":
      next = round3(1 - (1 - current) * 2 ** (-direction / shrink))
      if (next <= 0 || next >= 1) return undefined
      break
    case "unit":
      next = Math.round((current + (direction * 0.25) / shrink) * 1e4) / 1e4
      if (next < 0 || next > 1) return undefined
      break
    case "choice":
      return undefined
  }
  return next === current ? undefined : next
}

/** Nearby attention-window patterns over S/L: shorter first, then one flip, then one longer. */
const windowNeighbours = (pattern: string): Array<string> => {
  const out: Array<string> = []
  for (let i = 0; i < pattern.length; i++) if (pattern.length > 1) out.push(pattern.slice(0, i) + pattern.slice(i + 1))
  for (let i = 0; i < pattern.length; i++) out.push(pattern.slice(0, i) + (pattern[i] === "S" ? "L" : pattern[i] === "s" ? "l" : pattern[i] === "L" ? "S" : "s") + pattern.slice(i + 1))
  if (pattern.length < 8) out.push(`S${pattern}`, `L${pattern}`)
  return [...new Set(out)].filter((candidate) => candidate !== pattern)
}

/** The alternatives of a choice dimension, from its current value. */
export const alternatives = (current: ParamValue, configured: ReadonlyArray<ParamValue> | undefined): ReadonlyArray<ParamValue> => {
  if (configured !== undefined) return configured
  if (current.type === "boolean") return [{ type: "boolean", value: !current.value }]
  if (current.type === "string") return windowNeighbours(current.value).map((value) => ({ ...current, value }))
  return []
}

/** A canonical text of a configuration, for "was this tried?" (two that train the same model share one). */
export const configurationKey = (config: Configuration): string => {
  const width = modelWidth(config)
  return [...config.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) =>
      name === "ASPECT_RATIO" && width !== undefined
        ? `width=${width}`
        : `${name}=${JSON.stringify(value.type === "number" ? value.value : value.type === "tuple" ? value.values : value.value)}`
    )
    .join(";")
}

const positive = (config: Configuration, name: string): number | undefined => {
  const value = config.get(name)
  return value?.type === "number" && value.value > 0 ? value.value : undefined
}

/**
 * The model width of the reference's canvas: DEPTH × ASPECT_RATIO rounded up to a multiple of
 * HEAD_DIM. Two aspect ratios that round to one width train the same model (at DEPTH 1 and
 * HEAD_DIM 32, ASPECT_RATIO 16 and 32 are both 32 wide), so they are one configuration: the
 * 20-experiment bench spent an experiment and three paired re-runs on such a move.
 */
const modelWidth = (config: Configuration): number | undefined => {
  const depth = positive(config, "DEPTH")
  const aspect = positive(config, "ASPECT_RATIO")
  const head = positive(config, "HEAD_DIM")
  return depth === undefined || aspect === undefined || head === undefined ? undefined : Math.ceil((depth * aspect) / head) * head
}
