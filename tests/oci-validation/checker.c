// oci-checker: runs as a container's process and checks, from inside, that
// the runtime applied the bundle's config.json (runtime-spec config.md,
// config-linux.md). The suite copies the config to /config.json in the
// rootfs before create, and may add /checker.expect with what only the host
// knows (its namespaces, its capability bounding set), as key=value lines.
//
// Output: TAP on stdout, one line per check, the plan last. Exit 0 when every
// check passed. Static, no libc extensions beyond Linux syscalls, so any
// rootfs can run it.
//
//   oci-checker [--config PATH] [--expect PATH]
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

// ---------------------------------------------------------------------------
// A small JSON reader (the config is trusted test input).

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct json {
    enum jtype t;
    int b;
    double d;
    long long i;
    unsigned long long u;
    int is_neg;
    char *s;          // J_STR
    size_t n;         // J_ARR, J_OBJ: number of children
    struct json **v;  // children
    char **k;         // J_OBJ keys
};

static const char *jp;
static int jerr;

static void jws(void) {
    while (*jp == ' ' || *jp == '\t' || *jp == '\n' || *jp == '\r') jp++;
}

static struct json *jnew(enum jtype t) {
    struct json *j = calloc(1, sizeof *j);
    if (!j) abort();
    j->t = t;
    return j;
}

static char *jstring_raw(void) {
    // *jp == '"'
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    jp++;
    while (*jp && *jp != '"') {
        char c = *jp++;
        if (c == '\\') {
            char e = *jp++;
            switch (e) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'u': {
                    unsigned cp = 0;
                    for (int i = 0; i < 4 && *jp; i++, jp++)
                        cp = cp * 16 + (unsigned)(isdigit((unsigned char)*jp)
                                                      ? *jp - '0'
                                                      : (tolower((unsigned char)*jp) - 'a' + 10));
                    // ASCII only is enough for configs; others become '?'.
                    c = cp < 0x80 ? (char)cp : '?';
                    break;
                }
                default: c = e;
            }
        }
        if (len + 2 > cap) out = realloc(out, cap *= 2);
        out[len++] = c;
    }
    if (*jp == '"')
        jp++;
    else
        jerr = 1;
    out[len] = 0;
    return out;
}

static struct json *jvalue(int depth) {
    jws();
    if (depth > 64) {
        jerr = 1;
        return jnew(J_NULL);
    }
    if (*jp == '{' || *jp == '[') {
        int obj = *jp == '{';
        struct json *j = jnew(obj ? J_OBJ : J_ARR);
        jp++;
        jws();
        if (*jp == (obj ? '}' : ']')) {
            jp++;
            return j;
        }
        for (;;) {
            jws();
            char *key = NULL;
            if (obj) {
                if (*jp != '"') {
                    jerr = 1;
                    return j;
                }
                key = jstring_raw();
                jws();
                if (*jp != ':') {
                    jerr = 1;
                    return j;
                }
                jp++;
            }
            struct json *c = jvalue(depth + 1);
            j->v = realloc(j->v, (j->n + 1) * sizeof *j->v);
            j->k = realloc(j->k, (j->n + 1) * sizeof *j->k);
            j->v[j->n] = c;
            j->k[j->n] = key;
            j->n++;
            jws();
            if (*jp == ',') {
                jp++;
                continue;
            }
            if (*jp == (obj ? '}' : ']')) {
                jp++;
                return j;
            }
            jerr = 1;
            return j;
        }
    }
    if (*jp == '"') {
        struct json *j = jnew(J_STR);
        j->s = jstring_raw();
        return j;
    }
    if (!strncmp(jp, "true", 4)) {
        jp += 4;
        struct json *j = jnew(J_BOOL);
        j->b = 1;
        return j;
    }
    if (!strncmp(jp, "false", 5)) {
        jp += 5;
        return jnew(J_BOOL);
    }
    if (!strncmp(jp, "null", 4)) {
        jp += 4;
        return jnew(J_NULL);
    }
    struct json *j = jnew(J_NUM);
    const char *start = jp;
    j->is_neg = *jp == '-';
    j->d = strtod(start, (char **)&jp);
    if (jp == start) {
        jerr = 1;
        jp++;
        return j;
    }
    if (j->is_neg)
        j->i = strtoll(start, NULL, 10);
    else {
        j->u = strtoull(start, NULL, 10);
        j->i = (long long)j->u;
    }
    return j;
}

static struct json *jget(const struct json *o, const char *key) {
    if (!o || o->t != J_OBJ) return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->k[i], key)) return o->v[i];
    return NULL;
}

static struct json *jpath(const struct json *o, const char *a, const char *b) {
    struct json *x = jget(o, a);
    return b ? jget(x, b) : x;
}

static const char *jstr(const struct json *j) { return j && j->t == J_STR ? j->s : NULL; }
static int jbool(const struct json *j) { return j && j->t == J_BOOL && j->b; }
static size_t jlen(const struct json *j) { return j && (j->t == J_ARR || j->t == J_OBJ) ? j->n : 0; }

// ---------------------------------------------------------------------------
// TAP

static int test_no, failures;

static void result(int ok, const char *desc, const char *fmt, ...) {
    ++test_no;
    if (ok) {
        printf("ok %d - %s\n", test_no, desc);
    } else {
        ++failures;
        char detail[1024] = "";
        if (fmt) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(detail, sizeof detail, fmt, ap);
            va_end(ap);
        }
        printf("not ok %d - %s%s%s\n", test_no, desc, *detail ? ": " : "", detail);
    }
    fflush(stdout);
}

