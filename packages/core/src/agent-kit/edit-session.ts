// Executes the tools against an in-memory copy of the canvas. Edits are checked here exactly
// as the workspace will apply them, so a proposal that leaves this session applies cleanly.
import { Either, ParseResult, Schema } from "effect"
import type { FileEdit } from "../domain.js"
import type { CanvasFile } from "../services/agent.js"
import { numberLines } from "./context.js"
import { FinishArgs, NoteArgs, ReplaceArgs, ViewArgs } from "./tools.js"

/** One tool call as a model made it; `input` is an object or a JSON string, never trusted. */
export interface ToolCall {
  readonly id: string
  readonly name: string
  readonly input: unknown
}

/** What the model is told about one tool call. */
export interface ToolResult {
  readonly callId: string
  readonly name: string
  readonly output: string
  readonly isError: boolean
}

const lineOf = (content: string, index: number) => content.slice(0, index).split("\n").length

/**
 * Replaces the single occurrence of `old` in `content`; a message a model (or a person) can act
 * on when there is none or several.
 */
export const replaceExactlyOnce = (
  content: string,
  path: string,
  old: string,
  replacement: string
): Either.Either<string, string> => {
  if (old.length === 0) return Either.left("`old` is empty: give the exact text to replace")
  if (old === replacement) return Either.left("`old` and `new` are identical: the edit would change nothing")
  const first = content.indexOf(old)
  if (first === -1) {
    const squeeze = (text: string) => text.replace(/\s+/g, " ").trim()
    const hint = squeeze(content).includes(squeeze(old))
      ? " It matches if whitespace is ignored: copy the indentation and line breaks exactly (without the line-number prefix)."
      : " View the file and copy the text exactly."
    return Either.left(`\`old\` was not found in ${path}.${hint}`)
  }
  const lines = [lineOf(content, first)]
  for (let at = content.indexOf(old, first + 1); at !== -1; at = content.indexOf(old, at + 1)) lines.push(lineOf(content, at))
  if (lines.length > 1) {
    return Either.left(
      `\`old\` occurs ${lines.length} times in ${path} (at lines ${lines.join(", ")}): include more surrounding text so it matches once.`
    )
  }
  return Either.right(content.slice(0, first) + replacement + content.slice(first + old.length))
}

/** Applies edits in order to copies of the files; the first edit that does not apply is the error. */
export const applyEdits = (
  files: ReadonlyArray<CanvasFile>,
  edits: ReadonlyArray<FileEdit>
): Either.Either<ReadonlyArray<CanvasFile>, string> => {
  const contents = new Map(files.map((file) => [file.path, file.content]))
  for (const edit of edits) {
    const content = contents.get(edit.path)
    if (content === undefined) return Either.left(notEditable(edit.path, files))
    const next = replaceExactlyOnce(content, edit.path, edit.old, edit.new)
    if (Either.isLeft(next)) return Either.left(next.left)
    contents.set(edit.path, next.right)
  }
  return Either.right(files.map((file) => ({ path: file.path, content: contents.get(file.path)! })))
}

const notEditable = (path: string, files: ReadonlyArray<CanvasFile>) =>
  `${path} is not editable: only ${files.map((file) => file.path).join(", ")} may change`

/** One line, no tabs: the description lands in results.tsv. */
const cleanDescription = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 200)

/** What one tool call did: a result for the model, or `Finished` with the proposal's description. */
export type ToolOutcome =
  | { readonly _tag: "Continue"; readonly result: ToolResult }
  | { readonly _tag: "Finished"; readonly result: ToolResult; readonly description: string }

/** The state of one proposal's edits; `execute` never throws, every problem is a tool error. */
export interface EditSession {
  readonly execute: (call: ToolCall) => ToolOutcome
  readonly edits: () => ReadonlyArray<FileEdit>
  readonly files: () => ReadonlyArray<CanvasFile>
}

