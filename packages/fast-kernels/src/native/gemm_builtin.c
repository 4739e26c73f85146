/* The built-in sgemm (Goto/BLIS scheme): op(B) is packed in KC x NC blocks of NR-column
 * panels, op(A) in MC x KC blocks of MR-row panels, and a register-blocked micro-kernel
 * multiplies one A panel by one B panel. Packing turns all four transpose cases into the
 * same contiguous layout. Threads take whole batch entries, or tiles of C when the batch is
 * smaller than the pool. */
#include "gemm_builtin.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "threads.h"

#define KC 256
#define MC_TARGET 240
#define NC_TARGET 3072
#define MAX_MR 16
#define MAX_NR 32
/* A task below this many flops is not worth waking the pool for. */
#define MIN_PARALLEL_FLOPS 4.0e6
#define MIN_TILE_FLOPS 2.0e6

static const fk_kernel_info* active;

size_t fk_gemm_kernels(const fk_kernel_info** out, size_t max) {
  const fk_kernel_info* all[] = {fk_kernel_avx512(), fk_kernel_avx2(), fk_kernel_neon(), fk_kernel_generic()};
  size_t count = 0;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i] != NULL && count < max) out[count++] = all[i];
  return count;
}

const fk_kernel_info* fk_gemm_kernel(void) {
  if (active == NULL) {
    const fk_kernel_info* first = fk_kernel_generic();
    fk_gemm_kernels(&first, 1);
    /* On x86 with both, AVX2's 6 x 16 kernel is as fast as AVX-512's and clocks stay higher on
     * CPUs that slow down for 512-bit work, so it goes first unless asked otherwise. */
    const fk_kernel_info* avx2 = fk_kernel_avx2();
    active = avx2 != NULL ? avx2 : first;
    const char* env = getenv("AUTORESEARCH_GEMM_KERNEL");
    if (env != NULL && *env) fk_gemm_use_kernel(env);
  }
  return active;
}

int fk_gemm_use_kernel(const char* name) {
  const fk_kernel_info* kernels[4];
  const size_t count = fk_gemm_kernels(kernels, 4);
  for (size_t i = 0; i < count; i++) {
    if (strcmp(kernels[i]->name, name) == 0) {
      active = kernels[i];
      return 1;
    }
  }
  return 0;
}

/* op(A)(i, p) = a[i * rs + p * cs]: rows [0, mc) x [0, kc) into MR-row panels, zero-padded. */
static void pack_a(size_t mc, size_t kc, const float* a, size_t rs, size_t cs, size_t mr, float* out) {
  for (size_t ir = 0; ir < mc; ir += mr, out += mr * kc) {
    const size_t rows = mc - ir < mr ? mc - ir : mr;
    const float* src = a + ir * rs;
    if (cs == 1) {
      for (size_t p = 0; p < kc; p++) {
        float* dst = out + p * mr;
        size_t i = 0;
        for (; i < rows; i++) dst[i] = src[i * rs + p];
        for (; i < mr; i++) dst[i] = 0.0f;
      }
    } else {
      for (size_t p = 0; p < kc; p++) {
        float* dst = out + p * mr;
        const float* col = src + p * cs;
        size_t i = 0;
        for (; i < rows; i++) dst[i] = col[i * rs];
        for (; i < mr; i++) dst[i] = 0.0f;
      }
    }
  }
}

/* op(B)(p, j) = b[p * rs + j * cs]: [0, kc) x columns [0, nc) into NR-column panels, zero-padded. */
static void pack_b(size_t kc, size_t nc, const float* b, size_t rs, size_t cs, size_t nr, float* out) {
  for (size_t jr = 0; jr < nc; jr += nr, out += nr * kc) {
    const size_t cols = nc - jr < nr ? nc - jr : nr;
    const float* src = b + jr * cs;
    if (cs == 1) {
      for (size_t p = 0; p < kc; p++) {
        float* dst = out + p * nr;
        memcpy(dst, src + p * rs, cols * sizeof(float));
        for (size_t j = cols; j < nr; j++) dst[j] = 0.0f;
      }
    } else {
      if (cols < nr) memset(out, 0, nr * kc * sizeof(float));
      for (size_t j = 0; j < cols; j++) {
        const float* row = src + j * cs;
        for (size_t p = 0; p < kc; p++) out[p * nr + j] = row[p * rs];
      }
    }
  }
}

/* Packing buffers per pool thread, kept between calls. */
static float* a_buffers[FK_MAX_THREADS];
static float* b_buffers[FK_MAX_THREADS];

static float* buffer(float** slot, size_t floats) {
  if (*slot == NULL) *slot = aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
  return *slot;
}

typedef struct {
  const fk_gemm_job* job;
  const fk_kernel_info* kernel;
  size_t mc, nc;               /* block sizes for this kernel */
  size_t split_m, split_n;     /* tiles per batch entry */
  size_t tile_m, tile_n;       /* rows / columns per tile (multiples of MR / NR) */
  atomic_int out_of_memory;
} gemm_plan;

