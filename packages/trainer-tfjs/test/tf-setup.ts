// Unit tests run the template's numerics on the stock wasm backend (what a CPU run uses).
import "@tensorflow/tfjs-backend-wasm"
import { tf } from "../src/canvas.js"

export const useWasm = async () => {
  await tf.setBackend("wasm")
  await tf.ready()
}

/** A small deterministic pseudo-random stream (tests must not flake). */
export const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}

export const randomTokens = (n: number, vocab: number, next: () => number) =>
  Int32Array.from({ length: n }, () => Math.floor(next() * vocab))
