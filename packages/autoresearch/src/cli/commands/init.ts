import { execFileSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { UserError } from "../../user-error.js"
import { defaultProgram } from "../../workspace/default-program.js"
import { canvasTemplate, isInside, sdkCheckout, trainerPackageDir } from "../../workspace/sdk-paths.js"
import { CANVAS_FILE, PROFILE_FILE, PROGRAM_FILE, type WorkspaceProfile } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { choiceOption, stringOption } from "../values.js"
import { displayPath } from "../display-path.js"

const GITIGNORE = `# autoresearch: results, logs and caches stay out of the research history
runs/
node_modules/
.cache/
*.log
results.tsv
.autoresearch/fixed-files.json
`

const git = (dir: string, args: ReadonlyArray<string>) => execFileSync("git", [...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" })

/** Commits need an identity; a fresh machine may have none configured. */
const identityArgs = (dir: string): ReadonlyArray<string> => {
  try {
    if (git(dir, ["config", "user.email"]).trim() !== "") return []
  } catch {
    // not configured
  }
  return ["-c", "user.name=autoresearch", "-c", "user.email=autoresearch@localhost"]
}

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
    "The directory must not exist yet or be empty of autoresearch files, and must be outside the SDK's",
    "own repository. Next: `autoresearch prepare` then `autoresearch run` inside it."
  ],
  run: async ({ values, positionals, io }) => {
    if (positionals.length > 1) throw new UserError(`init takes one directory, got ${positionals.length}`, "see `autoresearch init --help`", ExitCode.usage)
    const dir = resolve(io.cwd, positionals[0] ?? ".")
    const profile = choiceOption(values, "profile", ["cpu", "reference"], "init") ?? "cpu"
    const kind = choiceOption(values, "source", ["embedded", "local", "remote"], "init") ?? (stringOption(values, "data") !== undefined ? "local" : "embedded")
    const data = stringOption(values, "data")
    if (kind === "local" && data === undefined) throw new UserError("--source local needs --data <dir>", "see `autoresearch init --help`", ExitCode.usage)
    if (kind === "embedded" && data !== undefined) throw new UserError("--data does not apply to the embedded source", "drop --data, or pass --source local|remote", ExitCode.usage)
    const source: WorkspaceProfile["source"] =
      kind === "local" ? { kind, dir: resolve(io.cwd, data!) } : kind === "remote" ? (data !== undefined ? { kind, baseUrl: data } : { kind }) : { kind }

    const sdk = sdkCheckout()
    if (sdk !== undefined && isInside(dir, sdk)) {
      throw new UserError(`${dir} is inside the SDK's own repository (${sdk})`, "create the workspace elsewhere, e.g. `autoresearch init ~/research/first`", ExitCode.usage)
    }
    for (const existing of [CANVAS_FILE, PROGRAM_FILE, PROFILE_FILE]) {
      if (existsSync(join(dir, existing))) {
        throw new UserError(`${dir} already has ${existing}: it is a workspace already`, "use it as it is, or pick another directory", ExitCode.usage)
      }
    }

    mkdirSync(join(dir, ".autoresearch"), { recursive: true })
    copyFileSync(canvasTemplate(), join(dir, CANVAS_FILE))
    writeFileSync(join(dir, PROGRAM_FILE), defaultProgram(profile))
    writeFileSync(join(dir, ".gitignore"), GITIGNORE)
    const record: WorkspaceProfile = { profile, source }
    writeFileSync(join(dir, PROFILE_FILE), `${JSON.stringify(record, null, 2)}\n`)
    // The canvas imports @autoresearch/trainer-tfjs/canvas: link the SDK's copy so the import
    // resolves offline wherever the workspace lives (and editors see the types).
    const link = join(dir, "node_modules", "@autoresearch", "trainer-tfjs")
    if (!existsSync(link)) {
      mkdirSync(join(dir, "node_modules", "@autoresearch"), { recursive: true })
      symlinkSync(trainerPackageDir(), link, "dir")
    }

    const fresh = !existsSync(join(dir, ".git"))
    if (fresh) git(dir, ["init", "-q"])
    git(dir, ["add", "--", CANVAS_FILE, PROGRAM_FILE, ".gitignore", PROFILE_FILE])
    git(dir, [...identityArgs(dir), "commit", "-q", "-m", "autoresearch workspace: canvas, program and profile"])
    const commit = git(dir, ["rev-parse", "--short=7", "HEAD"]).trim()

    if (values.json === true) {
      line(io.stdout, JSON.stringify({ dir, profile, source, commit, files: [CANVAS_FILE, PROGRAM_FILE, ".gitignore", PROFILE_FILE] }))
      return ExitCode.ok
    }
    const shown = displayPath(io.cwd, dir)
    line(io.stdout, `created workspace ${dir} (profile ${profile}, ${kind} data, commit ${commit})`)
    line(io.stdout, `  ${CANVAS_FILE}    the canvas the agent edits`)
    line(io.stdout, `  ${PROGRAM_FILE}  your research direction for the agent`)
    const others = readdirSync(dir).filter((name) => ![CANVAS_FILE, PROGRAM_FILE, ".gitignore", ".autoresearch", ".git", "node_modules"].includes(name))
    if (others.length > 0) line(io.stdout, `  (left untouched: ${others.join(", ")})`)
    line(io.stdout, "next:")
    if (shown !== ".") line(io.stdout, `  cd ${shown}`)
    line(io.stdout, "  autoresearch prepare   # data + tokenizer, once")
    line(io.stdout, "  autoresearch train     # one run of the canvas (optional)")
    line(io.stdout, "  autoresearch run       # the research loop")
    return ExitCode.ok
  }
}
