// What a run on a fixed wall-clock budget tends to reward, as the order the search tries things
// in: the model's size first (it sets how many steps fit in the budget), then the batch and the
// learning rates, then the attention shape and the schedule, then the rest. Within a size
// parameter the smaller model goes first: fewer FLOPs a token buy more tokens in the budget,
// which is what an under-trained model needs (the first evening's one real gain was DEPTH 2 → 1;
// in the 20-experiment bench a random order never reached DEPTH at all).
const LAYERS = /^(DEPTH|N_LAYERS?|NUM_LAYERS)$/
const WIDTH = /^(ASPECT_RATIO|MODEL_DIM|N_EMBD|D_MODEL|WIDTH|HIDDEN_SIZE|EMBED_DIM)$/
const SIZE = new RegExp(`${LAYERS.source}|${WIDTH.source}`)
const OPTIMISATION = /^(TOTAL_BATCH_SIZE|BATCH_SIZE|GLOBAL_BATCH_SIZE)$|(^|_)LR$|LEARNING_RATE/
const SHAPE_AND_SCHEDULE = /HEAD|WINDOW|WARMUP|WARMDOWN|FINAL_LR|COOLDOWN/

/**
 * Lower goes first among parameters tried equally often. The layers come before the width: in
 * the reference's canvas the width is DEPTH × ASPECT_RATIO, so DEPTH moves both.
 */
export const priorityOf = (param: string): number =>
  LAYERS.test(param) ? 0 : WIDTH.test(param) ? 1 : OPTIMISATION.test(param) ? 2 : SHAPE_AND_SCHEDULE.test(param) ? 3 : 4

/** The direction of a parameter's first move when the prior has one (−1: a smaller model). */
export const preferredDirection = (param: string): -1 | undefined => (SIZE.test(param) ? -1 : undefined)
