// Add, Sub, Multiply and RealDiv of float32 tensors of different shapes (broadcasting), where
// tfjs's wasm kernels take a slow per-element index path. Same-shape operands keep the stock
// kernels (already vectorised).
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { broadcastShape, padShape } from "../shapes.js"
import { float32View, type WasmBackendLike } from "../wasm-heap.js"

export const binaryOps = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const
export type BinaryKernelName = keyof typeof binaryOps

interface BinaryArgs {
  readonly inputs: { readonly a: TensorInfo; readonly b: TensorInfo }
  readonly backend: WasmBackendLike
}

const sameShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.length === b.length && a.every((d, i) => d === b[i])

export const binaryKernel = (addon: NativeKernels, name: BinaryKernelName, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: BinaryArgs) => {
    const { a, b } = args.inputs
    if (a.dtype !== "float32" || b.dtype !== "float32" || sameShape(a.shape, b.shape)) return stock.kernelFunc(args as never)
    const outShape = broadcastShape(a.shape, b.shape)
    const backend = args.backend
    const out = backend.makeOutput(outShape, "float32")
    const rank = outShape.length
    addon.binary(
      binaryOps[name],
      float32View(backend, a),
      Int32Array.from(padShape(a.shape, rank)),
      float32View(backend, b),
      Int32Array.from(padShape(b.shape, rank)),
      float32View(backend, out),
      Int32Array.from(outShape)
    )
    return out
  }) as unknown as KernelFunc
})
