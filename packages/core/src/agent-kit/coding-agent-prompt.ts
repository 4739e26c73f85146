// The prompt a coding agent (Claude Code, Codex) works from: the same rules and context every
// LLM researcher gets, with its own editing tools in place of replace/view/finish.
import type { ProposalContext } from "../services/agent.js"
import { type ContextOptions, renderContext } from "./context.js"
import { systemPrompt } from "./prompt.js"
import { NOTES_PER_PROPOSAL, SCRATCH_NOTES } from "./scratch-workspace.js"

/** The shared rules, without the paragraph on the replace/view/finish tools. */
const rules = systemPrompt.slice(0, systemPrompt.indexOf("How to work:")).trimEnd()

const notesHow = `- ${SCRATCH_NOTES} holds the run's research notes, shown to you in every later experiment (they survive context resets and restarts). To remember something (what you learned, what to try next, what not to try again), append one short line per note to ${SCRATCH_NOTES}, at most ${NOTES_PER_PROPOSAL}; only appended lines are kept.`

const howToWork = (canvas: string, notes: boolean) => `How to work:
- Your working directory holds program.md and the canvas (${canvas}). Read what you need, then edit the canvas in place with your file-editing tools.
- You can only change ${canvas}${notes ? ` (and append to ${SCRATCH_NOTES})` : ""}: edits to any other file are refused or thrown away, and you cannot run commands, train or test anything. The experiment runs after you finish.${notes ? `\n${notesHow}` : ""}
- Keep your reasoning short. Make the edit, then end with ONE line, the description of the idea (e.g. "MATRIX_LR 0.04 -> 0.06" or "ReLU^2 -> GELU in the MLP"), and nothing after it.`

const task =
  "# Your task\nPropose ONE change to the canvas that you expect to lower val_bpb. Edit the file, then reply with the one-line description."

/** The system-side instructions and the first user message of one coding-agent proposal. */
export const codingAgentPrompt = (ctx: ProposalContext, options: ContextOptions = {}): { readonly system: string; readonly prompt: string } => {
  const notes = ctx.notesFile !== undefined
  const context = renderContext(ctx, { noteHow: `by appending lines to ${SCRATCH_NOTES}`, ...options })
  // renderContext ends with the task for the replace/finish tools; a coding agent gets its own.
  const dynamic = context.dynamic.slice(0, context.dynamic.lastIndexOf("# Your task")) + task
  const canvas = ctx.files.map((file) => file.path).join(", ")
  return { system: `${rules}\n\n${howToWork(canvas, notes)}`, prompt: `${context.stable}\n\n${dynamic}` }
}

/** The one-line description in a coding agent's final message: its last non-empty line. */
export const descriptionFrom = (finalMessage: string): string | undefined => {
  const line = finalMessage
    .split("\n")
    .map((text) => text.trim().replace(/^[-*>#\s]+/, "").replace(/^["`']+|["`']+$/g, "").trim())
    .filter((text) => text !== "")
    .at(-1)
  return line === undefined ? undefined : line.length > 200 ? `${line.slice(0, 197)}...` : line
}