#define CHECK(cond, desc, ...) result((cond), (desc), __VA_ARGS__)

static char *read_text(const char *path, size_t max) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    char *buf = malloc(max + 1);
    size_t len = 0;
    ssize_t r;
    while (len < max && (r = read(fd, buf + len, max - len)) > 0) len += (size_t)r;
    close(fd);
    buf[len] = 0;
    return buf;
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\0')) s[--n] = 0;
}

// ---------------------------------------------------------------------------
// expectations from the host: key=value lines

static char *expect_keys[128], *expect_vals[128];
static int expect_n;

static void load_expect(const char *path) {
    char *t = read_text(path, 1 << 16);
    if (!t) return;
    for (char *line = strtok(t, "\n"); line && expect_n < 128; line = strtok(NULL, "\n")) {
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = 0;
        expect_keys[expect_n] = line;
        expect_vals[expect_n] = eq + 1;
        expect_n++;
    }
}

// The value of key (the last one given wins).
static const char *expect(const char *key) {
    for (int i = expect_n - 1; i >= 0; i--)
        if (!strcmp(expect_keys[i], key)) return expect_vals[i];
    return NULL;
}

// ---------------------------------------------------------------------------
// mountinfo

struct mnt {
    char point[PATH_MAX];
    char root[PATH_MAX];
    char opts[512];      // per-mount options
    char optional[256];  // shared:N master:N propagate_from:N unbindable
    char fstype[64];
    char source[PATH_MAX];
    char super[512];
};

static struct mnt *mounts;
static int nmounts;

static void unescape_octal(char *s) {
    char *o = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] && p[3]) {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
}

static void load_mounts(void) {
    char *t = read_text("/proc/self/mountinfo", 1 << 20);
    if (!t) return;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        mounts = realloc(mounts, (size_t)(nmounts + 1) * sizeof *mounts);
        struct mnt *m = &mounts[nmounts];
        memset(m, 0, sizeof *m);
        // id parent maj:min root point opts [optional...] - fstype source super
        char *f[64];
        int n = 0;
        for (char *tok = line, *sp; tok && n < 64; tok = sp) {
            sp = strchr(tok, ' ');
            if (sp) *sp++ = 0;
            f[n++] = tok;
        }
        if (n < 10) continue;
        snprintf(m->root, sizeof m->root, "%s", f[3]);
        snprintf(m->point, sizeof m->point, "%s", f[4]);
        unescape_octal(m->root);
        unescape_octal(m->point);
        snprintf(m->opts, sizeof m->opts, "%s", f[5]);
        int i = 6;
        for (; i < n && strcmp(f[i], "-"); i++) {
            strncat(m->optional, f[i], sizeof m->optional - strlen(m->optional) - 2);
            strcat(m->optional, " ");
        }
        if (i + 3 >= n + 1) continue;
        snprintf(m->fstype, sizeof m->fstype, "%s", f[i + 1]);
        snprintf(m->source, sizeof m->source, "%s", f[i + 2]);
        unescape_octal(m->source);
        if (i + 3 < n) snprintf(m->super, sizeof m->super, "%s", f[i + 3]);
        nmounts++;
    }
    free(t);
}

// The top-most mount at path (the last one listed), or NULL.
static struct mnt *mount_at(const char *path) {
    for (int i = nmounts - 1; i >= 0; i--)
        if (!strcmp(mounts[i].point, path)) return &mounts[i];
    return NULL;
}

static int has_opt(const char *list, const char *opt) {
    size_t n = strlen(opt);
    for (const char *p = list; (p = strstr(p, opt)); p += n)
        if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) return 1;
    return 0;
}

// Lexically cleaned absolute path.
static void clean_path(const char *in, char *out, size_t cap) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s%s", in[0] == '/' ? "" : "/", in);
    char *parts[256];
    int np = 0;
    for (char *tok = strtok(tmp, "/"); tok && np < 256; tok = strtok(NULL, "/")) {
        if (!strcmp(tok, ".")) continue;
        if (!strcmp(tok, "..")) {
            if (np) np--;
            continue;
        }
        parts[np++] = tok;
    }
    out[0] = 0;
    for (int i = 0; i < np; i++) {
        strncat(out, "/", cap - strlen(out) - 1);
        strncat(out, parts[i], cap - strlen(out) - 1);
    }
    if (!out[0]) snprintf(out, cap, "/");
}

// ---------------------------------------------------------------------------
// process

