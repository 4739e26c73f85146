// Slice and Unpack reading the input in place. tfjs's wasm Slice first copies the WHOLE input
// out of the heap (readSync) for every call, and Unpack slices once per output, so unstacking
// a [3, B, H, T, D] attention tensor copied it three times before copying the parts.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import { float32View, int32View, type WasmBackendLike } from "../wasm-heap.js"

type View = Float32Array | Int32Array

/** Copies the box [begin, begin + size) of x (shape) into out, whole contiguous runs at a time. */
export const copyBox = (x: View, shape: ReadonlyArray<number>, begin: ReadonlyArray<number>, size: ReadonlyArray<number>, out: View) => {
  const rank = shape.length
  if (rank === 0) {
    out.set(x.subarray(0, 1))
    return
  }
  const strides = new Array<number>(rank)
  let stride = 1
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = stride
    stride *= shape[d]!
  }
  // Trailing axes taken whole, plus the first partial one, form one contiguous run.
  let inner = rank - 1
  while (inner > 0 && size[inner] === shape[inner] && begin[inner] === 0) inner--
  const run = size[inner]! * strides[inner]!
  const total = size.reduce((n, d) => n * d, 1)
  if (total === 0) return
  const index = new Array<number>(inner).fill(0)
  let offset = begin.reduce((sum, b, d) => sum + b * strides[d]!, 0)
  for (let o = 0; o < total; o += run) {
    out.set(x.subarray(offset, offset + run), o)
    for (let d = inner - 1; d >= 0; d--) {
      offset += strides[d]!
      if (++index[d]! < size[d]!) break
      offset -= strides[d]! * size[d]!
      index[d] = 0
    }
  }
}

const viewOf = (backend: WasmBackendLike, tensor: TensorInfo): View =>
  tensor.dtype === "float32" ? float32View(backend, tensor) : int32View(backend, tensor)

interface SliceArgs {
  readonly inputs: { readonly x: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly begin: number | number[]; readonly size: number | number[] }
}

/** tfjs's slice_util.parseSliceParams: negative sizes mean "to the end". */
type ParseSliceParams = (x: TensorInfo, begin: number | number[], size?: number | number[]) => number[][]

export const sliceKernel = (stock: KernelConfig, parseSliceParams: ParseSliceParams): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: SliceArgs) => {
    const { x } = args.inputs
    if (x.dtype !== "float32" && x.dtype !== "int32") return stock.kernelFunc(args as never)
    const [begin, size] = parseSliceParams(x, args.attrs.begin, args.attrs.size) as [number[], number[]]
    const backend = args.backend
    const out = backend.makeOutput(size, x.dtype)
    copyBox(viewOf(backend, x), x.shape, begin, size, viewOf(backend, out))
    return out
  }) as unknown as KernelFunc
})

interface UnpackArgs {
  readonly inputs: { readonly value: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly axis: number }
}

export const unpackKernel = (stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: UnpackArgs) => {
    const { value } = args.inputs
    if (value.dtype !== "float32" && value.dtype !== "int32") return stock.kernelFunc(args as never)
    const rank = value.shape.length
    const axis = args.attrs.axis < 0 ? args.attrs.axis + rank : args.attrs.axis
    const backend = args.backend
    const outShape = value.shape.filter((_, d) => d !== axis)
    const size = value.shape.map((dim, d) => (d === axis ? 1 : dim))
    const outs = Array.from({ length: value.shape[axis]! }, () => backend.makeOutput(outShape, value.dtype as "float32" | "int32"))
    // Views only after every output is allocated: allocations may grow (and detach) the heap.
    const input = viewOf(backend, value)
    outs.forEach((out, i) => copyBox(input, value.shape, size.map((_, d) => (d === axis ? i : 0)), size, viewOf(backend, out)))
    return outs
  }) as unknown as KernelFunc
})
