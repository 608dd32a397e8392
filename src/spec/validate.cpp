#include "spec/validate.hpp"

#include <algorithm>
#include <set>

#include "spec/mount_options.hpp"
#include "spec/names.hpp"
#include "sys/strings.hpp"

namespace islet::spec {
namespace {

using P = std::vector<Problem>;

// The kernel's device numbers: 12 bits of major, 20 of minor (MINORBITS).
constexpr std::int64_t kMaxDeviceMajor = (1 << 12) - 1;
constexpr std::int64_t kMaxDeviceMinor = (1 << 20) - 1;

void add(P& out, std::string ptr, std::string msg) { out.push_back({std::move(ptr), std::move(msg)}); }

std::string idx(const std::string& base, const char* key, size_t i) {
    return base + "/" + key + "/" + std::to_string(i);
}

bool is_absolute(const std::string& p) { return !p.empty() && p.front() == '/'; }

// Overlap and range checks shared by linux.uidMappings and mounts[].uidMappings.
void check_mappings(P& out, const std::vector<IdMapping>& maps, const std::string& ptr) {
    // The kernel accepts at most 340 extents per map (since 4.15).
    if (maps.size() > 340) add(out, ptr, "more than 340 mappings (the kernel's limit)");
    for (size_t i = 0; i < maps.size(); ++i) {
        const auto& m = maps[i];
        std::string p = ptr + "/" + std::to_string(i);
        if (m.size == 0) add(out, p + "/size", "size must be greater than zero");
        // The kernel refuses an extent whose u32 end wraps (map_write:
        // first + count <= first), so the last ID 4294967295, (uid_t)-1, is
        // never mappable: first + size must stay below 2^32.
        if (static_cast<std::uint64_t>(m.container_id) + m.size >= (1ull << 32))
            add(out, p, "containerID + size overflows 32 bits");
        if (static_cast<std::uint64_t>(m.host_id) + m.size >= (1ull << 32))
            add(out, p, "hostID + size overflows 32 bits");
        for (size_t k = 0; k < i; ++k) {
            const auto& o = maps[k];
            auto overlaps = [](std::uint64_t a, std::uint64_t an, std::uint64_t b, std::uint64_t bn) {
                return a < b + bn && b < a + an;
            };
            if (overlaps(m.container_id, m.size, o.container_id, o.size))
                add(out, p, "containerID range overlaps mapping " + std::to_string(k));
            if (overlaps(m.host_id, m.size, o.host_id, o.size))
                add(out, p, "hostID range overlaps mapping " + std::to_string(k));
        }
    }
}

const std::set<std::string> kPropagations = {"",        "shared", "slave",    "private",    "unbindable",
                                             "rshared", "rslave", "rprivate", "runbindable"};

void check_sysctls(P& out, const Config& c) {
    const Linux& l = *c.linux;
    auto ns = [&](const char* t) { return l.find_namespace(t); };
    for (auto& [key, value] : l.sysctl) {
        std::string ptr = "/linux/sysctl/" + json_pointer_token(key);
        // runc's conversion: a key written with '/' separators keeps the dots
        // inside its components ("net/ipv4/conf/eno2.100/rp_filter").
        const std::string k = sysctl_dotted(key);
        // Every component must name a file below /proc/sys: in the dotted
        // form '/' stands for a '.' inside a component, so "/" and "//" are
        // "." and "..".
        bool bad = false;
        for (auto& part : sys::split(k, '.')) bad |= part.empty() || part == "/" || part == "//";
        if (bad) {
            add(out, ptr, "invalid sysctl name");
            continue;
        }
        // The sysctls an ipc namespace makes safe (runc's validator); the
        // rest below would change the host.
        if (is_ipc_sysctl(k)) {
            if (!ns("ipc")) add(out, ptr, "sysctl \"" + key + "\" is not allowed in the host's ipc namespace");
            continue;
        }
        if (sys::starts_with(k, "net.")) {
            // A network namespace path naming the runtime's own namespace is
            // refused on the host (runtime/ns/sysctl.cpp).
            if (!ns("network")) add(out, ptr, "sysctl \"" + key + "\" is not allowed in the host's network namespace");
            continue;
        }
        if (k == "kernel.hostname" || k == "kernel.domainname") {
            if (!ns("uts"))
                add(out, ptr, "sysctl \"" + key + "\" is not allowed in the host's uts namespace");
            else if (k == "kernel.hostname")  // runc: the hostname field says it
                add(out, ptr, "sysctl \"" + key + "\" is not allowed as it conflicts with the OCI \"hostname\" field");
            continue;
        }
        // ns_last_pid belongs to the writer's pid namespace and user.* to its
        // user namespace: without a new (or joined) one they are the host's.
        if (k == "kernel.ns_last_pid") {
            if (!ns("pid")) add(out, ptr, "sysctl \"" + key + "\" is not allowed in the host's pid namespace");
            continue;
        }
        if (k == "user.max_user_namespaces") {
            if (!ns("user")) add(out, ptr, "sysctl \"" + key + "\" is not allowed in the host's user namespace");
            continue;
        }
        add(out, ptr, "sysctl \"" + key + "\" is not in a separate kernel namespace");
    }
}

void check_namespaces(P& out, const Config& c) {
    const Linux& l = *c.linux;
    std::set<std::string> seen;
    for (size_t i = 0; i < l.namespaces.size(); ++i) {
        const auto& ns = l.namespaces[i];
        std::string p = idx("/linux", "namespaces", i);
        const auto& kinds = namespace_types();
        if (std::find(kinds.begin(), kinds.end(), ns.type) == kinds.end())
            add(out, p + "/type", "unknown namespace type \"" + ns.type + "\"");
        else if (!seen.insert(ns.type).second)
            add(out, p + "/type", "duplicated namespace \"" + ns.type + "\"");
        if (!ns.path.empty() && !is_absolute(ns.path)) add(out, p + "/path", "namespace path must be absolute");
    }
    const Namespace* user = l.find_namespace("user");
    const bool maps = !l.uid_mappings.empty() || !l.gid_mappings.empty();
    if (maps && !user)
        add(out, l.uid_mappings.empty() ? "/linux/gidMappings" : "/linux/uidMappings",
            "user namespace mappings specified, but user namespace isn't enabled in the config");
    // With run.islet.isolated-userns the mappings come from the kernel's
    // isolated IDs or from an allocated block (ISOLATION.md §3).
    auto iso = c.annotations.find("run.islet.isolated-userns");
    const bool isolated = iso != c.annotations.end() && iso->second == "true";
    if (user && user->path.empty() && !maps && !isolated)
        add(out, "/linux/namespaces",
            "user namespaces enabled, but no namespace path to join nor mappings to apply specified");
    if (user && user->path.empty() && (l.uid_mappings.empty() != l.gid_mappings.empty()))
        add(out, l.uid_mappings.empty() ? "/linux/uidMappings" : "/linux/gidMappings",
            "a new user namespace needs both uid and gid mappings");
    check_mappings(out, l.uid_mappings, "/linux/uidMappings");
    check_mappings(out, l.gid_mappings, "/linux/gidMappings");
    if (!l.time_offsets.empty()) {
        const Namespace* t = l.find_namespace("time");
        if (!t || !t->path.empty()) add(out, "/linux/timeOffsets", "time offsets need a new time namespace");
        for (auto& [clock, off] : l.time_offsets) {
            if (clock != "monotonic" && clock != "boottime")
                add(out, "/linux/timeOffsets/" + json_pointer_token(clock), "unknown clock (monotonic or boottime)");
            if (off.nanosecs >= 1000000000u)
                add(out, "/linux/timeOffsets/" + json_pointer_token(clock) + "/nanosecs", "must be below 1000000000");
        }
    }
}

void check_mounts(P& out, const Config& c) {
    for (size_t i = 0; i < c.mounts.size(); ++i) {
        const auto& m = c.mounts[i];
        std::string p = idx("", "mounts", i);
        if (m.destination.empty()) add(out, p + "/destination", "destination must not be empty");
        const MountOptions o = parse_mount_options(m.options, m.type);
        if (!o.bind && m.type.empty() && !m.destination.empty())
            add(out, p + "/type", "type must be set for a mount that is not a bind mount");
        const bool maps = !m.uid_mappings.empty() || !m.gid_mappings.empty();
        if ((maps || o.idmap) && !o.bind) add(out, p, "id-mapped mounts are only supported for bind-mounts");
        if (m.uid_mappings.empty() != m.gid_mappings.empty())
            add(out, p, "id-mapped mounts must have both uid and gid mappings specified");
        check_mappings(out, m.uid_mappings, p + "/uidMappings");
        check_mappings(out, m.gid_mappings, p + "/gidMappings");
    }
}

void check_devices(P& out, const Config& c) {
    const auto& devs = c.linux->devices;
    for (size_t i = 0; i < devs.size(); ++i) {
        const auto& d = devs[i];
        std::string p = idx("/linux", "devices", i);
        if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
            add(out, p + "/type", "device type must be one of c, b, u, p");
        if (!is_absolute(d.path)) add(out, p + "/path", "device path must be absolute");
        const std::string clean = sys::clean_path(d.path);
        if (clean == "/dev" || clean == "/") add(out, p + "/path", "device path must name a file");
        // A fifo's major and minor are meaningless and ignored (mknod takes
        // none for S_IFIFO), as runc does.
        if (d.major < 0 || d.minor < 0 || d.major > kMaxDeviceMajor || d.minor > kMaxDeviceMinor)
            add(out, p, "major or minor number out of range");
    }
    if (c.linux->resources) {
        const auto& rules = c.linux->resources->devices;
        for (size_t i = 0; i < rules.size(); ++i) {
            const auto& r = rules[i];
            std::string p = idx("/linux/resources", "devices", i);
            if (!r.type.empty() && r.type != "a" && r.type != "c" && r.type != "b")
                add(out, p + "/type", "device rule type must be a, c or b");
            // runc ignores an `a` in the access ("rwa" is "rw"); an access of
            // nothing but `a` would allow nothing, which runc cannot apply.
            if (r.access.find_first_not_of("rwma") != std::string::npos ||
                (!r.access.empty() && r.access.find_first_of("rwm") == std::string::npos))
                add(out, p + "/access", "access must be a combination of r, w and m (an `a` is ignored)");
        }
    }
}

void check_hooks(P& out, const Hooks& h) {
    auto check = [&](const std::vector<Hook>& list, const char* name) {
        for (size_t i = 0; i < list.size(); ++i) {
            std::string p = idx("/hooks", name, i);
            if (!is_absolute(list[i].path)) add(out, p + "/path", "hook path must be absolute");
            if (list[i].timeout && *list[i].timeout <= 0) add(out, p + "/timeout", "timeout must be greater than zero");
        }
    };
    check(h.prestart, "prestart");
    check(h.create_runtime, "createRuntime");
    check(h.create_container, "createContainer");
    check(h.start_container, "startContainer");
    check(h.poststart, "poststart");
    check(h.poststop, "poststop");
}

// Valid fields islet does not apply: an explicit error, never a silent drop.
void check_unsupported(P& out, const Config& c) {
    const Linux& l = *c.linux;
    if (l.intel_rdt) add(out, "/linux/intelRdt", "not supported: islet does not implement Intel RDT (resctrl)");
    if (!l.net_devices.empty()) add(out, "/linux/netDevices", "not supported: islet does not move network devices");
}

}  // namespace

std::vector<Problem> validate_process(const Process& pr, const std::string& base) {
    P out;
    if (pr.args.empty()) add(out, base + "/args", "args must not be empty");
    if (!pr.args.empty() && pr.args[0].empty()) add(out, base + "/args/0", "the program name must not be empty");
    if (pr.cwd.empty())
        add(out, base + "/cwd", "cwd property must not be empty");
    else if (!is_absolute(pr.cwd))
        add(out, base + "/cwd", "cwd must be an absolute path");
    for (size_t i = 0; i < pr.env.size(); ++i)
        if (pr.env[i].empty() || pr.env[i].front() == '=')
            add(out, idx(base, "env", i), "environment entries must be NAME=VALUE");
    std::set<std::string> limits;
    for (size_t i = 0; i < pr.rlimits.size(); ++i) {
        const auto& r = pr.rlimits[i];
        std::string p = idx(base, "rlimits", i);
        if (rlimit_number(r.type) < 0)
            add(out, p + "/type", "unknown rlimit type \"" + r.type + "\"");
        else if (!limits.insert(r.type).second)
            add(out, p + "/type", "duplicate rlimit \"" + r.type + "\"");
        if (r.soft > r.hard) add(out, p, "soft limit is greater than the hard limit");
    }
    if (pr.oom_score_adj && (*pr.oom_score_adj < -1000 || *pr.oom_score_adj > 1000))
        add(out, base + "/oomScoreAdj", "must be between -1000 and 1000");
    if (pr.capabilities) {
        auto check = [&](const std::optional<std::vector<std::string>>& set, const char* name) {
            if (!set) return;
            for (size_t i = 0; i < set->size(); ++i) {
                const std::string& c = (*set)[i];
                if (!sys::starts_with(c, "CAP_") || c.size() <= 4 ||
                    c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos ||
                    !is_known_capability(c))
                    add(out, base + "/capabilities/" + name + "/" + std::to_string(i),
                        "unknown capability \"" + c + "\"");
            }
        };
        check(pr.capabilities->bounding, "bounding");
        check(pr.capabilities->effective, "effective");
        check(pr.capabilities->inheritable, "inheritable");
        check(pr.capabilities->permitted, "permitted");
        check(pr.capabilities->ambient, "ambient");
    }
    return out;
}

std::vector<Problem> validate_config(const Config& c) {
    P out;
    if (c.oci_version.empty())
        add(out, "/ociVersion", "ociVersion must be set");
    else if (!sys::starts_with(c.oci_version, "1."))
        add(out, "/ociVersion", "unsupported runtime-spec version \"" + c.oci_version + "\" (islet reads 1.x)");
    if (!c.root)
        add(out, "/root", "root must be specified");
    else if (c.root->path.empty())
        add(out, "/root/path", "root.path must not be empty");
    if (c.process) {
        auto more = validate_process(*c.process, "/process");
        out.insert(out.end(), more.begin(), more.end());
    }
    if (!c.linux) {
        add(out, "/linux", "linux must be specified (islet runs Linux containers)");
        return out;
    }
    check_namespaces(out, c);
    check_mounts(out, c);
    check_devices(out, c);
    check_hooks(out, c.hooks);
    check_sysctls(out, c);
    check_unsupported(out, c);
    if (!kPropagations.count(c.linux->rootfs_propagation))
        add(out, "/linux/rootfsPropagation", "invalid rootfsPropagation \"" + c.linux->rootfs_propagation + "\"");
    auto check_paths = [&](const std::vector<std::string>& paths, const char* key) {
        for (size_t i = 0; i < paths.size(); ++i)
            if (!is_absolute(paths[i])) add(out, idx("/linux", key, i), "path must be absolute");
    };
    check_paths(c.linux->masked_paths, "maskedPaths");
    check_paths(c.linux->readonly_paths, "readonlyPaths");
    if ((!c.linux->masked_paths.empty() || !c.linux->readonly_paths.empty()) && !c.linux->find_namespace("mount"))
        add(out, c.linux->masked_paths.empty() ? "/linux/readonlyPaths" : "/linux/maskedPaths",
            "unable to restrict paths without a private mount namespace");
    return out;
}

}  // namespace islet::spec
