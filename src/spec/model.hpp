// The typed model of an OCI runtime-spec 1.2 config.json (Linux). Pure data.
//
// Every field of the spec is here, including those applied by later parts of
// islet; parse.cpp fills it from already-gated JSON, validate.cpp checks it.
// Optional JSON members are std::optional where "absent" differs from the
// zero value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace islet::spec {

inline constexpr const char* kSpecVersion = "1.2.0";
inline constexpr const char* kSpecVersionMin = "1.0.0";

struct Root {
    std::string path;
    bool readonly = false;
};

struct IdMapping {
    std::uint32_t container_id = 0;
    std::uint32_t host_id = 0;
    std::uint32_t size = 0;
    bool operator==(const IdMapping&) const = default;
};

struct Mount {
    std::string destination;
    std::string type;
    std::string source;
    std::vector<std::string> options;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
};

struct ConsoleSize {
    std::uint32_t height = 0;
    std::uint32_t width = 0;
};

struct User {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::optional<std::uint32_t> umask;
    std::vector<std::uint32_t> additional_gids;
    std::string username;  // Windows only; ignored on Linux
};

struct Capabilities {
    std::optional<std::vector<std::string>> bounding, effective, inheritable, permitted, ambient;
};

struct Rlimit {
    std::string type;
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};

struct Scheduler {
    std::string policy;
    std::int32_t nice = 0;
    std::int32_t priority = 0;
    std::vector<std::string> flags;
    std::uint64_t runtime = 0;
    std::uint64_t deadline = 0;
    std::uint64_t period = 0;
};

struct IoPriority {
    std::string io_class;
    std::int32_t priority = 0;
};

struct CpuAffinity {
    std::string initial;
    std::string final_;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    User user;
    std::vector<std::string> args;
    std::string command_line;  // Windows only
    std::vector<std::string> env;
    std::string cwd;
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::string apparmor_profile;
    std::optional<std::int32_t> oom_score_adj;
    std::optional<Scheduler> scheduler;
    std::string selinux_label;
    std::optional<IoPriority> io_priority;
    std::optional<CpuAffinity> exec_cpu_affinity;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<std::int64_t> timeout;
};

struct Hooks {
    std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;
    bool empty() const {
        return prestart.empty() && create_runtime.empty() && create_container.empty() && start_container.empty() &&
               poststart.empty() && poststop.empty();
    }
};

struct Namespace {
    std::string type;  // pid network mount ipc uts user cgroup time
    std::string path;
};

struct TimeOffset {
    std::int64_t secs = 0;
    std::uint32_t nanosecs = 0;
};

struct Device {
    std::string type;  // c, b, u, p
    std::string path;
    std::int64_t major = 0;
    std::int64_t minor = 0;
    std::optional<std::uint32_t> file_mode;
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
};

struct DeviceCgroup {
    bool allow = false;
    std::string type;  // a, c, b (empty = a)
    std::optional<std::int64_t> major;
    std::optional<std::int64_t> minor;
    std::string access;
};

struct Memory {
    std::optional<std::int64_t> limit, reservation, swap, kernel, kernel_tcp;
    std::optional<std::uint64_t> swappiness;
    std::optional<bool> disable_oom_killer, use_hierarchy, check_before_update;
};

struct Cpu {
    std::optional<std::uint64_t> shares;
    std::optional<std::int64_t> quota;
    std::optional<std::uint64_t> burst;
    std::optional<std::uint64_t> period;
    std::optional<std::int64_t> realtime_runtime;
    std::optional<std::uint64_t> realtime_period;
    std::string cpus;
    std::string mems;
    std::optional<std::int64_t> idle;
};

struct Pids {
    std::optional<std::int64_t> limit;
};

struct WeightDevice {
    std::int64_t major = 0, minor = 0;
    std::optional<std::uint16_t> weight, leaf_weight;
};

struct ThrottleDevice {
    std::int64_t major = 0, minor = 0;
    std::uint64_t rate = 0;
};

struct BlockIo {
    std::optional<std::uint16_t> weight, leaf_weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> throttle_read_bps_device, throttle_write_bps_device, throttle_read_iops_device,
        throttle_write_iops_device;
};

struct HugepageLimit {
    std::string page_size;
    std::uint64_t limit = 0;
};

struct NetworkPriority {
    std::string name;
    std::uint32_t priority = 0;
};

struct Network {
    std::optional<std::uint32_t> class_id;
    std::vector<NetworkPriority> priorities;
};

struct Rdma {
    std::optional<std::uint32_t> hca_handles, hca_objects;
};

struct Resources {
    std::vector<DeviceCgroup> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<Pids> pids;
    std::optional<BlockIo> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<Network> network;
    std::map<std::string, Rdma> rdma;
    std::map<std::string, std::string> unified;
};

struct IntelRdt {
    std::string clos_id, l3_cache_schema, mem_bw_schema;
    std::vector<std::string> schemata;
    std::optional<bool> enable_cmt, enable_mbm;
};

struct SeccompArg {
    std::uint32_t index = 0;
    std::uint64_t value = 0;
    std::uint64_t value_two = 0;
    std::string op;
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;
    std::optional<std::uint32_t> errno_ret;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string default_action;
    std::optional<std::uint32_t> default_errno_ret;
    std::vector<std::string> architectures;
    std::vector<std::string> flags;
    std::string listener_path;
    std::string listener_metadata;
    std::vector<SeccompSyscall> syscalls;
};

struct Personality {
    std::string domain;
    std::vector<std::string> flags;
};

struct MemoryPolicy {
    std::string mode;
    std::string nodes;
    std::vector<std::string> flags;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings, gid_mappings;
    std::map<std::string, TimeOffset> time_offsets;
    std::vector<Device> devices;
    std::map<std::string, std::string> net_devices;  // name -> new name
    std::optional<std::string> cgroups_path;
    std::string rootfs_propagation;
    std::optional<Resources> resources;
    std::optional<IntelRdt> intel_rdt;
    std::map<std::string, std::string> sysctl;
    std::optional<Seccomp> seccomp;
    std::vector<std::string> masked_paths, readonly_paths;
    std::string mount_label;
    std::optional<Personality> personality;
    std::optional<MemoryPolicy> memory_policy;

    // The namespace of this type, or nullptr when the config has none.
    const Namespace* find_namespace(const std::string& type) const {
        for (auto& ns : namespaces)
            if (ns.type == type) return &ns;
        return nullptr;
    }
};

struct Config {
    std::string oci_version;
    std::optional<Root> root;
    std::vector<Mount> mounts;
    std::optional<Process> process;
    std::string hostname;
    std::string domainname;
    Hooks hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;
};

}  // namespace islet::spec
