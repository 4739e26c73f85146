// One live status line on a terminal (rewritten in place), or occasional plain lines when
// the output is a file or a pipe, so logs stay readable.
import type { Writable } from "node:stream"

export interface StatusLine {
  /** Shows `text` as the current status (throttled when not a terminal). */
  readonly update: (text: string) => void
  /** Ends the live line, leaving `text` (if given) as a permanent line. */
  readonly done: (text?: string) => void
  /** Prints a permanent line above the live one. */
  readonly print: (text: string) => void
}

export const statusLine = (stream: Writable & { isTTY?: boolean; columns?: number }, plainEveryMs = 10_000): StatusLine => {
  const tty = stream.isTTY === true
  let shown = ""
  let lastPlain = 0
  const width = () => Math.max(20, (stream.columns ?? 100) - 1)
  const clear = () => {
    if (tty && shown !== "") stream.write("\r\u001b[2K")
  }
  return {
    update: (text) => {
      if (tty) {
        const cut = text.length > width() ? `${text.slice(0, width() - 1)}…` : text
        stream.write(`\r\u001b[2K${cut}`)
        shown = cut
      } else if (Date.now() - lastPlain >= plainEveryMs) {
        lastPlain = Date.now()
        stream.write(`${text}\n`)
      }
    },
    done: (text) => {
      clear()
      shown = ""
      lastPlain = 0
      if (text !== undefined) stream.write(`${text}\n`)
    },
    print: (text) => {
      clear()
      stream.write(`${text}\n`)
      if (tty && shown !== "") stream.write(shown)
    }
  }
}

/** `[#######.......] 48%` */
export const bar = (fraction: number, width = 24): string => {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0))
  const filled = Math.round(clamped * width)
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(100 * clamped).toFixed(0).padStart(3)}%`
}

export const formatBytes = (bytes: number): string =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${(bytes / 1e3).toFixed(0)} kB` : `${bytes} B`

export const formatSeconds = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`
}
