// Transpose as native row copies / tiled 2-D transposes (attention's layout changes).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, int32View, type WasmBackendLike } from "../wasm-heap.js"

interface TransposeArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly perm: ReadonlyArray<number> }
}

export const transposeKernel = (addon: NativeKernels, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: TransposeArgs) => {
    const { x } = args.inputs
    const dtype = x.dtype
    if (dtype !== "float32" && dtype !== "int32") return stock.kernelFunc(args as never)
    const { perm } = args.attrs
    const backend = args.backend
    const out = backend.makeOutput(
      perm.map((axis) => x.shape[axis]!),
      dtype
    )
    const view = dtype === "float32" ? float32View : int32View
    addon.transpose(view(backend, x), view(backend, out), Int32Array.from(x.shape), Int32Array.from(perm))
    return out
  }) as unknown as KernelFunc
})
