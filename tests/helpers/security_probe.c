/*
 * security_probe: prints process attributes as the container's process sees
 * them, one "name: value" line each, for personality.bats, scheduler.bats,
 * cpu_affinity.bats and mempolicy.bats.
 *
 *   security_probe personality|sched|ioprio|mempolicy|affinity...
 *
 * personality: the persona in hex; sched: policy, nice, priority (from
 * sched_getattr); ioprio: class and level; mempolicy: mode and node mask;
 * affinity: the CPUs as a list.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *what = argv[i];
        if (!strcmp(what, "personality")) {
            printf("personality: 0x%x\n", (unsigned)personality(0xffffffff));
        } else if (!strcmp(what, "sched")) {
            struct attr a;
            memset(&a, 0, sizeof a);
            if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) < 0) {
                perror("sched_getattr");
                return 1;
            }
            printf("sched: policy %u nice %d priority %u flags %llu\n", a.policy, a.nice, a.priority,
                   (unsigned long long)a.flags);
        } else if (!strcmp(what, "ioprio")) {
            long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
            if (v < 0) {
                perror("ioprio_get");
                return 1;
            }
            printf("ioprio: class %ld level %ld\n", v >> 13, v & 7);
        } else if (!strcmp(what, "mempolicy")) {
            int mode = 0;
            unsigned long mask[16];
            memset(mask, 0, sizeof mask);
            if (syscall(SYS_get_mempolicy, &mode, mask, 1024ul, NULL, 0ul) < 0) {
                perror("get_mempolicy");
                return 1;
            }
            printf("mempolicy: mode %d flags 0x%x nodes 0x%lx\n", mode & 0xff, mode & ~0xff, mask[0]);
        } else if (!strcmp(what, "affinity")) {
            cpu_set_t set;
            if (sched_getaffinity(0, sizeof set, &set) < 0) {
                perror("sched_getaffinity");
                return 1;
            }
            printf("affinity:");
            for (int c = 0; c < CPU_SETSIZE; c++)
                if (CPU_ISSET(c, &set)) printf(" %d", c);
            printf("\n");
        } else {
            fprintf(stderr, "security_probe: unknown %s\n", what);
            return 2;
        }
    }
    return 0;
}
