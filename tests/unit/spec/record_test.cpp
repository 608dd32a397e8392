// spec/record: the container record and the documents clients read.
#include "spec/record.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"

using namespace islet::spec;
using islet::test::error_of;

namespace {

ContainerRecord full_record() {
    ContainerRecord r;
    r.id = "c1";
    r.phase = Phase::created;
    r.pid = 4242;
    r.start_time = 18446744073709551615ull;
    r.creator_pid = 99;
    r.bundle = "/var/lib/b \"quoted\"";
    r.rootfs = "/var/lib/b/rootfs";
    r.created = "2024-01-02T03:04:05.000000006Z";
    r.annotations = {{"a", "1"}, {"k/with/slash", "v\nline"}};
    r.cgroup.manager = CgroupManager::systemd;
    r.cgroup.path = "/system.slice/islet-c1.scope";
    r.cgroup.dirs = {{"unified", "/sys/fs/cgroup/unified/x"}, {"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/x"}};
    r.cgroup.owned = false;
    r.cgroup.unit = "islet-c1.scope";
    r.cgroup.user_instance = true;
    r.private_pid_ns = false;
    r.rootless = true;
    r.namespaces = {{"pid", "/proc/4242/ns/pid"}, {"network", "/run/netns/n"}};
    r.isolation = {{"mode", "block"}, {"base", "100000"}};
    return r;
}

StateView view() {
    StateView v;
    v.id = "c1";
    v.status = Status::running;
    v.bundle = "/b";
    v.rootfs = "/b/rootfs";
    v.created = "2024-01-02T03:04:05.000000006Z";
    v.owner = "root";
    v.pid = 42;
    return v;
}

}  // namespace

TEST(Record, RoundTripKeepsEveryField) {
    ContainerRecord r = full_record();
    ContainerRecord b = record_from_json(record_to_json(r), "state.json");
    EXPECT_EQ(b.id, r.id);
    EXPECT_EQ(b.phase, r.phase);
    EXPECT_EQ(b.pid, r.pid);
    EXPECT_EQ(b.start_time, r.start_time);
    EXPECT_EQ(b.creator_pid, r.creator_pid);
    EXPECT_EQ(b.bundle, r.bundle);
    EXPECT_EQ(b.rootfs, r.rootfs);
    EXPECT_EQ(b.created, r.created);
    EXPECT_EQ(b.annotations, r.annotations);
    EXPECT_EQ(b.cgroup.manager, r.cgroup.manager);
    EXPECT_EQ(b.cgroup.path, r.cgroup.path);
    EXPECT_EQ(b.cgroup.dirs, r.cgroup.dirs);
    EXPECT_EQ(b.cgroup.owned, r.cgroup.owned);
    EXPECT_EQ(b.cgroup.unit, r.cgroup.unit);
    EXPECT_EQ(b.cgroup.user_instance, r.cgroup.user_instance);
    EXPECT_EQ(b.private_pid_ns, r.private_pid_ns);
    EXPECT_EQ(b.rootless, r.rootless);
    EXPECT_EQ(b.namespaces, r.namespaces);
    EXPECT_EQ(b.isolation, r.isolation);
}

TEST(Record, DefaultsRoundTrip) {
    ContainerRecord r;  // phase "creating", pid 0, owned cgroup, private pid ns
    ContainerRecord b = record_from_json(record_to_json(r), "s");
    EXPECT_EQ(b.phase, Phase::creating);
    EXPECT_EQ(b.pid, 0);
    EXPECT_TRUE(b.cgroup.owned);
    EXPECT_TRUE(b.private_pid_ns);
    EXPECT_FALSE(b.rootless);
}

TEST(Record, OptionalFieldsDefault) {
    ContainerRecord b = record_from_json(
        R"({"id":"x","phase":"created","pid":1,"startTime":2,"bundle":"/b","rootfs":"/r","created":"t",
            "cgroup":{"manager":"cgroupfs","path":"/x","dirs":{}}})",
        "s");
    EXPECT_EQ(b.creator_pid, 0);
    EXPECT_TRUE(b.cgroup.owned);
    EXPECT_EQ(b.cgroup.unit, "");
    EXPECT_FALSE(b.cgroup.user_instance);
    EXPECT_TRUE(b.private_pid_ns);
    EXPECT_FALSE(b.rootless);
    EXPECT_TRUE(b.namespaces.empty());
}

