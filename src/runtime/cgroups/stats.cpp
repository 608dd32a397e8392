// Reads cgroup statistics (for `events`); see stats.hpp.
#include "runtime/cgroups/stats.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <limits>

#include "runtime/cgroups/resources.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::cgroups {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

std::string read_or_empty(const std::string& path) { return sys::read_file_if_exists(path).value_or(""); }

std::uint64_t read_u64(const std::string& path) {
    const std::string text = read_or_empty(path);  // outlives the view trim returns
    auto t = sys::trim(text);
    if (t == "max") return kUnlimited;
    return sys::parse_uint(t).value_or(0);
}

std::vector<std::uint64_t> read_list(const std::string& path) {
    std::vector<std::uint64_t> out;
    for (auto& w : sys::split(std::string(sys::trim(read_or_empty(path))), ' '))
        if (auto n = sys::parse_uint(w)) out.push_back(*n);
    return out;
}

// The directory of the hierarchy holding `controller` ("" if none).
std::string dir_of(const Host& host, const spec::CgroupRecord& cg, const std::string& controller, bool& v2) {
    const Hierarchy* h = host.for_controller(controller);
    if (!h) return "";
    auto it = cg.dirs.find(h->name);
    if (it == cg.dirs.end()) return "";
    v2 = h->v2;
    return it->second;
}

void cpu_stats(const Host& host, const spec::CgroupRecord& cg, spec::Stats& s) {
    bool v2 = false;
    std::string acct = dir_of(host, cg, "cpuacct", v2);
    if (!acct.empty() && !v2) {
        s.cpu_total = read_u64(acct + "/cpuacct.usage");
        s.percpu = read_list(acct + "/cpuacct.usage_percpu");
        s.percpu_kernel = read_list(acct + "/cpuacct.usage_percpu_sys");
        s.percpu_user = read_list(acct + "/cpuacct.usage_percpu_user");
        s.cpu_kernel = read_u64(acct + "/cpuacct.usage_sys");
        s.cpu_user = read_u64(acct + "/cpuacct.usage_user");
    }
    std::string cpu = dir_of(host, cg, "cpu", v2);
    if (cpu.empty() && cg.dirs.count("unified")) {  // cpu.stat exists on v2 without the controller
        cpu = cg.dirs.at("unified");
        v2 = true;
    }
    if (cpu.empty()) return;
    auto st = parse_flat_keyed(read_or_empty(cpu + "/cpu.stat"));
    s.throttle_periods = st["nr_periods"];
    s.throttled_periods = st["nr_throttled"];
    if (v2) {
        s.throttled_time = st["throttled_usec"] * 1000;
        if (acct.empty() || s.cpu_total == 0) {
            s.cpu_total = st["usage_usec"] * 1000;
            s.cpu_user = st["user_usec"] * 1000;
            s.cpu_kernel = st["system_usec"] * 1000;
        }
    } else {
        s.throttled_time = st["throttled_time"];
    }
}

void memory_entry(const std::string& dir, const std::string& prefix, spec::MemoryEntry& e) {
    e.usage = read_u64(dir + "/" + prefix + ".usage_in_bytes");
    e.max = read_u64(dir + "/" + prefix + ".max_usage_in_bytes");
    e.failcnt = read_u64(dir + "/" + prefix + ".failcnt");
    e.limit = read_u64(dir + "/" + prefix + ".limit_in_bytes");
}

