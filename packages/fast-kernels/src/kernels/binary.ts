// Add, Sub, Multiply and RealDiv of float32 tensors: natively, split across the addon's threads
// when large (tfjs's wasm kernels run on one thread in Node and take a slow per-element index
// path whenever they broadcast).
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

export const binaryKernel = (addon: NativeKernels, name: BinaryKernelName, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: BinaryArgs) => {
    const { a, b } = args.inputs
    if (a.dtype !== "float32" || b.dtype !== "float32") return stock.kernelFunc(args as never)
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
