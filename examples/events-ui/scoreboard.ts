// A UI of your own from the loop's events: a compact scoreboard that redraws on every event.
// `onEvent` sees exactly what the CLI and the dashboard see; events are plain data (Schemas),
// so the same handler could forward them over a socket or into a React state.
import type { ResearchEvent } from "autoresearch"

export interface Scoreboard {
  readonly onEvent: (event: ResearchEvent) => void
  /** The board as it is now. */
  readonly render: () => string
}

export const createScoreboard = (draw: (board: string) => void = () => {}): Scoreboard => {
  let best: number | undefined
  let baseline: number | undefined
  let now = "starting"
  const done: Array<string> = []
  const render = () =>
    [
      `best ${best?.toFixed(4) ?? "-"}${baseline !== undefined && best !== undefined ? ` (${(((baseline - best) / baseline) * 100).toFixed(2)}% better than baseline)` : ""}`,
      `now  ${now}`,
      ...done.slice(-5)
    ].join("\n")
  const onEvent = (event: ResearchEvent) => {
    switch (event._tag) {
      case "ExperimentStarted":
        now = event.baseline ? `#${event.id} measuring the baseline` : `#${event.id} waiting for the agent`
        break
      case "ProposalReady":
        now = `#${event.id} ${event.description}`
        break
      case "TrainingProgress":
        now = `#${event.id} ${"▮".repeat(Math.round(event.progress * 10)).padEnd(10, "▯")} loss ${event.loss.toFixed(3)}`
        break
      case "ExperimentFinished": {
        const { id, status, metrics, baseline: isBaseline, description } = event.record
        if (isBaseline && metrics !== undefined) baseline = metrics.valBpb
        if ((status === "keep" || isBaseline) && metrics !== undefined) best = metrics.valBpb
        done.push(`${status === "keep" ? "✔" : status === "discard" ? "·" : "✘"} #${id} ${description}${metrics !== undefined ? ` ${metrics.valBpb.toFixed(4)}` : ""}`)
        now = "-"
        break
      }
      case "LoopStopped":
        now = `stopped: ${event.summary.stopReason}`
        break
      default:
        return
    }
    draw(render())
  }
  return { onEvent, render }
}
