/* The kernel floor for `runc spec`'s default config, done with no runtime around it:
 * per container: cgroup dirs in every v1 hierarchy (mkdir, join, rmdir), clone with
 * mount/pid/ipc/uts/net namespaces, the default mounts (proc, /dev tmpfs, devpts, shm,
 * mqueue, sysfs ro, cgroup tmpfs + one bind per hierarchy), 6 device nodes, /dev symlinks,
 * pivot_root, masked and readonly paths, read-only root, hostname, exec /bin/true, wait.
 * No config parsing, no state, no process start-up of a runtime binary.
 * usage: floor-full ROOTFS N   -> median microseconds per container
 *
 * bench/'s copy of ../shared/tools/floor/floor.c, extended where a runtime's work for the
 * same config differs (bench/README.md): the hierarchies are those mounted under
 * /sys/fs/cgroup (name=systemd included, as runc and crun join it), the cpuset.cpus/mems of
 * a new cpuset cgroup are copied from its parent (else the join fails), the device rules
 * (deny all, runc's default allow list) are written to devices.allow/deny, a failed join is
 * an error, and the init sets RLIMIT_NOFILE, drops the bounding set, sets its capabilities
 * and no_new_privs as the config asks. `-v` prints every sample (microseconds) too. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *rootfs;
static char stack[1 << 16];
/* The v1 hierarchies: every directory under /sys/fs/cgroup with a cgroup.procs, read once
 * before the timed loop (a runtime finds them in mountinfo or /proc/self/cgroup). */
static char ctrls[32][64];
static unsigned NCTRL;

static void find_hierarchies(void) {
    DIR *d = opendir("/sys/fs/cgroup");
    struct dirent *e;
    char p[4096];
    if (!d) {
        perror("/sys/fs/cgroup");
        exit(1);
    }
    while ((e = readdir(d)) && NCTRL < 32) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "unified") || strlen(e->d_name) >= 64) continue;
        snprintf(p, sizeof p, "/sys/fs/cgroup/%s/cgroup.procs", e->d_name);
        if (access(p, F_OK)) continue;
        snprintf(ctrls[NCTRL++], 64, "%s", e->d_name);
    }
    closedir(d);
}

static int write_str(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = write(fd, s, strlen(s)) < 0 ? -1 : 0;
    close(fd);
    return r;
}

static int read_str(const char *path, char *buf, size_t len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return (int)n;
}

