/* Muon's orthogonalisation (polar express) on plain arrays, for the N-API entry point and
 * native checks. */
#ifndef FAST_KERNELS_POLAR_EXPRESS_H
#define FAST_KERNELS_POLAR_EXPRESS_H

#include <stddef.h>

/* g, out [batch, rows, cols]; coef holds `steps` (a, b, c) triples. 0, or -1 when out of memory. */
int fk_polar_express_run(const float* g, float* out, size_t batch, size_t rows, size_t cols, const float* coef, size_t steps);

#endif
