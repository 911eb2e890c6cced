/* MPI start and end for the CLI (VCD_MPI builds): under mpirun every rank
 * runs `cluster` (cluster_mpi.c splits it); any other command runs on rank 0
 * alone, as one process. Only rank 0 prints: the ranks agree on every failure, so its one
 * error line is the run's. Without mpirun MPI is not started at all and the
 * binary behaves as the plain build. */
#ifdef VCD_MPI
#include "cli.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

/* Set by mpirun (Open MPI, PMIx) or by MPICH-style launchers. */
static int launched_by_mpirun(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i])) return 1;
    return 0;
}

int cli_mpi_begin(int *argc, char ***argv)
{
    if (!launched_by_mpirun()) return 1;
    int provided, rank;
    /* Only the main thread calls MPI; OpenMP threads only compute. */
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (*argc < 2 || strcmp((*argv)[1], "cluster") != 0) {
        /* Ended at once, so that a cluster job inside (eval runs some) is
         * one process: the library splits only while MPI runs. */
        MPI_Finalize();
        return rank == 0;
    }
    if (rank > 0) { /* quiet: rank 0 prints for the job */
        FILE *out = freopen("/dev/null", "w", stdout), *err = freopen("/dev/null", "w", stderr);
        (void)out;
        (void)err;
    }
    return 1;
}

void cli_mpi_end(void)
{
    int init = 0, done = 0;
    MPI_Initialized(&init);
    if (init) MPI_Finalized(&done);
    if (init && !done) MPI_Finalize();
}
#endif
