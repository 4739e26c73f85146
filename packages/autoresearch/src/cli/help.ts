// --help text, generated from the same option specs parseArgs uses, so they never disagree.
import type { Command } from "./command.js"

export const commandHelp = (command: Command): string => {
  const flags = Object.entries(command.options).map(([name, spec]) => {
    const left = `${spec.short !== undefined ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` <${spec.placeholder ?? "value"}>` : ""}`
    return { left, right: spec.description }
  })
  flags.push({ left: "    --help", right: "show this help" })
  const width = Math.max(...flags.map((flag) => flag.left.length))
  return [
    `usage: autoresearch ${command.name}${command.args !== undefined ? ` ${command.args}` : ""} [options]`,
    "",
    command.summary,
    "",
    "options:",
    ...flags.map((flag) => `  ${flag.left.padEnd(width)}  ${flag.right}`),
    ...(command.details !== undefined ? ["", ...command.details] : [])
  ].join("\n")
}

export const mainHelp = (commands: ReadonlyArray<Command>, version: string): string => {
  const width = Math.max(...commands.map((command) => command.name.length))
  return [
    `autoresearch ${version}: an AI agent edits a GPT training script, trains it for a fixed`,
    "time budget, keeps the change if val_bpb improved, and repeats.",
    "",
    "usage: autoresearch <command> [options]",
    "",
    "commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `autoresearch <command> --help` for a command's options.",
    "Quick start: autoresearch init my-research && cd my-research && autoresearch prepare && autoresearch run"
  ].join("\n")
}
