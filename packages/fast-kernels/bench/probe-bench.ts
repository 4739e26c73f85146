// Tokens/s of the probe model (probe-model.ts, on wasm + the fast kernels) against its PyTorch
// twin (scripts/peer_probe.py) on the same machine, measured in alternating rounds so both see
// the same background load; the best round of each counts.
import type * as tfjs from "@tensorflow/tfjs"
import { runPeerProbe, type PeerResult } from "./peer.js"
import { createProbe } from "./probe-model.js"

export interface ProbeComparison {
  readonly oursTokensPerSec: number
  readonly oursParameters: number
  readonly peer?: PeerResult
  readonly peerReason?: string
  readonly ratio?: number
}

const measureOurs = (tf: typeof tfjs, steps: number) => {
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

export const compareProbe = (tf: typeof tfjs, peerScript: string, rounds: number, steps: number): ProbeComparison => {
  let ours = { tokensPerSec: 0, parameters: 0 }
  let peer: PeerResult | undefined
  let peerReason: string | undefined
  for (let round = 0; round < rounds; round++) {
    const mine = measureOurs(tf, steps)
    if (mine.tokensPerSec > ours.tokensPerSec) ours = mine
    if (peerReason !== undefined) continue
    const run = runPeerProbe(peerScript, steps)
    if ("reason" in run) peerReason = run.reason
    else if (peer === undefined || run.peer.tokensPerSec > peer.tokensPerSec) peer = run.peer
  }
  return {
    oursTokensPerSec: ours.tokensPerSec,
    oursParameters: ours.parameters,
    ...(peer ? { peer, ratio: ours.tokensPerSec / peer.tokensPerSec } : {}),
    ...(peerReason ? { peerReason } : {})
  }
}
