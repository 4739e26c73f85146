// Fused optimizer updates as custom wasm kernels: an AdamW step (three outputs: param, m, v)
// and Muon's cautious update, one native pass each instead of ~10 element-wise tfjs kernels.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, type WasmBackendLike } from "../wasm-heap.js"

export const AdamW = "AutoresearchAdamW"
export const CautiousUpdate = "AutoresearchCautiousUpdate"

interface Args<I> {
  readonly inputs: I
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap
}

const checkSame = (name: string, tensors: ReadonlyArray<TensorInfo>) => {
  const size = (t: TensorInfo) => t.shape.reduce((n, d) => n * d, 1)
  if (tensors.some((t) => t.dtype !== "float32" || size(t) !== size(tensors[0]!)))
    throw new Error(`fast-kernels: ${name} wants float32 tensors of one size, got ${tensors.map((t) => `[${t.shape}] ${t.dtype}`).join(", ")}`)
}

export const optimizerKernels = (addon: NativeKernels): KernelConfig[] => [
  {
    kernelName: AdamW,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ param: TensorInfo; m: TensorInfo; v: TensorInfo; grad: TensorInfo }>) => {
      const { param, m, v, grad } = args.inputs
      checkSame("adamw", [param, m, v, grad])
      const b = args.backend
      const outs = [param, m, v].map((t) => b.makeOutput(t.shape.slice(), "float32"))
      const a = args.attrs as Record<string, number>
      addon.adamw(
        float32View(b, param),
        float32View(b, m),
        float32View(b, v),
        float32View(b, grad),
        a["lr"]!,
        a["beta1"]!,
        a["beta2"]!,
        a["eps"]!,
        a["step"]!,
        a["weightDecay"]!,
        float32View(b, outs[0]!),
        float32View(b, outs[1]!),
        float32View(b, outs[2]!)
      )
      return outs
    }) as unknown as KernelFunc
  },
  {
    kernelName: CautiousUpdate,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ param: TensorInfo; update: TensorInfo }>) => {
      const { param, update } = args.inputs
      checkSame("cautiousUpdate", [param, update])
      const b = args.backend
      const out = b.makeOutput(param.shape.slice(), "float32")
      const a = args.attrs as Record<string, number>
      addon.cautiousUpdate(float32View(b, param), float32View(b, update), a["lr"]!, a["decayLr"]!, float32View(b, out))
      return out
    }) as unknown as KernelFunc
  }
]
