// What a run on a fixed wall-clock budget tends to reward, as the order the search tries things
// in: the model's size first (it sets how many steps fit in the budget), then the batch and the
// learning rates, then the attention shape and the schedule, then the rest. Within a size
// parameter the smaller model goes first: fewer FLOPs a token buy more tokens in the budget,
// which is what an under-trained model needs (the first evening's one real gain was DEPTH 2 → 1;
// in the 20-experiment bench a random order never reached DEPTH at all).
const SIZE = /^(DEPTH|N_LAYERS?|NUM_LAYERS|ASPECT_RATIO|MODEL_DIM|N_EMBD|D_MODEL|WIDTH|HIDDEN_SIZE|EMBED_DIM)$/
const OPTIMISATION = /^(TOTAL_BATCH_SIZE|BATCH_SIZE|GLOBAL_BATCH_SIZE)$|(^|_)LR$|LEARNING_RATE/
const SHAPE_AND_SCHEDULE = /HEAD|WINDOW|WARMUP|WARMDOWN|FINAL_LR|COOLDOWN/

/** Lower goes first among parameters tried equally often. */
export const priorityOf = (param: string): number =>
  SIZE.test(param) ? 0 : OPTIMISATION.test(param) ? 1 : SHAPE_AND_SCHEDULE.test(param) ? 2 : 3

/** The direction of a parameter's first move when the prior has one (−1: a smaller model). */
export const preferredDirection = (param: string): -1 | undefined => (SIZE.test(param) ? -1 : undefined)
