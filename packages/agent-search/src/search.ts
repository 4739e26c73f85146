// The search itself: a seeded coordinate search over the canvas's hyper-parameters, rebuilt
// from the history on every call (so it needs no state of its own and resumes exactly):
//   - the history's descriptions (`NAME old → new`) say which configuration each experiment ran;
//   - a kept move is followed by another step the same way (momentum);
//   - a failed move is followed by the opposite direction of the same parameter;
//   - when both directions fail, that parameter's step halves (down to a floor);
//   - a keep re-opens the directions of every other parameter (the landscape moved);
//   - otherwise the least-tried parameter goes next, ties by a prior (priors.ts: the model's size
//     first, a smaller model first) and then by the seeded generator;
//   - a configuration that was already run, or that breaks a divisibility rule, is never proposed;
//   - coupled parameters move together (couplings.ts: batch with learning rates, depth with width);
//   - after `plateauAfter` experiments without a keep (default: one per dimension), it widens its steps and, every other
//     experiment, moves two parameters at once (`plateau: A a → b, B c → d`);
//   - a crashed move is backed off halfway towards where it came from (`backOff`).
import type { ExperimentRecord } from "@autoresearch/core"
import { inferDivisibility, satisfies, type Divisibility } from "./constraints.js"
import { coupledChanges } from "./couplings.js"
import {
  alternatives,
  type Configuration,
  configurationKey,
  type Dimension,
  dimensionsOf,
  move,
  type Scale,
  numberAt,
  withNumber
} from "./dimensions.js"
import { formatValue, type Parameter, type ParamValue, parseParameters, parseValue, withValue } from "./parameters.js"
import { preferredDirection, priorityOf } from "./priors.js"
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
  /**
   * Experiments without a keep before the search widens and moves pairs (0: never). Default: the
   * larger of 6 and the number of searched dimensions, so every parameter gets a move first.
   */
  readonly plateauAfter?: number
  /** Move coupled parameters together (batch with learning rates, depth with width). Default true. */
  readonly couple?: boolean
}

export interface SearchProposal {
  readonly description: string
  /** Whole-line edits of the canvas, one per changed parameter. */
  readonly lines: ReadonlyArray<{ readonly old: string; readonly new: string }>
}

export type SearchResult = { readonly _tag: "Proposal"; readonly proposal: SearchProposal } | { readonly _tag: "Exhausted"; readonly reason: string }

interface Change {
  readonly name: string
  readonly old: ParamValue
  readonly new: ParamValue
}

const parseOne = (text: string): Change | undefined => {
  const match = /^([A-Z][A-Z0-9_]*) (.+) → (.+)$/.exec(text.trim())
  if (!match) return undefined
  const old = parseValue(match[2]!)
  const next = parseValue(match[3]!)
  return old && next ? { name: match[1]!, old, new: next } : undefined
}

/**
 * `NAME old → new[, NAME old → new…]`, optionally `plateau: ` first, as this agent writes it
 * (the first change is the move, the others came along with it); anything else is another
 * agent's idea.
 */
export const parseChanges = (description: string): { readonly changes: ReadonlyArray<Change>; readonly plateau: boolean } | undefined => {
  const plateau = description.startsWith("plateau: ")
  const parts = description.slice(plateau ? "plateau: ".length : 0).split(/, (?=[A-Z][A-Z0-9_]* )/)
  const changes = parts.map(parseOne)
  return changes.every((change) => change !== undefined) ? { changes: changes as Array<Change>, plateau } : undefined
}

