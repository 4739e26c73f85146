// Cast to the tensor's own dtype (float32 -> float32: tfjs's optimizers and losses call it on
// every step) shares the input's memory with a reference count, as tfjs's cpu backend does;
// the stock wasm kernel copies. Casts that change the dtype keep the stock kernel.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"

interface CastArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly attrs: NamedAttrMap & { readonly dtype: string }
  readonly backend: { incRef(dataId: object): void }
}

export const castKernel = (stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: CastArgs) => {
    const { x } = args.inputs
    if (x.dtype !== args.attrs.dtype || x.dtype === "string" || x.dtype === "complex64") return stock.kernelFunc(args as never)
    args.backend.incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
  }) as unknown as KernelFunc
})
