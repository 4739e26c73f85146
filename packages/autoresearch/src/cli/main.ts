// The `autoresearch` command line: dispatches to one command, turns every user mistake into
// one clear line plus a hint, and returns the exit code (main never calls process.exit, so
// tests run it in-process).
import { parseArgs } from "node:util"
import { UserError } from "../user-error.js"
import { ExitCode, line, type Command, type Io } from "./command.js"
import { commandHelp, mainHelp } from "./help.js"
import { dashboardCommand } from "./commands/dashboard.js"
import { initCommand } from "./commands/init.js"
import { prepareCommand } from "./commands/prepare.js"
import { trainCommand } from "./commands/train.js"
import { runCommand } from "./commands/run.js"
import { reportCommand } from "./commands/report.js"
import { resultsCommand } from "./commands/results.js"
import { verifyCommand } from "./commands/verify.js"
import { workerCommand } from "./commands/worker.js"
import { VERSION } from "../version.js"

export const commands: ReadonlyArray<Command> = [initCommand, prepareCommand, trainCommand, runCommand, resultsCommand, verifyCommand, reportCommand, dashboardCommand, workerCommand]

/** Errors from the SDK's services carry a message meant for a person (and maybe a hint). */
const personError = (error: unknown): { message: string; hint?: string; exitCode: number } | undefined => {
  if (error instanceof UserError) return { message: error.message, ...(error.hint !== undefined ? { hint: error.hint } : {}), exitCode: error.exitCode }
  if (typeof error === "object" && error !== null && "_tag" in error && "message" in error && typeof error.message === "string") {
    // runResearch's ResearchError names the failure behind it in `reason`.
    const tag = error._tag === "ResearchError" && "reason" in error ? String(error.reason) : String(error._tag)
    const hint = "hint" in error && typeof error.hint === "string" ? error.hint : undefined
    const exitCode = tag === "PrepareError" || tag === "WorkspaceError" || tag === "ForeignStoreError" ? ExitCode.workspace : tag === "ConfigError" ? ExitCode.usage : ExitCode.failure
    return { message: error.message, ...(hint !== undefined ? { hint } : {}), exitCode }
  }
  return undefined
}

const parseFailure = (error: unknown, command: Command): UserError | undefined => {
  const code = (error as { code?: string }).code
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) return undefined
  const message = (error as Error).message
  const option = /'(-[^']*)'/.exec(message)?.[1]
  const text =
    code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? `unknown option ${option ?? message} for \`autoresearch ${command.name}\``
      : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
        ? `\`autoresearch ${command.name}\` takes no argument ${/'([^']*)'/.exec(message)?.[1] ?? ""}`.trimEnd()
        : message.split(". ")[0]!.replace(/^Option '([^']*)'/, "option $1")
  return new UserError(text, `see \`autoresearch ${command.name} --help\``, ExitCode.usage)
}

export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    line(name === undefined ? io.stderr : io.stdout, mainHelp(commands, VERSION))
    return name === undefined ? ExitCode.usage : ExitCode.ok
  }
  if (name === "--version" || name === "-v") {
    line(io.stdout, VERSION)
    return ExitCode.ok
  }
  const command = commands.find((candidate) => candidate.name === name)
  try {
    if (command === undefined) {
      throw new UserError(`unknown command "${name}"`, `commands: ${commands.map((c) => c.name).join(", ")}; see \`autoresearch --help\``, ExitCode.usage)
    }
    let parsed: { values: Record<string, string | boolean | undefined>; positionals: Array<string> }
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...command.options, help: { type: "boolean", short: "h" } },
        allowPositionals: command.args !== undefined,
        strict: true
      }) as typeof parsed
    } catch (error) {
      throw parseFailure(error, command) ?? error
    }
    if (parsed.values.help === true) {
      line(io.stdout, commandHelp(command))
      return ExitCode.ok
    }
    return await command.run({ values: parsed.values, positionals: parsed.positionals, io })
  } catch (error) {
    const known = personError(error)
    if (known !== undefined) {
      line(io.stderr, `error: ${known.message}`)
      if (known.hint !== undefined) line(io.stderr, `hint: ${known.hint}`)
      return known.exitCode
    }
    line(io.stderr, `error: ${error instanceof Error ? error.message : String(error)}`)
    if (io.env.AUTORESEARCH_DEBUG !== undefined && error instanceof Error && error.stack !== undefined) line(io.stderr, error.stack)
    else line(io.stderr, "hint: this looks like a bug or an environment problem; AUTORESEARCH_DEBUG=1 prints the stack")
    return ExitCode.failure
  }
}
