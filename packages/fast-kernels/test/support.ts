// Shared test setup: tfjs on its wasm backend, plus helpers to run the same computation with
// the fast kernels installed and with tfjs's stock kernels, and to compare the results.
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { expect } from "vitest"
import { installFastKernels, uninstallFastKernels } from "../src/index.js"

export { tf }

export const useWasm = async () => {
  await tf.setBackend("wasm")
  await tf.ready()
}

type Computation = () => tf.Tensor | tf.Tensor[]

/** Runs f on tfjs's stock wasm kernels. */
export const withStockKernels = async (f: Computation) => {
  uninstallFastKernels(tf)
  return values(f)
}

/** Runs f with the fast kernels installed. */
export const withFastKernels = async (f: Computation) => {
  const install = installFastKernels(tf)
  expect(install.installed, install.reason).toBe(true)
  return values(f)
}

/** Runs f with the stock wasm kernels, then with the fast ones; returns both results' values. */
export const stockAndFast = async (f: Computation) => ({ stock: await withStockKernels(f), fast: await withFastKernels(f) })

/** Runs f on tfjs's reference cpu backend (for cases the stock wasm kernels do not support). */
export const onCpu = async (f: Computation) => {
  await tf.setBackend("cpu")
  try {
    return await values(f)
  } finally {
    await useWasm()
  }
}

const values = async (f: Computation) => {
  const result = tf.tidy(f)
  const tensors = Array.isArray(result) ? result : [result]
  const out = await Promise.all(tensors.map(async (t) => ({ shape: t.shape, data: Array.from(await t.data()) })))
  tf.dispose(tensors)
  return out
}

/** max |x - y| / max |y|: the norm-wise relative error, meaningful where entries are near zero. */
export const relativeError = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
  let diff = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!))
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return scale === 0 ? diff : diff / scale
}

export const expectClose = (
  actual: ReadonlyArray<{ shape: number[]; data: number[] }>,
  expected: ReadonlyArray<{ shape: number[]; data: number[] }>,
  tolerance = 1e-5
) => {
  expect(actual.length).toBe(expected.length)
  actual.forEach((tensor, i) => {
    expect(tensor.shape).toEqual(expected[i]!.shape)
    expect(tensor.data.length).toBe(expected[i]!.data.length)
    expect(relativeError(tensor.data, expected[i]!.data)).toBeLessThanOrEqual(tolerance)
  })
}

/** Deterministic pseudo-random tensor (the same values on every backend). */
export const randomTensor = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, "float32", seed)
