#include "spec/record.hpp"

#include <chrono>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "spec/json_gate.hpp"
#include "spec/model.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::spec {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

const char* phase_name(Phase p) { return p == Phase::created ? "created" : "creating"; }

const char* manager_name(CgroupManager m) {
    switch (m) {
        case CgroupManager::cgroupfs: return "cgroupfs";
        case CgroupManager::systemd: return "systemd";
        case CgroupManager::none: return "none";
    }
    return "none";
}

// The record's words back to enums; a word islet never writes is a corrupt record.
[[noreturn]] void bad_word(const std::string& what, const char* field, const std::string& word) {
    throw sys::Error(what + ": not a valid container record: unknown " + field + " \"" + word + "\"");
}

Phase phase_from(const std::string& what, const std::string& s) {
    if (s == "creating") return Phase::creating;
    if (s == "created") return Phase::created;
    bad_word(what, "phase", s);
}

CgroupManager manager_from(const std::string& what, const std::string& s) {
    for (auto m : {CgroupManager::cgroupfs, CgroupManager::systemd, CgroupManager::none})
        if (s == manager_name(m)) return m;
    bad_word(what, "cgroup manager", s);
}

// The key islet 0.1 kept the ID block index under, among the annotations.
constexpr const char* kLegacyBlockKey = "_block_index";

ojson state_object(const StateView& v, bool with_owner, bool with_empty_annotations) {
    ojson j;
    j["ociVersion"] = kSpecVersion;
    j["id"] = v.id;
    j["pid"] = v.pid;
    j["status"] = status_name(v.status);
    j["bundle"] = v.bundle;
    j["rootfs"] = v.rootfs;
    j["created"] = v.created;
    if (!v.annotations.empty() || with_empty_annotations) j["annotations"] = v.annotations;
    if (with_owner) j["owner"] = v.owner;
    return j;
}

// obj[key] as an integer of type T, or fallback when absent. nlohmann's own
// get<T>() takes a float or an out-of-range number too, and converts it
// silently or, for a float beyond T, with undefined behaviour ("pid": 1e300).
template <typename T>
T integer_field(const json& obj, const char* key, std::optional<T> fallback = std::nullopt) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        if (fallback) return *fallback;
        throw std::out_of_range(std::string(key) + " is missing");
    }
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        if (v <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(v);
    } else if constexpr (std::is_signed_v<T>) {
        if (it->is_number_integer()) {
            const auto v = it->get<std::int64_t>();
            if (v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max()) return static_cast<T>(v);
        }
    }
    throw std::out_of_range(std::string(key) + " is not " + (std::is_signed_v<T> ? "a signed " : "an unsigned ") +
                            std::to_string(sizeof(T) * 8) + "-bit integer");
}

// A pid field: never negative (kill(-1, ...) would signal every process).
pid_t pid_field(const json& obj, const char* key, std::optional<pid_t> fallback = std::nullopt) {
    const pid_t pid = integer_field<pid_t>(obj, key, fallback);
    if (pid < 0) throw std::out_of_range(std::string(key) + " is negative");
    return pid;
}

}  // namespace

const char* status_name(Status s) {
    switch (s) {
        case Status::creating: return "creating";
        case Status::created: return "created";
        case Status::running: return "running";
        case Status::paused: return "paused";
        case Status::stopped: return "stopped";
    }
    return "stopped";
}

StateView state_view(const ContainerRecord& r, Status status, pid_t pid) {
    StateView v;
    v.id = r.id;
    v.status = status;
    v.pid = pid;
    v.bundle = r.bundle;
    v.rootfs = r.rootfs;
    v.created = r.created;
    v.annotations = r.annotations;
    return v;
}

std::string record_to_json(const ContainerRecord& r) {
    ojson j;
    j["id"] = r.id;
    j["phase"] = phase_name(r.phase);
    j["pid"] = r.pid;
    j["startTime"] = r.start_time;
    j["creatorPid"] = r.creator_pid;
    j["bundle"] = r.bundle;
    j["rootfs"] = r.rootfs;
    j["created"] = r.created;
    j["annotations"] = r.annotations;
    j["cgroup"] = {{"manager", manager_name(r.cgroup.manager)},
                   {"path", r.cgroup.path},
                   {"dirs", r.cgroup.dirs},
                   {"owned", r.cgroup.owned}};
    if (!r.cgroup.unit.empty()) {
        j["cgroup"]["unit"] = r.cgroup.unit;
        j["cgroup"]["userInstance"] = r.cgroup.user_instance;
    }
    j["privatePidNs"] = r.private_pid_ns;
    j["rootless"] = r.rootless;
    j["sharesHostMounts"] = r.shares_host_mounts;
    j["namespaces"] = r.namespaces;
    j["isolation"] = r.isolation;
    if (r.id_block) {
        json b = {{"registry", r.id_block->registry}, {"token", r.id_block->token}};
        if (r.id_block->index) b["index"] = *r.id_block->index;
        j["idBlock"] = b;
    }
    return j.dump();
}