static void check_process(const struct json *c) {
    const struct json *p = jget(c, "process");
    if (!p) return;
    // args == /proc/self/cmdline
    const struct json *args = jget(p, "args");
    {
        int fd = open("/proc/self/cmdline", O_RDONLY);
        char buf[8192];
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
        if (fd >= 0) close(fd);
        int ok = n > 0;
        size_t off = 0, idx = 0;
        while (ok && off < (size_t)n) {
            const char *a = idx < jlen(args) ? jstr(args->v[idx]) : NULL;
            if (!a || strcmp(a, buf + off)) ok = 0;
            off += strlen(buf + off) + 1;
            idx++;
        }
        CHECK(ok && idx == jlen(args), "process.args are the process's argv", "cmdline differs (%zu args seen)", idx);
    }
    // cwd
    const char *cwd = jstr(jget(p, "cwd"));
    if (cwd) {
        char buf[PATH_MAX] = "";
        char want[PATH_MAX];
        clean_path(cwd, want, sizeof want);
        if (!getcwd(buf, sizeof buf)) snprintf(buf, sizeof buf, "(getcwd: %s)", strerror(errno));
        CHECK(!strcmp(buf, want), "process.cwd is the working directory", "expected %s, got %s", want, buf);
    }
    // env
    const struct json *env = jget(p, "env");
    for (size_t i = 0; i < jlen(env); i++) {
        const char *e = jstr(env->v[i]);
        if (!e) continue;
        const char *eq = strchr(e, '=');
        if (!eq) continue;
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - e), e);
        const char *got = getenv(key);
        char desc[300];
        snprintf(desc, sizeof desc, "process.env %s", key);
        CHECK(got && !strcmp(got, eq + 1), desc, "expected '%s', got '%s'", eq + 1, got ? got : "(unset)");
    }
    // user
    const struct json *u = jget(p, "user");
    if (u) {
        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        getresuid(&ru, &eu, &su);
        getresgid(&rg, &eg, &sg);
        long long uid = jget(u, "uid") ? jget(u, "uid")->i : 0, gid = jget(u, "gid") ? jget(u, "gid")->i : 0;
        CHECK(ru == uid && eu == uid && su == uid, "process.user.uid", "expected %lld, got %u/%u/%u", uid, ru, eu, su);
        CHECK(rg == gid && eg == gid && sg == gid, "process.user.gid", "expected %lld, got %u/%u/%u", gid, rg, eg, sg);
        gid_t groups[256];
        int ng = getgroups(256, groups);
        const struct json *ag = jget(u, "additionalGids");
        for (size_t i = 0; i < jlen(ag); i++) {
            int found = 0;
            for (int k = 0; k < ng; k++) found |= (long long)groups[k] == ag->v[i]->i;
            CHECK(found, "process.user.additionalGids are supplementary groups", "gid %lld missing", ag->v[i]->i);
        }
        const struct json *um = jget(u, "umask");
        if (um) {
            mode_t old = umask(0);
            umask(old);
            CHECK((long long)old == um->i, "process.user.umask", "expected %04llo, got %04o", um->i, old);
        }
    }
    // noNewPrivileges
    int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    CHECK(nnp == jbool(jget(p, "noNewPrivileges")), "process.noNewPrivileges", "expected %d, got %d",
          jbool(jget(p, "noNewPrivileges")), nnp);
    // oomScoreAdj
    const struct json *oom = jget(p, "oomScoreAdj");
    if (oom) {
        char *t = read_text("/proc/self/oom_score_adj", 64);
        long long got = t ? atoll(t) : -99999;
        CHECK(got == oom->i, "process.oomScoreAdj", "expected %lld, got %lld", oom->i, got);
        free(t);
    }
    // terminal
    if (jbool(jget(p, "terminal"))) {
        CHECK(isatty(0) && isatty(1) && isatty(2), "process.terminal: stdio is a terminal", "isatty %d %d %d",
              isatty(0), isatty(1), isatty(2));
    }
}

// ---------------------------------------------------------------------------
// rlimits

static const struct {
    const char *name;
    int res;
} rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static void check_rlimits(const struct json *c) {
    const struct json *rl = jpath(c, "process", "rlimits");
    for (size_t i = 0; i < jlen(rl); i++) {
        const char *type = jstr(jget(rl->v[i], "type"));
        int res = -1;
        for (size_t k = 0; k < sizeof rlimit_names / sizeof *rlimit_names; k++)
            if (type && !strcmp(type, rlimit_names[k].name)) res = rlimit_names[k].res;
        char desc[128];
        snprintf(desc, sizeof desc, "process.rlimits %s", type ? type : "?");
        if (res < 0) {
            CHECK(0, desc, "unknown rlimit type in a config that was accepted");
            continue;
        }
        struct rlimit got;
        getrlimit(res, &got);
        unsigned long long soft = jget(rl->v[i], "soft") ? jget(rl->v[i], "soft")->u : 0;
        unsigned long long hard = jget(rl->v[i], "hard") ? jget(rl->v[i], "hard")->u : 0;
        CHECK(got.rlim_cur == soft && got.rlim_max == hard, desc, "expected %llu/%llu, got %llu/%llu", soft, hard,
              (unsigned long long)got.rlim_cur, (unsigned long long)got.rlim_max);
    }
}

// ---------------------------------------------------------------------------
// capabilities

static const char *cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

