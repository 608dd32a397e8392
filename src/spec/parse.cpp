#include "spec/parse.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "spec/json_gate.hpp"
#include "spec/problem.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"

namespace islet::spec {
namespace {

using json = nlohmann::json;

// Reads JSON values into model fields, collecting every problem with its
// JSON pointer. A JSON null counts as absent (Go's decoder does the same).
class Reader {
public:
    std::vector<std::string> problems;

    void bad(const std::string& ptr, const std::string& expected) {
        problems.push_back((ptr.empty() ? "/" : ptr) + ": expected " + expected);
    }

    bool object(const json& j, const std::string& ptr) {
        if (j.is_object()) return true;
        bad(ptr, "an object");
        return false;
    }

    void read(const json& j, const std::string& ptr, std::string& out) {
        if (j.is_string())
            out = j.get<std::string>();
        else
            bad(ptr, "a string");
    }
    void read(const json& j, const std::string& ptr, bool& out) {
        if (j.is_boolean())
            out = j.get<bool>();
        else
            bad(ptr, "a boolean");
    }

    template <typename T>
    requires std::is_integral_v<T> &&
        (!std::is_same_v<T, bool>)void read(const json& j, const std::string& ptr, T& out) {
        const std::string kind = std::string(std::is_signed_v<T> ? "a signed " : "an unsigned ") +
                                 std::to_string(sizeof(T) * 8) + "-bit integer";
        if (j.is_number_unsigned()) {
            auto v = j.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return bad(ptr, kind);
            out = static_cast<T>(v);
        } else if (j.is_number_integer()) {
            auto v = j.get<std::int64_t>();
            if constexpr (std::is_unsigned_v<T>) {
                return bad(ptr, kind);
            } else {
                if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return bad(ptr, kind);
                out = static_cast<T>(v);
            }
        } else {
            bad(ptr, kind);
        }
    }

    template <typename T>
    void read(const json& j, const std::string& ptr, std::optional<T>& out) {
        T v{};
        size_t before = problems.size();
        read(j, ptr, v);
        if (problems.size() == before) out = std::move(v);
    }

    template <typename T>
    void read(const json& j, const std::string& ptr, std::vector<T>& out) {
        if (!j.is_array()) return bad(ptr, "an array");
        out.clear();
        out.reserve(j.size());
        for (size_t i = 0; i < j.size(); ++i) {
            T v{};
            read(j[i], ptr + "/" + std::to_string(i), v);
            out.push_back(std::move(v));
        }
    }

    template <typename T>
    void read(const json& j, const std::string& ptr, std::map<std::string, T>& out) {
        if (!object(j, ptr)) return;
        for (auto& [k, v] : j.items()) {
            T val{};
            read(v, ptr + "/" + json_pointer_token(k), val);
            out[k] = std::move(val);
        }
    }

    // obj[key] into out when present and not null.
    template <typename T>
    void field(const json& obj, const char* key, const std::string& ptr, T& out) {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return;
        read(*it, ptr + "/" + key, out);
    }

