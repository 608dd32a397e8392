// Applies: linux.sysctl
#include "runtime/ns/sysctl.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <optional>

#include "sys/error.hpp"
#include "sys/procfs.hpp"
#include "sys/strings.hpp"

namespace islet::runtime {

std::string sysctl_proc_path(const std::string& key) {
    // In the dotted form '.' separates components and '/' stands for a '.'
    // inside one (an interface name such as "eno2.100").
    std::string path = spec::sysctl_dotted(key);
    for (char& c : path) c = c == '.' ? '/' : c == '/' ? '.' : c;
    for (const auto& part : sys::split(path, '/'))
        if (part.empty() || part == "." || part == "..") return {};
    return "sys/" + path;
}

std::string translate_ping_group_range(const std::string& value, const std::vector<spec::IdMapping>& maps) {
    std::string v = value;
    std::replace_if(
        v.begin(), v.end(), [](char c) { return c == '\t' || c == '\n'; }, ' ');
    auto parts = sys::split(v, ' ');
    parts.erase(std::remove(parts.begin(), parts.end(), std::string()), parts.end());
    std::optional<std::uint64_t> first, last;
    if (parts.size() == 2) first = sys::parse_uint(parts[0]), last = sys::parse_uint(parts[1]);
    if (!first || !last || *first > *last) return "1 0";
    for (const auto& m : maps) {
        const std::uint64_t lo = std::max<std::uint64_t>(*first, m.container_id);
        const std::uint64_t hi = std::min<std::uint64_t>(*last, std::uint64_t(m.container_id) + m.size - 1);
        if (m.size == 0 || lo > hi) continue;
        return std::to_string(m.host_id + (lo - m.container_id)) + " " +
               std::to_string(m.host_id + (hi - m.container_id));
    }
    return "1 0";
}

namespace host {

void sysctl_problems(const spec::Linux& l, std::vector<spec::Problem>& out) {
    const spec::Namespace* net = l.find_namespace("network");
    if (!net || net->path.empty()) return;
    bool has_net = std::any_of(l.sysctl.begin(), l.sysctl.end(),
                               [](auto& kv) { return sys::starts_with(spec::sysctl_dotted(kv.first), "net."); });
    if (!has_net) return;
    struct stat own {
    }, target{};
    if (::stat("/proc/self/ns/net", &own) < 0 || ::stat(net->path.c_str(), &target) < 0)
        return;  // reported by the join
    if (own.st_dev != target.st_dev || own.st_ino != target.st_ino) return;
    for (auto& [key, value] : l.sysctl)
        if (sys::starts_with(spec::sysctl_dotted(key), "net."))
            out.push_back(
                {"/linux/sysctl/" + key, "sysctl \"" + key + "\" is not allowed in the host's network namespace"});
}

std::map<std::string, std::string> write_joined_sysctls(const spec::Linux& l, const ns::Plan& plan, int host_proc_fd) {
    std::map<std::string, std::string> ours, rest;
    for (const auto& [key, value] : l.sysctl) {
        const std::string dotted = spec::sysctl_dotted(key);
        const std::string type = spec::sysctl_namespace(dotted);
        const bool joined = !type.empty() &&
                            std::any_of(plan.joins.begin(), plan.joins.end(), [&](auto& j) { return j.first == type; });
        if (!joined)
            rest[key] = value;
        else if (dotted == "net.ipv4.ping_group_range")
            ours[key] = translate_ping_group_range(value, l.gid_mappings);
        else
            ours[key] = value;
    }
    if (!ours.empty()) {
        ns::HostJoins joins(plan);
        init::write_sysctls(ours, host_proc_fd);
    }
    return rest;
}

}  // namespace host

namespace init {

namespace {

void write_sysctl(const std::string& key, const std::string& value, int host_proc_fd) {
    const std::string rel = sysctl_proc_path(key);
    if (rel.empty()) throw sys::Error("sysctl \"" + key + "\": invalid name");
    try {
        sys::write_procfs_file(host_proc_fd, rel, value);
    } catch (sys::Error& e) {
        e.add_context("sysctl \"" + key + "\" = \"" + value + "\"");
        throw;
    }
}

}  // namespace

void write_sysctls(const std::map<std::string, std::string>& sysctls, int host_proc_fd) {
    for (const auto& [key, value] : sysctls) write_sysctl(key, value, host_proc_fd);
}

}  // namespace init
}  // namespace islet::runtime
