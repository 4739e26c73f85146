// Finds a python3 that can import a module. The distro's /usr/bin/python3 comes before PATH's
// python3 (often a pyenv/venv shim): its numpy uses the system BLAS and Debian's python3-torch
// lives there. $AUTORESEARCH_PYTHON wins.
import { spawnSync } from "node:child_process"

export const findPython = (module: string): string | undefined => {
  const candidates = [process.env.AUTORESEARCH_PYTHON, "/usr/bin/python3", "python3", "python"].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== ""
  )
  return candidates.find((python) => spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0)
}

/** Runs a python script (file or -c code), returning its last stdout line parsed as JSON. */
export const runPythonJson = <T>(python: string, args: ReadonlyArray<string>, input?: string): T => {
  const result = spawnSync(python, [...args], { encoding: "utf8", input, maxBuffer: 1 << 24, env: process.env })
  if (result.status !== 0) {
    throw new Error(`${python} ${args.join(" ")} failed: ${(result.stderr || result.stdout).trim().split("\n").pop()}`)
  }
  const lines = result.stdout.trim().split("\n")
  return JSON.parse(lines[lines.length - 1]!) as T
}
