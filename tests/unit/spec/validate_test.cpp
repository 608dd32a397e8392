// spec/validate: a table of good and bad configs. Each row starts from a
// valid minimal config, applies one mutation and names the exact set of JSON
// pointers it expects, each with a piece of its message.
#include "spec/validate.hpp"

#include "spec/names.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "test_util.hpp"

using namespace islet::spec;
using islet::test::error_of;

namespace {

Config minimal() {
    Config c;
    c.oci_version = "1.2.0";
    c.root = Root{"rootfs", true};
    Process p;
    p.args = {"sh"};
    p.cwd = "/";
    p.env = {"PATH=/bin"};
    c.process = p;
    Linux l;
    l.namespaces = {{"pid", ""}, {"mount", ""}};
    c.linux = l;
    return c;
}

void add_ns(Config& c, const std::string& type, const std::string& path = "") {
    c.linux->namespaces.push_back({type, path});
}
void remove_ns(Config& c, const std::string& type) {
    auto& v = c.linux->namespaces;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Namespace& n) { return n.type == type; }), v.end());
}
void userns(Config& c) {
    add_ns(c, "user");
    c.linux->uid_mappings = {{0, 100000, 65536}};
    c.linux->gid_mappings = {{0, 100000, 65536}};
}
Mount bind_mount(const std::string& dest) { return Mount{dest, "", "/src", {"rbind"}, {}, {}}; }
Hook hook(const std::string& path, std::optional<std::int64_t> timeout = std::nullopt) {
    Hook h;
    h.path = path;
    h.timeout = timeout;
    return h;
}
Rlimit rlimit(const std::string& type, std::uint64_t soft, std::uint64_t hard) { return Rlimit{type, soft, hard}; }
Capabilities caps_bounding(std::vector<std::string> names) {
    Capabilities c;
    c.bounding = std::move(names);
    return c;
}

struct Expect {
    std::string pointer;
    std::string message_part;
};

struct Row {
    std::string name;
    std::function<void(Config&)> mutate;
    std::vector<Expect> expect;  // empty: the config is valid
};

std::ostream& operator<<(std::ostream& os, const Row& r) { return os << r.name; }

