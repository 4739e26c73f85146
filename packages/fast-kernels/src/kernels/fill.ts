// ZerosLike and OnesLike of float32 / int32 tensors: a native fill split across the addon's
// threads when large (the stock wasm kernels fill on one thread; the optimizers' state and
// every gradient accumulator start from zerosLike of a parameter).
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { elementCount, float32View, isFourByte, type WasmBackendLike } from "../wasm-heap.js"

interface FillArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: WasmBackendLike
}

export const fillLikeKernel = (addon: NativeKernels, value: 0 | 1, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: FillArgs) => {
    const { x } = args.inputs
    // Zero has the same bits in float32 and int32; one does not.
    const native = x.dtype === "float32" || (isFourByte(x) && value === 0)
    if (!native || elementCount(x.shape) === 0) return stock.kernelFunc(args as never)
    const out = args.backend.makeOutput(x.shape.slice(), x.dtype as "float32" | "int32")
    addon.fill(float32View(args.backend, out), value)
    return out
  }) as unknown as KernelFunc
})
