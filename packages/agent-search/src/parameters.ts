// Reads the canvas's hyper-parameter block: the top-level `const NAME = literal` lines at the
// top of the file (numbers, `2 ** k`, strings, booleans and numeric tuples), with where each
// value sits on its line so a change is an exact edit of that line alone.

export type ParamValue =
  | { readonly type: "number"; readonly value: number; readonly form: "int" | "float" | "pow2" }
  | { readonly type: "string"; readonly value: string; readonly quote: "\"" | "'" }
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "tuple"; readonly values: ReadonlyArray<number> }

export interface Parameter {
  readonly name: string
  readonly value: ParamValue
  /** The line as it is in the canvas, and where the value's source text sits in it. */
  readonly line: string
  readonly valueStart: number
  readonly valueEnd: number
}

const DECLARATION = /^(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=\s*/
const NUMBER = /^-?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/

const parseNumber = (text: string): number | undefined => (NUMBER.test(text) ? Number(text.replace(/_/g, "")) : undefined)

/** Parses one literal's source text; undefined for anything that is not a plain literal. */
export const parseValue = (text: string): ParamValue | undefined => {
  const source = text.replace(/\s+as\s+const$/, "").trim()
  const number = parseNumber(source)
  if (number !== undefined) return { type: "number", value: number, form: /[.eE]/.test(source) ? "float" : "int" }
  const power = /^2\s*\*\*\s*(\d+)$/.exec(source)
  if (power) return { type: "number", value: 2 ** Number(power[1]), form: "pow2" }
  const string = /^(["'])([^"'\\]*)\1$/.exec(source)
  if (string) return { type: "string", value: string[2]!, quote: string[1] as "\"" | "'" }
  if (source === "true" || source === "false") return { type: "boolean", value: source === "true" }
  const tuple = /^\[(.*)\]$/.exec(source)
  if (tuple) {
    const values = tuple[1]!.split(",").map((part) => parseNumber(part.trim()))
    if (values.length > 0 && values.every((value) => value !== undefined)) return { type: "tuple", values: values as Array<number> }
  }
  return undefined
}

/** Where a literal ends: before a trailing `;` and `// comment`. */
const valueEnd = (line: string, start: number): number => {
  let end = line.length
  let quote: string | undefined
  for (let i = start; i < line.length; i++) {
    const ch = line[i]!
    if (quote) {
      if (ch === quote) quote = undefined
    } else if (ch === "\"" || ch === "'") quote = ch
    else if (ch === "/" && line[i + 1] === "/") {
      end = i
      break
    }
  }
  const trimmed = line.slice(start, end).replace(/\s*;?\s*$/, "")
  return start + trimmed.length
}

/**
 * The hyper-parameter block: constant declarations from the first one on, through blank and
 * comment lines, until the first other top-level code.
 */
export const parseParameters = (content: string): ReadonlyArray<Parameter> => {
  const parameters: Array<Parameter> = []
  for (const line of content.split("\n")) {
    const declaration = DECLARATION.exec(line)
    if (declaration) {
      const start = declaration[0].length
      // `as const` stays on the line: only the literal before it is the value.
      const end = start + line.slice(start, valueEnd(line, start)).replace(/\s+as\s+const$/, "").length
      const value = parseValue(line.slice(start, end))
      if (value !== undefined) parameters.push({ name: declaration[1]!, value, line, valueStart: start, valueEnd: end })
      continue
    }
    const trimmed = line.trim()
    const ignorable = trimmed === "" || trimmed.startsWith("//") || trimmed.startsWith("/*") || trimmed.startsWith("*") || /^import\s/.test(trimmed)
    if (!ignorable && parameters.length > 0) break
  }
  return parameters
}

const formatNumber = (value: number, form: "int" | "float" | "pow2"): string => {
  if (form === "pow2") return `2 ** ${Math.round(Math.log2(value))}`
  if (form === "int") return String(Math.round(value))
  return String(Number(value.toPrecision(3)))
}

/** The source text of a value, in the style of the value it replaces. */
export const formatValue = (value: ParamValue, like: ParamValue): string => {
  switch (value.type) {
    case "number":
      return formatNumber(value.value, value.form)
    case "string":
      return `${value.quote}${value.value}${value.quote}`
    case "boolean":
      return String(value.value)
    case "tuple": {
      const floats = like.type === "tuple" ? like.values.map((v) => !Number.isInteger(v)) : []
      return `[${value.values.map((v, i) => (floats[i] || !Number.isInteger(v) ? String(Number(v.toPrecision(3))) : String(v))).join(", ")}]`
    }
  }
}

/** The line with the parameter's value replaced. */
export const withValue = (parameter: Parameter, text: string): string =>
  parameter.line.slice(0, parameter.valueStart) + text + parameter.line.slice(parameter.valueEnd)
