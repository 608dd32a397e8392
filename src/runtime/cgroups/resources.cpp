// Applies: linux.resources (the driver: facts, plan, apply)
#include "runtime/cgroups/resources.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <limits>

#include "runtime/cgroups/devices.hpp"
#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/retry.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::cgroups {
namespace {

std::vector<std::string> dir_entries(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& e : sys::try_list_dir(dir).value_or(std::vector<sys::DirEntry>{}))
        if (e.name[0] != '.') out.push_back(e.name);
    return out;
}

std::optional<std::uint64_t> read_number(const std::string& path) {
    auto text = sys::read_file_if_exists(path);
    if (!text) return std::nullopt;
    auto t = sys::trim(*text);
    if (t == "max") return std::numeric_limits<std::uint64_t>::max();
    return sys::parse_uint(t);
}

}  // namespace

std::vector<std::string> hugepage_sizes() {
    std::vector<std::string> out;
    for (auto& name : dir_entries("/sys/kernel/mm/hugepages")) {
        if (!sys::starts_with(name, "hugepages-") || !sys::ends_with(name, "kB")) continue;
        auto kb = sys::parse_uint(std::string_view(name).substr(10, name.size() - 12));
        if (!kb) continue;
        if (*kb >= (1u << 20))
            out.push_back(std::to_string(*kb >> 20) + "GB");
        else if (*kb >= (1u << 10))
            out.push_back(std::to_string(*kb >> 10) + "MB");
        else
            out.push_back(std::to_string(*kb) + "KB");
    }
    return out;
}

namespace {

// The directory a write goes to: "" is the unified hierarchy itself; a
// controller goes where it is mounted (v1 first, as Host::for_controller).
std::string dir_for(const Host& host, const std::map<std::string, std::string>& dirs, const std::string& controller) {
    const Hierarchy* h = controller.empty() ? host.unified() : host.for_controller(controller);
    if (!h) throw sys::Error("no cgroup hierarchy has the " + controller + " controller");
    auto it = dirs.find(h->name);
    if (it == dirs.end()) throw sys::Error("the container has no cgroup in the " + h->name + " hierarchy");
    return it->second;
}

// One write(2) of the whole value: cgroup files parse each write on its own.
int write_value(const std::string& path, const std::string& value) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    const ssize_t n = sys::retry_eintr([&] { return ::write(fd, value.data(), value.size()); });
    int err = n < 0 ? errno : 0;
    ::close(fd);
    return err;
}

[[noreturn]] void write_failed(const std::string& dir, const Write& w, int err) {
    if (err == EBUSY && w.file == "memory.limit_in_bytes") {
        auto usage = read_number(dir + "/memory.usage_in_bytes"),
             peak = read_number(dir + "/memory.max_usage_in_bytes");
        throw sys::Error("unable to set memory limit to " + w.value +
                             " (current usage: " + std::to_string(usage.value_or(0)) +
                             ", peak usage: " + std::to_string(peak.value_or(0)) + ")",
                         err);
    }
    throw sys::Error("failed to write \"" + w.value + "\": " + sys::describe_errno("write", dir + "/" + w.file, err),
                     err);
}

}  // namespace

Version Facts::where(const std::string& v1_name, const std::string& v2_name) const {
    if (auto it = controllers.find(v1_name); it != controllers.end() && it->second == Version::v1) return Version::v1;
    if (auto it = controllers.find(v2_name); it != controllers.end() && it->second == Version::v2) return Version::v2;
    return Version::none;
}

void Planner::write(const std::string& controller, const std::string& file, const std::string& value, bool optional,
                    bool retry_einval) {
    plan_.writes.push_back({controller, file, value, optional, retry_einval});
    if (!controller.empty() && facts_.where(controller) == Version::v2) plan_.v2_controllers.insert(controller);
}

void Planner::problem(const std::string& pointer, const std::string& message) {
    plan_.problems.push_back({base_ + "/" + pointer, message});
}

void Planner::missing(const std::string& pointer, const std::string& controller) {
    problem(pointer, "cannot set this limit: the " + controller +
                         " cgroup controller is not available on this host (not mounted as cgroup v1, not "
                         "listed in the unified hierarchy's cgroup.controllers)");
}

Plan plan_resources(const spec::Resources& r, const Facts& facts, const std::string& base) {
    Planner p(facts, base);
    // runc's order (fs2.Set): pids, memory, io, cpu, cpuset, hugetlb, rdma,
    // then unified; v1's net_cls/net_prio before rdma.
    plan_pids(r, p);
    plan_memory(r, p);
    plan_blkio(r, p);
    plan_cpu(r, p);
    plan_cpuset(r, p);
    plan_hugetlb(r, p);
    plan_network(r, p);
    plan_rdma(r, p);
    plan_unified(r, p);
    return p.take();
}

Facts gather_facts(const Host& host, const std::map<std::string, std::string>& dirs) {
    Facts f;
    for (auto& h : host.hierarchies) {
        if (h.v2) f.has_unified = true;
        for (auto& c : h.controllers) {
            auto& slot = f.controllers[c];
            if (slot == Version::none || !h.v2) slot = h.v2 ? Version::v2 : Version::v1;
        }
    }
    for (auto& [name, dir] : dirs)
        for (auto& e : dir_entries(dir)) f.files.insert(e);
    if (f.where("memory") != Version::none) {
        try {
            std::string mem = dir_for(host, dirs, "memory");
            const bool v1 = f.where("memory") == Version::v1;
            f.memory_limit = read_number(mem + (v1 ? "/memory.limit_in_bytes" : "/memory.max"));
            f.memory_usage = read_number(mem + (v1 ? "/memory.usage_in_bytes" : "/memory.current"));
        } catch (const sys::Error&) {
        }
    }
    f.hugepage_sizes = hugepage_sizes();
    return f;
}