TEST(Record, BadRecordsAreErrors) {
    EXPECT_EQ(error_of([] {
                  record_from_json("{}", "/r/c1/state.json");
              }).rfind("/r/c1/state.json: not a valid container record: ", 0),
              0u);
    EXPECT_NE(error_of([] { record_from_json(R"({"id":"a","id":"b"})", "s"); }).find("duplicate key \"id\""),
              std::string::npos);
    EXPECT_NE(error_of([] { record_from_json("", "s"); }).find("empty document"), std::string::npos);
    // A wrong type is an error, not a zero.
    std::string text = record_to_json(full_record());
    text.replace(text.find("\"pid\":4242"), 10, "\"pid\":\"4242\"");
    EXPECT_NE(error_of([&] { record_from_json(text, "s"); }).find("not a valid container record"), std::string::npos);
}

// Found by tests/fuzz/fuzz_state_record: a float or an out-of-range number
// was converted by nlohmann's get<int>() (1e300 into an int is undefined
// behaviour; -1 became 2^64 - 1). Each is now an error naming the field.
TEST(Record, NumbersMustBeIntegersInRange) {
    const std::string good = record_to_json(full_record());
    for (const auto& [field, bad, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"\"pid\":4242", "\"pid\":1e300", "pid is not a signed 32-bit integer"},
             {"\"pid\":4242", "\"pid\":4242.0", "pid is not a signed 32-bit integer"},
             {"\"pid\":4242", "\"pid\":4294967297", "pid is not a signed 32-bit integer"},
             {"\"startTime\":18446744073709551615", "\"startTime\":-1", "startTime is not an unsigned 64-bit integer"},
             {"\"startTime\":18446744073709551615", "\"startTime\":1.5", "startTime is not an unsigned 64-bit integer"},
             {"\"creatorPid\":99", "\"creatorPid\":-2147483649", "creatorPid is not a signed 32-bit integer"},
             // kill(-1, ...) would reach every process.
             {"\"pid\":4242", "\"pid\":-1", "pid is negative"},
             {"\"creatorPid\":99", "\"creatorPid\":-5", "creatorPid is negative"},
         }) {
        std::string text = good;
        ASSERT_NE(text.find(field), std::string::npos) << field;
        text.replace(text.find(field), field.size(), bad);
        EXPECT_EQ(error_of([&] { record_from_json(text, "s"); }), "s: not a valid container record: " + message) << bad;
    }
}

TEST(StateDocument, KeyOrderIndentNoTrailingNewline) {
    EXPECT_EQ(state_document(view()),
              "{\n"
              "  \"ociVersion\": \"1.2.0\",\n"
              "  \"id\": \"c1\",\n"
              "  \"pid\": 42,\n"
              "  \"status\": \"running\",\n"
              "  \"bundle\": \"/b\",\n"
              "  \"rootfs\": \"/b/rootfs\",\n"
              "  \"created\": \"2024-01-02T03:04:05.000000006Z\",\n"
              "  \"owner\": \"root\"\n"
              "}");
}

TEST(StateDocument, AnnotationsBeforeOwner) {
    StateView v = view();
    v.annotations = {{"b", "2"}, {"a", "1"}};
    v.pid = 0;  // stopped: runc prints pid 0
    EXPECT_EQ(state_document(v),
              "{\n"
              "  \"ociVersion\": \"1.2.0\",\n"
              "  \"id\": \"c1\",\n"
              "  \"pid\": 0,\n"
              "  \"status\": \"running\",\n"
              "  \"bundle\": \"/b\",\n"
              "  \"rootfs\": \"/b/rootfs\",\n"
              "  \"created\": \"2024-01-02T03:04:05.000000006Z\",\n"
              "  \"annotations\": {\n"
              "    \"a\": \"1\",\n"
              "    \"b\": \"2\"\n"
              "  },\n"
              "  \"owner\": \"root\"\n"
              "}");
}

TEST(ListDocument, NullWhenEmptyCompactOtherwise) {
    EXPECT_EQ(list_document({}), "null");
    StateView a = view(), b = view();
    b.id = "c2";
    b.status = Status::stopped;
    b.pid = 0;
    EXPECT_EQ(list_document({a, b}),
              "[{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"pid\":42,\"status\":\"running\",\"bundle\":\"/b\","
              "\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-02T03:04:05.000000006Z\",\"owner\":\"root\"},"
              "{\"ociVersion\":\"1.2.0\",\"id\":\"c2\",\"pid\":0,\"status\":\"stopped\",\"bundle\":\"/b\","
              "\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-02T03:04:05.000000006Z\",\"owner\":\"root\"}]");
}