const std::vector<Row>& rows() {
    static const std::vector<Row> kRows = {
        {"MinimalIsValid", [](Config&) {}, {}},
        {"NoProcessIsValid", [](Config& c) { c.process.reset(); }, {}},

        // --- top level -------------------------------------------------------
        {"OciVersionEmpty", [](Config& c) { c.oci_version = ""; }, {{"/ociVersion", "ociVersion must be set"}}},
        {"OciVersionTwo",
         [](Config& c) { c.oci_version = "2.0.0"; },
         {{"/ociVersion", "unsupported runtime-spec version \"2.0.0\""}}},
        {"OciVersionOneDevIsValid", [](Config& c) { c.oci_version = "1.0.2-dev"; }, {}},
        {"RootMissing", [](Config& c) { c.root.reset(); }, {{"/root", "root must be specified"}}},
        {"RootPathEmpty", [](Config& c) { c.root->path = ""; }, {{"/root/path", "must not be empty"}}},
        {"LinuxMissing", [](Config& c) { c.linux.reset(); }, {{"/linux", "linux must be specified"}}},

        // --- process ---------------------------------------------------------
        {"ArgsEmpty", [](Config& c) { c.process->args.clear(); }, {{"/process/args", "args must not be empty"}}},
        {"ArgsZeroEmpty",
         [](Config& c) {
             c.process->args = {"", "x"};
         },
         {{"/process/args/0", "program name must not be empty"}}},
        {"CwdRelative", [](Config& c) { c.process->cwd = "home"; }, {{"/process/cwd", "cwd must be an absolute path"}}},
        {"CwdEmpty", [](Config& c) { c.process->cwd = ""; }, {{"/process/cwd", "must not be empty"}}},
        {"EnvWithoutName",
         [](Config& c) {
             c.process->env = {"A=1", "=x", ""};
         },
         {{"/process/env/1", "NAME=VALUE"}, {"/process/env/2", "NAME=VALUE"}}},
        {"RlimitUnknown",
         [](Config& c) { c.process->rlimits = {rlimit("RLIMIT_FOO", 1, 1)}; },
         {{"/process/rlimits/0/type", "unknown rlimit type \"RLIMIT_FOO\""}}},
        {"RlimitLowercaseIsUnknown",
         [](Config& c) { c.process->rlimits = {rlimit("rlimit_nofile", 1, 1)}; },
         {{"/process/rlimits/0/type", "unknown rlimit type"}}},
        {"RlimitDuplicate",
         [](Config& c) {
             c.process->rlimits = {rlimit("RLIMIT_NOFILE", 1, 1), rlimit("RLIMIT_CORE", 0, 0),
                                   rlimit("RLIMIT_NOFILE", 2, 2)};
         },
         {{"/process/rlimits/2/type", "duplicate rlimit \"RLIMIT_NOFILE\""}}},
        {"RlimitSoftAboveHard",
         [](Config& c) { c.process->rlimits = {rlimit("RLIMIT_NOFILE", 2048, 1024)}; },
         {{"/process/rlimits/0", "soft limit is greater than the hard limit"}}},
        {"RlimitSoftEqualsHardIsValid", [](Config& c) { c.process->rlimits = {rlimit("RLIMIT_NOFILE", 8, 8)}; }, {}},
        {"OomScoreAdjBelowRange",
         [](Config& c) { c.process->oom_score_adj = -1001; },
         {{"/process/oomScoreAdj", "between -1000 and 1000"}}},
        {"OomScoreAdjAboveRange",
         [](Config& c) { c.process->oom_score_adj = 1001; },
         {{"/process/oomScoreAdj", "between -1000 and 1000"}}},
        {"OomScoreAdjBoundsAreValid", [](Config& c) { c.process->oom_score_adj = -1000; }, {}},
        {"OomScoreAdjUpperBoundIsValid", [](Config& c) { c.process->oom_score_adj = 1000; }, {}},
        {"CapabilityBogus",
         [](Config& c) {
             c.process->capabilities = caps_bounding({"CAP_CHOWN", "CAP_BOGUS"});
         },
         {{"/process/capabilities/bounding/1", "unknown capability \"CAP_BOGUS\""}}},
        {"CapabilityLowercase",
         [](Config& c) {
             Capabilities k;
             k.effective = std::vector<std::string>{"cap_chown"};
             k.ambient = std::vector<std::string>{"CAP_KILL", "CAP_"};
             c.process->capabilities = k;
         },
         {{"/process/capabilities/effective/0", "unknown capability \"cap_chown\""},
          {"/process/capabilities/ambient/1", "unknown capability \"CAP_\""}}},
        {"CapabilityWithoutPrefix",
         [](Config& c) { c.process->capabilities = caps_bounding({"CHOWN"}); },
         {{"/process/capabilities/bounding/0", "unknown capability"}}},
        {"CapabilitiesAllKnownAreValid",
         [](Config& c) { c.process->capabilities = caps_bounding(capability_names()); },
         {}},

        // --- namespaces ------------------------------------------------------
        {"NamespaceUnknownType",
         [](Config& c) { add_ns(c, "foo"); },
         {{"/linux/namespaces/2/type", "unknown namespace type \"foo\""}}},
        {"NamespaceDuplicate",
         [](Config& c) { add_ns(c, "pid", "/proc/1/ns/pid"); },
         {{"/linux/namespaces/2/type", "duplicated namespace \"pid\""}}},
        {"NamespaceRelativePath",
         [](Config& c) { add_ns(c, "network", "run/netns/x"); },
         {{"/linux/namespaces/2/path", "namespace path must be absolute"}}},
        {"NamespaceAbsolutePathIsValid", [](Config& c) { add_ns(c, "network", "/run/netns/x"); }, {}},
        {"AllEightNamespacesAreValid",
         [](Config& c) {
             for (auto t : {"network", "ipc", "uts", "cgroup", "time"}) add_ns(c, t);
             userns(c);
         },
         {}},

        // --- ID mappings -----------------------------------------------------
        {"MappingsWithoutUserns",
         [](Config& c) {
             c.linux->uid_mappings = {{0, 1000, 1}};
             c.linux->gid_mappings = {{0, 1000, 1}};
         },
         {{"/linux/uidMappings", "user namespace isn't enabled"}}},
        {"GidMappingsWithoutUserns",
         [](Config& c) {
             c.linux->gid_mappings = {{0, 1000, 1}};
         },
         {{"/linux/gidMappings", "user namespace isn't enabled"}}},
        {"UsernsWithoutMappings",
         [](Config& c) { add_ns(c, "user"); },
         {{"/linux/namespaces", "no namespace path to join nor mappings"}}},
        {"UsernsJoinedByPathIsValid", [](Config& c) { add_ns(c, "user", "/proc/1/ns/user"); }, {}},
        {"UsernsWithMappingsIsValid", [](Config& c) { userns(c); }, {}},
        {"UsernsUidMappingsOnly",
         [](Config& c) {
             userns(c);
             c.linux->gid_mappings.clear();
         },
         {{"/linux/gidMappings", "needs both uid and gid mappings"}}},
        {"UsernsIsolatedAnnotationNeedsNoMappings",
         [](Config& c) {
             add_ns(c, "user");
             c.annotations["run.islet.isolated-userns"] = "true";
         },
         {}},
        {"UsernsIsolatedAnnotationFalse",
         [](Config& c) {
             add_ns(c, "user");
             c.annotations["run.islet.isolated-userns"] = "false";
         },
         {{"/linux/namespaces", "no namespace path to join nor mappings"}}},
        {"MappingSizeZero",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings = {{0, 1000, 0}};
         },
         {{"/linux/uidMappings/0/size", "size must be greater than zero"}}},
        {"MappingContainerOverlap",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings = {{0, 1000, 10}, {5, 2000, 10}};
         },
         {{"/linux/uidMappings/1", "containerID range overlaps mapping 0"}}},
        {"MappingHostOverlap",
         [](Config& c) {
             userns(c);
             c.linux->gid_mappings = {{0, 1000, 10}, {100, 1005, 10}};
         },
         {{"/linux/gidMappings/1", "hostID range overlaps mapping 0"}}},
        {"MappingAdjacentRangesAreValid",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings = {{0, 1000, 10}, {10, 1010, 10}, {20, 500, 1}};
         },
         {}},
        {"Mappings340AreValid",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings.clear();
             for (std::uint32_t i = 0; i < 340; ++i) c.linux->uid_mappings.push_back({i, 1000 + 2 * i, 1});
         },
         {}},
        {"Mappings341",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings.clear();
             for (std::uint32_t i = 0; i < 341; ++i) c.linux->uid_mappings.push_back({i, 1000 + 2 * i, 1});
         },
         {{"/linux/uidMappings", "more than 340 mappings"}}},
        {"MappingContainerOverflow",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings = {{4294967295u, 0, 2}};
         },
         {{"/linux/uidMappings/0", "containerID + size overflows 32 bits"}}},
        {"MappingHostOverflow",
         [](Config& c) {
             userns(c);
             c.linux->gid_mappings = {{0, 4294967000u, 1000}};
         },
         {{"/linux/gidMappings/0", "hostID + size overflows 32 bits"}}},
        // The kernel refuses an extent that reaches ID 4294967295 ((uid_t)-1,
        // never a valid ID): first + count must stay below 2^32 (map_write).
        {"MappingReachingInvalidId",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings = {{1, 0, 4294967295u}};
         },
         {{"/linux/uidMappings/0", "containerID + size overflows 32 bits"}}},
        {"MappingLargestIsValid",
         [](Config& c) {
             userns(c);
             c.linux->uid_mappings = {{0, 0, 4294967295u}};
         },
         {}},

        // --- time namespace --------------------------------------------------
        {"TimeOffsetsWithoutTimens",
         [](Config& c) {
             c.linux->time_offsets["monotonic"] = {1, 0};
         },
         {{"/linux/timeOffsets", "need a new time namespace"}}},
        {"TimeOffsetsBadClockAndNanos",
         [](Config& c) {
             add_ns(c, "time");
             c.linux->time_offsets["realtime"] = {1, 0};
             c.linux->time_offsets["boottime"] = {1, 1000000000u};
         },
         {{"/linux/timeOffsets/realtime", "unknown clock"},
          {"/linux/timeOffsets/boottime/nanosecs", "below 1000000000"}}},

        // --- mounts ----------------------------------------------------------
        {"MountEmptyDestination",
         [](Config& c) {
             c.mounts = {Mount{"", "tmpfs", "tmpfs", {}, {}, {}}};
         },
         {{"/mounts/0/destination", "destination must not be empty"}}},
        {"MountWithoutType",
         [](Config& c) {
             c.mounts = {Mount{"/x", "", "tmpfs", {}, {}, {}}};
         },
         {{"/mounts/0/type", "type must be set"}}},
        {"MountBindWithoutTypeIsValid", [](Config& c) { c.mounts = {bind_mount("/x")}; }, {}},
        {"MountIdmapOnNonBind",
         [](Config& c) {
             c.mounts = {Mount{"/x", "tmpfs", "tmpfs", {"idmap"}, {}, {}}};
         },
         {{"/mounts/0", "only supported for bind-mounts"}}},
        {"MountMappingsOnNonBind",
         [](Config& c) {
             c.mounts = {Mount{"/x", "tmpfs", "tmpfs", {}, {{0, 1000, 1}}, {{0, 1000, 1}}}};
         },
         {{"/mounts/0", "only supported for bind-mounts"}}},
        {"MountOneSidedMappings",
         [](Config& c) {
             Mount m = bind_mount("/x");
             m.uid_mappings = {{0, 1000, 1}};
             c.mounts = {bind_mount("/ok"), m};
         },
         {{"/mounts/1", "must have both uid and gid mappings"}}},
        {"MountIdmappedBindIsValid",
         [](Config& c) {
             Mount m = bind_mount("/x");
             m.options.push_back("ridmap");
             m.uid_mappings = {{0, 1000, 1}};
             m.gid_mappings = {{0, 1000, 1}};
             c.mounts = {m};
         },
         {}},
        {"MountMappingSizeZero",
         [](Config& c) {
             Mount m = bind_mount("/x");
             m.uid_mappings = {{0, 1000, 0}};
             m.gid_mappings = {{0, 1000, 1}};
             c.mounts = {m};
         },
         {{"/mounts/0/uidMappings/0/size", "greater than zero"}}},

        // --- devices ---------------------------------------------------------
        {"DeviceBadType",
         [](Config& c) {
             c.linux->devices = {Device{"x", "/dev/x", 1, 3, {}, {}, {}}};
         },
         {{"/linux/devices/0/type", "one of c, b, u, p"}}},
        {"DeviceRelativePath",
         [](Config& c) {
             c.linux->devices = {Device{"c", "dev/x", 1, 3, {}, {}, {}}};
         },
         {{"/linux/devices/0/path", "must be absolute"}}},
        {"DeviceIsDev",
         [](Config& c) {
             c.linux->devices = {Device{"c", "/dev", 1, 3, {}, {}, {}}};
         },
         {{"/linux/devices/0/path", "must name a file"}}},
        {"DeviceIsDevWithSlash",
         [](Config& c) {
             c.linux->devices = {Device{"c", "/dev/", 1, 3, {}, {}, {}}};
         },
         {{"/linux/devices/0/path", "must name a file"}}},
        {"DeviceIsRoot",
         [](Config& c) {
             c.linux->devices = {Device{"c", "/dev/..", 1, 3, {}, {}, {}}};
         },
         {{"/linux/devices/0/path", "must name a file"}}},
        // runc accepts (and ignores) a fifo's numbers.
        {"DeviceFifoWithNumbers",
         [](Config& c) {
             c.linux->devices = {Device{"p", "/dev/f", 1, 3, {}, {}, {}}};
         },
         {}},
        {"DeviceMajorOutOfRange",
         [](Config& c) {
             c.linux->devices = {Device{"c", "/dev/x", 4096, 0, {}, {}, {}}};
         },
         {{"/linux/devices/0", "out of range"}}},
        {"DeviceMinorNegative",
         [](Config& c) {
             c.linux->devices = {Device{"b", "/dev/x", 8, -1, {}, {}, {}}};
         },
         {{"/linux/devices/0", "out of range"}}},
        {"DeviceIsValid",
         [](Config& c) {
             c.linux->devices = {Device{"c", "/dev/fuse", 10, 229, 0666, 0, 0},
                                 Device{"p", "/dev/fifo", 0, 0, {}, {}, {}},
                                 Device{"b", "/dev/big", 0xfff, 0xfffff, {}, {}, {}}};
         },
         {}},
        {"DeviceRuleBadTypeAndAccess",
         [](Config& c) {
             Resources r;
             r.devices = {DeviceCgroup{false, "", {}, {}, "rwm"}, DeviceCgroup{true, "x", 1, 3, "rw"},
                          DeviceCgroup{true, "c", 1, 3, "rwx"}, DeviceCgroup{true, "c", 1, 3, "rwa"},
                          DeviceCgroup{true, "c", 1, 3, "a"}};
             c.linux->resources = r;
         },
         {{"/linux/resources/devices/1/type", "must be a, c or b"},
          {"/linux/resources/devices/2/access", "combination of r, w and m"},
          {"/linux/resources/devices/4/access", "an `a` is ignored"}}},

        // --- hooks -----------------------------------------------------------
        {"HookRelativePath",
         [](Config& c) {
             c.hooks.prestart = {hook("/bin/ok"), hook("bin/h")};
         },
         {{"/hooks/prestart/1/path", "hook path must be absolute"}}},
        {"HookTimeoutZero",
         [](Config& c) { c.hooks.poststop = {hook("/h", 0)}; },
         {{"/hooks/poststop/0/timeout", "greater than zero"}}},
        {"HookTimeoutNegative",
         [](Config& c) { c.hooks.create_runtime = {hook("/h", -1)}; },
         {{"/hooks/createRuntime/0/timeout", "greater than zero"}}},
        {"HooksEveryKindChecked",
         [](Config& c) {
             c.hooks.create_container = {hook("a")};
             c.hooks.start_container = {hook("b")};
             c.hooks.poststart = {hook("c")};
         },
         {{"/hooks/createContainer/0/path", "absolute"},
          {"/hooks/startContainer/0/path", "absolute"},
          {"/hooks/poststart/0/path", "absolute"}}},
        {"HookIsValid", [](Config& c) { c.hooks.prestart = {hook("/bin/h", 1)}; }, {}},

        // --- sysctls ---------------------------------------------------------
        {"SysctlIpcWithoutIpcns",
         [](Config& c) { c.linux->sysctl["kernel.msgmax"] = "1"; },
         {{"/linux/sysctl/kernel.msgmax", "not allowed in the host's ipc namespace"}}},
        {"SysctlMqueueWithoutIpcns",
         [](Config& c) { c.linux->sysctl["fs.mqueue.msg_max"] = "1"; },
         {{"/linux/sysctl/fs.mqueue.msg_max", "host's ipc namespace"}}},
        {"SysctlIpcWithIpcnsIsValid",
         [](Config& c) {
             add_ns(c, "ipc");
             c.linux->sysctl["kernel.shmmax"] = "1";
             c.linux->sysctl["fs.mqueue.msg_max"] = "1";
         },
         {}},
        {"SysctlNetWithoutNetns",
         [](Config& c) { c.linux->sysctl["net.ipv4.ip_forward"] = "1"; },
         {{"/linux/sysctl/net.ipv4.ip_forward", "not allowed in the host's network namespace"}}},
        {"SysctlNetWithNetnsIsValid",
         [](Config& c) {
             add_ns(c, "network");
             c.linux->sysctl["net.ipv4.ip_forward"] = "1";
             c.linux->sysctl["net/ipv4/ping_group_range"] = "0 0";
         },
         {}},
        {"SysctlHostnameWithoutUts",
         [](Config& c) { c.linux->sysctl["kernel.hostname"] = "h"; },
         {{"/linux/sysctl/kernel.hostname", "not allowed in the host's uts namespace"}}},
        {"SysctlNotNamespaced",
         [](Config& c) { c.linux->sysctl["kernel.panic"] = "1"; },
         {{"/linux/sysctl/kernel.panic", "is not in a separate kernel namespace"}}},
        {"SysctlNotNamespacedEvenWithAllNamespaces",
         [](Config& c) {
             for (auto t : {"network", "ipc", "uts"}) add_ns(c, t);
             c.linux->sysctl["vm.swappiness"] = "1";
         },
         {{"/linux/sysctl/vm.swappiness", "not in a separate kernel namespace"}}},
        {"SysctlInvalidName",
         [](Config& c) { c.linux->sysctl["net..x"] = "1"; },
         {{"/linux/sysctl/net..x", "invalid sysctl name"}}},
        // ns_last_pid belongs to the writer's pid namespace: without a new one
        // it is the host's.
        {"SysctlNsLastPidWithoutPidns",
         [](Config& c) {
             remove_ns(c, "pid");
             c.linux->sysctl["kernel.ns_last_pid"] = "100";
         },
         {{"/linux/sysctl/kernel.ns_last_pid", "host's pid namespace"}}},
        {"SysctlNsLastPidWithPidnsIsValid", [](Config& c) { c.linux->sysctl["kernel.ns_last_pid"] = "100"; }, {}},
        {"SysctlUserLimitWithoutUserns",
         [](Config& c) { c.linux->sysctl["user.max_user_namespaces"] = "0"; },
         {{"/linux/sysctl/user.max_user_namespaces", "host's user namespace"}}},
        {"SysctlUserLimitWithUsernsIsValid",
         [](Config& c) {
             userns(c);
             c.linux->sysctl["user.max_user_namespaces"] = "0";
         },
         {}},
        // The pointer escapes "/" in the key (RFC 6901).
        {"SysctlSlashKeyPointer",
         [](Config& c) { c.linux->sysctl["net/ipv4/ip_forward"] = "1"; },
         {{"/linux/sysctl/net~1ipv4~1ip_forward", "host's network namespace"}}},

        // --- paths and propagation -------------------------------------------
        {"RootfsPropagationBogus",
         [](Config& c) { c.linux->rootfs_propagation = "bogus"; },
         {{"/linux/rootfsPropagation", "invalid rootfsPropagation \"bogus\""}}},
        {"RootfsPropagationRslaveIsValid", [](Config& c) { c.linux->rootfs_propagation = "rslave"; }, {}},
        {"MaskedPathsWithoutMountns",
         [](Config& c) {
             remove_ns(c, "mount");
             c.linux->masked_paths = {"/proc/kcore"};
         },
         {{"/linux/maskedPaths", "without a private mount namespace"}}},
        {"ReadonlyPathsWithoutMountns",
         [](Config& c) {
             remove_ns(c, "mount");
             c.linux->readonly_paths = {"/proc/sys"};
         },
         {{"/linux/readonlyPaths", "without a private mount namespace"}}},
        {"MaskedPathRelative",
         [](Config& c) {
             c.linux->masked_paths = {"/ok", "proc/kcore"};
             c.linux->readonly_paths = {"sys"};
         },
         {{"/linux/maskedPaths/1", "path must be absolute"}, {"/linux/readonlyPaths/0", "path must be absolute"}}},

        // --- explicit "not supported" ----------------------------------------
        {"IntelRdtNotSupported",
         [](Config& c) { c.linux->intel_rdt = IntelRdt{}; },
         {{"/linux/intelRdt", "not supported"}}},
        {"NetDevicesNotSupported",
         [](Config& c) { c.linux->net_devices["eth0"] = "eth1"; },
         {{"/linux/netDevices", "not supported"}}},

        // --- several problems at once -----------------------------------------
        {"EveryProblemReported",
         [](Config& c) {
             c.oci_version = "";
             c.process->args.clear();
             c.process->cwd = "rel";
             c.linux->rootfs_propagation = "x";
             add_ns(c, "pid");
         },
         {{"/ociVersion", "must be set"},
          {"/process/args", "must not be empty"},
          {"/process/cwd", "absolute"},
          {"/linux/namespaces/2/type", "duplicated"},
          {"/linux/rootfsPropagation", "invalid"}}},
    };
    return kRows;
}

