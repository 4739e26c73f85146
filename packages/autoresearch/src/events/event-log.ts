// runs/<tag>/events.jsonl: the loop's event stream written to disk, so a dashboard in
// another process can follow a run. One encoded ResearchEvent per line with a timestamp;
// training progress is thinned to a few lines a second so a night stays a small file.
import { appendFileSync, mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { ResearchEvent } from "@autoresearch/core"
import { Schema } from "effect"

export const EVENTS_JSONL = "events.jsonl"
/** The events.jsonl path of a run directory. */
export const eventsFile = (runDir: string) => join(runDir, EVENTS_JSONL)

const encodeEvent = Schema.encodeSync(ResearchEvent)
const decodeEvent = Schema.decodeUnknownEither(ResearchEvent)

/** One line of events.jsonl: an event and when it was published. */
export interface TimedEvent {
  readonly at: string
  readonly event: ResearchEvent
}

/** Returns a listener that appends every event to `file` (progress at most every `progressMs`). */
export const eventLogWriter = (file: string, progressMs = 500): ((event: ResearchEvent) => void) => {
  mkdirSync(dirname(file), { recursive: true })
  let lastProgress = 0
  return (event) => {
    if (event._tag === "TrainingProgress") {
      const now = Date.now()
      if (now - lastProgress < progressMs && event.progress < 1) return
      lastProgress = now
    }
    appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...encodeEvent(event) })}\n`)
  }
}

/** Decodes one line of events.jsonl; undefined for a torn or foreign line (skipped, not fatal). */
export const parseEventLine = (line: string): TimedEvent | undefined => {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    return undefined
  }
  const decoded = decodeEvent(json)
  if (decoded._tag === "Left") return undefined
  const at = typeof (json as { at?: unknown }).at === "string" ? (json as { at: string }).at : new Date().toISOString()
  return { at, event: decoded.right }
}