static unsigned long long status_hex(const char *status, const char *key) {
    const char *p = strstr(status, key);
    return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

static unsigned long long caps_of(const struct json *list) {
    unsigned long long m = 0;
    for (size_t i = 0; i < jlen(list); i++)
        for (size_t k = 0; k < sizeof cap_names / sizeof *cap_names; k++)
            if (jstr(list->v[i]) && !strcmp(jstr(list->v[i]), cap_names[k])) m |= 1ULL << k;
    return m;
}

static void check_capabilities(const struct json *c) {
    const struct json *caps = jpath(c, "process", "capabilities");
    if (!jget(c, "process")) return;
    char *status = read_text("/proc/self/status", 1 << 16);
    if (!status) return;
    char *t = read_text("/proc/sys/kernel/cap_last_cap", 16);
    int last = t ? atoi(t) : 40;
    free(t);
    unsigned long long all = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
    // Capabilities the host cannot grant (not in the runtime's own bounding
    // set) may be dropped with a warning (config.md, capabilities).
    const char *hb = expect("hostcapbnd");
    unsigned long long host = hb ? strtoull(hb, NULL, 16) : all;
    const struct {
        const char *key, *field;
    } sets[] = {
        {"CapBnd:", "bounding"},    {"CapEff:", "effective"}, {"CapPrm:", "permitted"},
        {"CapInh:", "inheritable"}, {"CapAmb:", "ambient"},
    };
    unsigned long long want[5];
    for (size_t i = 0; i < 5; i++) want[i] = caps_of(jget(caps, sets[i].field)) & all & host;
    // What execve leaves of the sets the runtime gave (capabilities(7)):
    // ambient capabilities join permitted and effective; a process that is
    // not root keeps nothing else in them (the checker has no file
    // capabilities).
    if (geteuid() == 0) {
        want[1] |= want[4];
        want[2] |= want[4];
    } else {
        want[1] = want[2] = want[4];
    }
    for (size_t i = 0; i < 5; i++) {
        unsigned long long got = status_hex(status, sets[i].key) & all;
        char desc[96];
        snprintf(desc, sizeof desc, "process.capabilities.%s", sets[i].field);
        CHECK(want[i] == got, desc, "expected %016llx, got %016llx", want[i], got);
    }
    free(status);
}

// ---------------------------------------------------------------------------
// root, hostname, mounts

static int write_probe(const char *dir) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/.oci-checker-probe-%d", strcmp(dir, "/") ? dir : "", getpid());
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        unlink(path);
        return 0;
    }
    return errno;
}

static void check_root(const struct json *c) {
    const struct json *root = jget(c, "root");
    struct mnt *m = mount_at("/");
    int ro = m && has_opt(m->opts, "ro");
    if (jbool(jget(root, "readonly"))) {
        CHECK(ro, "root.readonly: / is mounted read-only", "mount options %s", m ? m->opts : "(no / mount)");
        int err = write_probe("/");
        CHECK(err == EROFS, "root.readonly: writing to / fails with EROFS", "got %s", err ? strerror(err) : "success");
    } else {
        CHECK(!ro, "root.readonly false: / is writable", "mount options %s", m ? m->opts : "(no / mount)");
    }
}

static void check_hostname(const struct json *c) {
    struct utsname u;
    uname(&u);
    const char *h = jstr(jget(c, "hostname"));
    if (h && *h) CHECK(!strcmp(u.nodename, h), "hostname", "expected %s, got %s", h, u.nodename);
    const char *d = jstr(jget(c, "domainname"));
    if (d && *d) CHECK(!strcmp(u.domainname, d), "domainname", "expected %s, got %s", d, u.domainname);
}

static int list_has(const struct json *list, const char *s) {
    for (size_t i = 0; i < jlen(list); i++)
        if (jstr(list->v[i]) && !strcmp(jstr(list->v[i]), s)) return 1;
    return 0;
}

static void check_mounts(const struct json *c) {
    const struct json *ms = jget(c, "mounts");
    for (size_t i = 0; i < jlen(ms); i++) {
        const struct json *m = ms->v[i];
        const char *dst = jstr(jget(m, "destination"));
        const char *type = jstr(jget(m, "type"));
        const char *src = jstr(jget(m, "source"));
        const struct json *opts = jget(m, "options");
        if (!dst) continue;
        char path[PATH_MAX];
        clean_path(dst, path, sizeof path);
        int bind = list_has(opts, "bind") || list_has(opts, "rbind") || (type && !strcmp(type, "bind"));
        char desc[PATH_MAX + 64];
        struct mnt *got = mount_at(path);
        snprintf(desc, sizeof desc, "mounts: %s is a mount point", path);
        CHECK(got != NULL, desc, "not in /proc/self/mountinfo");
        if (!got) continue;
        if (!bind && type && *type) {
            // Mounts may stack at one destination: the one of this type. A
            // cgroup mount is a tmpfs of per-hierarchy mounts on v1 hosts.
            struct mnt *match = NULL;
            for (int k = nmounts - 1; k >= 0 && !match; k--) {
                struct mnt *x = &mounts[k];
                if (strcmp(x->point, path)) continue;
                if (!strcmp(x->fstype, type) ||
                    (!strcmp(type, "cgroup") && (!strcmp(x->fstype, "tmpfs") || !strcmp(x->fstype, "cgroup2"))))
                    match = x;
            }
            snprintf(desc, sizeof desc, "mounts: %s has type %s", path, type);
            CHECK(match != NULL, desc, "got %s", got->fstype);
            if (!match) continue;
            got = match;
            if (src && strcmp(type, "cgroup")) {
                snprintf(desc, sizeof desc, "mounts: %s has source %s", path, src);
                CHECK(!strcmp(got->source, src), desc, "got %s", got->source);
            }
        }
        static const char *flags[] = {"ro", "nosuid", "nodev", "noexec"};
        // A cgroup mount on a v1 host is a tmpfs holding one mount per
        // hierarchy: the options are the hierarchies' (runc leaves the
        // tmpfs itself writable).
        int v1_cgroup = type && !strcmp(type, "cgroup") && !strcmp(got->fstype, "tmpfs");
        for (size_t f = 0; f < 4; f++) {
            if (!list_has(opts, flags[f])) continue;
            snprintf(desc, sizeof desc, "mounts: %s is %s", path, flags[f]);
            if (!v1_cgroup) {
                CHECK(has_opt(got->opts, flags[f]), desc, "mount options %s", got->opts);
                continue;
            }
            int ok = 1, seen = 0;
            size_t pl = strlen(path);
            for (int k = 0; k < nmounts; k++) {
                if (strncmp(mounts[k].point, path, pl) || mounts[k].point[pl] != '/') continue;
                if (strcmp(mounts[k].fstype, "cgroup") && strcmp(mounts[k].fstype, "cgroup2")) continue;
                seen = 1;
                ok &= has_opt(mounts[k].opts, flags[f]);
            }
            CHECK(ok && seen, desc, "%s", seen ? "a hierarchy below it is not" : "no hierarchy mounted below it");
        }
        if (list_has(opts, "rw") && !list_has(opts, "ro")) {
            snprintf(desc, sizeof desc, "mounts: %s is rw", path);
            CHECK(has_opt(got->opts, "rw"), desc, "mount options %s", got->opts);
        }
        // A bind source the suite marked (expect "marker=<destination>"):
        // the marker file's content names the source.
        if (bind && src) {
            int want = 0;
            for (int k = 0; k < expect_n; k++) {
                char ep[PATH_MAX];
                if (strcmp(expect_keys[k], "marker")) continue;
                clean_path(expect_vals[k], ep, sizeof ep);
                want |= !strcmp(ep, path);
            }
            if (!want) continue;
            char marker[PATH_MAX + 32], *content;
            snprintf(marker, sizeof marker, "%s/.oci-bind-marker", path);
            content = read_text(marker, PATH_MAX);
            if (content) chomp(content);
            snprintf(desc, sizeof desc, "mounts: %s shows the bind source %s", path, src);
            CHECK(content && !strcmp(content, src), desc, "marker: %s", content ? content : strerror(errno));
            free(content);
        }
    }
}

