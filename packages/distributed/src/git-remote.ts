// Moving commits between the coordinator and the workers through an ordinary git remote: the
// coordinator pushes each experiment's commit to refs/autoresearch/<tag>/<n> before it queues
// the job (and the best to the run branch); a worker fetches that ref into its own checkout.
import { execFile } from "node:child_process"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { GitRemoteError } from "./errors.js"
import { canvasHashOf, type TrainJob } from "./job.js"

const git = (cwd: string, args: ReadonlyArray<string>) =>
  Effect.async<string, GitRemoteError>((resume) => {
    const child = execFile("git", [...args], { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || error.message).trim().split("\n").slice(-3).join(" / ")
        resume(Effect.fail(new GitRemoteError({ message: `git ${args[0]} failed: ${detail}`, cause: error })))
      } else resume(Effect.succeed(stdout.trim()))
    })
    return Effect.sync(() => child.kill())
  })

/**
 * The ref that holds a training's commit on the remote: refs/autoresearch/<tag>/<n>, or with the
 * training's name and commit, refs/autoresearch/<tag>/<name>/<commit> (one ref per commit, so a
 * queued job's ref never moves under it).
 */
export const experimentRef = (tag: string, experiment: number | string, commit?: string) =>
  `refs/autoresearch/${tag}/${experiment}${commit === undefined ? "" : `/${commit.slice(0, 12)}`}`

/** Pushes `commit` from the workspace to `ref` on the remote (a URL, or a path of a repository). */
export const pushCommit = (workspaceDir: string, remote: string, commit: string, ref: string) =>
  git(workspaceDir, ["push", "--quiet", "--force", remote, `${commit}:${ref}`]).pipe(Effect.asVoid)

/** Moves the run branch on the remote to the best commit. */
export const pushBest = (workspaceDir: string, remote: string, tag: string, commit: string) =>
  pushCommit(workspaceDir, remote, commit, `refs/heads/autoresearch/${tag}`)

/** Why a fetched commit must not be trained: it is not what the coordinator described. */
export interface CheckoutRefusal {
  readonly _tag: "Refused"
  readonly message: string
}

/**
 * Makes `dir` (a git repository of the worker's own, created when missing) hold the job's commit,
 * then checks the commit, the canvas hash and the profile against the job.
 */
export const checkoutJob = (dir: string, remote: string, job: TrainJob): Effect.Effect<CheckoutRefusal | undefined, GitRemoteError> =>
  Effect.gen(function* () {
    if (!existsSync(join(dir, ".git"))) {
      mkdirSync(dir, { recursive: true })
      yield* git(dir, ["init", "--quiet"])
    }
    yield* git(dir, ["fetch", "--quiet", "--no-tags", remote, `+${job.ref}:refs/autoresearch/job`])
    const fetched = yield* git(dir, ["rev-parse", "refs/autoresearch/job"])
    if (fetched !== job.commit) {
      return { _tag: "Refused", message: `${job.ref} on the remote is ${fetched.slice(0, 7)}, not the job's commit ${job.commit.slice(0, 7)}` } as const
    }
    yield* git(dir, ["checkout", "--quiet", "--force", "--detach", job.commit])
    yield* git(dir, ["clean", "-fdq"])
    const files = job.canvasFiles.map((path) => ({ path, content: existsSync(join(dir, path)) ? readFileSync(join(dir, path), "utf8") : "" }))
    if (canvasHashOf(files) !== job.canvasHash) {
      return { _tag: "Refused", message: `the canvas at ${job.commit.slice(0, 7)} does not hash to the job's canvas hash` } as const
    }
    const profile = readProfileName(dir)
    if (job.profile !== undefined && profile !== job.profile) {
      return { _tag: "Refused", message: `the commit's profile is ${profile ?? "missing"}, the job's is ${job.profile}` } as const
    }
    return undefined
  })

/** The profile a workspace records in .autoresearch/profile.json, if any. */
export const readProfileName = (dir: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, ".autoresearch", "profile.json"), "utf8"))
    return typeof parsed === "object" && parsed !== null && "profile" in parsed && typeof parsed.profile === "string" ? parsed.profile : undefined
  } catch {
    return undefined
  }
}
