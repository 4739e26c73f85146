/* The system BLAS: Accelerate on macOS, OpenBLAS (or any CBLAS) elsewhere. */
#ifndef FAST_KERNELS_BLAS_H
#define FAST_KERNELS_BLAS_H

#ifdef __APPLE__
#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#endif
