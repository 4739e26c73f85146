// Divisibility between integer sizes (e.g. TOTAL_BATCH_SIZE divisible by DEVICE_BATCH_SIZE ×
// SEQ_LEN): given in the configuration, or inferred from the canvas when related sizes divide
// each other exactly. A move that breaks one is never proposed.
import type { Configuration } from "./dimensions.js"

export interface Divisibility {
  readonly dividend: string
  /** Parameter names or fixed numbers whose product must divide the dividend. */
  readonly divisors: ReadonlyArray<string | number>
}

const SIZE_WORDS = new Set(["BATCH", "SEQ", "LEN", "CONTEXT", "DIM", "HEAD", "HEADS", "TOKENS", "WIDTH"])
const SEQUENCE = /SEQ|LEN|CONTEXT/
const words = (name: string) => new Set(name.split("_").filter((word) => SIZE_WORDS.has(word)))

const integerOf = (config: Configuration, name: string): number | undefined => {
  const value = config.get(name)
  return value?.type === "number" && Number.isInteger(value.value) ? value.value : undefined
}

/**
 * Inferred rules, where they hold now: a size-named integer A is divisible by a size B that
 * shares a size word with it (TOTAL_BATCH_SIZE and DEVICE_BATCH_SIZE share BATCH; DEPTH shares
 * nothing), and by B × a sequence length (DEVICE_BATCH_SIZE × SEQ_LEN).
 */
export const inferDivisibility = (config: Configuration): ReadonlyArray<Divisibility> => {
  const sizes = [...config.keys()].filter((name) => words(name).size > 0 && (integerOf(config, name) ?? 0) > 1)
  const related = (a: string, b: string) => [...words(a)].some((word) => words(b).has(word))
  const rules: Array<Divisibility> = []
  for (const dividend of sizes) {
    const value = integerOf(config, dividend)!
    const others = sizes.filter((name) => name !== dividend)
    for (const b of others) {
      if (related(dividend, b) && value % integerOf(config, b)! === 0) rules.push({ dividend, divisors: [b] })
      // Tokens per step = rows × sequence length: a pair is a related size times a length.
      for (const c of others) {
        if (c === b || !related(dividend, b) || !SEQUENCE.test(c)) continue
        const product = integerOf(config, b)! * integerOf(config, c)!
        if (product < value && value % product === 0) rules.push({ dividend, divisors: [b, c] })
      }
    }
  }
  return rules
}

/** Whether every rule holds in `config` (a rule naming a missing or non-integer parameter is skipped). */
export const satisfies = (config: Configuration, rules: ReadonlyArray<Divisibility>): boolean =>
  rules.every((rule) => {
    const dividend = integerOf(config, rule.dividend)
    const factors = rule.divisors.map((divisor) => (typeof divisor === "number" ? divisor : integerOf(config, divisor)))
    if (dividend === undefined || factors.some((factor) => factor === undefined)) return true
    const product = factors.reduce<number>((acc, factor) => acc * factor!, 1)
    return product > 0 && dividend % product === 0
  })