// ---------------------------------------------------------------------------
// devices

static void check_device_node(const char *path, char type, long long maj, long long min, const struct json *d) {
    struct stat st;
    char desc[PATH_MAX + 64];
    snprintf(desc, sizeof desc, "device %s exists", path);
    if (stat(path, &st) < 0) {
        CHECK(0, desc, "%s", strerror(errno));
        return;
    }
    CHECK(1, desc, NULL);
    char got = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : S_ISFIFO(st.st_mode) ? 'p' : '?';
    snprintf(desc, sizeof desc, "device %s has type %c", path, type);
    CHECK(got == type || (type == 'u' && got == 'c'), desc, "got %c", got);
    if (type != 'p') {
        snprintf(desc, sizeof desc, "device %s is %lld:%lld", path, maj, min);
        CHECK((long long)major(st.st_rdev) == maj && (long long)minor(st.st_rdev) == min, desc, "got %u:%u",
              major(st.st_rdev), minor(st.st_rdev));
    }
    if (!d) return;
    const struct json *fm = jget(d, "fileMode"), *uid = jget(d, "uid"), *gid = jget(d, "gid");
    if (fm) {
        snprintf(desc, sizeof desc, "device %s has mode %04llo", path, fm->i & 07777);
        CHECK((st.st_mode & 07777) == (fm->i & 07777), desc, "got %04o", st.st_mode & 07777);
    }
    if (uid) {
        snprintf(desc, sizeof desc, "device %s has uid %lld", path, uid->i);
        CHECK((long long)st.st_uid == uid->i, desc, "got %u", st.st_uid);
    }
    if (gid) {
        snprintf(desc, sizeof desc, "device %s has gid %lld", path, gid->i);
        CHECK((long long)st.st_gid == gid->i, desc, "got %u", st.st_gid);
    }
}

static int dev_is_bind(const struct json *c) {
    const struct json *ms = jget(c, "mounts");
    for (size_t i = 0; i < jlen(ms); i++) {
        char p[PATH_MAX];
        const char *dst = jstr(jget(ms->v[i], "destination"));
        if (!dst) continue;
        clean_path(dst, p, sizeof p);
        if (!strcmp(p, "/dev") &&
            (list_has(jget(ms->v[i], "options"), "bind") || list_has(jget(ms->v[i], "options"), "rbind")))
            return 1;
    }
    return 0;
}

