// Child processes of a test, with their output as lines a test can wait for.
import { type ChildProcess, spawn } from "node:child_process"
import { join } from "node:path"

export interface Child {
  readonly process: ChildProcess
  readonly lines: Array<string>
  /** Resolves with the first line (already printed or still to come) that matches. */
  readonly waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>
  readonly exited: Promise<number | null>
}

export const spawnTs = (script: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}): Child => {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(__dirname, "..", script), ...args], {
    cwd: join(__dirname, "..", ".."),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  const waiters: Array<() => void> = []
  const onData = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""))
    for (const waiter of waiters.splice(0)) waiter()
  }
  child.stdout!.on("data", onData)
  child.stderr!.on("data", onData)
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      exitCode = code
      for (const waiter of waiters.splice(0)) waiter()
      resolve(code)
    })
  )
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} from ${script}; it printed:\n${lines.join("\n")}`)), timeoutMs)
      const check = () => {
        const found = lines.find((line) => pattern.test(line))
        if (found !== undefined) {
          clearTimeout(timer)
          resolve(found)
        } else if (exitCode !== undefined) {
          clearTimeout(timer)
          reject(new Error(`${script} exited (${exitCode}) before printing ${pattern}:\n${lines.join("\n")}`))
        } else waiters.push(check)
      }
      check()
    })
  return { process: child, lines, waitFor, exited }
}
