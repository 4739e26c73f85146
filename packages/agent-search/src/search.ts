// The search itself: a seeded coordinate search over the canvas's hyper-parameters, rebuilt
// from the history on every call (so it needs no state of its own and resumes exactly):
//   - the history's descriptions (`NAME old → new`) say which configuration each experiment ran;
//   - a kept move is followed by another step the same way (momentum);
//   - a failed move is followed by the opposite direction of the same parameter;
//   - when both directions fail, that parameter's step halves (down to a floor);
//   - a keep re-opens the directions of every other parameter (the landscape moved);
//   - otherwise the least-tried parameter goes next, ties broken by the seeded generator;
//   - a configuration that was already run, or that breaks a divisibility rule, is never proposed.
import type { ExperimentRecord } from "@autoresearch/core"
import { inferDivisibility, satisfies, type Divisibility } from "./constraints.js"
import {
  alternatives,
  type Configuration,
  configurationKey,
  type Dimension,
  dimensionsOf,
  move,
  numberAt,
  withNumber
} from "./dimensions.js"
import { formatValue, type Parameter, type ParamValue, parseParameters, parseValue, withValue } from "./parameters.js"
import { makeRandom } from "./prng.js"

export interface SearchOptions {
  readonly seed: number
  /** Only these parameters are searched (default: every parameter of the block). */
  readonly include?: ReadonlyArray<string>
  /** These parameters are never changed. */
  readonly exclude?: ReadonlyArray<string>
  /** Alternatives (as source text) for a parameter, e.g. { ACTIVATION: ['"relu2"', '"gelu"'] }. */
  readonly choices?: Readonly<Record<string, ReadonlyArray<string>>>
  /** Divisibility rules beyond the inferred ones. */
  readonly constraints?: ReadonlyArray<Divisibility>
  /** How often a step may halve. Default 4. */
  readonly maxLevel?: number
}

export interface SearchProposal {
  readonly description: string
  readonly old: string
  readonly new: string
}

export type SearchResult = { readonly _tag: "Proposal"; readonly proposal: SearchProposal } | { readonly _tag: "Exhausted"; readonly reason: string }

interface Change {
  readonly name: string
  readonly old: ParamValue
  readonly new: ParamValue
}

/** `NAME old → new`, as this agent writes it; anything else is another agent's idea. */
export const parseChange = (description: string): Change | undefined => {
  const match = /^([A-Z][A-Z0-9_]*) (.+) → (.+)$/.exec(description.trim())
  if (!match) return undefined
  const old = parseValue(match[2]!)
  const next = parseValue(match[3]!)
  return old && next ? { name: match[1]!, old, new: next } : undefined
}

interface DimensionState {
  tries: number
  level: number
  failed: Set<1 | -1>
  momentum?: 1 | -1
}

const directionOf = (dimension: Dimension, change: Change, before: Configuration): 1 | -1 | undefined => {
  if (dimension.scale === "choice") return undefined
  const after = new Map(before).set(change.name, change.new)
  const delta = numberAt(after, dimension) - numberAt(before, dimension)
  return delta > 0 ? 1 : delta < 0 ? -1 : undefined
}

const isKept = (record: ExperimentRecord) => record.status === "keep"

