// The sandbox around the training and evaluation processes, in layers. Each layer says in one
// line what it enforces, or why it is unavailable and what that leaves open; the lines go to
// the run's log (`sandbox: ...`). See docs/reliability.md for what the red-team suite measured.
//   1. Node's permission model: reads only of the listed paths, no writes at all, no child
//      processes, no workers, no inspector; native addons only because the fast kernels need
//      them (the harness seals process.dlopen after loading them, before the canvas loads).
//   2. Linux namespaces (`unshare`): no network, its own PID namespace (nothing outlives the
//      run), its own IPC namespace.
import { spawnSync } from "node:child_process"
import { existsSync, realpathSync } from "node:fs"
import { sep } from "node:path"
import { fileURLToPath } from "node:url"
import { packageDir } from "./package-dir.js"

export interface Sandbox {
  /** The command line that runs `node <args>` inside the sandbox. */
  readonly wrap: (nodeArgs: ReadonlyArray<string>) => { command: string; args: string[] }
  /** One line per layer: what it enforces, or why it is off and what that leaves open. */
  readonly layers: ReadonlyArray<string>
  /** Whether two sandboxed processes can reach each other by no channel (no writes, no network, own PIDs). */
  readonly isolated: boolean
}

export interface SandboxOptions {
  /** Paths the process may read (files or directories). */
  readonly reads: ReadonlyArray<string>
  /** Files that must stay unreadable; a layer that would expose one says so. */
  readonly secrets?: ReadonlyArray<string>
  /** Switch the layers off (AUTORESEARCH_SANDBOX=off): for debugging only, said in the log. */
  readonly off?: boolean
}

const permissionFlag = ["--permission", "--experimental-permission"].find((f) => process.allowedNodeEnvironmentFlags.has(f))
const addonsFlag = process.allowedNodeEnvironmentFlags.has("--allow-addons")

let unshareWorks: boolean | undefined
const UNSHARE = ["--user", "--map-root-user", "--net", "--pid", "--ipc", "--fork", "--kill-child"]
/** Whether unprivileged namespaces work here (probed once per process). */
const unshareAvailable = () => {
  if (unshareWorks === undefined)
    unshareWorks = process.platform === "linux" && spawnSync("unshare", [...UNSHARE, "--", "true"], { stdio: "ignore", timeout: 5000 }).status === 0
  return unshareWorks
}

/**
 * The directories the SDK runs from: this package's and its @autoresearch siblings' roots, and
 * the node_modules tree that holds their dependencies (by real path, symlinks resolved).
 */
export const sdkReadPaths = (): string[] => {
  const here = fileURLToPath(import.meta.url)
  const roots = new Set<string>()
  for (const name of ["@autoresearch/trainer-tfjs", "@autoresearch/core", "@autoresearch/prepare", "@autoresearch/fast-kernels", "@tensorflow/tfjs", "effect"]) {
    const root = packageDir(here, name)
    if (root === undefined) continue // not installed (fast-kernels is optional)
    // A dependency inside a node_modules tree: allow the whole tree (its own dependencies).
    const i = root.indexOf(`${sep}node_modules${sep}`)
    roots.add(i >= 0 ? root.slice(0, i + `${sep}node_modules`.length) : root)
  }
  return [...roots]
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)

export const createSandbox = (options: SandboxOptions): Sandbox => {
  const layers: string[] = []
  const nodeFlags: string[] = []
  let prefix: string[] = []
  if (options.off) {
    layers.push("sandbox: OFF (AUTORESEARCH_SANDBOX=off): the canvas can read and write anything this user can, spawn processes and use the network")
    return { wrap: (args) => ({ command: process.execPath, args: [...args] }), layers, isolated: false }
  }
  const reads = [...new Set(options.reads.filter(existsSync).map((p) => realpathSync(p)))]
  if (permissionFlag === undefined) {
    layers.push(`sandbox: node permission model unavailable on Node ${process.versions.node}: reads, writes, child processes and the inspector are open`)
  } else {
    nodeFlags.push(permissionFlag, ...reads.map((p) => `--allow-fs-read=${p}`))
    if (addonsFlag) nodeFlags.push("--allow-addons")
    const exposed = (options.secrets ?? []).filter((s) => existsSync(s) && reads.some((r) => inside(realpathSync(s), r)))
    layers.push(
      `sandbox: node ${permissionFlag}: reads limited to ${reads.length} paths, no writes, no child processes, no workers, no inspector` +
        (addonsFlag ? "; addons allowed (fast kernels), dlopen sealed before the canvas loads" : "; no addons (fast kernels off)")
    )
    if (exposed.length > 0) layers.push(`sandbox: WARNING: ${exposed.join(", ")} lie inside a readable path (move the cache out of the SDK and workspace)`)
    layers.push("sandbox: the permission model leaves the network open and does not limit CPU or memory")
  }
  if (unshareAvailable()) {
    prefix = ["unshare", ...UNSHARE, "--"]
    layers.push("sandbox: linux namespaces (unshare): no network, own PID namespace (nothing outlives the run), own IPC")
  } else {
    layers.push(
      `sandbox: linux namespaces unavailable (${process.platform === "linux" ? "unshare --user failed" : process.platform}): network open; processes are contained by the process group only`
    )
  }
  return {
    wrap: (args) =>
      prefix.length > 0
        ? { command: prefix[0]!, args: [...prefix.slice(1), process.execPath, ...nodeFlags, ...args] }
        : { command: process.execPath, args: [...nodeFlags, ...args] },
    layers,
    isolated: permissionFlag !== undefined && prefix.length > 0
  }
}
