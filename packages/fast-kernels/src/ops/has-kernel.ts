// Whether installFastKernels registered kernel `name` on the active backend: the ops use it
// where registered and fall back to the same math in stock tfjs ops elsewhere.
import type * as tfjs from "@tensorflow/tfjs"

export const hasKernel = (tf: typeof tfjs, name: string): boolean => tf.getKernel(name, tf.getBackend()) !== undefined