void enable_v2_controllers(const Host& host, const std::string& dir, const std::set<std::string>& controllers) {
    const Hierarchy* u = host.unified();
    if (!u || controllers.empty() || !sys::starts_with(dir, u->mount)) return;
    std::string cur = u->mount;
    std::vector<std::string> parts;
    for (auto& part : sys::split(dir.substr(u->mount.size()), '/'))
        if (!part.empty()) parts.push_back(part);
    // Every level above the container's own directory.
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string subtree = cur + "/cgroup.subtree_control";
        std::string have = sys::read_file_if_exists(subtree).value_or("");
        std::string available = sys::read_file_if_exists(cur + "/cgroup.controllers").value_or("");
        auto listed = [](const std::string& list, const std::string& c) {
            for (auto& w : sys::split(std::string(sys::trim(list)), ' '))
                if (w == c) return true;
            return false;
        };
        for (auto& c : controllers) {
            if (listed(have, c) || !listed(available, c)) continue;
            if (int err = write_value(subtree, "+" + c))
                log::debug(sys::describe_errno("enable " + c + " in", subtree, err));
        }
        cur += "/" + parts[i];
    }
}

void apply_writes(const Host& host, const std::map<std::string, std::string>& dirs, const std::vector<Write>& writes) {
    std::vector<std::pair<std::string, const Write*>> retry;
    for (auto& w : writes) {
        const std::string dir = dir_for(host, dirs, w.controller);
        int err = write_value(dir + "/" + w.file, w.value);
        if (err == 0 || (err == ENOENT && w.optional)) continue;
        if (err == EINVAL && w.retry_einval) {
            retry.emplace_back(dir, &w);
            continue;
        }
        write_failed(dir, w, err);
    }
    for (auto& [dir, w] : retry)
        if (int err = write_value(dir + "/" + w->file, w->value); err != 0 && !(err == ENOENT && w->optional))
            write_failed(dir, *w, err);
}

void apply_resources(const Host& host, const std::map<std::string, std::string>& dirs, const spec::Resources& r,
                     const std::string& what, const std::string& base) {
    Plan plan = plan_resources(r, gather_facts(host, dirs), base);
    std::set<std::string> enable = plan.v2_controllers;
    // On a pure v2 host runc enables every available controller, so stats
    // (memory.current, io.stat, ...) exist even without limits.
    if (host.layout == Layout::v2 && host.unified())
        enable.insert(host.unified()->controllers.begin(), host.unified()->controllers.end());
    if (auto it = dirs.find("unified"); it != dirs.end() && !enable.empty()) {
        enable_v2_controllers(host, it->second, enable);
        // The controllers' files appear only now: plan again with them.
        plan = plan_resources(r, gather_facts(host, dirs), base);
    }
    for (auto& w : plan.warnings) log::warning(w);
    if (!plan.problems.empty()) {
        if (!base.empty()) spec::throw_problems(what, plan.problems);
        std::vector<std::string> msgs;
        for (auto& p : plan.problems) msgs.push_back(p.message);
        throw sys::Error(sys::join(msgs, "; "));
    }
    apply_writes(host, dirs, plan.writes);
}

bool only_devices(const spec::Resources& r) {
    return !r.memory && !r.cpu && !r.pids && !r.block_io && r.hugepage_limits.empty() && !r.network && r.rdma.empty() &&
           r.unified.empty();
}

void setup(const Host& host, const std::map<std::string, std::string>& dirs, const std::optional<spec::Resources>& r,
           bool device_rules) {
    // Every plan starts from a field of its own: with none of them there is
    // nothing to plan, and no facts to gather (which lists every directory).
    // A pure v2 host still enables its controllers (apply_resources).
    if (r && !only_devices(*r))
        apply_resources(host, dirs, *r, "config.json", "/linux/resources");
    else if (host.layout == Layout::v2)
        apply_resources(host, dirs, spec::Resources{}, "config.json", "/linux/resources");
    if (device_rules) apply_devices(host, dirs, r ? r->devices : std::vector<spec::DeviceCgroup>{});
}

bool has_limits(const spec::Resources& r) {
    spec::Resources copy = r;
    copy.devices.clear();
    Facts all;  // every controller present: anything requested yields a write or a problem
    for (const char* c : {"memory", "cpu", "cpuset", "pids", "blkio", "hugetlb", "net_cls", "net_prio", "rdma"})
        all.controllers[c] = Version::v1;
    all.has_unified = true;
    Plan p = plan_resources(copy, all, "");
    return !p.writes.empty() || !p.problems.empty();
}

std::vector<spec::Problem> resource_problems(const spec::Resources& r, const Host& host) {
    if (only_devices(r)) return {};
    Facts f = gather_facts(host, {});
    return plan_resources(r, f, "/linux/resources").problems;
}

}  // namespace islet::runtime::cgroups
