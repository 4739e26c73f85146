import { beforeAll, describe, expect, it } from "vitest"
import { tf } from "../src/canvas.js"
import { adamParam, adamStep, lrMultiplier, muonGroups, muonMomentum, muonStep, polarExpress } from "../templates/train.js"
import { rng, useWasm } from "./tf-setup.js"

beforeAll(useWasm)

type M = number[][]
const mm = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)))
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!))
const lin = (a: M, x: number, b: M, y: number): M => a.map((row, i) => row.map((v, j) => x * v + y * b[i]![j]!))
const toM = (t: tf.Tensor): M => t.arraySync() as M

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (float64). */
const symmetricEigenvalues = (input: M): number[] => {
  const a = input.map((r) => r.slice())
  const n = a.length
  for (let sweep = 0; sweep < 100; sweep++)
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p]![q]!) < 1e-14) continue
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!, akq = a[k]![q]!
          a[k]![p] = c * akp - s * akq
          a[k]![q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!, aqk = a[q]![k]!
          a[p]![k] = c * apk - s * aqk
          a[q]![k] = s * apk + c * aqk
        }
      }
  return a.map((row, i) => row[i]!)
}
const singularValues = (x: M) => symmetricEigenvalues(x.length >= x[0]!.length ? mm(tr(x), x) : mm(x, tr(x))).map((e) => Math.sqrt(Math.max(e, 0)))

describe("the optimizer", () => {
  it("polar express drives the singular values of random matrices into the band around 1", () => {
    for (const shape of [[3, 24, 12], [2, 12, 24]] as const) {
      // Columns scaled 1..1000: singular values spread over three decades before orthogonalising.
      const next = rng(shape[1])
      const g = tf.tensor3d(
        Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => (next() - 0.5) * Math.pow(10, (3 * (i % shape[2])) / shape[2])),
        [...shape]
      )
      const before = toM(g.slice([0, 0, 0], [1, -1, -1]).squeeze([0]))
      const spread = singularValues(before)
      expect(Math.max(...spread) / Math.min(...spread)).toBeGreaterThan(30)
      const out = polarExpress(g)
      for (let i = 0; i < shape[0]; i++) {
        const sv = singularValues(toM(out.slice([i, 0, 0], [1, -1, -1]).squeeze([0])))
        for (const s of sv) {
          expect(s).toBeGreaterThan(0.6)
          expect(s).toBeLessThan(1.2)
        }
      }
    }
  })

  it("one AdamW step (and a second) match the hand-computed update on a 3x2 example", () => {
    const p0: M = [[0.5, -1], [2, 0.25], [-0.75, 1.5]]
    const g1: M = [[0.1, -0.2], [0.3, 0], [-0.05, 0.4]]
    const g2: M = [[-0.2, 0.1], [0.3, 0.5], [0.05, -0.1]]
    const [b1, b2, lr, eps] = [0.8, 0.95, 0.01, 1e-10]
    const param = tf.variable(tf.tensor2d(p0))
    const a = adamParam(param, lr, [b1, b2])
    let m = p0.map((r) => r.map(() => 0))
    let v = p0.map((r) => r.map(() => 0))
    let p = p0
    ;[g1, g2].forEach((g, k) => {
      const step = k + 1
      adamStep(a, tf.tensor2d(g), step, 0.5)
      m = lin(m, b1, g, 1 - b1)
      v = lin(v, b2, g.map((r) => r.map((x) => x * x)), 1 - b2)
      p = p.map((row, i) =>
        row.map((x, j) => {
          const mHat = m[i]![j]! / (1 - b1 ** step)
          const vHat = v[i]![j]! / (1 - b2 ** step)
          return x - lr * 0.5 * (mHat / (Math.sqrt(vHat) + eps))
        })
      )
      toM(param).forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(p[i]![j]!, 5)))
    })
  })

  it("one Muon step matches the hand-computed update on a 3x2 example", () => {
    const p0: M = [[0.5, -1], [2, 0.25], [-0.75, 1.5]]
    const g: M = [[0.1, -0.2], [0.3, 0.05], [-0.05, 0.4]]
    const settings = { lr: 0.04, momentum: 0.85, weightDecay: 0.2, beta2: 0.95 }
    const param = tf.variable(tf.tensor2d(p0))
    const [group] = muonGroups([param])
    muonStep(group!, [tf.tensor2d(g)], settings)

    // By hand: momentum buffer from zero, Nesterov blend.
    const m = settings.momentum
    const buf = lin(g, 1 - m, g, 0)
    let x = lin(g, 1 - m, buf, m)
    // Polar express (3x2 is tall: A = XᵀX, X = aX + XB), after normalising by 1.02 ‖X‖_F.
    const fro = Math.sqrt(x.flat().reduce((s, v) => s + v * v, 0))
    x = x.map((r) => r.map((v) => v / (fro * 1.02 + 1e-6)))
    for (const [a, b, c] of [
      [8.156554524902461, -22.48329292557795, 15.878769915207462],
      [4.042929935166739, -2.808917465908714, 0.5000178451051316],
      [3.8916678022926607, -2.772484153217685, 0.5060648178503393],
      [3.285753657755655, -2.3681294933425376, 0.46449024233003106],
      [2.3465413258596377, -1.7097828382687081, 0.42323551169305323]
    ] as const) {
      const A = mm(tr(x), x)
      const B = lin(A, b, mm(A, A), c)
      x = lin(x, a, mm(x, B), 1)
    }
    // NorMuon: one statistic per row (rows >= cols), EMA from zero, norm kept.
    const vMean = x.map((r) => r.reduce((s, v) => s + v * v, 0) / 2)
    const norm = Math.sqrt(vMean.reduce((s, v) => s + v, 0) * 2)
    const second = vMean.map((v) => v * (1 - settings.beta2))
    const stepSize = second.map((s) => 1 / Math.sqrt(Math.max(s, 1e-10)))
    const newNorm = Math.sqrt(vMean.reduce((s, v, i) => s + v * 2 * stepSize[i]! ** 2, 0))
    const u = x.map((r, i) => r.map((v) => v * stepSize[i]! * (norm / newNorm)))
    // Cautious decoupled weight decay; the aspect-ratio scale is 1 for 3 in x 2 out.
    const expected = p0.map((row, i) =>
      row.map((pv, j) => {
        const uv = u[i]![j]!
        return pv - settings.lr * uv - (uv * pv >= 0 ? settings.lr * settings.weightDecay * pv : 0)
      })
    )
    toM(param).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 4)))
    toM(group!.momentum.squeeze([0])).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(buf[i]![j]!, 6)))
  })

  it("schedules: constant, then the last half linearly to 0; momentum ramps 0.85 -> 0.95 over 300 steps", () => {
    expect(lrMultiplier(0)).toBe(1)
    expect(lrMultiplier(0.5)).toBe(1)
    expect(lrMultiplier(0.75)).toBeCloseTo(0.5, 10)
    expect(lrMultiplier(1)).toBeCloseTo(0, 10)
    expect(muonMomentum(0)).toBeCloseTo(0.85, 10)
    expect(muonMomentum(150)).toBeCloseTo(0.9, 10)
    expect(muonMomentum(600)).toBeCloseTo(0.95, 10)
  })
})
