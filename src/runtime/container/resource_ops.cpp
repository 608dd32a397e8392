#include "runtime/container/resource_ops.hpp"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/resources.hpp"
#include "runtime/cgroups/stats.hpp"
#include "runtime/cgroups/systemd.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/container/state_store.hpp"
#include "spec/cgroup_documents.hpp"
#include "spec/parse.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/proc.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime {
namespace {

spec::Resources current_resources(const ContainerDir& dir) {
    if (auto text = dir.read_resources()) return spec::parse_resources(*text, dir.path() + "/resources.json");
    spec::Config cfg = dir.config();
    if (cfg.linux && cfg.linux->resources) return *cfg.linux->resources;
    return {};
}

bool gone(const std::string& root, const std::string& id) {
    try {
        return load_container(root, id, false).status() == spec::Status::stopped;
    } catch (const sys::Error&) {
        return true;  // deleted meanwhile
    }
}

}  // namespace

void update_container(const std::string& root, const std::string& id, const spec::Resources& patch) {
    LoadedContainer c = load_container(root, id, true);
    if (c.status() == spec::Status::stopped) throw sys::Error("container not running");
    spec::Resources next = cgroups::merge_resources(current_resources(c.dir), patch);
    spec::Resources to_apply = next;
    to_apply.devices.clear();  // never updated (runc's SkipDevices)
    // Rootless without cgroups (or --cgroup-manager disabled): a limit with
    // nowhere to go is an error, never a note in resources.json (runc:
    // "container could not join or create cgroup").
    if (c.record.cgroup.manager == spec::CgroupManager::none && cgroups::has_limits(to_apply))
        throw sys::Error(
            "cannot update resources: the container runs without cgroups (rootless without a delegated "
            "cgroup, or --cgroup-manager disabled)");
    if (!c.record.cgroup.dirs.empty()) {
        const cgroups::Host host = cgroups::detect();
        // systemd first (runc's order), so a reload of the unit keeps them.
        if (c.record.cgroup.manager == spec::CgroupManager::systemd)
            cgroups::systemd::set_resources(host, c.record.cgroup, to_apply);
        cgroups::apply_resources(host, c.record.cgroup.dirs, to_apply, "update", "");
    }
    c.dir.write_resources(spec::resources_to_json(next));
}

std::vector<pid_t> container_pids(const std::string& root, const std::string& id) {
    LoadedContainer c = load_container(root, id, false);
    if (c.status() == spec::Status::stopped) return {};
    if (c.record.cgroup.manager == spec::CgroupManager::none) {
        if (!c.record.private_pid_ns)
            throw sys::Error(
                "the container runs without cgroups and in the host's pid namespace: islet cannot tell "
                "its processes from the host's");
        // runc 1.1.5 has no cgroup to read and fails; the namespace says.
        return sys::pids_in_pid_namespace(c.record.pid);
    }
    return cgroups::pids(c.record.cgroup);
}

std::string filter_ps_output(const std::string& output, const std::vector<pid_t>& pids) {
    auto lines = sys::split(output, '\n');
    if (lines.empty()) throw sys::Error("couldn't find PID field in ps output");
    auto header = sys::split(std::string(sys::trim(lines[0])), ' ');
    std::erase(header, "");
    auto col = std::find(header.begin(), header.end(), "PID");
    if (col == header.end()) throw sys::Error("couldn't find PID field in ps output");
    const size_t index = static_cast<size_t>(col - header.begin());
    std::string out = lines[0] + "\n";
    for (size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        auto fields = sys::split(std::string(sys::trim(lines[i])), ' ');
        std::erase(fields, "");
        if (index >= fields.size()) continue;
        auto pid = sys::parse_int(fields[index]);
        if (!pid) throw sys::Error("unable to parse pid: " + fields[index]);
        if (std::find(pids.begin(), pids.end(), static_cast<pid_t>(*pid)) != pids.end()) out += lines[i] + "\n";
    }
    return out;
}

std::string ps_table(const std::vector<pid_t>& pids, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"ps"};
    if (args.empty())
        argv.push_back("-ef");
    else
        argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    cargv.reserve(argv.size() + 1);
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) sys::throw_errno("pipe2");
    sys::UniqueFd rd(pipefd[0]), wr(pipefd[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), 1);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), 2);
    pid_t child = 0;
    int err = ::posix_spawnp(&child, "ps", &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) sys::throw_errno_code(err, "exec: \"ps\"");
    wr.reset();
    std::string output = sys::read_all(rd.get());
    const int status = sys::reap(child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw sys::Error("exit status " +
                         std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ": " +
                         output);
    return filter_ps_output(output, pids);
}

std::optional<std::chrono::nanoseconds> parse_go_duration(const std::string& text) {
    static const std::pair<const char*, double> kUnits[] = {{"ns", 1},        {"us", 1e3},  {"\u00b5s", 1e3},
                                                            {"\u03bcs", 1e3}, {"ms", 1e6},  {"s", 1e9},
                                                            {"m", 60e9},      {"h", 3600e9}};
    std::string s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.erase(0, 1);
    }
    if (s == "0") return std::chrono::nanoseconds(0);
    if (s.empty()) return std::nullopt;
    double total = 0;
    size_t i = 0;
    while (i < s.size()) {
        size_t start = i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        if (i == start) return std::nullopt;
        std::string num = s.substr(start, i - start);
        if (std::count(num.begin(), num.end(), '.') > 1 || num == ".") return std::nullopt;
        size_t ustart = i;
        while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
        std::string unit = s.substr(ustart, i - ustart);
        double mult = 0;
        for (auto& [name, m] : kUnits)
            if (unit == name) mult = m;
        if (mult == 0) return std::nullopt;  // a missing or unknown unit
        total += std::strtod(num.c_str(), nullptr) * mult;
    }
    if (total > 9.2e18) return std::nullopt;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(neg ? -total : total));
}

void container_events(const std::string& root, const std::string& id, const EventsOptions& o,
                      const std::function<void(const std::string&)>& emit) {
    LoadedContainer c = load_container(root, id, false);
    if (c.status() == spec::Status::stopped) throw sys::Error("container with id " + id + " is not running");
    const cgroups::Host host = cgroups::detect();
    if (o.stats_once) {
        emit(spec::stats_event(id, cgroups::read_stats(host, c.record.cgroup)));
        return;
    }
    cgroups::OomWatch oom(host, c.record.cgroup);
    const spec::CgroupRecord cg = c.record.cgroup;
    auto next = std::chrono::steady_clock::now() + o.interval;
    // The stats ticker and the OOM watch share one poll loop; liveness is
    // checked at least every 100 ms so `events` ends soon after the container.
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        if (now >= next) {
            if (gone(root, id)) return;
            emit(spec::stats_event(id, cgroups::read_stats(host, cg)));
            next += o.interval;
            if (next < now) next = now + o.interval;
            continue;
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
        pollfd p{oom.fd(), POLLIN, 0};
        int n = ::poll(&p, oom.fd() >= 0 ? 1 : 0, static_cast<int>(std::min<long long>(wait + 1, 100)));
        if (n > 0 && oom.consume()) emit(spec::oom_event(id));
        if (n <= 0 && gone(root, id)) {
            // A last OOM that raced the exit is still reported.
            if (oom.fd() >= 0 && oom.consume()) emit(spec::oom_event(id));
            return;
        }
    }
}

}  // namespace islet::runtime