/** Where the `note` tool writes: appends one note and returns the line as written. */
export type NoteSink = (text: string) => string

/**
 * An in-memory copy of the canvas that the `replace` / `view` / `note` / `finish` tools act on; its edits become the proposal.
 *
 * @example
 * const session = makeEditSession(ctx.files)
 * session.execute({ id: "1", name: "view", input: { path: "train.ts" } })
 */
export const makeEditSession = (canvas: ReadonlyArray<CanvasFile>, notes?: NoteSink): EditSession => {
  const contents = new Map(canvas.map((file) => [file.path, file.content]))
  const edits: Array<FileEdit> = []

  const decode = <A, I>(schema: Schema.Schema<A, I>, call: ToolCall): Either.Either<A, string> => {
    let input = call.input
    if (typeof input === "string") {
      try {
        input = input.trim() === "" ? {} : JSON.parse(input)
      } catch (error) {
        return Either.left(`the arguments of ${call.name} are not valid JSON (${(error as Error).message}); send a JSON object`)
      }
    }
    return Either.mapLeft(
      Schema.decodeUnknownEither(schema)(input, { onExcessProperty: "error" }),
      (error) => `invalid arguments for ${call.name}: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
    )
  }

  const run = (call: ToolCall): Either.Either<{ output: string; finished?: string }, string> => {
    switch (call.name) {
      case "replace":
        return Either.flatMap(decode(ReplaceArgs, call), (args) => {
          const content = contents.get(args.path)
          if (content === undefined) return Either.left(notEditable(args.path, canvas))
          return Either.map(replaceExactlyOnce(content, args.path, args.old, args.new), (next) => {
            contents.set(args.path, next)
            edits.push({ path: args.path, old: args.old, new: args.new })
            return { output: `replaced 1 occurrence in ${args.path} (${edits.length} edit${edits.length === 1 ? "" : "s"} so far)` }
          })
        })
      case "view":
        return Either.flatMap(decode(ViewArgs, call), (args) => {
          const content = contents.get(args.path)
          if (content === undefined) return Either.left(`${args.path} is not a canvas file: the files are ${canvas.map((f) => f.path).join(", ")}`)
          if (args.range !== undefined && args.range[0] > args.range[1]) return Either.left(`range [${args.range.join(", ")}] is empty: give [first, last] with first <= last`)
          return Either.right({ output: numberLines(content, args.range) })
        })
      case "note":
        return Either.flatMap(decode(NoteArgs, call), (args) => {
          if (notes === undefined) return Either.left("this run keeps no notes")
          if (args.text.trim() === "") return Either.left("the note is empty")
          try {
            return Either.right({ output: `noted: ${notes(args.text)}` })
          } catch (error) {
            return Either.left(`the note could not be saved: ${(error as Error).message}`)
          }
        })
      case "finish":
        return Either.flatMap(decode(FinishArgs, call), (args) => {
          const description = cleanDescription(args.description)
          if (description === "") return Either.left("the description is empty: say in one line what the change is")
          if (edits.length === 0) return Either.left("no edits yet: make your change with `replace` before calling `finish`")
          return Either.right({ output: "proposal recorded", finished: description })
        })
      default:
        return Either.left(`unknown tool \`${call.name}\`: the tools are replace, view, note and finish`)
    }
  }

  return {
    execute: (call) => {
      const outcome = run(call)
      if (Either.isLeft(outcome)) {
        return { _tag: "Continue", result: { callId: call.id, name: call.name, output: `error: ${outcome.left}`, isError: true } }
      }
      const result = { callId: call.id, name: call.name, output: outcome.right.output, isError: false }
      return outcome.right.finished !== undefined
        ? { _tag: "Finished", result, description: outcome.right.finished }
        : { _tag: "Continue", result }
    },
    edits: () => [...edits],
    files: () => canvas.map((file) => ({ path: file.path, content: contents.get(file.path)! }))
  }
}
