// The shape every CLI command shares: its options (for node:util parseArgs and for --help),
// and a run function that returns the exit code. Output goes through Io so tests can run
// commands in-process.
import type { Writable } from "node:stream"

export interface OptionSpec {
  readonly type: "string" | "boolean"
  readonly short?: string
  /** Shown in --help as `--name <placeholder>`. */
  readonly placeholder?: string
  readonly description: string
}

export interface Io {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number }
  readonly stderr: Writable & { isTTY?: boolean; columns?: number }
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>

export interface CommandInput {
  readonly values: OptionValues
  readonly positionals: ReadonlyArray<string>
  readonly io: Io
}

export interface Command {
  readonly name: string
  readonly summary: string
  /** e.g. "[dir]" */
  readonly args?: string
  readonly options: Readonly<Record<string, OptionSpec>>
  /** Extra lines for --help: what it writes, examples. */
  readonly details?: ReadonlyArray<string>
  readonly run: (input: CommandInput) => Promise<number>
}

/** Exit codes: the same meaning for every command. */
export const ExitCode = {
  ok: 0,
  /** Something failed that is not the user's input (a crashed training run, an I/O error). */
  failure: 1,
  /** Bad command line: unknown command or option, a value that does not parse. */
  usage: 2,
  /** The workspace is not ready: missing, another profile, no data prepared. */
  workspace: 3,
  /** Stopped by Ctrl-C. */
  interrupted: 130
} as const

export const line = (stream: Writable, text = "") => stream.write(`${text}\n`)