    // Struct readers.
    void read(const json& j, const std::string& p, Root& r) {
        if (!object(j, p)) return;
        field(j, "path", p, r.path);
        field(j, "readonly", p, r.readonly);
    }
    void read(const json& j, const std::string& p, IdMapping& m) {
        if (!object(j, p)) return;
        field(j, "containerID", p, m.container_id);
        field(j, "hostID", p, m.host_id);
        field(j, "size", p, m.size);
    }
    void read(const json& j, const std::string& p, Mount& m) {
        if (!object(j, p)) return;
        field(j, "destination", p, m.destination);
        field(j, "type", p, m.type);
        field(j, "source", p, m.source);
        field(j, "options", p, m.options);
        field(j, "uidMappings", p, m.uid_mappings);
        field(j, "gidMappings", p, m.gid_mappings);
    }
    void read(const json& j, const std::string& p, ConsoleSize& c) {
        if (!object(j, p)) return;
        field(j, "height", p, c.height);
        field(j, "width", p, c.width);
    }
    void read(const json& j, const std::string& p, User& u) {
        if (!object(j, p)) return;
        field(j, "uid", p, u.uid);
        field(j, "gid", p, u.gid);
        field(j, "umask", p, u.umask);
        field(j, "additionalGids", p, u.additional_gids);
        field(j, "username", p, u.username);
    }
    void read(const json& j, const std::string& p, Capabilities& c) {
        if (!object(j, p)) return;
        field(j, "bounding", p, c.bounding);
        field(j, "effective", p, c.effective);
        field(j, "inheritable", p, c.inheritable);
        field(j, "permitted", p, c.permitted);
        field(j, "ambient", p, c.ambient);
    }
    void read(const json& j, const std::string& p, Rlimit& r) {
        if (!object(j, p)) return;
        field(j, "type", p, r.type);
        field(j, "soft", p, r.soft);
        field(j, "hard", p, r.hard);
    }
    void read(const json& j, const std::string& p, Scheduler& s) {
        if (!object(j, p)) return;
        field(j, "policy", p, s.policy);
        field(j, "nice", p, s.nice);
        field(j, "priority", p, s.priority);
        field(j, "flags", p, s.flags);
        field(j, "runtime", p, s.runtime);
        field(j, "deadline", p, s.deadline);
        field(j, "period", p, s.period);
    }
    void read(const json& j, const std::string& p, IoPriority& io) {
        if (!object(j, p)) return;
        field(j, "class", p, io.io_class);
        field(j, "priority", p, io.priority);
    }
    void read(const json& j, const std::string& p, CpuAffinity& a) {
        if (!object(j, p)) return;
        field(j, "initial", p, a.initial);
        field(j, "final", p, a.final_);
    }
    void read(const json& j, const std::string& p, Process& pr) {
        if (!object(j, p)) return;
        field(j, "terminal", p, pr.terminal);
        field(j, "consoleSize", p, pr.console_size);
        field(j, "user", p, pr.user);
        field(j, "args", p, pr.args);
        field(j, "commandLine", p, pr.command_line);
        field(j, "env", p, pr.env);
        field(j, "cwd", p, pr.cwd);
        field(j, "capabilities", p, pr.capabilities);
        field(j, "rlimits", p, pr.rlimits);
        field(j, "noNewPrivileges", p, pr.no_new_privileges);
        field(j, "apparmorProfile", p, pr.apparmor_profile);
        field(j, "oomScoreAdj", p, pr.oom_score_adj);
        field(j, "scheduler", p, pr.scheduler);
        field(j, "selinuxLabel", p, pr.selinux_label);
        field(j, "ioPriority", p, pr.io_priority);
        field(j, "execCPUAffinity", p, pr.exec_cpu_affinity);
    }
    void read(const json& j, const std::string& p, Hook& h) {
        if (!object(j, p)) return;
        field(j, "path", p, h.path);
        field(j, "args", p, h.args);
        field(j, "env", p, h.env);
        field(j, "timeout", p, h.timeout);
    }
    void read(const json& j, const std::string& p, Hooks& h) {
        if (!object(j, p)) return;
        field(j, "prestart", p, h.prestart);
        field(j, "createRuntime", p, h.create_runtime);
        field(j, "createContainer", p, h.create_container);
        field(j, "startContainer", p, h.start_container);
        field(j, "poststart", p, h.poststart);
        field(j, "poststop", p, h.poststop);
    }
    void read(const json& j, const std::string& p, Namespace& n) {
        if (!object(j, p)) return;
        field(j, "type", p, n.type);
        field(j, "path", p, n.path);
    }
    void read(const json& j, const std::string& p, TimeOffset& t) {
        if (!object(j, p)) return;
        field(j, "secs", p, t.secs);
        field(j, "nanosecs", p, t.nanosecs);
    }
    void read(const json& j, const std::string& p, Device& d) {
        if (!object(j, p)) return;
        field(j, "type", p, d.type);
        field(j, "path", p, d.path);
        field(j, "major", p, d.major);
        field(j, "minor", p, d.minor);
        field(j, "fileMode", p, d.file_mode);
        field(j, "uid", p, d.uid);
        field(j, "gid", p, d.gid);
    }
    void read(const json& j, const std::string& p, DeviceCgroup& d) {
        if (!object(j, p)) return;
        field(j, "allow", p, d.allow);
        field(j, "type", p, d.type);
        field(j, "major", p, d.major);
        field(j, "minor", p, d.minor);
        field(j, "access", p, d.access);
    }
    void read(const json& j, const std::string& p, Memory& m) {
        if (!object(j, p)) return;
        field(j, "limit", p, m.limit);
        field(j, "reservation", p, m.reservation);
        field(j, "swap", p, m.swap);
        field(j, "kernel", p, m.kernel);
        field(j, "kernelTCP", p, m.kernel_tcp);
        field(j, "swappiness", p, m.swappiness);
        field(j, "disableOOMKiller", p, m.disable_oom_killer);
        field(j, "useHierarchy", p, m.use_hierarchy);
        field(j, "checkBeforeUpdate", p, m.check_before_update);
    }
    void read(const json& j, const std::string& p, Cpu& c) {
        if (!object(j, p)) return;
        field(j, "shares", p, c.shares);
        field(j, "quota", p, c.quota);
        field(j, "burst", p, c.burst);
        field(j, "period", p, c.period);
        field(j, "realtimeRuntime", p, c.realtime_runtime);
        field(j, "realtimePeriod", p, c.realtime_period);
        field(j, "cpus", p, c.cpus);
        field(j, "mems", p, c.mems);
        field(j, "idle", p, c.idle);
    }
    void read(const json& j, const std::string& p, Pids& x) {
        if (!object(j, p)) return;
        field(j, "limit", p, x.limit);
    }
    void read(const json& j, const std::string& p, WeightDevice& w) {
        if (!object(j, p)) return;
        field(j, "major", p, w.major);
        field(j, "minor", p, w.minor);
        field(j, "weight", p, w.weight);
        field(j, "leafWeight", p, w.leaf_weight);
    }
    void read(const json& j, const std::string& p, ThrottleDevice& t) {
        if (!object(j, p)) return;
        field(j, "major", p, t.major);
        field(j, "minor", p, t.minor);
        field(j, "rate", p, t.rate);
    }
    void read(const json& j, const std::string& p, BlockIo& b) {
        if (!object(j, p)) return;
        field(j, "weight", p, b.weight);
        field(j, "leafWeight", p, b.leaf_weight);
        field(j, "weightDevice", p, b.weight_device);
        field(j, "throttleReadBpsDevice", p, b.throttle_read_bps_device);
        field(j, "throttleWriteBpsDevice", p, b.throttle_write_bps_device);
        field(j, "throttleReadIOPSDevice", p, b.throttle_read_iops_device);
        field(j, "throttleWriteIOPSDevice", p, b.throttle_write_iops_device);
    }
    void read(const json& j, const std::string& p, HugepageLimit& h) {
        if (!object(j, p)) return;
        field(j, "pageSize", p, h.page_size);
        field(j, "limit", p, h.limit);
    }
    void read(const json& j, const std::string& p, NetworkPriority& n) {
        if (!object(j, p)) return;
        field(j, "name", p, n.name);
        field(j, "priority", p, n.priority);
    }
    void read(const json& j, const std::string& p, Network& n) {
        if (!object(j, p)) return;
        field(j, "classID", p, n.class_id);
        field(j, "priorities", p, n.priorities);
    }
    void read(const json& j, const std::string& p, Rdma& r) {
        if (!object(j, p)) return;
        field(j, "hcaHandles", p, r.hca_handles);
        field(j, "hcaObjects", p, r.hca_objects);
    }
    void read(const json& j, const std::string& p, Resources& r) {
        if (!object(j, p)) return;
        field(j, "devices", p, r.devices);
        field(j, "memory", p, r.memory);
        field(j, "cpu", p, r.cpu);
        field(j, "pids", p, r.pids);
        field(j, "blockIO", p, r.block_io);
        field(j, "hugepageLimits", p, r.hugepage_limits);
        field(j, "network", p, r.network);
        field(j, "rdma", p, r.rdma);
        field(j, "unified", p, r.unified);
    }
    void read(const json& j, const std::string& p, IntelRdt& r) {
        if (!object(j, p)) return;
        field(j, "closID", p, r.clos_id);
        field(j, "l3CacheSchema", p, r.l3_cache_schema);
        field(j, "memBwSchema", p, r.mem_bw_schema);
        field(j, "schemata", p, r.schemata);
        field(j, "enableCMT", p, r.enable_cmt);
        field(j, "enableMBM", p, r.enable_mbm);
    }
    void read(const json& j, const std::string& p, SeccompArg& a) {
        if (!object(j, p)) return;
        field(j, "index", p, a.index);
        field(j, "value", p, a.value);
        field(j, "valueTwo", p, a.value_two);
        field(j, "op", p, a.op);
    }
    void read(const json& j, const std::string& p, SeccompSyscall& s) {
        if (!object(j, p)) return;
        field(j, "names", p, s.names);
        field(j, "action", p, s.action);
        field(j, "errnoRet", p, s.errno_ret);
        field(j, "args", p, s.args);
    }
    void read(const json& j, const std::string& p, Seccomp& s) {
        if (!object(j, p)) return;
        field(j, "defaultAction", p, s.default_action);
        field(j, "defaultErrnoRet", p, s.default_errno_ret);
        field(j, "architectures", p, s.architectures);
        field(j, "flags", p, s.flags);
        field(j, "listenerPath", p, s.listener_path);
        field(j, "listenerMetadata", p, s.listener_metadata);
        field(j, "syscalls", p, s.syscalls);
    }
    void read(const json& j, const std::string& p, Personality& x) {
        if (!object(j, p)) return;
        field(j, "domain", p, x.domain);
        field(j, "flags", p, x.flags);
    }
    void read(const json& j, const std::string& p, MemoryPolicy& m) {
        if (!object(j, p)) return;
        field(j, "mode", p, m.mode);
        field(j, "nodes", p, m.nodes);
        field(j, "flags", p, m.flags);
    }
    void read_net_devices(const json& j, const std::string& p, std::map<std::string, std::string>& out) {
        if (!object(j, p)) return;
        for (auto& [k, v] : j.items()) {
            std::string name;
            if (object(v, p + "/" + json_pointer_token(k))) field(v, "name", p + "/" + json_pointer_token(k), name);
            out[k] = name;
        }
    }
    void read(const json& j, const std::string& p, Linux& l) {
        if (!object(j, p)) return;
        field(j, "namespaces", p, l.namespaces);
        field(j, "uidMappings", p, l.uid_mappings);
        field(j, "gidMappings", p, l.gid_mappings);
        field(j, "timeOffsets", p, l.time_offsets);
        field(j, "devices", p, l.devices);
        if (auto it = j.find("netDevices"); it != j.end() && !it->is_null())
            read_net_devices(*it, p + "/netDevices", l.net_devices);
        field(j, "cgroupsPath", p, l.cgroups_path);
        field(j, "rootfsPropagation", p, l.rootfs_propagation);
        field(j, "resources", p, l.resources);
        field(j, "intelRdt", p, l.intel_rdt);
        field(j, "sysctl", p, l.sysctl);
        field(j, "seccomp", p, l.seccomp);
        field(j, "maskedPaths", p, l.masked_paths);
        field(j, "readonlyPaths", p, l.readonly_paths);
        field(j, "mountLabel", p, l.mount_label);
        field(j, "personality", p, l.personality);
        field(j, "memoryPolicy", p, l.memory_policy);
    }
    void read(const json& j, const std::string& p, Config& c) {
        if (!object(j, p)) return;
        field(j, "ociVersion", p, c.oci_version);
        field(j, "root", p, c.root);
        field(j, "mounts", p, c.mounts);
        field(j, "process", p, c.process);
        field(j, "hostname", p, c.hostname);
        field(j, "domainname", p, c.domainname);
        field(j, "hooks", p, c.hooks);
        field(j, "annotations", p, c.annotations);
        field(j, "linux", p, c.linux);
    }
};

json parse_gated(std::string_view text, const std::string& what) {
    gate_json(text, what);
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        // The gate accepted it, so this is rare (e.g. a number too large for
        // 64 bits); report nlohmann's message.
        throw sys::Error(what + ": " + e.what());
    }
}

template <typename T>
T parse_document(std::string_view text, const std::string& what, const char* null_message) {
    json j = parse_gated(text, what);
    if (j.is_null()) throw sys::Error(what + ": " + null_message);
    Reader r;
    T out{};
    r.read(j, "", out);
    if (!r.problems.empty()) throw sys::Error(problems_message(what, r.problems));
    return out;
}

}  // namespace

Config parse_config(std::string_view text, const std::string& what) {
    return parse_document<Config>(text, what, "config cannot be null");
}

Process parse_process(std::string_view text, const std::string& what) {
    return parse_document<Process>(text, what, "process cannot be null");
}

Resources parse_resources(std::string_view text, const std::string& what) {
    return parse_document<Resources>(text, what, "resources cannot be null");
}

}  // namespace islet::spec
