/*
 * feature_probe FEATURE DIR: exits 0 when the running kernel has FEATURE,
 * 1 when it lacks it (one line on stderr says which step refused), 2 on a
 * usage or set-up error. The bats gates (tests/bats/requires.bash) ask it,
 * so a test skips on what the kernel lacks, never on a version string.
 * DIR is a scratch directory on the filesystem the test will use; the probe
 * leaves nothing in it.
 *
 *   idmap-tmpfs        a tmpfs mount can be idmapped (MOUNT_ATTR_IDMAP)
 *   overlay-fd-layers  overlayfs takes detached lower layers by fd
 *                      (fsconfig FSCONFIG_SET_FD "lowerdir+"), as islet's
 *                      idmapped overlay rootfs does
 *   procfs-pidns       a new procfs can show a pid namespace by fd
 *                      (fsconfig FSCONFIG_SET_FD "pidns"), as islet's setup
 *                      of an init joining a pid namespace by path does
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int refused(const char *step) {
    fprintf(stderr, "feature_probe: %s: %s\n", step, strerror(errno));
    return 1;
}

static int fsconfig_(int fd, unsigned cmd, const char *key, const void *value, int aux) {
    return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

/* A user namespace mapping 0 to 100000 (one ID), held by a child that waits
 * on a pipe; returns its fd, the child is reaped. */
static int make_userns(void) {
    int pipefd[2];
    if (pipe(pipefd) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        char c;
        close(pipefd[1]);
        if (unshare(CLONE_NEWUSER) < 0) _exit(1);
        (void)!read(pipefd[0], &c, 1);
        _exit(0);
    }
    close(pipefd[0]);
    char path[64];
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; ++i) {
        /* The child unshared once its ns link differs from ours. */
        char mine[64] = "", its[64] = "";
        snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
        if (readlink("/proc/self/ns/user", mine, sizeof mine - 1) > 0 && readlink(path, its, sizeof its - 1) > 0 &&
            strcmp(mine, its) != 0)
            fd = open(path, O_RDONLY | O_CLOEXEC);
        else
            usleep(5000);
    }
    const char *files[] = {"uid_map", "gid_map"};
    for (int i = 0; fd >= 0 && i < 2; ++i) {
        snprintf(path, sizeof path, "/proc/%d/%s", pid, files[i]);
        int m = open(path, O_WRONLY | O_CLOEXEC);
        if (m < 0 || write(m, "0 100000 1\n", 11) != 11) {
            close(fd);
            fd = -1;
        }
        if (m >= 0) close(m);
    }
    close(pipefd[1]);
    waitpid(pid, NULL, 0);
    return fd;
}

static int idmap_tmpfs(void) {
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) return refused("fsopen tmpfs");
    if (fsconfig_(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) return refused("create tmpfs");
    int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
    if (mnt < 0) return refused("fsmount tmpfs");
    int userns = make_userns();
    if (userns < 0) {
        perror("feature_probe: a user namespace");
        return 2;
    }
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned)userns};
    if (syscall(SYS_mount_setattr, mnt, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return refused("mount_setattr MOUNT_ATTR_IDMAP on tmpfs");
    return 0;
}

static int overlay_fd_layers(const char *dir) {
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/probe-lower-a", dir);
    snprintf(b, sizeof b, "%s/probe-lower-b", dir);
    if (mkdir(a, 0755) < 0 || mkdir(b, 0755) < 0) {
        perror("feature_probe: mkdir");
        rmdir(a);
        return 2;
    }
    int rc = 0, fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs < 0) rc = refused("fsopen overlay");
    if (rc == 0 && fsconfig_(fs, FSCONFIG_SET_STRING, "source", "feature_probe", 0) < 0) rc = refused("set source");
    /* The detached layers must stay open until the overlay is created. */
    const char *layers[] = {a, b};
    int trees[2] = {-1, -1};
    for (int i = 0; rc == 0 && i < 2; ++i) {
        trees[i] = (int)syscall(SYS_open_tree, AT_FDCWD, layers[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (trees[i] < 0)
            rc = refused("open_tree");
        else if (fsconfig_(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, trees[i]) < 0)
            rc = refused("fsconfig lowerdir+ with a detached layer's fd");
    }
    if (rc == 0 && fsconfig_(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        rc = refused("create the overlay");
        char log[512];
        ssize_t n = read(fs, log, sizeof log - 1);
        if (n > 0) fprintf(stderr, "feature_probe: %.*s\n", (int)n, log);
    }
    for (int i = 0; i < 2; ++i)
        if (trees[i] >= 0) close(trees[i]);
    rmdir(a);
    rmdir(b);
    return rc;
}

static int procfs_pidns(void) {
    int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (own < 0) {
        perror("feature_probe: /proc/self/ns/pid");
        return 2;
    }
    int rc = 0, fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
    if (fs < 0)
        rc = refused("fsopen proc");
    else if (fsconfig_(fs, FSCONFIG_SET_FD, "pidns", NULL, own) < 0)
        rc = refused("fsconfig pidns with a pid namespace's fd");
    if (fs >= 0) close(fs);
    close(own);
    return rc;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "idmap-tmpfs") == 0) return idmap_tmpfs();
    if (argc == 3 && strcmp(argv[1], "overlay-fd-layers") == 0) return overlay_fd_layers(argv[2]);
    if (argc == 3 && strcmp(argv[1], "procfs-pidns") == 0) return procfs_pidns();
    fprintf(stderr, "usage: feature_probe idmap-tmpfs|overlay-fd-layers|procfs-pidns DIR\n");
    return 2;
}
