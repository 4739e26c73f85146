// The research notes of a run (runs/<tag>/notes.md): what an LLM researcher tried, learned and
// wants to try next, written through the `note` tool and shown in every later context, across
// context resets, sessions and resumes. Capped: the oldest notes go first.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs"

/** The most the notes file holds; beyond it the oldest notes are dropped. */
export const NOTES_MAX_CHARS = 8_000
/** The most one note may hold. */
export const NOTE_MAX_CHARS = 600

const ENTRY = /^- \[experiment \d+\] /m

/** The notes as they are, or "" when there are none. */
export const readNotes = (file: string): string => (existsSync(file) ? readFileSync(file, "utf8") : "")

/** Appends one note (one line, trimmed to NOTE_MAX_CHARS) and drops the oldest beyond the cap. */
export const appendNote = (file: string, experimentId: number, text: string): string => {
  const line = `- [experiment ${experimentId}] ${text.replace(/\s+/g, " ").trim().slice(0, NOTE_MAX_CHARS)}\n`
  appendFileSync(file, line)
  let notes = readNotes(file)
  if (notes.length > NOTES_MAX_CHARS) {
    while (notes.length > NOTES_MAX_CHARS) {
      const next = notes.slice(1).search(ENTRY)
      if (next < 0) break
      notes = notes.slice(next + 1)
    }
    writeFileSync(file, notes)
  }
  return line.trimEnd()
}

/** Appends the notes a coding agent wrote in its scratch notes.md to the run's notes file (each capped as `note` is). */
export const keepNotes = (notesFile: string | undefined, experimentId: number, lines: ReadonlyArray<string>): ReadonlyArray<string> =>
  notesFile === undefined ? [] : lines.map((line) => appendNote(notesFile, experimentId, line))
