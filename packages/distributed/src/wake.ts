// A wake-up for the coordinator's wait between polls for results: whoever learns that a result
// was written (the in-memory ledger, or PostgreSQL's NOTIFY) pulses it, and the waiting
// coordinator looks at once instead of at its next poll. Polling stays the guarantee: a lost
// pulse (a dropped LISTEN connection) only costs up to one poll interval.
import { Effect } from "effect"

export interface Wake {
  /** Wakes everyone waiting now. */
  readonly pulse: () => void
  /** Waits for the next pulse, or `seconds`, whichever comes first. */
  readonly wait: (seconds: number) => Effect.Effect<void>
}

export const makeWake = (): Wake => {
  let waiters: Array<() => void> = []
  return {
    pulse: () => {
      const woken = waiters
      waiters = []
      for (const wake of woken) wake()
    },
    wait: (seconds) =>
      Effect.async<void>((resume) => {
        const done = () => {
          clearTimeout(timer)
          waiters = waiters.filter((waiter) => waiter !== done)
          resume(Effect.void)
        }
        const timer = setTimeout(done, seconds * 1000)
        waiters.push(done)
        return Effect.sync(() => {
          clearTimeout(timer)
          waiters = waiters.filter((waiter) => waiter !== done)
        })
      })
  }
}