/** A single-parameter `NAME old → new`. */
export const parseChange = (description: string): Change | undefined => {
  const parsed = parseChanges(description)
  return parsed && !parsed.plateau && parsed.changes.length === 1 ? parsed.changes[0] : undefined
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

/**
 * The next proposal for `content` given the history, or why there is none. `pending` are the
 * descriptions of moves already training (a parallel run): their configurations count as tried.
 */
export const nextProposal = (
  content: string,
  history: ReadonlyArray<ExperimentRecord>,
  experimentId: number,
  options: SearchOptions,
  pending: ReadonlyArray<string> = []
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
  const parsed = history.map((record) => (record.baseline ? undefined : parseChanges(record.description)))
  // A kept move that was repaired (backed off) holds another value than its description says:
  // the truth is the `old` of the next kept move of that parameter, or the current value.
  const keptValue = (index: number, change: Change): ParamValue => {
    if (history[index]!.repairs === 0) return change.new
    for (let j = index + 1; j < history.length; j++) {
      const later = isKept(history[j]!) ? parsed[j]?.changes.find((c) => c.name === change.name) : undefined
      if (later) return later.old
    }
    return current.get(change.name) ?? change.new
  }

  // The baseline's configuration: the current one with every kept change undone, newest first.
  const baseline = new Map(current)
  for (let i = history.length - 1; i >= 0; i--) {
    if (!isKept(history[i]!)) continue
    for (const change of parsed[i]?.changes ?? []) if (baseline.has(change.name)) baseline.set(change.name, change.old)
  }

  // Replay: which configurations ran, and what each dimension has learned.
  const states = new Map<string, DimensionState>(dimensions.map((d) => [d.id, { tries: 0, level: 0, failed: new Set() }]))
  const tried = new Set([configurationKey(baseline), configurationKey(current)])
  let best: Configuration = baseline
  let last: { dimension: Dimension; direction?: 1 | -1; kept: boolean } | undefined
  let sinceKeep = 0
  history.forEach((record, i) => {
    if (record.baseline) return
    sinceKeep = isKept(record) ? 0 : sinceKeep + 1
    const step = parsed[i]
    if (step === undefined || step.changes.some((change) => !best.has(change.name))) return
    const ran = new Map(best)
    for (const change of step.changes) ran.set(change.name, change.new)
    tried.add(configurationKey(ran))
    const kept = isKept(record) ? new Map(best) : undefined
    if (kept) for (const change of step.changes) kept.set(change.name, keptValue(i, change))
    // A pair move teaches nothing about either direction on its own.
    const change = step.changes[0]!
    const dimension = step.plateau
      ? undefined
      : dimensions.find((d) => d.param === change.name && (d.scale === "choice" || directionOf(d, change, best) !== undefined))
    if (dimension === undefined) {
      if (kept) best = kept
      return
    }
    const state = states.get(dimension.id)!
    const direction = directionOf(dimension, change, best)
    state.tries++
    if (kept) {
      best = kept
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
    last = { dimension, ...(direction !== undefined ? { direction } : {}), kept: kept !== undefined }
  })
  // Moves already training count as tried, and as a try of their parameter: the next idea of a
  // parallel run goes to another parameter rather than to a smaller step of the same one.
  for (const description of pending) {
    const changes = parseChanges(description)?.changes
    if (changes !== undefined && changes.every((change) => current.has(change.name))) {
      tried.add(configurationKey(new Map([...current, ...changes.map((change) => [change.name, change.new] as const)])))
      const dimension = dimensions.find((d) => d.param === changes[0]!.name)
      if (dimension !== undefined) states.get(dimension.id)!.tries++
    }
  }
  // Pairs before every single move had its turn spend the night on the wrong moves: in a
  // 20-experiment bench (pairs from the 7th discard), DEPTH and TOTAL_BATCH_SIZE never moved alone.
  const plateauAfter = options.plateauAfter ?? Math.max(6, dimensions.length)
  const onPlateau = plateauAfter > 0 && sinceKeep >= plateauAfter

  const random = makeRandom(options.seed, experimentId)
  const maxLevel = options.maxLevel ?? 4
  const isFresh = (config: Configuration) => !tried.has(configurationKey(config)) && satisfies(config, rules)
  /** The parameters a move changes: the move itself, and what is coupled to it. */
  const withCouplings = (param: string, value: ParamValue): Map<string, ParamValue> => {
    const changes = new Map([[param, value]])
    if (options.couple === false) return changes
    for (const [name, next] of coupledChanges(current, param, current.get(param)!, value)) {
      if (!exclude.has(name)) changes.set(name, next)
    }
    // A coupled configuration that was tried or breaks a rule falls back to the move alone.
    return isFresh(new Map([...current, ...changes])) ? changes : new Map([[param, value]])
  }
  const fresh = (value: ParamValue, param: string): boolean => isFresh(new Map([...current, ...withCouplings(param, value)]))

  /** The first untried value along one direction of a numeric dimension, shrinking the step if needed. */
  const along = (dimension: Dimension, direction: 1 | -1): ParamValue | undefined => {
    const state = states.get(dimension.id)!
    // On a plateau the step widens: one level coarser than learned (−1 doubles the first step).
    for (let level = onPlateau ? Math.min(state.level, 0) - 1 : state.level; level <= maxLevel; level++) {
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
    const first = state.momentum ?? (state.tries === 0 ? preferredDirection(dimension.param) : undefined) ?? (random() < 0.5 ? 1 : -1)
    return ([first, -first as 1 | -1] as const)
      .filter((direction) => !state.failed.has(direction))
      .flatMap((direction) => along(dimension, direction) ?? [])
  }

  const describe = (changes: ReadonlyMap<string, ParamValue>, prefix = ""): SearchResult => {
    const parts: Array<string> = []
    const lines: Array<{ old: string; new: string }> = []
    for (const [name, value] of changes) {
      const parameter = byName.get(name)!
      const newText = formatValue(value, parameter.value)
      parts.push(`${name} ${parameter.line.slice(parameter.valueStart, parameter.valueEnd)} → ${newText}`)
      lines.push({ old: parameter.line, new: withValue(parameter, newText) })
    }
    return { _tag: "Proposal", proposal: { description: prefix + parts.join(", "), lines } }
  }
  const propose = (dimension: Dimension, value: ParamValue): SearchResult => describe(withCouplings(dimension.param, value))

  // 0. On a plateau, every other experiment moves two parameters at once, a full step each.
  if (onPlateau && (sinceKeep - plateauAfter) % 2 === 0) {
    const numeric = dimensions.filter((d) => d.scale !== "choice" && d.index === undefined)
    const shuffled = numeric.map((d) => ({ d, tie: random() })).sort((a, b) => a.tie - b.tie).map(({ d }) => d)
    for (let i = 0; i < shuffled.length; i++) {
      for (let j = i + 1; j < shuffled.length; j++) {
        const [a, b] = [shuffled[i]!, shuffled[j]!]
        for (const [da, db] of [[1, 1], [-1, -1], [1, -1], [-1, 1]] as const) {
          const va = move(a.scale, numberAt(current, a), states.get(a.id)!.momentum ?? da, 0)
          const vb = move(b.scale, numberAt(current, b), states.get(b.id)!.momentum ?? db, 0)
          if (va === undefined || vb === undefined) continue
          const changes = new Map([[a.param, withNumber(current, a, va)], [b.param, withNumber(current, b, vb)]])
          if (isFresh(new Map([...current, ...changes]))) return describe(changes, "plateau: ")
        }
      }
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
  // 3. The least-tried dimension with something left to try; ties by the prior, then seeded.
  const order = dimensions
    .map((dimension) => ({ dimension, tries: states.get(dimension.id)!.tries, priority: priorityOf(dimension.param), tie: random() }))
    .sort((a, b) => a.tries - b.tries || a.priority - b.priority || a.tie - b.tie)
  for (const { dimension } of order) {
    const value = candidates(dimension)[0]
    if (value !== undefined) return propose(dimension, value)
  }
  return {
    _tag: "Exhausted",
    reason: `every nearby configuration of ${dimensions.length} hyper-parameters was tried (steps down to 1/${2 ** maxLevel})`
  }
}

/** Halfway (geometrically for scales that move by factors) from `from` to `to`; undefined when nothing lies between. */
const between = (scale: Scale, from: number, to: number, form: "int" | "float" | "pow2"): number | undefined => {
  let mid: number
  if (form === "pow2") mid = 2 ** Math.round((Math.log2(from) + Math.log2(to)) / 2)
  else if (scale === "log" && from > 0 && to > 0) mid = Number(Math.sqrt(from * to).toPrecision(3))
  else if (scale === "complement") mid = Number((1 - Math.sqrt((1 - from) * (1 - to))).toPrecision(3))
  else mid = form === "int" ? Math.round((from + to) / 2) : Number(((from + to) / 2).toPrecision(3))
  return mid === from || mid === to ? undefined : mid
}

/**
 * After `description`'s move crashed (an out-of-memory depth, a learning rate that diverged),
 * the same move backed off halfway: `content` is the crashed canvas. The description keeps the
 * original `old` values, so a second crash backs off further towards them.
 */
export const backOff = (content: string, description: string): SearchResult => {
  const parsed = parseChanges(description)
  if (parsed === undefined) return { _tag: "Exhausted", reason: `cannot back off a move it did not make: ${description}` }
  const parameters = new Map(parseParameters(content).map((parameter) => [parameter.name, parameter]))
  const dimensions = dimensionsOf([...parameters.values()], new Set())
  const parts: Array<string> = []
  const lines: Array<{ old: string; new: string }> = []
  for (const change of parsed.changes) {
    const parameter = parameters.get(change.name)
    if (parameter === undefined) return { _tag: "Exhausted", reason: `${change.name} is no longer in the canvas` }
    const { old, new: crashed } = change
    let value: ParamValue | undefined
    if (old.type === "number" && crashed.type === "number") {
      const scale = dimensions.find((d) => d.param === change.name)?.scale ?? "log"
      const mid = between(scale, old.value, crashed.value, crashed.form)
      value = mid === undefined ? undefined : { ...crashed, value: mid }
    } else if (old.type === "tuple" && crashed.type === "tuple" && old.values.length === crashed.values.length) {
      const values = crashed.values.map((v, i) => (v === old.values[i] ? v : between("log", old.values[i]!, v, Number.isInteger(v) ? "int" : "float")))
      value = values.some((v) => v === undefined) ? undefined : { type: "tuple", values: values as Array<number> }
    }
    if (value === undefined) return { _tag: "Exhausted", reason: `nothing lies between ${change.name}'s old value and the crashed one` }
    const newText = formatValue(value, parameter.value)
    parts.push(`${change.name} ${formatValue(old, parameter.value)} → ${newText}`)
    lines.push({ old: parameter.line, new: withValue(parameter, newText) })
  }
  return { _tag: "Proposal", proposal: { description: (parsed.plateau ? "plateau: " : "") + parts.join(", "), lines } }
}
