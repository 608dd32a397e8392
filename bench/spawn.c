/* spawn RESULT CMD [ARGS...]: runs CMD the way an engine does (posix_spawn: the
 * vfork-style clone of glibc, no copy of the caller's memory, unlike a fork of
 * bash), waits for it, and writes to the file RESULT one line:
 *   WALL_US CPU_US MAXRSS_KIB
 * wall: from just before the spawn to the end of wait4; CPU: user + system of
 * CMD and of every process it waited for (wait4's rusage); max RSS likewise.
 * Its exit status is CMD's (128 + signal when killed, 127 when it did not run).
 * Part of bench/compare.sh, which builds it. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long us(const struct timeval *t) { return (long long)t->tv_sec * 1000000 + t->tv_usec; }

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: spawn RESULT CMD [ARGS...]\n");
        return 2;
    }
    struct timespec a, b;
    struct rusage ru;
    pid_t pid;
    int st;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int err = posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ);
    if (err) {
        fprintf(stderr, "spawn: %s: %s\n", argv[2], strerror(err));
        return 127;
    }
    while (wait4(pid, &st, 0, &ru) < 0)
        ;
    clock_gettime(CLOCK_MONOTONIC, &b);
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    long long wall = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_nsec - a.tv_nsec) / 1000;
    fprintf(f, "%lld %lld %ld\n", wall, us(&ru.ru_utime) + us(&ru.ru_stime), ru.ru_maxrss);
    fclose(f);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}
