// Identity (tf.clone, and every gradient that passes dy through) sharing the input's memory
// with a reference count, as tfjs's cpu backend and wasm's own Reshape do; the stock wasm
// kernel copies the tensor. Tensors are immutable, so sharing is safe.
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs"

interface IdentityArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: { incRef(dataId: object): void }
}

export const identityKernel = (stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: IdentityArgs) => {
    const { x } = args.inputs
    if (x.dtype === "string") return stock.kernelFunc(args as never)
    args.backend.incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
  }) as unknown as KernelFunc
})