/** The next proposal for `content` given the history, or why there is none. */
export const nextProposal = (
  content: string,
  history: ReadonlyArray<ExperimentRecord>,
  experimentId: number,
  options: SearchOptions
): SearchResult => {
  const include = options.include ? new Set(options.include) : undefined
  const exclude = new Set(options.exclude ?? [])
  const parameters = parseParameters(content)
  const byName = new Map<string, Parameter>(parameters.map((parameter) => [parameter.name, parameter]))
  const choices = new Map<string, ReadonlyArray<ParamValue>>(
    Object.entries(options.choices ?? {}).map(([name, texts]) => [name, texts.flatMap((text) => parseValue(text) ?? [])])
  )
  const dimensions = dimensionsOf(parameters, new Set(choices.keys())).filter(
    (dimension) => (include === undefined || include.has(dimension.param)) && !exclude.has(dimension.param)
  )
  if (dimensions.length === 0) {
    return { _tag: "Exhausted", reason: "no hyper-parameter to search: the canvas has no block of top-level `const NAME = literal` lines (or include/exclude leave none)" }
  }
  const current: Configuration = new Map(parameters.map((parameter) => [parameter.name, parameter.value]))
  const rules = [...inferDivisibility(current), ...(options.constraints ?? [])]
  const changes = history.map((record) => (record.baseline ? undefined : parseChange(record.description)))

  // The baseline's configuration: the current one with every kept change undone, newest first.
  const baseline = new Map(current)
  for (let i = history.length - 1; i >= 0; i--) {
    const change = changes[i]
    if (change && isKept(history[i]!) && baseline.has(change.name)) baseline.set(change.name, change.old)
  }

  // Replay: which configurations ran, and what each dimension has learned.
  const states = new Map<string, DimensionState>(dimensions.map((d) => [d.id, { tries: 0, level: 0, failed: new Set() }]))
  const tried = new Set([configurationKey(baseline)])
  let best: Configuration = baseline
  let last: { dimension: Dimension; direction?: 1 | -1; kept: boolean } | undefined
  history.forEach((record, i) => {
    const change = changes[i]
    if (change === undefined || !best.has(change.name)) return
    const ran = new Map(best).set(change.name, change.new)
    tried.add(configurationKey(ran))
    const dimension = dimensions.find((d) => d.param === change.name && (d.scale === "choice" || directionOf(d, change, best) !== undefined))
    if (dimension === undefined) {
      if (isKept(record)) best = ran
      return
    }
    const state = states.get(dimension.id)!
    const direction = directionOf(dimension, change, best)
    state.tries++
    if (isKept(record)) {
      best = ran
      for (const [id, other] of states) if (id !== dimension.id) other.failed.clear()
      state.failed.clear()
      state.momentum = direction
    } else if (direction !== undefined) {
      if (state.momentum === direction) state.momentum = undefined
      state.failed.add(direction)
      if (state.failed.size === 2) {
        state.level++
        state.failed.clear()
      }
    }
    last = { dimension, ...(direction !== undefined ? { direction } : {}), kept: isKept(record) }
  })

  const random = makeRandom(options.seed, experimentId)
  const maxLevel = options.maxLevel ?? 4
  const fresh = (value: ParamValue, param: string): Configuration | undefined => {
    const config = new Map(current).set(param, value)
    return tried.has(configurationKey(config)) || !satisfies(config, rules) ? undefined : config
  }

  /** The first untried value along one direction of a numeric dimension, shrinking the step if needed. */
  const along = (dimension: Dimension, direction: 1 | -1): ParamValue | undefined => {
    const state = states.get(dimension.id)!
    for (let level = state.level; level <= maxLevel; level++) {
      const next = move(dimension.scale, numberAt(current, dimension), direction, level)
      if (next === undefined) continue
      const value = withNumber(current, dimension, next)
      if (fresh(value, dimension.param)) return value
    }
    return undefined
  }

  const candidates = (dimension: Dimension): Array<ParamValue> => {
    if (dimension.scale === "choice") {
      return alternatives(current.get(dimension.param)!, choices.get(dimension.param)).filter((value) => fresh(value, dimension.param))
    }
    const state = states.get(dimension.id)!
    const first = state.momentum ?? (random() < 0.5 ? 1 : -1)
    return ([first, -first as 1 | -1] as const)
      .filter((direction) => !state.failed.has(direction))
      .flatMap((direction) => along(dimension, direction) ?? [])
  }

  const propose = (dimension: Dimension, value: ParamValue): SearchResult => {
    const parameter = byName.get(dimension.param)!
    const oldText = parameter.line.slice(parameter.valueStart, parameter.valueEnd)
    const newText = formatValue(value, parameter.value)
    return {
      _tag: "Proposal",
      proposal: { description: `${parameter.name} ${oldText} → ${newText}`, old: parameter.line, new: withValue(parameter, newText) }
    }
  }

  // 1. After a keep, another step the same way (a choice: its next alternative).
  // 2. After a first failure, the other direction of the same parameter.
  if (last !== undefined) {
    const state = states.get(last.dimension.id)!
    const value =
      last.kept && last.direction === undefined
        ? candidates(last.dimension)[0]
        : last.kept
          ? along(last.dimension, last.direction!)
          : last.direction !== undefined && state.failed.has(last.direction) && !state.failed.has(-last.direction as 1 | -1)
            ? along(last.dimension, -last.direction as 1 | -1)
            : undefined
    if (value !== undefined) return propose(last.dimension, value)
  }
  // 3. The least-tried dimension with something left to try; ties in seeded order.
  const order = dimensions
    .map((dimension) => ({ dimension, tries: states.get(dimension.id)!.tries, tie: random() }))
    .sort((a, b) => a.tries - b.tries || a.tie - b.tie)
  for (const { dimension } of order) {
    const value = candidates(dimension)[0]
    if (value !== undefined) return propose(dimension, value)
  }
  return {
    _tag: "Exhausted",
    reason: `every nearby configuration of ${dimensions.length} hyper-parameters was tried (steps down to 1/${2 ** maxLevel})`
  }
}
