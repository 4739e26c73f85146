// One night of research, as a function: every default of runResearch (the tfjs trainer on
// the workspace's canvas, git, the results store, the agent from the environment), with a
// few lines of output per experiment. Pass overrides to replace any part.
import { runResearch, type ResearchOptions, type Summary } from "autoresearch"

export const researchNight = (dir: string, overrides: Partial<ResearchOptions> = {}): Promise<Summary> =>
  runResearch({
    dir,
    tag: "night",
    maxHours: 8,
    onEvent: (event) => {
      if (event._tag === "ProposalReady") console.log(`#${event.id} trying: ${event.description}`)
      if (event._tag === "ExperimentFinished") {
        const { id, status, metrics } = event.record
        console.log(`#${id} ${status}${metrics !== undefined ? ` (val_bpb ${metrics.valBpb.toFixed(6)})` : ""}`)
      }
    },
    ...overrides
  })
