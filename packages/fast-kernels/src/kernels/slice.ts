// Slice, Unpack and SplitV as native box copies reading the input in place. tfjs's wasm Slice
// first copies the WHOLE input out of the heap (readSync) on every call, and Unpack and SplitV
// slice once per output, so unstacking a [3, B, H, T, D] tensor copied it three times first.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { isFourByte, view32, type WasmBackendLike } from "../wasm-heap.js"

/** Allocates one output per box of x, then copies each box (views only after all allocations). */
const copyBoxes = (
  addon: NativeKernels,
  backend: WasmBackendLike,
  x: TensorInfo & { dtype: "float32" | "int32" },
  boxes: ReadonlyArray<{ readonly begin: number[]; readonly size: number[]; readonly shape: number[] }>
) => {
  const outs = boxes.map((box) => backend.makeOutput(box.shape, x.dtype))
  const input = view32(backend, x)
  const shape = Int32Array.from(x.shape)
  outs.forEach((out, i) => {
    const { begin, size } = boxes[i]!
    const sizes = Int32Array.from(size)
    addon.copyBox(input, shape, Int32Array.from(begin), view32(backend, out), sizes, new Int32Array(size.length), sizes)
  })
  return outs
}

interface SliceArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly begin: number | number[]; readonly size: number | number[] }
}

/** tfjs's slice_util.parseSliceParams: negative sizes mean "to the end". */
type ParseSliceParams = (x: TensorInfo, begin: number | number[], size?: number | number[]) => number[][]

export const sliceKernel = (addon: NativeKernels, stock: KernelConfig, parseSliceParams: ParseSliceParams): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: SliceArgs) => {
    const { x } = args.inputs
    if (!isFourByte(x)) return stock.kernelFunc(args as never)
    const [begin, size] = parseSliceParams(x, args.attrs.begin, args.attrs.size) as [number[], number[]]
    return copyBoxes(addon, args.backend, x, [{ begin, size, shape: size }])[0]
  }) as unknown as KernelFunc
})

interface UnpackArgs {
  readonly inputs: { readonly value: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly axis: number }
}

export const unpackKernel = (addon: NativeKernels, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: UnpackArgs) => {
    const { value } = args.inputs
    if (!isFourByte(value)) return stock.kernelFunc(args as never)
    const axis = args.attrs.axis < 0 ? args.attrs.axis + value.shape.length : args.attrs.axis
    const shape = value.shape.filter((_, d) => d !== axis)
    const size = value.shape.map((dim, d) => (d === axis ? 1 : dim))
    const boxes = Array.from({ length: value.shape[axis]! }, (_, i) => ({
      begin: value.shape.map((_, d) => (d === axis ? i : 0)),
      size,
      shape
    }))
    return copyBoxes(addon, args.backend, value, boxes)
  }) as unknown as KernelFunc
})

interface SplitArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly numOrSizeSplits: number | number[]; readonly axis: number | number[] }
}

/** tfjs's util.parseAxisParam and backend_util.prepareSplitSize (validation and -1 sizes). */
export interface SplitHelpers {
  readonly parseAxisParam: (axis: number | number[], shape: number[]) => number[]
  readonly prepareSplitSize: (x: TensorInfo, numOrSizeSplits: number | number[], axis?: number) => number[]
}

export const splitKernel = (addon: NativeKernels, stock: KernelConfig, helpers: SplitHelpers): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: SplitArgs) => {
    const { x } = args.inputs
    if (!isFourByte(x)) return stock.kernelFunc(args as never)
    const axis = helpers.parseAxisParam(args.attrs.axis, x.shape)[0]!
    const sizes = helpers.prepareSplitSize(x, args.attrs.numOrSizeSplits, axis)
    let offset = 0
    const boxes = sizes.map((part) => {
      const size = x.shape.map((dim, d) => (d === axis ? part : dim))
      const box = { begin: x.shape.map((_, d) => (d === axis ? offset : 0)), size, shape: size }
      offset += part
      return box
    })
    return copyBoxes(addon, args.backend, x, boxes)
  }) as unknown as KernelFunc
})
