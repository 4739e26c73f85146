// Renders a ProposalContext into the text the model reads. Split in two so adapters can cache
// the large stable part (program.md and the canvas change only when an experiment is kept)
// apart from the part that changes every experiment (history, failure, feedback, budget).
import type { CanvasFile, ProposalContext } from "../services/agent.js"
import { type HistoryOptions, renderHistory } from "./history.js"

/** How much of the history (`recentOthers`, `keptRows`, `summaryRows`: history.ts) and canvas `renderContext` puts in the prompt. */
export interface ContextOptions extends HistoryOptions {
  /** Lines of the last failure's log shown. Default 40. */
  readonly logTailLines?: number
  /** Experiments in a row without a keep before the agent is told it is on a plateau. Default 5. */
  readonly plateauAfter?: number
  /** How the agent adds to its research notes. Default "with `note`" (the tool). */
  readonly noteHow?: string
}

/** Experiments since the last keep. */
const withoutKeep = (history: ProposalContext["history"]): number => {
  const last = history.findLastIndex((record) => record.status === "keep")
  return last < 0 ? 0 : history.length - 1 - last
}

/** A proposal context as prompt text: the stable part (cacheable) and the part that changes each experiment. */
export interface RenderedContext {
  /** program.md and the canvas with line numbers. */
  readonly stable: string
  /** History, last failure, feedback, remaining budget and the request. */
  readonly dynamic: string
}

/** A file with 1-based line numbers, `  12| text`, optionally only lines start..end. */
export const numberLines = (content: string, range?: readonly [number, number]): string => {
  const lines = content.split("\n")
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop()
  const start = Math.max(1, range?.[0] ?? 1)
  const end = Math.min(lines.length, range?.[1] ?? lines.length)
  const width = String(end).length
  const out: Array<string> = []
  for (let n = start; n <= end; n++) out.push(`${String(n).padStart(width)}| ${lines[n - 1]}`)
  return out.join("\n")
}

const lastLines = (text: string, count: number) => text.split("\n").slice(-count).join("\n")

const renderFile = (file: CanvasFile) =>
  `## ${file.path} (${file.content.split("\n").length} lines)\n\`\`\`\n${numberLines(file.content)}\n\`\`\``

const renderRemaining = (ctx: ProposalContext): string => {
  const parts: Array<string> = []
  if (ctx.remaining.experiments !== undefined) parts.push(`${ctx.remaining.experiments} experiments`)
  if (ctx.remaining.seconds !== undefined) parts.push(`${(ctx.remaining.seconds / 60).toFixed(0)} minutes`)
  if (ctx.remaining.costUsd !== undefined) parts.push(`$${ctx.remaining.costUsd.toFixed(2)} of agent spend`)
  return parts.length === 0 ? "No limit is set on this run." : `Left in this run: ${parts.join(", ")}.`
}

const renderFeedback = (ctx: ProposalContext, logTailLines: number): string | undefined => {
  const feedback = ctx.feedback
  if (feedback === undefined) return undefined
  const log = feedback.logTail ? `\nLog tail:\n\`\`\`\n${lastLines(feedback.logTail, logTailLines)}\n\`\`\`` : ""
  return feedback.kind === "edit_failed"
    ? `# Your previous edits did not apply\n${feedback.message}${log}\nThe files above are unchanged. Propose again, with edits that match the file exactly.`
    : `# Your change crashed: repair it\n${feedback.message}${log}\nMake the smallest fix that lets the same idea run; if the idea cannot work, say so in the description and revert it.`
}

/** The user-side context of one proposal. */
export const renderContext = (ctx: ProposalContext, options: ContextOptions = {}): RenderedContext => {
  const logTailLines = options.logTailLines ?? 40
  const editable = ctx.files.map((file) => file.path).join(", ")
  const stable = [
    `# Research direction (program.md)\n${ctx.program.trim() || "(empty)"}`,
    `# The canvas: the only editable file(s): ${editable}\n${ctx.files.map(renderFile).join("\n\n")}`
  ].join("\n\n")
  const sections = [`# History\n${renderHistory(ctx.history, options)}`]
  if (ctx.branch !== undefined && !ctx.branch.best) {
    sections.push(
      `# Branch\nThis experiment starts from experiment ${ctx.branch.id} (val_bpb ${ctx.branch.valBpb.toFixed(6)}), a kept node of the search tree that is not the run's best: ` +
        "the canvas above is that node's, the history is the way to it, and your change is judged against it."
    )
  }
  if (ctx.notes !== undefined && ctx.notes.trim() !== "") sections.push(`# Your research notes (from earlier experiments; add to them ${options.noteHow ?? "with `note`"})\n${ctx.notes.trimEnd()}`)
  const stuck = withoutKeep(ctx.history)
  if (stuck >= (options.plateauAfter ?? 5)) {
    sections.push(
      `# Plateau\nThe last ${stuck} experiments brought no improvement. Small variations of the same kind are not working: ` +
        "try a different kind of change (another part of the model or optimizer, two coupled settings together, a larger step, or an idea that was discarded before, now from the new best)."
    )
  }
  if (ctx.lastFailure !== undefined) {
    sections.push(
      `# Last failure: "${ctx.lastFailure.description}"\n${ctx.lastFailure.message}\n` +
        `\`\`\`\n${lastLines(ctx.lastFailure.logTail, logTailLines)}\n\`\`\``
    )
  }
  if (ctx.inFlight !== undefined && ctx.inFlight.length > 0) {
    sections.push(`# Training right now (do not propose these again)\n${ctx.inFlight.map((e) => `- #${e.id}: ${e.description}`).join("\n")}`)
  }
  const feedback = renderFeedback(ctx, logTailLines)
  if (feedback !== undefined) sections.push(feedback)
  sections.push(`# Budget\nThis is experiment ${ctx.experimentId}. ${renderRemaining(ctx)}`)
  sections.push(
    "# Your task\nPropose ONE change to the canvas that you expect to lower val_bpb. Make it with `replace`, then call `finish` with a one-line description (before finishing, `note` anything worth remembering)."
  )
  return { stable, dynamic: sections.join("\n\n") }
}
