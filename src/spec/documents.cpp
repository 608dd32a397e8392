#include "spec/documents.hpp"

#include <nlohmann/json.hpp>

#include "spec/model.hpp"

namespace islet::spec {
namespace {

using ojson = nlohmann::ordered_json;

ojson mount(const char* dest, const char* type, const char* source, const std::vector<std::string>& options) {
    ojson m;
    m["destination"] = dest;
    m["type"] = type;
    m["source"] = source;
    if (!options.empty()) m["options"] = options;
    return m;
}

// nlohmann indents with spaces; runc writes config.json with tabs.
std::string tab_indent(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    bool line_start = true;
    for (char c : s) {
        if (line_start && c == ' ') {
            out += '\t';
            continue;
        }
        line_start = (c == '\n');
        out += c;
    }
    return out;
}

}  // namespace

std::string default_config(const SpecOptions& o) {
    const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    ojson process;
    process["terminal"] = true;
    process["user"] = {{"uid", 0}, {"gid", 0}};
    process["args"] = {"sh"};
    process["env"] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    process["cwd"] = "/";
    process["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    process["rlimits"] = ojson::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}});
    process["noNewPrivileges"] = true;

    ojson c;
    c["ociVersion"] = kSpecVersion;
    c["process"] = process;
    c["root"] = {{"path", "rootfs"}, {"readonly", true}};
    c["hostname"] = "islet";
    ojson mounts = ojson::array();
    mounts.push_back(mount("/proc", "proc", "proc", {}));
    mounts.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    std::vector<std::string> pts = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
    if (!o.rootless && !o.isolated_userns) pts.push_back("gid=5");
    mounts.push_back(mount("/dev/pts", "devpts", "devpts", pts));
    mounts.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    if (o.rootless)
        mounts.push_back(mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}));
    else
        mounts.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
    mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    c["mounts"] = mounts;
    if (o.isolated_userns) c["annotations"] = {{"run.islet.isolated-userns", "true"}};

    ojson linux;
    if (!o.rootless) linux["resources"] = {{"devices", ojson::array({{{"allow", false}, {"access", "rwm"}}})}};
    ojson ns = ojson::array();
    for (const char* t : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
        if (o.rootless && std::string(t) == "network") continue;
        ns.push_back({{"type", t}});
    }
    if (o.rootless || o.isolated_userns) ns.push_back({{"type", "user"}});
    linux["namespaces"] = ns;
    if (o.rootless) {
        linux["uidMappings"] = ojson::array({{{"containerID", 0}, {"hostID", o.uid}, {"size", 1}}});
        linux["gidMappings"] = ojson::array({{{"containerID", 0}, {"hostID", o.gid}, {"size", 1}}});
    }
    linux["maskedPaths"] = {"/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                            "/sys/firmware",       "/proc/scsi"};
    linux["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    c["linux"] = linux;
    return tab_indent(c.dump(1));
}

std::string features_document(const FeaturesInfo& f) {
    ojson j;
    j["ociVersionMin"] = kSpecVersionMin;
    j["ociVersionMax"] = kSpecVersion;
    j["hooks"] = f.hooks;
    j["mountOptions"] = f.mount_options;
    ojson linux;
    linux["namespaces"] = f.namespaces;
    linux["capabilities"] = f.capabilities;
    linux["cgroup"] = {{"v1", f.cgroup_v1},
                       {"v2", f.cgroup_v2},
                       {"systemd", f.cgroup_systemd},
                       {"systemdUser", f.cgroup_systemd_user},
                       {"rdma", f.cgroup_rdma}};
    ojson sec;
    sec["enabled"] = f.seccomp_enabled;
    sec["actions"] = f.seccomp_actions;
    sec["operators"] = f.seccomp_operators;
    sec["archs"] = f.seccomp_archs;
    sec["knownFlags"] = f.seccomp_known_flags;
    sec["supportedFlags"] = f.seccomp_supported_flags;
    linux["seccomp"] = sec;
    linux["apparmor"] = {{"enabled", f.apparmor}};
    linux["selinux"] = {{"enabled", f.selinux}};
    linux["intelRdt"] = {{"enabled", false}};
    if (!f.memory_policy_modes.empty())
        linux["memoryPolicy"] = {{"modes", f.memory_policy_modes}, {"flags", f.memory_policy_flags}};
    linux["mountExtensions"] = {{"idmap", {{"enabled", f.idmap}}}};
    j["linux"] = linux;
    j["annotations"] = f.annotations;
    j["potentiallyUnsafeConfigAnnotations"] = f.unsafe_annotations;
    return j.dump(4) + "\n";
}

}  // namespace islet::spec
