// spec/parse: config.json text -> spec::Config, wrong types named by JSON pointer.
#include "spec/parse.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

using islet::spec::Config;
using islet::spec::parse_config;
using islet::spec::parse_process;
using islet::spec::parse_resources;
using islet::test::error_of;

namespace {

std::string parse_error(const std::string& text) {
    return error_of([&] { parse_config(text, "config.json"); });
}

}  // namespace

TEST(Parse, ReadsAFullConfig) {
    Config c = parse_config(R"({
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs", "readonly": true},
        "hostname": "h",
        "mounts": [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid"]}],
        "process": {"terminal": false, "user": {"uid": 1, "gid": 2, "umask": 18, "additionalGids": [5, 6]},
                    "args": ["sh", "-c", "true"], "env": ["A=1"], "cwd": "/",
                    "capabilities": {"bounding": ["CAP_KILL"]},
                    "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 4096}],
                    "oomScoreAdj": -500, "noNewPrivileges": true},
        "hooks": {"prestart": [{"path": "/bin/h", "args": ["h"], "timeout": 5}]},
        "annotations": {"a": "b"},
        "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/run/netns/x"}],
                  "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                  "cgroupsPath": "/a/b", "sysctl": {"net.ipv4.ip_forward": "1"},
                  "resources": {"devices": [{"allow": false, "access": "rwm"}],
                                "memory": {"limit": -1}, "pids": {"limit": 10}},
                  "maskedPaths": ["/proc/kcore"], "rootfsPropagation": "rslave"}
    })",
                            "config.json");
    EXPECT_EQ(c.oci_version, "1.2.0");
    ASSERT_TRUE(c.root);
    EXPECT_EQ(c.root->path, "rootfs");
    EXPECT_TRUE(c.root->readonly);
    EXPECT_EQ(c.hostname, "h");
    ASSERT_EQ(c.mounts.size(), 1u);
    EXPECT_EQ(c.mounts[0].options, std::vector<std::string>{"nosuid"});
    ASSERT_TRUE(c.process);
    EXPECT_EQ(c.process->user.uid, 1u);
    EXPECT_EQ(c.process->user.gid, 2u);
    EXPECT_EQ(c.process->user.umask, 18u);
    EXPECT_EQ(c.process->user.additional_gids, (std::vector<std::uint32_t>{5, 6}));
    EXPECT_EQ(c.process->args, (std::vector<std::string>{"sh", "-c", "true"}));
    ASSERT_TRUE(c.process->capabilities);
    EXPECT_EQ(c.process->capabilities->bounding, std::vector<std::string>{"CAP_KILL"});
    EXPECT_FALSE(c.process->capabilities->effective);  // absent stays absent
    ASSERT_EQ(c.process->rlimits.size(), 1u);
    EXPECT_EQ(c.process->rlimits[0].hard, 4096u);
    EXPECT_EQ(c.process->oom_score_adj, -500);
    EXPECT_TRUE(c.process->no_new_privileges);
    ASSERT_EQ(c.hooks.prestart.size(), 1u);
    EXPECT_EQ(c.hooks.prestart[0].timeout, 5);
    EXPECT_EQ(c.annotations.at("a"), "b");
    ASSERT_TRUE(c.linux);
    ASSERT_EQ(c.linux->namespaces.size(), 2u);
    EXPECT_EQ(c.linux->namespaces[1].path, "/run/netns/x");
    ASSERT_EQ(c.linux->uid_mappings.size(), 1u);
    EXPECT_EQ(c.linux->uid_mappings[0].host_id, 100000u);
    EXPECT_EQ(c.linux->uid_mappings[0].size, 65536u);
    EXPECT_EQ(c.linux->cgroups_path, "/a/b");
    EXPECT_EQ(c.linux->sysctl.at("net.ipv4.ip_forward"), "1");
    ASSERT_TRUE(c.linux->resources);
    ASSERT_EQ(c.linux->resources->devices.size(), 1u);
    EXPECT_FALSE(c.linux->resources->devices[0].allow);
    EXPECT_FALSE(c.linux->resources->devices[0].major);
    EXPECT_EQ(c.linux->resources->memory->limit, -1);
    EXPECT_EQ(c.linux->resources->pids->limit, 10);
    EXPECT_EQ(c.linux->rootfs_propagation, "rslave");
}

