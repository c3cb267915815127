// The handles of OpenMPI's C API that Swift cannot import (they are macros over globals),
// as small inline functions.
#ifndef SHARDTRAIN_CMPI_SHIM_H
#define SHARDTRAIN_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm shardtrain_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype shardtrain_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype shardtrain_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype shardtrain_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype shardtrain_mpi_int(void) { return MPI_INT; }
static inline MPI_Op shardtrain_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op shardtrain_mpi_max(void) { return MPI_MAX; }
static inline void *shardtrain_mpi_in_place(void) { return MPI_IN_PLACE; }

#endif
