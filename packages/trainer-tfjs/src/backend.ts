// Chooses the tf backend: tfjs-node-gpu > tfjs-node > wasm > cpu. The node packages are optional
// (never installed by CI), so they are imported dynamically and their absence is not an error.
import * as tf from "@tensorflow/tfjs"

export const backendChoices = ["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const
export type BackendChoice = (typeof backendChoices)[number]

export interface ActiveBackend {
  /** What ran: "tensorflow-gpu", "tensorflow", "wasm" or "cpu". */
  readonly name: Exclude<BackendChoice, "auto">
  /** Whether tensors live in GPU memory (peak memory is then GPU memory). */
  readonly gpu: boolean
  /** Lines worth printing to the log (what was tried, what failed). */
  readonly notes: ReadonlyArray<string>
}

// Specifiers in variables so bundlers and type-checkers leave the optional packages alone.
const optionalPackages = { "tensorflow-gpu": "@tensorflow/tfjs-node-gpu", tensorflow: "@tensorflow/tfjs-node" } as const

const tryNode = async (kind: "tensorflow-gpu" | "tensorflow", notes: string[]): Promise<boolean> => {
  const pkg: string = optionalPackages[kind]
  try {
    await import(pkg)
    if (!(await tf.setBackend("tensorflow"))) throw new Error("the tensorflow backend did not initialise")
    return true
  } catch (error) {
    notes.push(`${pkg} unavailable: ${(error as Error).message.split("\n")[0]}`)
    return false
  }
}

const tryWasm = async (notes: string[]): Promise<boolean> => {
  try {
    await import("@tensorflow/tfjs-backend-wasm")
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not initialise")
    return true
  } catch (error) {
    notes.push(`wasm unavailable: ${(error as Error).message.split("\n")[0]}`)
    return false
  }
}

export const parseBackendChoice = (value: string | undefined): BackendChoice => {
  const choice = (value ?? "auto").trim() || "auto"
  if (!(backendChoices as ReadonlyArray<string>).includes(choice))
    throw new Error(`unknown backend "${choice}": use one of ${backendChoices.join(", ")}`)
  return choice as BackendChoice
}

/** Sets the tf backend; an explicit choice that cannot load is an error, `auto` falls through. */
export const selectBackend = async (choice: BackendChoice): Promise<ActiveBackend> => {
  const notes: string[] = []
  const order: ReadonlyArray<Exclude<BackendChoice, "auto">> =
    choice === "auto" ? ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] : [choice]
  for (const name of order) {
    const ok =
      name === "cpu"
        ? await tf.setBackend("cpu")
        : name === "wasm"
          ? await tryWasm(notes)
          : await tryNode(name, notes)
    if (ok) {
      await tf.ready()
      return { name, gpu: name === "tensorflow-gpu", notes }
    }
  }
  throw new Error(`backend ${choice} could not be loaded: ${notes.join("; ")}`)
}

/**
 * Installs the BLAS-backed wasm kernels of @autoresearch/fast-kernels when that package provides
 * them; returns one line for the log saying what happened.
 */
export const installFastKernelsIfPresent = async (): Promise<string> => {
  try {
    const kernels = (await import("@autoresearch/fast-kernels")) as {
      installFastKernels?: (t: typeof tf) => { installed: boolean; kernels: string[]; reason?: string; gemm?: string }
    }
    if (typeof kernels.installFastKernels !== "function") return "fast kernels: not provided by @autoresearch/fast-kernels"
    const result = kernels.installFastKernels(tf)
    return result.installed
      ? `fast kernels: ${result.gemm ? `${result.gemm}; ` : ""}${result.kernels.join(", ")}`
      : `fast kernels: not installed (${result.reason ?? "unknown reason"})`
  } catch (error) {
    return `fast kernels: unavailable (${(error as Error).message.split("\n")[0]})`
  }
}
