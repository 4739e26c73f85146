// The tools an LLM researcher has, as JSON schemas every provider understands, and the
// Schemas their arguments are decoded with (a model's arguments are untrusted input).
import { Schema } from "effect"

/** One tool the LLM agents offer the model: name, description and JSON Schema of its input. */
export interface ToolDefinition {
  readonly name: "replace" | "view" | "note" | "finish"
  readonly description: string
  /** A JSON Schema object for the arguments. */
  readonly parameters: {
    readonly type: "object"
    readonly properties: Record<string, unknown>
    readonly required: ReadonlyArray<string>
    readonly additionalProperties: false
  }
}

/** The agents' tool kit: `replace`, `view`, `note` and `finish`. */
export const toolDefinitions: ReadonlyArray<ToolDefinition> = [
  {
    name: "replace",
    description:
      "Replace exactly one occurrence of `old` with `new` in an editable file. `old` must match the current file text exactly " +
      "(indentation included, without the line-number prefix) and occur exactly once: include neighbouring lines to make it unique. " +
      "Edits apply in order; each sees the ones before it.",
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "The editable file, e.g. train.ts" },
        old: { type: "string", description: "The exact text to replace (must occur once)" },
        new: { type: "string", description: "The replacement text" }
      },
      required: ["path", "old", "new"],
      additionalProperties: false
    }
  },
  {
    name: "view",
    description: "Show a file with line numbers, as it is after your edits so far; optionally only lines `range` = [start, end] (1-based, inclusive).",
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "The file, e.g. train.ts" },
        range: {
          type: "array",
          items: { type: "integer" },
          minItems: 2,
          maxItems: 2,
          description: "[first line, last line], 1-based, inclusive"
        }
      },
      required: ["path"],
      additionalProperties: false
    }
  },
  {
    name: "note",
    description:
      "Append one line to the run's research notes, which you (and every later experiment, after a context reset or a restart) will see: " +
      "what you learned, what to try next, what not to try again. Short and specific. The oldest notes are dropped when they grow long.",
    parameters: {
      type: "object",
      properties: { text: { type: "string", description: "One line, e.g. \"higher MATRIX_LR helps up to 0.06; try warmdown next\"" } },
      required: ["text"],
      additionalProperties: false
    }
  },
  {
    name: "finish",
    description: "End the proposal once your edits are made. `description`: one short line naming the idea, e.g. \"MATRIX_LR 0.04 -> 0.06\".",
    parameters: {
      type: "object",
      properties: { description: { type: "string", description: "One line: what the change is" } },
      required: ["description"],
      additionalProperties: false
    }
  }
]

/** The input of the `replace` tool: an exact, unique text replacement in one file. */
export const ReplaceArgs = Schema.Struct({ path: Schema.String, old: Schema.String, new: Schema.String })
/** The input of the `view` tool: a file and an optional line range. */
export const ViewArgs = Schema.Struct({
  path: Schema.String,
  range: Schema.optional(Schema.Tuple(Schema.Int, Schema.Int))
})
/** The input of the `finish` tool: the proposal's description. */
export const FinishArgs = Schema.Struct({ description: Schema.String })
/** The input of the `note` tool: a line for the run's research notes. */
export const NoteArgs = Schema.Struct({ text: Schema.String })