TEST(Parse, WrongTypeNamesThePointer) {
    EXPECT_EQ(parse_error(R"({"linux": {"uidMappings": [{"containerID": 0, "hostID": 0, "size": "1"}]}})"),
              "config.json: /linux/uidMappings/0/size: expected an unsigned 32-bit integer");
    EXPECT_EQ(parse_error(R"({"process": {"args": "sh"}})"), "config.json: /process/args: expected an array");
    EXPECT_EQ(parse_error(R"({"process": {"args": ["sh", 1]}})"), "config.json: /process/args/1: expected a string");
    EXPECT_EQ(parse_error(R"({"process": {"terminal": "yes"}})"), "config.json: /process/terminal: expected a boolean");
    EXPECT_EQ(parse_error(R"({"root": "rootfs"})"), "config.json: /root: expected an object");
    EXPECT_EQ(parse_error(R"({"process": {"oomScoreAdj": 1.5}})"),
              "config.json: /process/oomScoreAdj: expected a signed 32-bit integer");
    EXPECT_EQ(parse_error(R"({"hooks": {"poststop": [{"path": "/x", "timeout": "5"}]}})"),
              "config.json: /hooks/poststop/0/timeout: expected a signed 64-bit integer");
    EXPECT_EQ(parse_error(R"({"linux": {"resources": {"blockIO": {"weight": 65536}}}})"),
              "config.json: /linux/resources/blockIO/weight: expected an unsigned 16-bit integer");
    EXPECT_EQ(parse_error("[]"), "config.json: /: expected an object");
}

TEST(Parse, MapKeysAreEscapedInPointers) {
    // RFC 6901: "/" -> "~1", "~" -> "~0".
    EXPECT_EQ(parse_error(R"({"annotations": {"a/b~c": 1}})"), "config.json: /annotations/a~1b~0c: expected a string");
}

TEST(Parse, ReportsEveryProblemAtOnce) {
    EXPECT_EQ(parse_error(R"({"ociVersion": 1, "process": {"args": "sh", "cwd": false},
                              "linux": {"uidMappings": [{"size": -1}], "namespaces": {}}})"),
              "config.json: /ociVersion: expected a string; /process/args: expected an array; "
              "/process/cwd: expected a string; /linux/namespaces: expected an array; "
              "/linux/uidMappings/0/size: expected an unsigned 32-bit integer");
}

TEST(Parse, NullIsAbsent) {
    Config c = parse_config(R"({"ociVersion": null, "process": null, "root": null,
                                "linux": {"cgroupsPath": null, "resources": null, "namespaces": null}})",
                            "config.json");
    EXPECT_EQ(c.oci_version, "");
    EXPECT_FALSE(c.process);
    EXPECT_FALSE(c.root);
    ASSERT_TRUE(c.linux);
    EXPECT_FALSE(c.linux->cgroups_path);
    EXPECT_FALSE(c.linux->resources);
    EXPECT_TRUE(c.linux->namespaces.empty());
    // ... but an empty string is present.
    EXPECT_EQ(parse_config(R"({"linux": {"cgroupsPath": ""}})", "c").linux->cgroups_path, "");
}

TEST(Parse, UnknownKeysAreIgnored) {
    Config c = parse_config(R"({"ociVersion": "1.2.0", "vm": {"x": [1]}, "windows": 7,
                                "process": {"args": ["a"], "future": {"deep": true}},
                                "linux": {"namespaces": [{"type": "pid", "flags": 3}]}})",
                            "config.json");
    EXPECT_EQ(c.process->args, std::vector<std::string>{"a"});
    EXPECT_EQ(c.linux->namespaces[0].type, "pid");
}

