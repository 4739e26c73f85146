// Ctrl-C for long commands: the first SIGINT asks for a clean stop, the second kills now.
// The handlers are removed when the command ends, so an embedding program keeps its own.
import { LoopInterrupt } from "@autoresearch/core"

export interface Interrupts {
  readonly interrupt: LoopInterrupt
  readonly dispose: () => void
}

export const onInterrupt = (onStage: (stage: "stopping" | "killing") => void): Interrupts => {
  const interrupt = new LoopInterrupt()
  const handler = () => onStage(interrupt.interrupt())
  process.on("SIGINT", handler)
  process.on("SIGTERM", handler)
  return {
    interrupt,
    dispose: () => {
      process.off("SIGINT", handler)
      process.off("SIGTERM", handler)
    }
  }
}
