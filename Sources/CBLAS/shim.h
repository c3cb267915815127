#ifndef SHARDTRAIN_CBLAS_SHIM_H
#define SHARDTRAIN_CBLAS_SHIM_H
// OpenBLAS's CBLAS interface and LAPACK's C interface, as Debian installs them
// (libopenblas-dev, liblapacke-dev). Debian's OpenBLAS ships no LAPACKE, so both are linked.
#include <cblas.h>
#include <lapacke.h>
#endif