#define CK(x)                                                 \
    do {                                                      \
        if ((x) < 0) {                                        \
            fprintf(stderr, "%s: %s\n", #x, strerror(errno)); \
            _exit(20 + __LINE__ % 200);                       \
        }                                                     \
    } while (0)

static void at(char *buf, const char *rel) { snprintf(buf, 4096, "%s%s", rootfs, rel); }

static int child(void *arg) {
    (void)arg;
    char p[4096], q[4096];
    CK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    CK(mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL));
    at(p, "/proc");
    CK(mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
    at(p, "/dev");
    CK(mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"));
    at(p, "/dev/pts");
    mkdir(p, 0755);
    CK(mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5"));
    at(p, "/dev/shm");
    mkdir(p, 0755);
    CK(mount("shm", p, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k"));
    at(p, "/dev/mqueue");
    mkdir(p, 0755);
    CK(mount("mqueue", p, "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL));
    at(p, "/sys");
    CK(mount("sysfs", p, "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL));
    at(p, "/sys/fs/cgroup");
    CK(mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=755"));
    for (unsigned i = 0; i < NCTRL; i++) {
        snprintf(q, sizeof q, "%s/sys/fs/cgroup/%s", rootfs, ctrls[i]);
        mkdir(q, 0755);
        snprintf(p, sizeof p, "/sys/fs/cgroup/%s", ctrls[i]);
        CK(mount(p, q, NULL, MS_BIND | MS_REC, NULL));
    }
    at(p, "/sys/fs/cgroup");
    CK(mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL));
    struct {
        const char *n;
        int maj, min;
    } devs[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    for (unsigned i = 0; i < 6; i++) {
        snprintf(p, sizeof p, "%s/dev/%s", rootfs, devs[i].n);
        CK(mknod(p, S_IFCHR | 0666, makedev(devs[i].maj, devs[i].min)));
    }
    const char *links[][2] = {{"/proc/self/fd", "/dev/fd"},
                              {"/proc/self/fd/0", "/dev/stdin"},
                              {"/proc/self/fd/1", "/dev/stdout"},
                              {"/proc/self/fd/2", "/dev/stderr"},
                              {"pts/ptmx", "/dev/ptmx"}};
    for (unsigned i = 0; i < 5; i++) {
        at(p, links[i][1]);
        CK(symlink(links[i][0], p));
    }
    CK(chdir(rootfs));
    CK(syscall(SYS_pivot_root, ".", "."));
    CK(umount2(".", MNT_DETACH));
    CK(chdir("/"));
    const char *masked[] = {"/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                            "/sys/firmware",       "/proc/scsi"};
    for (unsigned i = 0; i < 10; i++) {
        struct stat st;
        if (stat(masked[i], &st)) continue;
        if (S_ISDIR(st.st_mode))
            CK(mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL));
        else
            CK(mount("/dev/null", masked[i], NULL, MS_BIND, NULL));
    }
    const char *ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    for (unsigned i = 0; i < 5; i++) {
        if (access(ro[i], F_OK)) continue;
        CK(mount(ro[i], ro[i], NULL, MS_BIND | MS_REC, NULL));
        CK(mount(NULL, ro[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    }
    CK(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    CK(sethostname("runc", 4));
    struct rlimit rl = {1024, 1024};
    CK(setrlimit(RLIMIT_NOFILE, &rl));
    /* runc spec: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE; the rest of the bounding set goes. */
    unsigned long long keep = (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        if (!(keep & (1ULL << c))) CK(prctl(PR_CAPBSET_DROP, c, 0, 0, 0));
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{(unsigned)keep, (unsigned)keep, (unsigned)keep}, {0, 0, 0}};
    CK(syscall(SYS_capset, &h, data));
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        if (keep & (1ULL << c)) CK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0));
    CK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    char *argv[] = {"/bin/true", NULL};
    char *envp[] = {"PATH=/bin", NULL};
    execve(argv[0], argv, envp);
    _exit(17);
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* runc's default device rules: deny all, then its always-allowed list. */
static const char *dev_allow[] = {"c *:* m",   "b *:* m",   "c 1:3 rwm",   "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm",
                                  "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm", "c 5:1 rwm"};

static void make_cgroup(int i, unsigned c) {
    char path[512], file[600], val[4096];
    snprintf(path, sizeof path, "/sys/fs/cgroup/%s/floor-%d", ctrls[c], i);
    if (mkdir(path, 0755)) {
        perror(path);
        exit(1);
    }
    if (!strcmp(ctrls[c], "cpuset")) {
        const char *files[] = {"cpuset.cpus", "cpuset.mems"};
        for (int f = 0; f < 2; f++) {
            snprintf(file, sizeof file, "/sys/fs/cgroup/cpuset/%s", files[f]);
            if (read_str(file, val, sizeof val) < 0) {
                perror(file);
                exit(1);
            }
            snprintf(file, sizeof file, "%s/%s", path, files[f]);
            if (write_str(file, val)) {
                perror(file);
                exit(1);
            }
        }
    }
    if (!strcmp(ctrls[c], "devices")) {
        snprintf(file, sizeof file, "%s/devices.deny", path);
        if (write_str(file, "a")) {
            perror(file);
            exit(1);
        }
        snprintf(file, sizeof file, "%s/devices.allow", path);
        for (unsigned r = 0; r < sizeof dev_allow / sizeof *dev_allow; r++)
            if (write_str(file, dev_allow[r])) {
                perror(file);
                exit(1);
            }
    }
}

int main(int argc, char **argv) {
    int verbose = argc > 1 && !strcmp(argv[1], "-v");
    if (verbose) argc--, argv++;
    if (argc < 3) {
        fprintf(stderr, "usage: floor-full [-v] ROOTFS N\n");
        return 2;
    }
    rootfs = argv[1];
    int n = atoi(argv[2]);
    if (n < 1) {
        fprintf(stderr, "floor-full: N must be positive\n");
        return 2;
    }
    find_hierarchies();
    double *t = calloc(n, sizeof *t);
    char path[512], num[32];
    for (int i = 0; i < n; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (unsigned c = 0; c < NCTRL; c++) make_cgroup(i, c);
        int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | SIGCHLD;
        pid_t pid = clone(child, stack + sizeof stack, flags, NULL);
        if (pid < 0) {
            perror("clone");
            return 1;
        }
        snprintf(num, sizeof num, "%d", pid);
        for (unsigned c = 0; c < NCTRL; c++) {
            snprintf(path, sizeof path, "/sys/fs/cgroup/%s/floor-%d/cgroup.procs", ctrls[c], i);
            if (write_str(path, num)) {
                perror(path);
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                return 1;
            }
        }
        int st;
        waitpid(pid, &st, 0);
        for (unsigned c = 0; c < NCTRL; c++) {
            snprintf(path, sizeof path, "/sys/fs/cgroup/%s/floor-%d", ctrls[c], i);
            rmdir(path);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "child failed: %d\n", WEXITSTATUS(st));
            return 1;
        }
        t[i] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    }
    if (verbose)
        for (int i = 0; i < n; i++) printf("%.0f\n", t[i]);
    qsort(t, n, sizeof *t, cmp);
    printf("floor-full: median %.0f us, min %.0f us, max %.0f us over %d containers\n", t[n / 2], t[0], t[n - 1], n);
    return 0;
}
