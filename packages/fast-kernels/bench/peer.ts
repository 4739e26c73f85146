// Runs the PyTorch peer of the probe model (scripts/peer_probe.py) when a python3 with torch
// exists, for benchmarks that print our tokens/s next to PyTorch's on the same machine.
import { findPython, runPythonJson } from "./python.js"

export interface PeerResult {
  readonly engine: string
  readonly threads: number
  readonly parameters: number
  readonly tokensPerSec: number
  readonly stepSeconds: number
  /** CPU seconds a step, all threads (absent from older peer scripts). */
  readonly cpuSecondsPerStep?: number
}

export type PeerRun = { readonly peer: PeerResult } | { readonly reason: string }

/** threads: torch's threads (torch.set_num_threads); absent: PyTorch's default here. */
export const runPeerProbe = (script: string, steps = 5, threads?: number): PeerRun => {
  const python = findPython("torch")
  if (python === undefined) return { reason: "no python3 with torch (Debian: apt install python3-torch; or set AUTORESEARCH_PYTHON)" }
  try {
    const threadArgs = threads === undefined ? [] : ["--threads", String(threads)]
    return { peer: runPythonJson<PeerResult>(python, [script, "--json", "--steps", String(steps), ...threadArgs]) }
  } catch (error) {
    return { reason: (error as Error).message }
  }
}
