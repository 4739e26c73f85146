// TEST DOUBLE. The "model" behind the LLM stand-in servers: a researcher that looks at the
// canvas (view), changes one learning-rate constant it finds there (replace), and finishes.
// Its edit is real: it copies the line from the canvas it was shown, so it applies to any canvas
// with a `const NAME = 0.04`-style line (the real train.ts has MATRIX_LR).

/** One tool call the stand-in researcher makes. */
export interface StandInCall {
  readonly name: "view" | "replace" | "finish"
  readonly input: Record<string, unknown>
}

/** The first numeric constant of the numbered canvas in `context`, MATRIX_LR preferred. */
const findConstant = (context: string): { old: string; new: string; name: string } | undefined => {
  const lines = [...context.matchAll(/^\s*\d+\| (const ([A-Z_]+) = (\d+\.\d+))\b/gm)]
  const line = lines.find((match) => match[2] === "MATRIX_LR") ?? lines[0]
  if (line === undefined) return undefined
  const value = Number(line[3])
  const next = Number((value * 1.25).toPrecision(3))
  return { old: line[1]!, new: `const ${line[2]} = ${next}`, name: `${line[2]} ${line[3]} → ${next}` }
}

/**
 * The researcher's next calls: `view` first, then `replace` + `finish` once it has seen a tool
 * result. `context` is the text of the conversation's first user message.
 */
export const standInResearcherTurn = (context: string, sawToolResult: boolean): ReadonlyArray<StandInCall> => {
  if (!sawToolResult) return [{ name: "view", input: { path: "train.ts", range: [1, 5] } }]
  const change = findConstant(context)
  if (change === undefined) return [{ name: "finish", input: { description: "no constant to tune" } }]
  return [
    { name: "replace", input: { path: "train.ts", old: change.old, new: change.new } },
    { name: "finish", input: { description: change.name } }
  ]
}

/** A rough token count of a request, for usage figures. */
export const roughTokens = (value: unknown) => Math.ceil(JSON.stringify(value ?? "").length / 4)
