// GatherV2 (embedding lookups) as native row copies; tfjs's wasm kernel took ~60 ms for 2048
// rows of a [8192, 256] table.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { int32View, isFourByte, view32, type WasmBackendLike } from "../wasm-heap.js"

interface GatherArgs {
  readonly inputs: { readonly x: TensorInfo; readonly indices: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly axis: number; readonly batchDims: number }
}

const product = (dims: ReadonlyArray<number>) => dims.reduce((n, d) => n * d, 1)

export const gatherKernel = (
  addon: NativeKernels,
  stock: KernelConfig,
  parseAxisParam: (axis: number, shape: number[]) => number[]
): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: GatherArgs) => {
    const { x, indices } = args.inputs
    if (!isFourByte(x) || indices.dtype !== "int32" || (args.attrs.batchDims ?? 0) !== 0) return stock.kernelFunc(args as never)
    const axis = parseAxisParam(args.attrs.axis, x.shape)[0]!
    const backend = args.backend
    const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype)
    addon.gather(
      view32(backend, x),
      int32View(backend, indices),
      product(x.shape.slice(0, axis)),
      x.shape[axis]!,
      product(x.shape.slice(axis + 1)),
      view32(backend, out)
    )
    return out
  }) as unknown as KernelFunc
})
