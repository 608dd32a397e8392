/*
 * islet's exec stub. A freestanding static program (no libc, a few hundred
 * bytes) that the container's init, and exec's joining process, execute from
 * a sealed memfd right before the user's program:
 *
 *     argv = { "islet-exec", <resolved path>, <args[0]>, <args[1]>, ... }
 *
 * It only does execve(argv[1], &argv[2], envp). Why it exists: until that
 * last execve the process runs islet's own code, so /proc/self/exe is the
 * host's islet binary. A program whose interpreter is "#!/proc/self/exe"
 * would then execute islet inside the container, and a container process
 * could keep an fd to it and overwrite it later (CVE-2019-5736). Going
 * through this stub makes /proc/self/exe the sealed, unwritable memfd at
 * that moment. docs/ARCHITECTURE.md "The exec stub".
 */
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "the exec stub supports x86_64 and aarch64"
#endif

static long sys3(long n, long a, long b, long c) {
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
#else
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
#endif
}

#if defined(__x86_64__)
#define SYS_write 1
#define SYS_execve 59
#define SYS_exit_group 231
#else
#define SYS_write 64
#define SYS_execve 221
#define SYS_exit_group 94
#endif

static unsigned long len(const char* s) {
    unsigned long n = 0;
    while (s[n]) n++;
    return n;
}

static void say(const char* s) { sys3(SYS_write, 2, (long)s, (long)len(s)); }

__attribute__((used)) void stub_main(long* sp) {
    long argc = sp[0];
    char** argv = (char**)(sp + 1);
    char** envp = argv + argc + 1;
    if (argc < 3) {
        say("islet-exec: usage: islet-exec PATH ARG0 [ARGS...]\n");
        sys3(SYS_exit_group, 127, 0, 0);
    }
    long err = sys3(SYS_execve, (long)argv[1], (long)(argv + 2), (long)envp);
    /* Only reached when execve failed after the init had checked the path. */
    say("islet: exec ");
    say(argv[1]);
    say(err == -2 ? ": no such file or directory\n" : err == -13 ? ": permission denied\n" : ": exec failed\n");
    sys3(SYS_exit_group, err == -2 ? 127 : 126, 0, 0);
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call stub_main\n  hlt\n");
#else
__asm__(".globl _start\n_start:\n  mov x0, sp\n  bl stub_main\n  brk #0\n");
#endif