void memory_stats(const Host& host, const spec::CgroupRecord& cg, spec::Stats& s) {
    bool v2 = false;
    std::string dir = dir_of(host, cg, "memory", v2);
    if (dir.empty()) return;
    s.memory_raw = parse_flat_keyed(read_or_empty(dir + "/memory.stat"));
    if (!v2) {
        s.memory_cache = s.memory_raw["cache"];
        memory_entry(dir, "memory", s.memory_usage);
        memory_entry(dir, "memory.memsw", s.memory_swap);
        memory_entry(dir, "memory.kmem", s.memory_kernel);
        memory_entry(dir, "memory.kmem.tcp", s.memory_kernel_tcp);
        return;
    }
    // v2 (runc's fs2 statMemory): swap is reported as memory+swap, like v1.
    s.memory_cache = s.memory_raw["file"];
    s.memory_usage.usage = read_u64(dir + "/memory.current");
    s.memory_usage.limit = read_u64(dir + "/memory.max");
    s.memory_usage.max = read_u64(dir + "/memory.peak");
    s.memory_usage.failcnt = parse_flat_keyed(read_or_empty(dir + "/memory.events"))["max"];
    const std::uint64_t swap = read_u64(dir + "/memory.swap.current"), swap_max = read_u64(dir + "/memory.swap.max");
    s.memory_swap.usage = s.memory_usage.usage + swap;
    s.memory_swap.limit =
        (swap_max == kUnlimited || s.memory_usage.limit == kUnlimited) ? kUnlimited : swap_max + s.memory_usage.limit;
}

void other_stats(const Host& host, const spec::CgroupRecord& cg, spec::Stats& s) {
    bool v2 = false;
    if (std::string d = dir_of(host, cg, "pids", v2); !d.empty()) {
        s.pids_current = read_u64(d + "/pids.current");
        std::uint64_t max = read_u64(d + "/pids.max");
        s.pids_limit = max == kUnlimited ? 0 : max;
    }
    if (std::string d = dir_of(host, cg, "cpuset", v2); !d.empty()) {
        s.cpuset_cpus = parse_cpu_list(read_or_empty(d + (v2 ? "/cpuset.cpus.effective" : "/cpuset.effective_cpus")));
        s.cpuset_mems = parse_cpu_list(read_or_empty(d + (v2 ? "/cpuset.mems.effective" : "/cpuset.effective_mems")));
    }
    if (std::string d = dir_of(host, cg, "blkio", v2); !d.empty() && !v2) {
        s.io_service_bytes = parse_blkio_v1(read_or_empty(d + "/blkio.throttle.io_service_bytes_recursive"));
        s.io_serviced = parse_blkio_v1(read_or_empty(d + "/blkio.throttle.io_serviced_recursive"));
    } else if (std::string d2 = dir_of(host, cg, "io", v2); !d2.empty() && v2) {
        parse_io_stat(read_or_empty(d2 + "/io.stat"), s.io_service_bytes, s.io_serviced);
    }
    if (std::string d = dir_of(host, cg, "hugetlb", v2); !d.empty()) {
        const std::string prefix = d + "/hugetlb.";
        for (auto& size : hugepage_sizes()) {
            spec::HugetlbStats h;
            const std::string files = prefix + size;  // hugetlb.2MB.current, ...
            if (v2) {
                h.usage = read_u64(files + ".current");
                h.failcnt = parse_flat_keyed(read_or_empty(files + ".events"))["max"];
            } else {
                h.usage = read_u64(files + ".usage_in_bytes");
                h.max = read_u64(files + ".max_usage_in_bytes");
                h.failcnt = read_u64(files + ".failcnt");
            }
            s.hugetlb[size] = h;
        }
    }
}

}  // namespace

std::map<std::string, std::uint64_t> parse_flat_keyed(const std::string& text) {
    std::map<std::string, std::uint64_t> out;
    for (auto& line : sys::split(text, '\n')) {
        auto sp = line.find(' ');
        if (sp == std::string::npos) continue;
        if (auto n = sys::parse_uint(sys::trim(line.substr(sp + 1)))) out[line.substr(0, sp)] = *n;
    }
    return out;
}

std::vector<std::uint16_t> parse_cpu_list(const std::string& text) {
    std::vector<std::uint16_t> out;
    for (auto& part : sys::split(std::string(sys::trim(text)), ',')) {
        if (part.empty()) continue;
        auto dash = part.find('-');
        auto lo = sys::parse_uint(part.substr(0, dash));
        auto hi = dash == std::string::npos ? lo : sys::parse_uint(part.substr(dash + 1));
        if (!lo || !hi || *hi < *lo || *hi > 0xffff) continue;
        for (auto i = *lo; i <= *hi; ++i) out.push_back(static_cast<std::uint16_t>(i));
    }
    return out;
}

