// UnsortedSegmentSum, which tfjs's wasm backend lacks: it is tf.gather's gradient, so without
// it an embedding cannot train on wasm. A native scatter-add, O(tokens x width).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, int32View, type WasmBackendLike } from "../wasm-heap.js"

interface UnsortedSegmentSumArgs {
  readonly inputs: { readonly x: TensorInfo; readonly segmentIds: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly numSegments: number }
}

export const unsortedSegmentSumKernel = (addon: NativeKernels): KernelConfig => ({
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  kernelFunc: ((args: UnsortedSegmentSumArgs) => {
    const { x, segmentIds } = args.inputs
    if (x.dtype !== "float32" || segmentIds.dtype !== "int32") {
      throw new Error(`fast-kernels: UnsortedSegmentSum supports float32 values and int32 ids, got ${x.dtype} and ${segmentIds.dtype}`)
    }
    const backend = args.backend
    const { numSegments } = args.attrs
    const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], "float32")
    addon.segmentSum(float32View(backend, x), int32View(backend, segmentIds), numSegments, float32View(backend, out))
    return out
  }) as unknown as KernelFunc
})
