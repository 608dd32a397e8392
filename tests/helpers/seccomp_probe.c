/*
 * seccomp_probe: runs syscalls by name inside a test container and prints
 * what each returned, one line per call, so bats can check a seccomp profile
 * as the process sees it (runc's seccomp.bats method).
 *
 *   seccomp_probe CALL [ARG...] [-- CALL [ARG...]]...
 *
 * CALL is a syscall name from the table below or nr:<number>. An ARG that
 * starts with '/' is passed as a string pointer, anything else as a number
 * (decimal or 0x...). Each call prints "<call>: ok <ret>" or "<call>: errno
 * <n>". Exit status 0 unless the kernel kills the process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif

static const struct {
    const char *name;
    long nr;
} calls[] = {
    {"getpid", __NR_getpid},
    {"getppid", __NR_getppid},
    {"mkdir", __NR_mkdir},
    {"rmdir", __NR_rmdir},
    {"chdir", __NR_chdir},
    {"umask", __NR_umask},
    {"dup", __NR_dup},
    {"personality", __NR_personality},
    {"clone3", __NR_clone3},
    {"openat2", __NR_openat2},
    {"futex_waitv", __NR_futex_waitv},
    {"getcwd", __NR_getcwd},
};

static long lookup(const char *name) {
    if (strncmp(name, "nr:", 3) == 0) return strtol(name + 3, NULL, 0);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (strcmp(calls[i].name, name) == 0) return calls[i].nr;
    return -1;
}

int main(int argc, char **argv) {
    int i = 1;
    while (i < argc) {
        const char *name = argv[i++];
        long nr = lookup(name);
        if (nr < 0) {
            fprintf(stderr, "seccomp_probe: unknown call %s\n", name);
            return 2;
        }
        long a[6] = {0};
        int n = 0;
        while (i < argc && strcmp(argv[i], "--") != 0) {
            if (n < 6) a[n++] = argv[i][0] == '/' ? (long)argv[i] : strtol(argv[i], NULL, 0);
            i++;
        }
        if (i < argc) i++; /* the "--" */
        errno = 0;
        long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (r < 0)
            printf("%s: errno %d\n", name, errno);
        else
            printf("%s: ok %ld\n", name, r);
        fflush(stdout);
    }
    return 0;
}
