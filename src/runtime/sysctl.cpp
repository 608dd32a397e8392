// Applies: linux.sysctl
#include "runtime/sysctl.hpp"

#include <sys/stat.h>

#include <algorithm>

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

namespace host {

void sysctl_problems(const spec::Linux& l, std::vector<spec::Problem>& out) {
    const spec::Namespace* net = l.find_namespace("network");
    if (!net || net->path.empty()) return;
    bool has_net = std::any_of(l.sysctl.begin(), l.sysctl.end(),
                               [](auto& kv) { return sys::starts_with(spec::sysctl_dotted(kv.first), "net."); });
    if (!has_net) return;
    struct stat own {}, target {};
    if (::stat("/proc/self/ns/net", &own) < 0 || ::stat(net->path.c_str(), &target) < 0) return;  // reported by the join
    if (own.st_dev != target.st_dev || own.st_ino != target.st_ino) return;
    for (auto& [key, value] : l.sysctl)
        if (sys::starts_with(spec::sysctl_dotted(key), "net."))
            out.push_back({"/linux/sysctl/" + key, "sysctl \"" + key + "\" is not allowed in the host's network namespace"});
}

}  // namespace host

namespace init {

void write_sysctls(const std::map<std::string, std::string>& sysctls, int host_proc_fd) {
    for (const auto& [key, value] : sysctls) {
        const std::string rel = sysctl_proc_path(key);
        if (rel.empty()) throw sys::Error("sysctl \"" + key + "\": invalid name");
        try {
            sys::write_procfs_file(host_proc_fd, rel, value);
        } catch (sys::Error& e) {
            e.add_context("sysctl \"" + key + "\" = \"" + value + "\"");
            throw;
        }
    }
}

}  // namespace init
}  // namespace islet::runtime
