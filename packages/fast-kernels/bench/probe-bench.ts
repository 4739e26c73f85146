// Tokens/s of the probe model (probe-model.ts, on wasm + the fast kernels) under each GEMM the
// addon has, and optionally its PyTorch twin (scripts/peer_probe.py), measured in alternating
// rounds so every engine sees the same background load; the best round of each counts.
import type * as tfjs from "@tensorflow/tfjs"
import { runPeerProbe, type PeerResult } from "./peer.js"
import { createProbe } from "./probe-model.js"

export interface ProbeComparison {
  readonly parameters: number
  /** Our probe's best tokens/s per GEMM ("builtin", "blas"). */
  readonly tokensPerSec: Record<string, number>
  readonly peer?: PeerResult
  readonly peerReason?: string
}

export const measureProbeStep = (tf: typeof tfjs, steps: number) => {
  const probe = createProbe(tf)
  const { inputs, targets } = probe.randomBatch()
  probe.step(inputs, targets)
  probe.step(inputs, targets)
  const start = performance.now()
  for (let i = 0; i < steps; i++) probe.step(inputs, targets)
  const seconds = (performance.now() - start) / 1000 / steps
  const parameters = probe.parameterCount
  probe.dispose()
  tf.dispose([inputs, targets])
  return { tokensPerSec: probe.tokensPerStep / seconds, parameters }
}

export const compareProbe = (
  tf: typeof tfjs,
  options: {
    readonly gemms: ReadonlyArray<string>
    readonly useGemm: (name: string) => void
    readonly peerScript?: string
    readonly rounds: number
    readonly steps: number
    /** PyTorch's threads (absent: its default). */
    readonly peerThreads?: number
  }
): ProbeComparison => {
  const tokensPerSec: Record<string, number> = {}
  let parameters = 0
  let peer: PeerResult | undefined
  let peerReason: string | undefined
  for (let round = 0; round < options.rounds; round++) {
    for (const gemm of options.gemms) {
      options.useGemm(gemm)
      const mine = measureProbeStep(tf, options.steps)
      parameters = mine.parameters
      tokensPerSec[gemm] = Math.max(tokensPerSec[gemm] ?? 0, mine.tokensPerSec)
    }
    if (options.peerScript === undefined || peerReason !== undefined) continue
    const run = runPeerProbe(options.peerScript, options.steps, options.peerThreads)
    if ("reason" in run) peerReason = run.reason
    else if (peer === undefined || run.peer.tokensPerSec > peer.tokensPerSec) peer = run.peer
  }
  return { parameters, tokensPerSec, ...(peer ? { peer } : {}), ...(peerReason ? { peerReason } : {}) }
}
