#include "spec/names.hpp"

#include <linux/sched.h>
#include <sys/resource.h>

#include <set>

#include "sys/strings.hpp"

namespace islet::spec {

const std::vector<NamespaceKind>& namespace_kinds() {
    static const std::vector<NamespaceKind> kKinds = {
        {"user", CLONE_NEWUSER, "user"},       {"ipc", CLONE_NEWIPC, "ipc"},    {"uts", CLONE_NEWUTS, "uts"},
        {"network", CLONE_NEWNET, "net"},      {"pid", CLONE_NEWPID, "pid"},    {"mount", CLONE_NEWNS, "mnt"},
        {"cgroup", CLONE_NEWCGROUP, "cgroup"}, {"time", CLONE_NEWTIME, "time"},
    };
    return kKinds;
}

const std::vector<std::string>& namespace_types() {
    static const std::vector<std::string> kTypes = [] {
        std::vector<std::string> out;
        for (auto& k : namespace_kinds()) out.emplace_back(k.type);
        return out;
    }();
    return kTypes;
}

const NamespaceKind* find_namespace_kind(std::string_view type) {
    for (auto& k : namespace_kinds())
        if (type == k.type) return &k;
    return nullptr;
}

unsigned long namespace_clone_flag(std::string_view type) {
    const NamespaceKind* k = find_namespace_kind(type);
    return k ? k->clone_flag : 0;
}

std::string namespace_proc_name(std::string_view type) {
    const NamespaceKind* k = find_namespace_kind(type);
    return k ? k->proc_name : std::string(type);
}

const std::vector<std::string>& capability_names() {
    static const std::vector<std::string> kCaps = {
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
    return kCaps;
}

int capability_number(std::string_view name) {
    const auto& caps = capability_names();
    for (size_t i = 0; i < caps.size(); ++i)
        if (caps[i] == name) return static_cast<int>(i);
    return -1;
}

bool is_known_capability(std::string_view name) { return capability_number(name) >= 0; }

int rlimit_number(std::string_view name) {
    static const std::pair<const char*, int> kLimits[] = {
        {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
        {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
        {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    };
    for (auto& [n, v] : kLimits)
        if (name == n) return v;
    return -1;
}

bool is_ipc_sysctl(const std::string& k) {
    static const std::set<std::string> kIpc = {"kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
                                               "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
                                               "kernel.shmmni", "kernel.shm_rmid_forced"};
    return kIpc.count(k) || sys::starts_with(k, "fs.mqueue.");
}

std::string sysctl_namespace(const std::string& k) {
    if (is_ipc_sysctl(k)) return "ipc";
    if (sys::starts_with(k, "net.")) return "network";
    if (k == "kernel.hostname" || k == "kernel.domainname") return "uts";
    return {};
}

std::string sysctl_dotted(const std::string& key) {
    const auto first = key.find_first_of("./");
    if (first == std::string::npos || key[first] == '.') return key;
    std::string out = key;
    for (char& ch : out) ch = ch == '.' ? '/' : ch == '/' ? '.' : ch;
    return out;
}

}  // namespace islet::spec
