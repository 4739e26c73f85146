// Follows a growing file line by line (polling: portable, and fs.watch misses appends on
// some file systems). A file that shrinks (moved aside, truncated) is read again from the start.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs"
import { StringDecoder } from "node:string_decoder"

export interface Tail {
  readonly stop: () => void
  /** Reads whatever is new right now (also called on every poll). */
  readonly poll: () => void
}

export const tailLines = (file: string, onLine: (line: string) => void, intervalMs = 250): Tail => {
  let offset = 0
  let pending = ""
  let decoder = new StringDecoder("utf8") // keeps a character split across two reads whole
  const poll = () => {
    if (!existsSync(file)) return
    const size = statSync(file).size
    if (size < offset) {
      offset = 0
      pending = ""
      decoder = new StringDecoder("utf8")
    }
    if (size === offset) return
    const fd = openSync(file, "r")
    try {
      const buffer = Buffer.alloc(size - offset)
      const read = readSync(fd, buffer, 0, buffer.length, offset)
      offset += read
      pending += decoder.write(buffer.subarray(0, read))
    } finally {
      closeSync(fd)
    }
    const lines = pending.split("\n")
    pending = lines.pop() ?? ""
    for (const line of lines) if (line.trim() !== "") onLine(line)
  }
  poll()
  const timer = setInterval(poll, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer), poll }
}