TEST(Parse, UnsignedRanges) {
    // hostID -1 is not "all IDs": it is refused.
    EXPECT_EQ(parse_error(R"({"linux": {"uidMappings": [{"containerID": 0, "hostID": -1, "size": 1}]}})"),
              "config.json: /linux/uidMappings/0/hostID: expected an unsigned 32-bit integer");
    // uint32: 4294967295 fits, 4294967296 does not.
    EXPECT_EQ(parse_config(R"({"process": {"user": {"uid": 4294967295}}})", "c").process->user.uid, 4294967295u);
    EXPECT_EQ(parse_error(R"({"process": {"user": {"uid": 4294967296}}})"),
              "config.json: /process/user/uid: expected an unsigned 32-bit integer");
    EXPECT_EQ(parse_error(R"({"linux": {"gidMappings": [{"containerID": 4294967296, "hostID": 0, "size": 1}]}})"),
              "config.json: /linux/gidMappings/0/containerID: expected an unsigned 32-bit integer");
    // uint64: the maximum fits; beyond it nlohmann reads a float, refused.
    EXPECT_EQ(parse_config(R"({"process": {"rlimits": [{"type": "RLIMIT_CPU", "soft": 18446744073709551615,
                                                       "hard": 18446744073709551615}]}})",
                           "c")
                  .process->rlimits[0]
                  .soft,
              18446744073709551615ull);
    EXPECT_EQ(parse_error(R"({"process": {"rlimits": [{"type": "RLIMIT_CPU", "soft": 18446744073709551616}]}})"),
              "config.json: /process/rlimits/0/soft: expected an unsigned 64-bit integer");
}

TEST(Parse, SignedRanges) {
    EXPECT_EQ(parse_config(R"({"process": {"oomScoreAdj": -2147483648}})", "c").process->oom_score_adj, -2147483648LL);
    EXPECT_EQ(parse_error(R"({"process": {"oomScoreAdj": 2147483648}})"),
              "config.json: /process/oomScoreAdj: expected a signed 32-bit integer");
    EXPECT_EQ(parse_error(R"({"process": {"oomScoreAdj": -2147483649}})"),
              "config.json: /process/oomScoreAdj: expected a signed 32-bit integer");
    EXPECT_EQ(parse_error(R"({"hooks": {"prestart": [{"path": "/x", "timeout": 9223372036854775808}]}})"),
              "config.json: /hooks/prestart/0/timeout: expected a signed 64-bit integer");
}

TEST(Parse, NullDocument) {
    EXPECT_EQ(parse_error("null"), "config.json: config cannot be null");
    EXPECT_EQ(error_of([] { parse_process(" null ", "process.json"); }), "process.json: process cannot be null");
    EXPECT_EQ(error_of([] { parse_resources("null", "r.json"); }), "r.json: resources cannot be null");
}

TEST(Parse, GateRunsFirst) {
    EXPECT_EQ(parse_error(R"({"ociVersion": "1.2.0", "ociVersion": "1.0.0"})"),
              "config.json: line 1, column 36: duplicate key \"ociVersion\"");
}

TEST(Parse, ProcessAndResourcesDocuments) {
    auto p = parse_process(R"({"args": ["ls"], "cwd": "/tmp", "env": ["A=B"]})", "process.json");
    EXPECT_EQ(p.args, std::vector<std::string>{"ls"});
    EXPECT_EQ(p.cwd, "/tmp");
    // Pointers are relative to the document's own root.
    EXPECT_EQ(error_of([] { parse_process(R"({"args": [true]})", "process.json"); }),
              "process.json: /args/0: expected a string");
    auto r = parse_resources(R"({"pids": {"limit": 5}, "unified": {"memory.max": "1G"}})", "r.json");
    EXPECT_EQ(r.pids->limit, 5);
    EXPECT_EQ(r.unified.at("memory.max"), "1G");
    EXPECT_EQ(error_of([] { parse_resources(R"({"cpu": {"shares": -1}})", "r.json"); }),
              "r.json: /cpu/shares: expected an unsigned 64-bit integer");
}
