// What both child processes do before any canvas code runs: pick the backend, install the fast
// kernels and seal native addons. The canvas they import is the parent's bundle of train.ts,
// whose SDK imports point at the harness's own files (see canvas-bundle.ts).
import { pathToFileURL } from "node:url"
import type { CrashReason } from "@autoresearch/core"
import { installFastKernelsIfPresent, parseBackendChoice, selectBackend, type ActiveBackend } from "../backend.js"
import { OUT_OF_MEMORY } from "../crash-signs.js"

/** A run that ended without a result; `reason` is the crash class the parent records. */
export class RunCrashed extends Error {
  constructor(
    readonly reason: CrashReason,
    message: string
  ) {
    super(message)
  }
}

/** Classifies an exception thrown by the canvas or the harness. */
export const classify = (error: unknown): RunCrashed => {
  if (error instanceof RunCrashed) return error
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return new RunCrashed(OUT_OF_MEMORY.test(message) ? "oom" : "error", message)
}

/**
 * No native code after the fast kernels: a canvas that could dlopen a library of its own would
 * step outside every other layer of the sandbox.
 */
const sealAddons = () => {
  const refuse = () => {
    throw new Error("native addons are sealed in the harness")
  }
  Object.defineProperty(process, "dlopen", { value: refuse, writable: false, configurable: false })
}

export const prepareChild = async (backendChoice: string | undefined, log: (line: string) => void): Promise<ActiveBackend> => {
  const backend = await selectBackend(parseBackendChoice(backendChoice))
  backend.notes.forEach((n) => log(`backend: ${n}`))
  if (backend.name === "wasm") log(await installFastKernelsIfPresent())
  log(`backend: ${backend.name}`)
  sealAddons()
  return backend
}

/** Imports the canvas module (the parent's bundle of train.ts). */
export const importCanvas = async (canvas: string): Promise<Record<string, unknown>> =>
  (await import(pathToFileURL(canvas).href)) as Record<string, unknown>
