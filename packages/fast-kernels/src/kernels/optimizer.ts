// Fused optimizer updates as custom wasm kernels: an AdamW step (three outputs: param, m, v),
// Muon's Nesterov momentum (two: momentum, update), its NorMuon normalisation (two: update,
// second moment) and its cautious update, one or two native passes each instead of 6-14 tfjs
// kernels;
// and Muon's orthogonalisation (polar express), one native call instead of ~45 kernels whose
// symmetric products it computes as one triangle each.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, type WasmBackendLike } from "../wasm-heap.js"

export const AdamW = "AutoresearchAdamW"
export const CautiousUpdate = "AutoresearchCautiousUpdate"
export const PolarExpress = "AutoresearchPolarExpress"
export const NesterovMomentum = "AutoresearchNesterovMomentum"
export const Normuon = "AutoresearchNormuon"

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
  },
  {
    kernelName: NesterovMomentum,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ momentum: TensorInfo; grad: TensorInfo }>) => {
      const { momentum, grad } = args.inputs
      checkSame("nesterovMomentum", [momentum, grad])
      const b = args.backend
      const outs = [momentum, momentum].map((t) => b.makeOutput(t.shape.slice(), "float32"))
      addon.nesterovMomentum(float32View(b, momentum), float32View(b, grad), args.attrs["beta"] as number, float32View(b, outs[0]!), float32View(b, outs[1]!))
      return outs
    }) as unknown as KernelFunc
  },
  {
    kernelName: Normuon,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ x: TensorInfo; second: TensorInfo }>) => {
      const { x, second } = args.inputs
      const axis = args.attrs["axis"] as number
      const [batch, rows, cols] = x.shape as [number, number, number]
      const statsShape = axis === 1 ? [batch, 1, cols] : [batch, rows, 1]
      if (x.dtype !== "float32" || second.dtype !== "float32" || x.shape.length !== 3 || second.shape.join() !== statsShape.join())
        throw new Error(`fast-kernels: normuon wants float32 x [n, rows, cols] and second [${statsShape}], got [${x.shape}], [${second.shape}]`)
      const b = args.backend
      const outs = [b.makeOutput(x.shape.slice(), "float32"), b.makeOutput(second.shape.slice(), "float32")]
      addon.normuon(float32View(b, x), batch, rows, cols, axis, float32View(b, second), args.attrs["beta2"] as number, float32View(b, outs[0]!), float32View(b, outs[1]!))
      return outs
    }) as unknown as KernelFunc
  },
  {
    kernelName: PolarExpress,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ g: TensorInfo }>) => {
      const { g } = args.inputs
      if (g.dtype !== "float32" || g.shape.length !== 3) throw new Error(`fast-kernels: polarExpress wants a float32 stack [n, rows, cols], got [${g.shape}] ${g.dtype}`)
      const [batch, rows, cols] = g.shape as [number, number, number]
      const b = args.backend
      const out = b.makeOutput(g.shape.slice(), "float32")
      const coefficients = Float32Array.from(args.attrs["coefficients"] as number[])
      addon.polarExpress(float32View(b, g), batch, rows, cols, coefficients, float32View(b, out))
      return out
    }) as unknown as KernelFunc
  }
]