static void check_devices(const struct json *c) {
    const struct json *ds = jpath(c, "linux", "devices");
    for (size_t i = 0; i < jlen(ds); i++) {
        const struct json *d = ds->v[i];
        const char *path = jstr(jget(d, "path")), *type = jstr(jget(d, "type"));
        if (!path || !type) continue;
        check_device_node(path, type[0], jget(d, "major") ? jget(d, "major")->i : 0,
                          jget(d, "minor") ? jget(d, "minor")->i : 0, d);
    }
    if (dev_is_bind(c)) return;
    // config-linux.md, default devices.
    static const struct {
        const char *p;
        int maj, min;
    } defs[] = {
        {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
        {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
    };
    for (size_t i = 0; i < sizeof defs / sizeof *defs; i++)
        check_device_node(defs[i].p, 'c', defs[i].maj, defs[i].min, NULL);
    // /dev/ptmx: a bind mount or symlink to the container's /dev/pts/ptmx.
    struct stat st;
    char link[64] = "";
    ssize_t n = readlink("/dev/ptmx", link, sizeof link - 1);
    if (n > 0) link[n] = 0;
    int ok = (n > 0 && (!strcmp(link, "pts/ptmx") || !strcmp(link, "/dev/pts/ptmx"))) ||
             (n < 0 && stat("/dev/ptmx", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
              minor(st.st_rdev) == 2);
    CHECK(ok, "device /dev/ptmx is the container's pts/ptmx", "readlink %s", n > 0 ? link : strerror(errno));
    if (jbool(jpath(c, "process", "terminal"))) check_device_node("/dev/console", 'c', 136, -1, NULL);
    // config-linux.md, default symlinks: when /proc is there after mounts.
    if (access("/proc/self/fd", F_OK) == 0) {
        static const char *links[][2] = {{"/dev/fd", "/proc/self/fd"},
                                         {"/dev/stdin", "/proc/self/fd/0"},
                                         {"/dev/stdout", "/proc/self/fd/1"},
                                         {"/dev/stderr", "/proc/self/fd/2"}};
        for (size_t i = 0; i < 4; i++) {
            char got[PATH_MAX] = "", desc[128];
            ssize_t l = readlink(links[i][0], got, sizeof got - 1);
            if (l > 0) got[l] = 0;
            snprintf(desc, sizeof desc, "symlink %s -> %s", links[i][0], links[i][1]);
            CHECK(l > 0 && !strcmp(got, links[i][1]), desc, "got %s", l > 0 ? got : strerror(errno));
        }
    }
}

// ---------------------------------------------------------------------------
// masked and read-only paths

static void check_masked(const struct json *c) {
    const struct json *mp = jpath(c, "linux", "maskedPaths");
    for (size_t i = 0; i < jlen(mp); i++) {
        const char *path = jstr(mp->v[i]);
        struct stat st;
        char desc[PATH_MAX + 64];
        if (!path || lstat(path, &st) < 0) continue;  // absent paths need no mask
        snprintf(desc, sizeof desc, "linux.maskedPaths: %s cannot be read", path);
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(path);
            int entries = 0;
            struct dirent *e;
            while (d && (e = readdir(d)))
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) entries++;
            if (d) closedir(d);
            CHECK(entries == 0, desc, "%d entries visible", entries);
        } else {
            int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            char b;
            ssize_t n = fd >= 0 ? read(fd, &b, 1) : 0;
            if (fd >= 0) close(fd);
            CHECK(n <= 0, desc, "read returned data");
        }
    }
}

static void check_readonly_paths(const struct json *c) {
    const struct json *rp = jpath(c, "linux", "readonlyPaths");
    for (size_t i = 0; i < jlen(rp); i++) {
        const char *path = jstr(rp->v[i]);
        struct stat st;
        char desc[PATH_MAX + 64], cp[PATH_MAX];
        if (!path || stat(path, &st) < 0) continue;
        clean_path(path, cp, sizeof cp);
        struct mnt *m = mount_at(cp);
        snprintf(desc, sizeof desc, "linux.readonlyPaths: %s is a read-only mount", cp);
        CHECK(m && has_opt(m->opts, "ro"), desc, "%s", m ? m->opts : "not a mount point");
        snprintf(desc, sizeof desc, "linux.readonlyPaths: writing %s fails", cp);
        int err;
        if (S_ISDIR(st.st_mode)) {
            err = write_probe(cp);
        } else {
            int fd = open(cp, O_WRONLY | O_CLOEXEC);
            err = fd >= 0 ? 0 : errno;
            if (fd >= 0) close(fd);
        }
        CHECK(err != 0, desc, "got success");
    }
}

// ---------------------------------------------------------------------------
// namespaces and id mappings

static const char *ns_proc_name(const char *type) {
    if (!strcmp(type, "network")) return "net";
    if (!strcmp(type, "mount")) return "mnt";
    return type;
}

static void check_namespaces(const struct json *c) {
    static const char *types[] = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};
    const struct json *nss = jpath(c, "linux", "namespaces");
    for (size_t t = 0; t < 8; t++) {
        char key[64], self[PATH_MAX], link[128] = "", desc[128];
        snprintf(key, sizeof key, "hostns.%s", types[t]);
        const char *host = expect(key);
        if (!host) continue;
        snprintf(self, sizeof self, "/proc/self/ns/%s", ns_proc_name(types[t]));
        ssize_t n = readlink(self, link, sizeof link - 1);
        if (n < 0) continue;  // a kernel without this namespace type
        link[n] = 0;
        const struct json *ns = NULL;
        for (size_t i = 0; i < jlen(nss); i++)
            if (jstr(jget(nss->v[i], "type")) && !strcmp(jstr(jget(nss->v[i], "type")), types[t])) ns = nss->v[i];
        const char *path = ns ? jstr(jget(ns, "path")) : NULL;
        if (!ns) {
            snprintf(desc, sizeof desc, "linux.namespaces: no %s entry, the runtime's is inherited", types[t]);
            CHECK(!strcmp(link, host), desc, "host %s, container %s", host, link);
        } else if (!path || !*path) {
            snprintf(desc, sizeof desc, "linux.namespaces: a new %s namespace", types[t]);
            CHECK(strcmp(link, host) != 0, desc, "still the host's %s", host);
        } else {
            snprintf(key, sizeof key, "joinns.%s", types[t]);
            const char *want = expect(key);
            if (!want) continue;
            snprintf(desc, sizeof desc, "linux.namespaces: the %s namespace at %s is joined", types[t], path);
            CHECK(!strcmp(link, want), desc, "expected %s, got %s", want, link);
        }
    }
}

