// What an out-of-memory failure looks like in a message or a log: wasm heap growth failures,
// JS allocation failures, tfjs-node/CUDA and Python (PyTorch) messages.
export const OUT_OF_MEMORY =
  /out of memory|\bOOM\b|allocation failed|Cannot enlarge memory|could not allocate|Cannot allocate memory|Invalid array length|Array buffer allocation|MemoryError/i

/** A diverged loss as the reference prints it (FAIL) or as a log shows it. */
export const DIVERGED = /^FAIL\b|\bnan\b|loss is not finite/im