class ValidateTable : public ::testing::TestWithParam<Row> {};

TEST_P(ValidateTable, Problems) {
    const Row& row = GetParam();
    Config c = minimal();
    row.mutate(c);
    std::vector<Problem> got = validate_config(c);

    std::vector<std::string> got_ptrs, want_ptrs;
    for (auto& p : got) got_ptrs.push_back(p.pointer);
    for (auto& e : row.expect) want_ptrs.push_back(e.pointer);
    std::sort(got_ptrs.begin(), got_ptrs.end());
    std::sort(want_ptrs.begin(), want_ptrs.end());
    std::string all;
    for (auto& p : got) all += "\n  " + p.text();
    ASSERT_EQ(got_ptrs, want_ptrs) << "problems:" << all;
    for (auto& e : row.expect) {
        auto it = std::find_if(got.begin(), got.end(), [&](const Problem& p) { return p.pointer == e.pointer; });
        ASSERT_NE(it, got.end());
        EXPECT_NE(it->message.find(e.message_part), std::string::npos)
            << e.pointer << ": \"" << it->message << "\" lacks \"" << e.message_part << "\"";
    }
}

INSTANTIATE_TEST_SUITE_P(Rows, ValidateTable, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

}  // namespace

TEST(Validate, ProcessPointersAreRelativeToBase) {
    Process p;
    p.cwd = "x";
    auto probs = validate_process(p, "");
    ASSERT_EQ(probs.size(), 2u);
    EXPECT_EQ(probs[0].pointer, "/args");
    EXPECT_EQ(probs[1].pointer, "/cwd");
}

