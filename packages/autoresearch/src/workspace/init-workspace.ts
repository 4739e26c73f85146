// Creates a research workspace: the canvas from the template, program.md, .gitignore and the
// profile record, in a fresh git repository with a first commit. Refuses the SDK's own
// repository and a directory that already is a workspace.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { UserError } from "../user-error.js"
import { canvasForProfile } from "./canvas-profile.js"
import { defaultProgram } from "./default-program.js"
import { canvasTemplate, isInside, sdkCheckout } from "./sdk-paths.js"
import { CANVAS_FILE, PROFILE_FILE, PROGRAM_FILE, type WorkspaceProfile } from "./workspace.js"

const GITIGNORE = `# autoresearch: results, logs and caches stay out of the research history
runs/
node_modules/
.cache/
*.log
results.tsv
.autoresearch/fixed-files.json
`

export const WORKSPACE_FILES = [CANVAS_FILE, PROGRAM_FILE, ".gitignore", "package.json", PROFILE_FILE] as const

// train.ts is an ES module: without "type": "module" the harness's TypeScript loader would
// load it as CommonJS, and its imports would miss the harness's resolver.
const PACKAGE_JSON = `${JSON.stringify({ private: true, type: "module", description: "an autoresearch workspace" }, null, 2)}\n`

/** What `initWorkspace` writes: the data profile and source, and the research direction. */
export interface InitOptions {
  readonly profile?: WorkspaceProfile["profile"]
  readonly source?: WorkspaceProfile["source"]
  /** Replaces the default research direction. */
  readonly program?: string
}

/** A workspace `initWorkspace` created: its directory, profile and first commit. */
export interface InitializedWorkspace {
  readonly dir: string
  readonly profile: WorkspaceProfile
  /** The first commit (7 characters). */
  readonly commit: string
}

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

/**
 * Creates a workspace (git repo with train.ts, program.md and the profile), as `autoresearch init` does.
 *
 * @example
 * const { dir, commit } = initWorkspace("/home/me/research", { profile: "cpu" })
 */
export const initWorkspace = (target: string, options: InitOptions = {}): InitializedWorkspace => {
  const dir = resolve(target)
  const sdk = sdkCheckout()
  if (sdk !== undefined && isInside(dir, sdk)) {
    throw new UserError(`${dir} is inside the SDK's own repository (${sdk})`, "create the workspace elsewhere, e.g. `autoresearch init ~/research/first`")
  }
  for (const existing of [CANVAS_FILE, PROGRAM_FILE, PROFILE_FILE]) {
    if (existsSync(join(dir, existing))) {
      throw new UserError(`${dir} already has ${existing}: it is a workspace already`, "use it as it is, or pick another directory")
    }
  }
  if (existsSync(join(dir, "package.json"))) {
    throw new UserError(`${dir} already has a package.json: a workspace needs a directory of its own`, "pick a new or empty directory")
  }
  const profile: WorkspaceProfile = { profile: options.profile ?? "cpu", source: options.source ?? { kind: "embedded" } }

  mkdirSync(join(dir, ".autoresearch"), { recursive: true })
  writeFileSync(join(dir, CANVAS_FILE), canvasForProfile(readFileSync(canvasTemplate(), "utf8"), profile.profile))
  writeFileSync(join(dir, PROGRAM_FILE), options.program ?? defaultProgram(profile.profile))
  writeFileSync(join(dir, ".gitignore"), GITIGNORE)
  writeFileSync(join(dir, "package.json"), PACKAGE_JSON)
  writeFileSync(join(dir, PROFILE_FILE), `${JSON.stringify(profile, null, 2)}\n`)
  // No node_modules here: the harness resolves the canvas's @autoresearch/* imports to the
  // SDK's own packages, so the workspace trains offline wherever it lives.

  if (!existsSync(join(dir, ".git"))) git(dir, ["init", "-q"])
  git(dir, ["add", "--", ...WORKSPACE_FILES])
  git(dir, [...identityArgs(dir), "commit", "-q", "-m", "autoresearch workspace: canvas, program and profile"])
  return { dir, profile, commit: git(dir, ["rev-parse", "--short=7", "HEAD"]).trim() }
}