static void check_mappings(const struct json *c, const char *field, const char *file) {
    const struct json *maps = jpath(c, "linux", field);
    if (!jlen(maps)) return;
    char *t = read_text(file, 1 << 16);
    if (!t) return;
    long long seen[64][3];
    int n = 0;
    for (char *line = strtok(t, "\n"); line && n < 64; line = strtok(NULL, "\n"))
        if (sscanf(line, "%lld %lld %lld", &seen[n][0], &seen[n][1], &seen[n][2]) == 3) n++;
    free(t);
    char desc[128];
    snprintf(desc, sizeof desc, "linux.%s: %s has one line per mapping", field, file);
    CHECK((size_t)n == jlen(maps), desc, "%d lines for %zu mappings", n, jlen(maps));
    for (size_t i = 0; i < jlen(maps); i++) {
        long long cid = jget(maps->v[i], "containerID")->i, hid = jget(maps->v[i], "hostID")->i,
                  sz = jget(maps->v[i], "size")->i;
        int found = 0;
        for (int k = 0; k < n; k++) found |= seen[k][0] == cid && seen[k][1] == hid && seen[k][2] == sz;
        snprintf(desc, sizeof desc, "linux.%s: %lld %lld %lld applied", field, cid, hid, sz);
        CHECK(found, desc, "not in %s", file);
    }
}

// ---------------------------------------------------------------------------
// rootfsPropagation, sysctl, cgroupsPath, personality, seccomp

static void check_propagation(const struct json *c) {
    const char *prop = jstr(jpath(c, "linux", "rootfsPropagation"));
    if (!prop || !*prop) return;
    struct mnt *m = mount_at("/");
    if (!m) return;
    const char *o = m->optional;
    int shared = strstr(o, "shared:") != NULL, slave = strstr(o, "master:") != NULL,
        unbindable = strstr(o, "unbindable") != NULL;
    char desc[96];
    snprintf(desc, sizeof desc, "linux.rootfsPropagation %s", prop);
    const char *p = prop[0] == 'r' ? prop + 1 : prop;  // rshared, rslave, ... as well
    // A slave of a mount that is not shared has no master and reads as
    // private: the suite says whether the rootfs's host mount is shared.
    const char *hs = expect("hostrootfsshared");
    int host_shared = !hs || !strcmp(hs, "1");
    int ok = !strcmp(p, "shared")       ? shared
             : !strcmp(p, "slave")      ? (host_shared ? slave : !shared) && !shared
             : !strcmp(p, "private")    ? !shared && !slave && !unbindable
             : !strcmp(p, "unbindable") ? unbindable
                                        : 0;
    CHECK(ok, desc, "/ has optional fields '%s'", o);
}

static void check_sysctl(const struct json *c) {
    const struct json *s = jpath(c, "linux", "sysctl");
    for (size_t i = 0; i < jlen(s); i++) {
        char path[PATH_MAX] = "/proc/sys/", desc[256];
        size_t off = strlen(path);
        for (const char *k = s->k[i]; *k && off < sizeof path - 1; k++) path[off++] = *k == '.' ? '/' : *k;
        path[off] = 0;
        char *got = read_text(path, 4096);
        if (got) chomp(got);
        // Multi-value sysctls read back with tabs.
        for (char *p = got; p && *p; p++)
            if (*p == '\t') *p = ' ';
        snprintf(desc, sizeof desc, "linux.sysctl %s", s->k[i]);
        CHECK(got && jstr(s->v[i]) && !strcmp(got, jstr(s->v[i])), desc, "expected '%s', got '%s'",
              jstr(s->v[i]) ? jstr(s->v[i]) : "?", got ? got : strerror(errno));
        free(got);
    }
}

static void check_cgroups_path(const struct json *c) {
    const char *cp = jstr(jpath(c, "linux", "cgroupsPath"));
    if (!cp || !*cp || strchr(cp, ':')) return;
    const struct json *nss = jpath(c, "linux", "namespaces");
    for (size_t i = 0; i < jlen(nss); i++)
        if (jstr(jget(nss->v[i], "type")) && !strcmp(jstr(jget(nss->v[i], "type")), "cgroup")) return;
    char *t = read_text("/proc/self/cgroup", 1 << 16);
    if (!t) return;
    char want[PATH_MAX];
    clean_path(cp, want, sizeof want);
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
        if (!b) continue;
        *b = 0;
        const char *ctrl = a + 1, *path = b + 1;
        if (!*ctrl && !strcmp(path, "/")) continue;  // an unused unified hierarchy
        char desc[PATH_MAX + 64];
        snprintf(desc, sizeof desc, "linux.cgroupsPath %s in hierarchy '%s'", cp, *ctrl ? ctrl : "unified");
        size_t lw = strlen(want), lp = strlen(path);
        int ok = cp[0] == '/' ? !strcmp(path, want)
                              : lp >= lw && !strcmp(path + lp - lw, want);  // relative: under the runtime's cgroup
        CHECK(ok, desc, "got %s", path);
    }
    free(t);
}