/* C tile [m0, m1) x [n0, n1) of one batch entry. */
static void gemm_tile(gemm_plan* plan, size_t entry, size_t m0, size_t m1, size_t n0, size_t n1, int worker) {
  const fk_gemm_job* job = plan->job;
  const size_t mr = plan->kernel->mr, nr = plan->kernel->nr;
  const fk_micro_kernel kernel = plan->kernel->kernel;
  float* a_pack = buffer(&a_buffers[worker], plan->mc * KC);
  float* b_pack = buffer(&b_buffers[worker], KC * plan->nc);
  if (a_pack == NULL || b_pack == NULL) {
    atomic_store(&plan->out_of_memory, 1);
    return;
  }
  const uint32_t* off = job->offsets + 3 * entry;
  const float* a = job->a + off[0];
  const float* b = job->b + off[1];
  float* c = job->c + off[2];
  const size_t a_rs = job->trans_a ? 1 : job->lda, a_cs = job->trans_a ? job->lda : 1;
  const size_t b_rs = job->trans_b ? 1 : job->ldb, b_cs = job->trans_b ? job->ldb : 1;
  const size_t ldc = job->ldc;
  float edge[MAX_MR * MAX_NR];

  for (size_t jc = n0; jc < n1; jc += plan->nc) {
    const size_t nc = n1 - jc < plan->nc ? n1 - jc : plan->nc;
    for (size_t pc = 0; pc < job->k; pc += KC) {
      const size_t kc = job->k - pc < KC ? job->k - pc : KC;
      const float beta = pc == 0 ? job->beta : 1.0f;
      pack_b(kc, nc, b + pc * b_rs + jc * b_cs, b_rs, b_cs, nr, b_pack);
      for (size_t ic = m0; ic < m1; ic += plan->mc) {
        const size_t mc = m1 - ic < plan->mc ? m1 - ic : plan->mc;
        if (job->lower && ic + mc <= jc) continue; /* the block lies above the diagonal */
        pack_a(mc, kc, a + ic * a_rs + pc * a_cs, a_rs, a_cs, mr, a_pack);
        for (size_t jr = 0; jr < nc; jr += nr) {
          const size_t cols = nc - jr < nr ? nc - jr : nr;
          const float* bp = b_pack + jr * kc;
          for (size_t ir = 0; ir < mc; ir += mr) {
            const size_t rows = mc - ir < mr ? mc - ir : mr;
            if (job->lower && ic + ir + rows <= jc + jr) continue; /* strictly upper micro-tile */
            const float* ap = a_pack + ir * kc;
            float* ct = c + (ic + ir) * ldc + jc + jr;
            if (rows == mr && cols == nr) {
              kernel(kc, ap, bp, ct, ldc, job->alpha, beta);
            } else {
              kernel(kc, ap, bp, edge, nr, job->alpha, 0.0f);
              for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < cols; j++)
                  ct[i * ldc + j] = edge[i * nr + j] + (beta != 0.0f ? beta * ct[i * ldc + j] : 0.0f);
            }
          }
        }
      }
    }
  }
}

static void gemm_task(void* ctx, size_t task, int worker) {
  gemm_plan* plan = ctx;
  const size_t tiles = plan->split_m * plan->split_n;
  const size_t entry = task / tiles, tile = task % tiles;
  const size_t m0 = (tile / plan->split_n) * plan->tile_m, n0 = (tile % plan->split_n) * plan->tile_n;
  const size_t m1 = m0 + plan->tile_m < plan->job->m ? m0 + plan->tile_m : plan->job->m;
  const size_t n1 = n0 + plan->tile_n < plan->job->n ? n0 + plan->tile_n : plan->job->n;
  if (m0 < m1 && n0 < n1) gemm_tile(plan, entry, m0, m1, n0, n1, worker);
}

/* C = beta * C for k == 0. */
static void scale_c(const fk_gemm_job* job) {
  for (size_t e = 0; e < job->batch; e++) {
    float* c = job->c + job->offsets[3 * e + 2];
    for (size_t i = 0; i < job->m; i++)
      for (size_t j = 0; j < job->n; j++) c[i * job->ldc + j] = job->beta == 0.0f ? 0.0f : job->beta * c[i * job->ldc + j];
  }
}

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

int fk_gemm_builtin(const fk_gemm_job* job) {
  if (job->m == 0 || job->n == 0 || job->batch == 0) return 0;
  if (job->k == 0) {
    scale_c(job);
    return 0;
  }
  gemm_plan plan = {.job = job, .kernel = fk_gemm_kernel(), .split_m = 1, .split_n = 1};
  atomic_init(&plan.out_of_memory, 0);
  const size_t mr = plan.kernel->mr, nr = plan.kernel->nr;
  plan.mc = MC_TARGET / mr * mr;
  plan.nc = NC_TARGET / nr * nr;
  const double entry_flops = 2.0 * job->m * job->n * job->k;
  const size_t threads = (size_t)fk_threads();
  /* Tiles per entry: about one task per thread, each still worth a thread (more tiles balance
   * better but repack more; one per thread measured faster on the 2-core machine). */
  if (threads > 1 && entry_flops * job->batch >= MIN_PARALLEL_FLOPS && job->batch < 2 * threads) {
    size_t parts = (threads + job->batch - 1) / job->batch;
    while (parts > 1 && entry_flops / parts < MIN_TILE_FLOPS) parts--;
    /* Split the dimension whose tiles repack less: tiles of rows each repack all of op(B)
     * (k x n), tiles of columns all of op(A) (m x k). */
    const size_t m_panels = (job->m + mr - 1) / mr, n_panels = (job->n + nr - 1) / nr;
    if (job->m >= job->n) plan.split_m = parts < m_panels ? parts : m_panels;
    else plan.split_n = parts < n_panels ? parts : n_panels;
  }
  plan.tile_m = round_up((job->m + plan.split_m - 1) / plan.split_m, mr);
  plan.tile_n = round_up((job->n + plan.split_n - 1) / plan.split_n, nr);
  const size_t tasks = job->batch * plan.split_m * plan.split_n;
  const int parallel = entry_flops * job->batch >= MIN_PARALLEL_FLOPS;
  fk_parallel_for(tasks, gemm_task, &plan, parallel ? 0 : 1);
  return atomic_load(&plan.out_of_memory) ? -1 : 0;
}