std::vector<spec::BlkioEntry> parse_blkio_v1(const std::string& text) {
    std::vector<spec::BlkioEntry> out;
    for (auto& line : sys::split(text, '\n')) {
        auto f = sys::split(std::string(sys::trim(line)), ' ');
        if (f.size() != 3) continue;
        auto colon = f[0].find(':');
        if (colon == std::string::npos) continue;
        auto major = sys::parse_uint(f[0].substr(0, colon)), minor = sys::parse_uint(f[0].substr(colon + 1));
        auto value = sys::parse_uint(f[2]);
        if (!major || !minor || !value) continue;
        out.push_back({*major, *minor, f[1], *value});
    }
    return out;
}

void parse_io_stat(const std::string& text, std::vector<spec::BlkioEntry>& bytes, std::vector<spec::BlkioEntry>& ios) {
    for (auto& line : sys::split(text, '\n')) {
        auto f = sys::split(std::string(sys::trim(line)), ' ');
        if (f.size() < 2) continue;
        auto colon = f[0].find(':');
        if (colon == std::string::npos) continue;
        auto major = sys::parse_uint(f[0].substr(0, colon)), minor = sys::parse_uint(f[0].substr(colon + 1));
        if (!major || !minor) continue;
        for (size_t i = 1; i < f.size(); ++i) {
            auto eq = f[i].find('=');
            if (eq == std::string::npos) continue;
            auto key = f[i].substr(0, eq);
            auto value = sys::parse_uint(f[i].substr(eq + 1));
            if (!value) continue;
            if (key == "rbytes") bytes.push_back({*major, *minor, "Read", *value});
            if (key == "wbytes") bytes.push_back({*major, *minor, "Write", *value});
            if (key == "rios") ios.push_back({*major, *minor, "Read", *value});
            if (key == "wios") ios.push_back({*major, *minor, "Write", *value});
        }
    }
}

spec::Stats read_stats(const Host& host, const spec::CgroupRecord& cg) {
    spec::Stats s;
    cpu_stats(host, cg, s);
    memory_stats(host, cg, s);
    other_stats(host, cg, s);
    return s;
}

OomWatch::OomWatch(const Host& host, const spec::CgroupRecord& cg) {
    bool v2 = false;
    std::string dir = dir_of(host, cg, "memory", v2);
    if (dir.empty()) return;
    v2_ = v2;
    if (v2) {
        events_ = dir + "/memory.events";
        seen_ = parse_flat_keyed(read_or_empty(events_))["oom_kill"];
        int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (fd < 0) sys::throw_errno("inotify_init1");
        fd_.reset(fd);
        if (::inotify_add_watch(fd, events_.c_str(), IN_MODIFY) < 0) sys::throw_errno("inotify_add_watch", events_);
        return;
    }
    int efd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0) sys::throw_errno("eventfd");
    fd_.reset(efd);
    control_ = sys::open_path(dir + "/memory.oom_control", O_RDONLY);
    sys::write_file(dir + "/cgroup.event_control", std::to_string(efd) + " " + std::to_string(control_.get()));
}

bool OomWatch::consume() {
    if (!fd_) return false;
    if (!v2_) {
        std::uint64_t n = 0;
        return ::read(fd_.get(), &n, sizeof n) == sizeof n && n > 0;
    }
    char buf[4096];
    while (::read(fd_.get(), buf, sizeof buf) > 0) {
    }
    std::uint64_t now = parse_flat_keyed(read_or_empty(events_))["oom_kill"];
    bool fresh = now > seen_;
    seen_ = now;
    return fresh;
}

}  // namespace islet::runtime::cgroups