TEST(Validate, ThrowProblemsJoinsAll) {
    EXPECT_NO_THROW(throw_problems("config.json", {}));
    EXPECT_EQ(error_of([] {
                  throw_problems("config.json", {{"/a", "x"}, {"/b/0", "y"}});
              }),
              "config.json: /a: x; /b/0: y");
}

TEST(ValidateSysctl, ValidationFollowsRunc) {
    Config c = minimal();
    c.linux->namespaces.clear();
    c.linux->sysctl = {{"net.ipv4.ip_forward", "1"}, {"kernel.shmmax", "1"},      {"kernel.hostname", "x"},
                       {"kernel.domainname", "y"},   {"kernel.ns_last_pid", "1"}, {"vm.swappiness", "1"}};
    std::string msg = islet::test::problems_text(validate_config(c));
    EXPECT_NE(msg.find("sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("sysctl \"kernel.shmmax\" is not allowed in the host's ipc namespace"), std::string::npos);
    EXPECT_NE(msg.find("sysctl \"vm.swappiness\" is not in a separate kernel namespace"), std::string::npos);
    EXPECT_NE(msg.find("sysctl \"kernel.ns_last_pid\" is not allowed in the host's pid namespace"), std::string::npos);
    c.linux->namespaces = {{"network", ""}, {"ipc", ""}, {"uts", ""}, {"pid", ""}};
    c.linux->sysctl.erase("vm.swappiness");
    msg = islet::test::problems_text(validate_config(c));
    EXPECT_NE(msg.find("sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI \"hostname\" field"),
              std::string::npos)
        << msg;
    EXPECT_EQ(msg.find("ip_forward"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("domainname"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("shmmax"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("ns_last_pid"), std::string::npos) << msg;
}