TEST(HookStateDocument, OmitsPidZeroAndEmptyAnnotations) {
    StateView v = view();
    v.status = Status::creating;
    v.pid = 0;
    EXPECT_EQ(hook_state_document(v), R"({"ociVersion":"1.2.0","id":"c1","status":"creating","bundle":"/b"})");
    v.status = Status::created;
    v.pid = 7;
    v.annotations = {{"k", "v"}};
    EXPECT_EQ(hook_state_document(v),
              R"({"ociVersion":"1.2.0","id":"c1","status":"created","pid":7,"bundle":"/b","annotations":{"k":"v"}})");
}

TEST(Rfc3339, NanosecondsUtc) {
    std::string t = rfc3339_nano_now();
    EXPECT_TRUE(std::regex_match(t, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z)"))) << t;
    EXPECT_LE(t, rfc3339_nano_now());
}

TEST(Record, IdBlockRoundTripsAndTheOldKeyIsStillRead) {
    ContainerRecord r;
    r.id_block = IdBlockRecord{"/run/reg", "abc", 7};
    r.isolation = {{"run.islet.isolated-userns.mode", "ranges"}};
    ContainerRecord b = record_from_json(record_to_json(r), "s");
    ASSERT_TRUE(b.id_block);
    EXPECT_EQ(b.id_block->index, 7u);
    EXPECT_EQ(b.id_block->registry, "/run/reg");
    EXPECT_EQ(b.id_block->token, "abc");
    // Before the allocation: registry and token, no index.
    r.id_block->index.reset();
    b = record_from_json(record_to_json(r), "s");
    ASSERT_TRUE(b.id_block);
    EXPECT_FALSE(b.id_block->index);
    EXPECT_EQ(b.id_block->token, "abc");
    EXPECT_FALSE(record_from_json(record_to_json(ContainerRecord{}), "s").id_block);
    // islet 0.1's bare index: no registry, no token.
    b = record_from_json(
        R"({"id":"x","phase":"created","pid":1,"startTime":2,"bundle":"/b","rootfs":"/r","created":"t",
            "cgroup":{"manager":"cgroupfs","path":"/x","dirs":{}},"idBlock":3})",
        "s");
    ASSERT_TRUE(b.id_block);
    EXPECT_EQ(b.id_block->index, 3u);
    EXPECT_EQ(b.id_block->registry, "");
    // islet 0.1 kept the index among the isolation annotations: read, and
    // not shown as an annotation any more.
    b = record_from_json(
        R"({"id":"x","phase":"created","pid":1,"startTime":2,"bundle":"/b","rootfs":"/r","created":"t",
            "cgroup":{"manager":"cgroupfs","path":"/x","dirs":{}},
            "isolation":{"run.islet.isolated-userns.mode":"ranges","_block_index":"12"}})",
        "s");
    ASSERT_TRUE(b.id_block);
    EXPECT_EQ(b.id_block->index, 12u);
    EXPECT_EQ(b.isolation, (std::map<std::string, std::string>{{"run.islet.isolated-userns.mode", "ranges"}}));
}

TEST(Record, UnknownWordsAreCorruptRecords) {
    const std::string base = R"({"id":"x","pid":1,"startTime":2,"bundle":"/b","rootfs":"/r","created":"t",)";
    EXPECT_EQ(error_of([&] {
                  record_from_json(base + R"("phase":"running","cgroup":{"manager":"cgroupfs","path":"/x","dirs":{}}})",
                                   "s");
              }),
              "s: not a valid container record: unknown phase \"running\"");
    EXPECT_EQ(error_of([&] {
                  record_from_json(base + R"("phase":"created","cgroup":{"manager":"x","path":"/x","dirs":{}}})", "s");
              }),
              "s: not a valid container record: unknown cgroup manager \"x\"");
    EXPECT_EQ(error_of([&] {
                  record_from_json(base + R"("phase":"created","cgroup":{"manager":"none","path":"","dirs":{}},)"
                                          R"("isolation":{"_block_index":"x"}})",
                                   "s");
              }),
              "s: not a valid container record: unknown ID block \"x\"");
}

TEST(Record, StateViewOfARecord) {
    ContainerRecord r = full_record();
    StateView v = state_view(r, Status::paused, 9);
    EXPECT_EQ(v.id, "c1");
    EXPECT_EQ(v.status, Status::paused);
    EXPECT_EQ(v.pid, 9);
    EXPECT_EQ(v.bundle, r.bundle);
    EXPECT_EQ(v.rootfs, r.rootfs);
    EXPECT_EQ(v.created, r.created);
    EXPECT_EQ(v.annotations, r.annotations);
    EXPECT_STREQ(status_name(Status::creating), "creating");
    EXPECT_STREQ(status_name(Status::stopped), "stopped");
}
