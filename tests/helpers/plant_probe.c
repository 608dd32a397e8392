/*
 * plant_probe: every way a process could leave host-effective privilege on
 * disk, tried in DIR from inside a test container (docs/ISOLATION.md "No host
 * privilege"). One line per attempt: "<what>: ok" or "<what>: errno <n>".
 * The bats test then looks at the files from the host.
 *
 *   plant_probe DIR
 *
 * Files: DIR/chmod (0755, then chmod 4755, 2755, fchmodat 6755), DIR/creat
 * (open O_CREAT 4755), DIR/tmpfile (O_TMPFILE 4755 + linkat), DIR/chr
 * (mknod 1:3), DIR/blk (mknod 8:0), DIR/reg (mknod S_IFREG 4755),
 * DIR/openat2 (openat2 O_CREAT 4755); security.capability v2 and v3 on
 * DIR/chmod; a user xattr (which must still work); io_uring_setup.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif

static const char *dir;

static void report(const char *what, long rc) {
    if (rc < 0)
        printf("%s: errno %d\n", what, errno);
    else
        printf("%s: ok\n", what);
    fflush(stdout);
}

static const char *in(const char *name) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* A file capability granting CAP_SETUID (bit 7), permitted and effective. */
struct cap_v3 {
    uint32_t magic_etc;
    struct {
        uint32_t permitted, inheritable;
    } data[2];
    uint32_t rootid;
};

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: plant_probe DIR\n");
        return 2;
    }
    dir = argv[1];
    int fd = open(in("chmod"), O_CREAT | O_WRONLY | O_TRUNC, 0755);
    report("create", fd);
    if (fd >= 0) close(fd);
    report("chmod 4755", chmod(in("chmod"), 04755));
    report("chmod 2755", chmod(in("chmod"), 02755));
    report("fchmodat 6755", fchmodat(AT_FDCWD, in("chmod"), 06755, 0));
    fd = open(in("chmod"), O_RDONLY);
    report("fchmod 4755", fd < 0 ? -1 : fchmod(fd, 04755));
    if (fd >= 0) close(fd);
    report("chmod 1777", chmod(in("chmod"), 01777));
    report("chmod 0755", chmod(in("chmod"), 0755));

    fd = open(in("creat"), O_CREAT | O_WRONLY | O_EXCL, 04755);
    report("creat 4755", fd);
    if (fd >= 0) close(fd);
    fd = open(dir, O_TMPFILE | O_WRONLY, 04755);
    report("tmpfile 4755", fd);
    if (fd >= 0) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        report("tmpfile link", linkat(AT_FDCWD, proc, AT_FDCWD, in("tmpfile"), AT_SYMLINK_FOLLOW));
        close(fd);
    }
    report("mknod chr 1:3", mknod(in("chr"), S_IFCHR | 0666, makedev(1, 3)));
    report("mknod blk 8:0", mknod(in("blk"), S_IFBLK | 0600, makedev(8, 0)));
    report("mknod reg 4755", mknod(in("reg"), S_IFREG | 04755, 0));
    report("mknod fifo", mknod(in("fifo"), S_IFIFO | 0644, 0));

    struct cap_v3 cap;
    memset(&cap, 0, sizeof cap);
    cap.magic_etc = 0x02000000 | 1; /* VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE */
    cap.data[0].permitted = 1u << 7;
    report("setcap v2", setxattr(in("chmod"), "security.capability", &cap, 20, 0));
    cap.magic_etc = 0x03000000 | 1; /* VFS_CAP_REVISION_3 */
    report("setcap v3", setxattr(in("chmod"), "security.capability", &cap, 24, 0));
    report("lsetcap v2", lsetxattr(in("chmod"), "security.capability", &cap, 20, 0));
    report("user xattr", setxattr(in("chmod"), "user.islet", "hello", 5, 0));

    struct {
        uint64_t flags, mode, resolve;
    } how = {O_CREAT | O_WRONLY, 04755, 0};
    long rc = syscall(__NR_openat2, AT_FDCWD, in("openat2"), &how, sizeof how);
    report("openat2 4755", rc);
    if (rc >= 0) close((int)rc);
    char params[120];
    memset(params, 0, sizeof params);
    rc = syscall(__NR_io_uring_setup, 1, params);
    report("io_uring_setup", rc);
    if (rc >= 0) close((int)rc);
    return 0;
}
