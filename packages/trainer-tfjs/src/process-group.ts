// Runs one training command in its own process group, logs everything it prints, and kills
// the whole group (the command and anything it started) at the deadline, on abort, and after
// it exits, so no orphan keeps a core busy.
import { spawn } from "node:child_process"
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs"
import { dirname } from "node:path"
import { createInterface } from "node:readline"

export interface GroupRun {
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly cwd: string
  readonly env?: NodeJS.ProcessEnv
  /** Written to the child's stdin, which is then closed (unless `keepStdinOpen`). */
  readonly stdin?: string
  /** Leaves stdin open for `GroupProcess.send`. */
  readonly keepStdinOpen?: boolean
  /** Gives the child a pipe on fd 3; each line it writes there is passed here (never logged). */
  readonly onChannelLine?: (line: string) => void
  readonly deadlineMs: number
  readonly signal?: AbortSignal
  readonly logFile: string
  /** Appends to the log instead of starting it. */
  readonly appendLog?: boolean
  /** Lines of the log kept for the crash report. */
  readonly tailLines?: number
}

export interface GroupExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly aborted: boolean
  /** The last lines the command printed (stdout and stderr, interleaved as they came). */
  readonly tail: string
  /** Everything printed, for parsers (capped at 4 MB, the head dropped first). */
  readonly output: string
  readonly pid: number | undefined
}

const MAX_OUTPUT = 4 * 2 ** 20

/** Kills every process of the group; quiet when it is already gone. */
export const killGroup = (pid: number | undefined) => {
  if (pid === undefined) return
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Whether any process of the group is still running. On Linux, zombies (killed, not yet reaped:
 * containers often lack an init that reaps orphans) do not count.
 */
export const groupAlive = (pgid: number) => {
  if (existsSync("/proc/self/stat")) {
    return readdirSync("/proc").some((entry) => {
      if (!/^\d+$/.test(entry)) return false
      try {
        // Fields after the command name (which may hold spaces): state ppid pgrp ...
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
        return Number(pgrp) === pgid && state !== "Z" && state !== "X"
      } catch {
        return false // exited while we looked
      }
    })
  }
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** A started group: its exit, a writer to its stdin, and a kill switch. */
export interface GroupProcess {
  readonly exit: Promise<GroupExit>
  /** Writes to the child's stdin (a no-op once it is gone). */
  readonly send: (text: string) => void
  readonly kill: () => void
  readonly pid: number | undefined
}

export const runInGroup = (run: GroupRun): Promise<GroupExit> => startInGroup(run).exit

export const startInGroup = (run: GroupRun): GroupProcess => {
  let handle: Omit<GroupProcess, "exit"> = { send: () => undefined, kill: () => undefined, pid: undefined }
  const exit = new Promise<GroupExit>((resolvePromise, reject) => {
    mkdirSync(dirname(run.logFile), { recursive: true })
    const log = createWriteStream(run.logFile, { flags: run.appendLog ? "a" : "w" })
    const keep = run.tailLines ?? 50
    const tail: string[] = []
    let output = ""
    const onLine = (line: string) => {
      log.write(line + "\n")
      tail.push(line)
      if (tail.length > keep) tail.shift()
      output += line + "\n"
      if (output.length > MAX_OUTPUT) output = output.slice(output.length - MAX_OUTPUT)
    }
    const child = spawn(run.command, [...run.args], {
      cwd: run.cwd,
      env: run.env ?? process.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe", run.onChannelLine ? "pipe" : "ignore"]
    })
    let timedOut = false
    let aborted = false
    let settled = false
    const timer = setTimeout(() => {
      timedOut = true
      onLine(`[trainer] deadline of ${(run.deadlineMs / 1000).toFixed(0)} s reached: killing the process group`)
      killGroup(child.pid)
    }, run.deadlineMs)
    const onAbort = () => {
      aborted = true
      onLine("[trainer] aborted: killing the process group")
      killGroup(child.pid)
    }
    run.signal?.addEventListener("abort", onAbort, { once: true })
    if (run.signal?.aborted) onAbort()

    child.on("error", (error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      log.end()
      reject(error)
    })
    createInterface({ input: child.stdout! }).on("line", onLine)
    createInterface({ input: child.stderr! }).on("line", onLine)
    const channel = child.stdio[3]
    if (run.onChannelLine && channel && "on" in channel)
      createInterface({ input: channel as NodeJS.ReadableStream }).on("line", run.onChannelLine)
    child.stdin!.on("error", () => undefined) // a child that exits before reading stdin
    if (run.keepStdinOpen) child.stdin!.write(run.stdin ?? "")
    else child.stdin!.end(run.stdin ?? "")
    handle = {
      send: (text) => {
        if (!settled && child.stdin!.writable) child.stdin!.write(text)
      },
      kill: () => killGroup(child.pid),
      pid: child.pid
    }

    // Once the command itself exits, nothing of its group may outlive it (and hold the pipes).
    child.on("exit", () => killGroup(child.pid))
    child.on("close", (code, signal) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      run.signal?.removeEventListener("abort", onAbort)
      killGroup(child.pid) // whatever the command left behind
      log.end(() =>
        resolvePromise({ code, signal, timedOut, aborted, tail: tail.join("\n"), output, pid: child.pid })
      )
    })
  })
  return { exit, send: (text) => handle.send(text), kill: () => handle.kill(), get pid() { return handle.pid } }
}
