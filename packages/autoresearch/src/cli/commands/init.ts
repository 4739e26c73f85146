import { readdirSync } from "node:fs"
import { resolve } from "node:path"
import { UserError } from "../../user-error.js"
import { initWorkspace, WORKSPACE_FILES } from "../../workspace/init-workspace.js"
import type { WorkspaceProfile } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { displayPath } from "../display-path.js"
import { choiceOption, stringOption } from "../values.js"

export const initCommand: Command = {
  name: "init",
  args: "[dir]",
  summary: "create a research workspace: program.md, train.ts (the canvas), a git repository",
  options: {
    profile: { type: "string", placeholder: "cpu|reference", description: "fixed environment for every run here (default cpu)" },
    source: { type: "string", placeholder: "embedded|local|remote", description: "where the data comes from (default embedded: works offline)" },
    data: { type: "string", placeholder: "dir|url", description: "the folder (local) or shard URL (remote) of the data" },
    json: { type: "boolean", description: "print what was created as one JSON object" }
  },
  details: [
    "The directory may exist but must not be a workspace already, and must be outside the SDK's own",
    "repository. Next: `autoresearch prepare`, then `autoresearch run`, inside it."
  ],
  run: async ({ values, positionals, io }) => {
    if (positionals.length > 1) throw new UserError(`init takes one directory, got ${positionals.length}`, "see `autoresearch init --help`", ExitCode.usage)
    const profile = choiceOption(values, "profile", ["cpu", "reference"], "init") ?? "cpu"
    const data = stringOption(values, "data")
    const kind = choiceOption(values, "source", ["embedded", "local", "remote"], "init") ?? (data !== undefined ? "local" : "embedded")
    if (kind === "local" && data === undefined) throw new UserError("--source local needs --data <dir>", "see `autoresearch init --help`", ExitCode.usage)
    if (kind === "embedded" && data !== undefined) throw new UserError("--data does not apply to the embedded source", "drop --data, or pass --source local|remote", ExitCode.usage)
    const source: WorkspaceProfile["source"] =
      kind === "local" ? { kind, dir: resolve(io.cwd, data!) } : kind === "remote" ? (data !== undefined ? { kind, baseUrl: data } : { kind }) : { kind }

    const created = initWorkspace(resolve(io.cwd, positionals[0] ?? "."), { profile, source })
    if (values.json === true) {
      line(io.stdout, JSON.stringify({ dir: created.dir, profile, source, commit: created.commit, files: WORKSPACE_FILES }))
      return ExitCode.ok
    }
    const shown = displayPath(io.cwd, created.dir)
    line(io.stdout, `created workspace ${created.dir} (profile ${profile}, ${kind} data, commit ${created.commit})`)
    line(io.stdout, "  train.ts    the canvas the agent edits")
    line(io.stdout, "  program.md  your research direction for the agent")
    const others = readdirSync(created.dir).filter((name) => ![...WORKSPACE_FILES, ".autoresearch", ".git", "node_modules"].includes(name))
    if (others.length > 0) line(io.stdout, `  (left untouched: ${others.join(", ")})`)
    line(io.stdout, "next:")
    if (shown !== ".") line(io.stdout, `  cd ${shown}`)
    line(io.stdout, "  autoresearch prepare   # data + tokenizer, once")
    line(io.stdout, "  autoresearch train     # one run of the canvas (optional)")
    line(io.stdout, "  autoresearch run       # the research loop")
    return ExitCode.ok
  }
}
