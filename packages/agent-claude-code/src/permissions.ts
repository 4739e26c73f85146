// The permission callback's verdicts: Claude Code may read inside its scratch folder and change
// the canvas (and the research notes, notes.md, when the run keeps them), nothing else. Claude Code asks this for every call its own rules do not already
// allow (edits always ask in the `default` permission mode; reads inside the working directory
// do not). The scratch folder is the second wall: whatever got through, only the canvas's diff
// leaves it.
import type { ScratchWorkspace } from "@autoresearch/core"

export type Verdict = { readonly allow: true } | { readonly allow: false; readonly reason: string }

/** The tools a proposal gets: reading and editing, no shell, no web, no subagents. */
export const allowedTools = ["Read", "Grep", "Glob", "Edit", "Write"] as const
/** Removed outright too, so not even a setting or a skill brings them back. */
export const disallowedTools = ["Bash", "WebFetch", "WebSearch", "NotebookEdit", "Task", "Agent"] as const

const editTools = new Set(["Edit", "Write", "MultiEdit", "NotebookEdit"])
const readTools = new Set(["Read", "Grep", "Glob", "LS"])

const pathsOf = (input: Record<string, unknown>): Array<string> =>
  ["file_path", "path", "notebook_path"].flatMap((key) => (typeof input[key] === "string" ? [input[key] as string] : []))

/** Whether Claude Code may make this tool call, and why not. */
export const judgeToolCall = (scratch: ScratchWorkspace, canvas: string, tool: string, input: Record<string, unknown>): Verdict => {
  const paths = pathsOf(input)
  if (editTools.has(tool)) {
    const outside = paths.length === 0 ? ["(no path)"] : paths.filter((path) => !scratch.isCanvas(path) && !scratch.isNotes(path))
    return outside.length === 0
      ? { allow: true }
      : { allow: false, reason: `only ${canvas} may be changed; ${tool} of ${outside.join(", ")} refused` }
  }
  if (readTools.has(tool)) {
    const outside = paths.filter((path) => !scratch.contains(path))
    return outside.length === 0
      ? { allow: true }
      : { allow: false, reason: `reading outside the workspace is not allowed; ${tool} of ${outside.join(", ")} refused` }
  }
  return { allow: false, reason: `${tool} is not allowed: this agent may read the workspace and edit ${canvas}, nothing else` }
}