ContainerRecord record_from_json(const std::string& text, const std::string& what) {
    gate_json(text, what);
    try {
        json j = json::parse(text);
        ContainerRecord r;
        r.id = j.at("id").get<std::string>();
        r.phase = phase_from(what, j.at("phase").get<std::string>());
        r.pid = pid_field(j, "pid");
        r.start_time = integer_field<std::uint64_t>(j, "startTime");
        r.creator_pid = pid_field(j, "creatorPid", 0);
        r.bundle = j.at("bundle").get<std::string>();
        r.rootfs = j.at("rootfs").get<std::string>();
        r.created = j.at("created").get<std::string>();
        r.annotations = j.value("annotations", std::map<std::string, std::string>{});
        const json& cg = j.at("cgroup");
        r.cgroup.manager = manager_from(what, cg.at("manager").get<std::string>());
        r.cgroup.path = cg.at("path").get<std::string>();
        r.cgroup.dirs = cg.at("dirs").get<std::map<std::string, std::string>>();
        r.cgroup.owned = cg.value("owned", true);
        r.cgroup.unit = cg.value("unit", std::string());
        r.cgroup.user_instance = cg.value("userInstance", false);
        r.private_pid_ns = j.value("privatePidNs", true);
        r.rootless = j.value("rootless", false);
        r.shares_host_mounts = j.value("sharesHostMounts", false);
        r.namespaces = j.value("namespaces", std::map<std::string, std::string>{});
        r.isolation = j.value("isolation", std::map<std::string, std::string>{});
        if (j.contains("idBlock")) {
            const json& b = j.at("idBlock");
            IdBlockRecord rec;
            if (b.is_object()) {
                rec.registry = b.at("registry").get<std::string>();
                rec.token = b.at("token").get<std::string>();
                if (b.contains("index")) rec.index = integer_field<std::uint64_t>(b, "index");
            } else {
                rec.index = integer_field<std::uint64_t>(j, "idBlock");  // islet 0.1
            }
            r.id_block = rec;
        }
        if (auto it = r.isolation.find(kLegacyBlockKey); it != r.isolation.end()) {
            if (!r.id_block) {
                auto n = sys::parse_uint(it->second);
                if (!n) bad_word(what, "ID block", it->second);
                r.id_block = IdBlockRecord{"", "", *n};
            }
            r.isolation.erase(it);
        }
        return r;
    } catch (const json::exception& e) {
        throw sys::Error(what + ": not a valid container record: " + e.what());
    } catch (const std::out_of_range& e) {
        throw sys::Error(what + ": not a valid container record: " + e.what());
    }
}

std::string state_document(const StateView& v) { return state_object(v, true, false).dump(2); }

std::string list_document(const std::vector<StateView>& views) {
    if (views.empty()) return "null";
    ojson arr = ojson::array();
    for (auto& v : views) arr.push_back(state_object(v, true, false));
    return arr.dump();
}

std::string hook_state_document(const StateView& v) {
    ojson j;
    j["ociVersion"] = kSpecVersion;
    j["id"] = v.id;
    j["status"] = status_name(v.status);
    if (v.pid > 0) j["pid"] = v.pid;
    j["bundle"] = v.bundle;
    if (!v.annotations.empty()) j["annotations"] = v.annotations;
    return j.dump();
}

std::string container_process_state_document(const StateView& v, const std::string& metadata) {
    ojson j;
    j["ociVersion"] = kSpecVersion;
    j["fds"] = {"seccompFd"};
    j["pid"] = v.pid;
    if (!metadata.empty()) j["metadata"] = metadata;
    j["state"] = ojson::parse(hook_state_document(v));
    return j.dump();
}

std::string rfc3339_nano_now() {
    // The civil date by arithmetic (std::chrono's calendar): gmtime_r would
    // first load the local time zone from /etc/localtime, six syscalls for a
    // time printed in UTC.
    using namespace std::chrono;
    const auto now = time_point_cast<nanoseconds>(system_clock::now());
    const auto secs = floor<seconds>(now);
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss hms{secs - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<long long>((now - secs).count()));
    return buf;
}

}  // namespace islet::spec
