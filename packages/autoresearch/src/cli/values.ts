// Typed reads of parsed option values: a bad value is one clear UserError naming the flag.
import { UserError } from "../user-error.js"
import { ExitCode, type OptionValues } from "./command.js"

const usage = (message: string, command: string) => new UserError(message, `see \`autoresearch ${command} --help\``, ExitCode.usage)

export const stringOption = (values: OptionValues, name: string): string | undefined => {
  const value = values[name]
  return typeof value === "string" ? value : undefined
}

export const numberOption = (
  values: OptionValues,
  name: string,
  command: string,
  rule: { readonly integer?: boolean; readonly min?: number; readonly positive?: boolean } = {}
): number | undefined => {
  const raw = stringOption(values, name)
  if (raw === undefined) return undefined
  const value = Number(raw)
  const kind = rule.integer ? "a whole number" : "a number"
  if (raw.trim() === "" || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
    throw usage(`--${name} must be ${kind} (got "${raw}")`, command)
  }
  if (rule.positive && value <= 0) throw usage(`--${name} must be greater than 0 (got ${raw})`, command)
  if (rule.min !== undefined && value < rule.min) throw usage(`--${name} must be at least ${rule.min} (got ${raw})`, command)
  return value
}

export const choiceOption = <const T extends string>(values: OptionValues, name: string, choices: ReadonlyArray<T>, command: string): T | undefined => {
  const raw = stringOption(values, name)
  if (raw === undefined) return undefined
  if (!(choices as ReadonlyArray<string>).includes(raw)) {
    throw usage(`--${name} must be one of ${choices.join(", ")} (got "${raw}")`, command)
  }
  return raw as T
}
