// Concat as one native box copy per input (tfjs's wasm Concat copies row by row in JS, which
// for RoPE's halves of a [B, H, T, D] tensor is one tiny copy per row per input).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { isFourByte, view32, type WasmBackendLike } from "../wasm-heap.js"

interface ConcatArgs {
  readonly inputs: ReadonlyArray<TensorInfo>
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly axis: number | number[] }
}

/** tfjs's util.parseAxisParam and backend_util.assertParamsConsistent. */
export interface ConcatHelpers {
  readonly parseAxisParam: (axis: number | number[], shape: number[]) => number[]
  readonly assertParamsConsistent: (shapes: number[][], axis: number) => void
}

export const concatKernel = (addon: NativeKernels, stock: KernelConfig, helpers: ConcatHelpers): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: ConcatArgs) => {
    const inputs = args.inputs
    const dtype = inputs[0]?.dtype
    if (inputs.length === 0 || !inputs.every((t) => isFourByte(t) && t.dtype === dtype)) return stock.kernelFunc(args as never)
    const axis = helpers.parseAxisParam(args.attrs.axis, inputs[0]!.shape)[0]!
    helpers.assertParamsConsistent(
      inputs.map((t) => t.shape),
      axis
    )
    const outShape = inputs[0]!.shape.map((dim, d) => (d === axis ? inputs.reduce((n, t) => n + t.shape[axis]!, 0) : dim))
    const backend = args.backend
    const out = backend.makeOutput(outShape, dtype as "float32" | "int32")
    const outView = view32(backend, out)
    const outShapeArray = Int32Array.from(outShape)
    let offset = 0
    for (const input of inputs) {
      const size = Int32Array.from(input.shape)
      const dstBegin = outShape.map((_, d) => (d === axis ? offset : 0))
      addon.copyBox(view32(backend, input), size, new Int32Array(size.length), outView, outShapeArray, Int32Array.from(dstBegin), size)
      offset += input.shape[axis]!
    }
    return out
  }) as unknown as KernelFunc
})
