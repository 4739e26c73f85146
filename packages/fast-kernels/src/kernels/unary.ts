// Square, Sqrt, Rsqrt, Neg and Relu of float32 tensors, and Softmax over the last axis:
// natively, split across the addon's threads when large (tfjs's wasm kernels run on one
// thread in Node). Other dtypes keep the stock kernels.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { elementCount, float32View, type WasmBackendLike } from "../wasm-heap.js"

export const unaryOps = { Square: 0, Sqrt: 1, Rsqrt: 2, Neg: 3, Relu: 4 } as const
export type UnaryKernelName = keyof typeof unaryOps

interface UnaryArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: WasmBackendLike
}

export const unaryKernel = (addon: NativeKernels, name: UnaryKernelName, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: UnaryArgs) => {
    const { x } = args.inputs
    if (x.dtype !== "float32" || elementCount(x.shape) === 0) return stock.kernelFunc(args as never)
    const out = args.backend.makeOutput(x.shape.slice(), "float32")
    addon.unary(unaryOps[name], float32View(args.backend, x), float32View(args.backend, out))
    return out
  }) as unknown as KernelFunc
})

interface SoftmaxArgs {
  readonly inputs: { readonly logits: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly dim: number }
}

export const softmaxKernel = (addon: NativeKernels, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: SoftmaxArgs) => {
    const { logits } = args.inputs
    const rank = logits.shape.length
    const dim = args.attrs.dim < 0 ? args.attrs.dim + rank : args.attrs.dim
    if (logits.dtype !== "float32" || rank === 0 || dim !== rank - 1 || elementCount(logits.shape) === 0) {
      return stock.kernelFunc(args as never)
    }
    const out = args.backend.makeOutput(logits.shape.slice(), "float32")
    addon.softmax(float32View(args.backend, logits), logits.shape[rank - 1]!, float32View(args.backend, out))
    return out
  }) as unknown as KernelFunc
})