static void check_personality(const struct json *c) {
    const char *dom = jstr(jpath(c, "linux", "personality") ? jget(jpath(c, "linux", "personality"), "domain") : NULL);
    if (!dom) return;
    int p = personality(0xffffffff);
    int want = !strcmp(dom, "LINUX32") ? PER_LINUX32 : PER_LINUX;
    CHECK((p & PER_MASK) == want, "linux.personality.domain", "expected %d, got %d", want, p & PER_MASK);
}

// Syscalls the checker can call harmlessly to see a seccomp rule at work.
static long probe_syscall(const char *name) {
    if (!strcmp(name, "getppid")) return syscall(SYS_getppid);
    if (!strcmp(name, "getpriority")) return syscall(SYS_getpriority, PRIO_PROCESS, 0);
    if (!strcmp(name, "sync")) return syscall(SYS_sync);
    if (!strcmp(name, "getpgrp")) return syscall(SYS_getpgid, 0);
    return -2;
}

static void check_seccomp(const struct json *c) {
    const struct json *sc = jpath(c, "linux", "seccomp");
    if (!sc) return;
    char *status = read_text("/proc/self/status", 1 << 16);
    const char *mode = status ? strstr(status, "Seccomp:") : NULL;
    CHECK(mode && atoi(mode + 8) == 2, "linux.seccomp: a filter is installed", "%s", mode ? mode : "no Seccomp line");
    free(status);
    const struct json *rules = jget(sc, "syscalls");
    for (size_t i = 0; i < jlen(rules); i++) {
        const char *action = jstr(jget(rules->v[i], "action"));
        if (!action || strcmp(action, "SCMP_ACT_ERRNO") || jlen(jget(rules->v[i], "args"))) continue;
        const struct json *names = jget(rules->v[i], "names");
        long long want = jget(rules->v[i], "errnoRet") ? jget(rules->v[i], "errnoRet")->i : EPERM;
        for (size_t k = 0; k < jlen(names); k++) {
            const char *name = jstr(names->v[k]);
            if (!name) continue;
            errno = 0;
            long r = probe_syscall(name);
            if (r == -2 && errno == 0) continue;
            char desc[128];
            snprintf(desc, sizeof desc, "linux.seccomp: %s fails with errno %lld", name, want);
            CHECK(r == -1 && errno == want, desc, "returned %ld, errno %d", r, errno);
        }
    }
}

// ---------------------------------------------------------------------------
// scheduler, I/O priority

static void check_scheduler(const struct json *c) {
    const struct json *s = jpath(c, "process", "scheduler");
    if (s) {
        const char *pol = jstr(jget(s, "policy"));
        static const struct {
            const char *n;
            int v;
        } pols[] = {{"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},
                    {"SCHED_BATCH", 3}, {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}};
        int want = -1;
        for (size_t i = 0; pol && i < 6; i++)
            if (!strcmp(pol, pols[i].n)) want = pols[i].v;
        int got = sched_getscheduler(0);
        CHECK(got == want, "process.scheduler.policy", "expected %d, got %d", want, got);
        if (jget(s, "nice")) {
            errno = 0;
            int n = getpriority(PRIO_PROCESS, 0);
            CHECK(n == jget(s, "nice")->i, "process.scheduler.nice", "expected %lld, got %d", jget(s, "nice")->i, n);
        }
    }
    const struct json *io = jpath(c, "process", "ioPriority");
    if (io) {
        const char *cls = jstr(jget(io, "class"));
        int want_class = cls && !strcmp(cls, "IOPRIO_CLASS_RT") ? 1 : cls && !strcmp(cls, "IOPRIO_CLASS_BE") ? 2 : 3;
        long long prio = jget(io, "priority") ? jget(io, "priority")->i : 0;
        long r = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
        CHECK(r >= 0 && (r >> 13) == want_class && (want_class == 3 || (r & 0x1fff) == prio), "process.ioPriority",
              "expected class %d prio %lld, got %ld", want_class, prio, r);
    }
}

int main(int argc, char **argv) {
    const char *config_path = "/config.json", *expect_path = "/checker.expect";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--config"))
            config_path = argv[i + 1];
        else if (!strcmp(argv[i], "--expect"))
            expect_path = argv[i + 1];
    }
    char *text = read_text(config_path, 64 << 20);
    if (!text) {
        printf("not ok 1 - read %s: %s\n1..1\n", config_path, strerror(errno));
        return 1;
    }
    jp = text;
    struct json *c = jvalue(0);
    if (jerr || c->t != J_OBJ) {
        printf("not ok 1 - parse %s\n1..1\n", config_path);
        return 1;
    }
    load_expect(expect_path);
    load_mounts();
    check_process(c);
    check_rlimits(c);
    check_capabilities(c);
    check_root(c);
    check_hostname(c);
    check_mounts(c);
    check_devices(c);
    check_masked(c);
    check_readonly_paths(c);
    check_namespaces(c);
    check_mappings(c, "uidMappings", "/proc/self/uid_map");
    check_mappings(c, "gidMappings", "/proc/self/gid_map");
    check_propagation(c);
    check_sysctl(c);
    check_cgroups_path(c);
    check_personality(c);
    check_scheduler(c);
    check_seccomp(c);  // last: its probes are the syscalls the filter blocks
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
