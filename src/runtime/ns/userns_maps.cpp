// Applies: linux.uidMappings, linux.gidMappings
#include "runtime/ns/userns_maps.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::runtime::host {
namespace {

std::string range_text(std::uint64_t first, std::uint64_t size) {
    return std::to_string(first) + "-" + std::to_string(first + size - 1);
}

bool covered(std::uint64_t first, std::uint64_t end, const std::vector<SubIdRange>& owned) {
    for (const auto& r : owned)
        if (first >= r.start && end <= static_cast<std::uint64_t>(r.start) + r.size) return true;
    return false;
}

// The name /etc/passwd gives `id` (shadow's tools match subid lines by name
// or number); empty when there is none. No NSS: islet is static.
std::string user_name(std::uint32_t id) {
    auto text = sys::read_file_if_exists("/etc/passwd");
    if (!text) return "";
    auto e = sys::id_file_entry(*text, id);
    return e ? (*e)[0] : "";
}

// The helper on $PATH (else the usual directories), as an error when the
// uidmap package is missing.
std::string find_helper(const std::string& name) {
    const char* env = std::getenv("PATH");
    std::string path = env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const auto& dir : sys::split(path, ':')) {
        if (dir.empty() || dir.front() != '/') continue;
        std::string candidate = dir;
        candidate += '/';
        candidate += name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    throw sys::Error(name +
                     " not found on PATH: a rootless container whose mappings are more than the caller's own id "
                     "needs it (Debian: apt-get install uidmap)");
}

// Runs the helper, its stderr captured into the one error we print.
void run_helper(const std::vector<std::string>& args) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) sys::throw_errno("pipe", args[0]);
    sys::UniqueFd rd(p[0]), wr(p[1]);
    std::vector<const char*> argv;
    argv.reserve(args.size() + 1);
    for (const auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) sys::throw_errno("fork", args[0]);
    if (pid == 0) {
        ::dup2(wr.get(), STDERR_FILENO);
        ::dup2(wr.get(), STDOUT_FILENO);
        ::execv(argv[0], const_cast<char* const*>(argv.data()));
        ::_exit(127);
    }
    wr.reset();
    const std::string out(sys::trim(sys::read_all(rd.get())));
    const int status = sys::reap(pid);
    if (status != 0) throw sys::Error(sys::join(args, " ") + " failed" + (out.empty() ? "" : ": " + out));
}

void write_file(const std::string& path, const std::string& text) {
    sys::UniqueFd f = sys::open_path(path, O_WRONLY);
    // The kernel takes the whole map in one write, or nothing.
    if (::write(f.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        sys::throw_errno("failed to update", path);
}

}  // namespace

std::string format_id_map(const std::vector<spec::IdMapping>& maps) {
    std::string out;
    for (auto& m : maps)
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
    return out;
}

void write_id_maps(pid_t pid, const std::vector<spec::IdMapping>& uids, const std::vector<spec::IdMapping>& gids) {
    const std::string base = "/proc/" + std::to_string(pid) + "/";
    if (!uids.empty()) write_file(base + "uid_map", format_id_map(uids));
    if (!gids.empty()) write_file(base + "gid_map", format_id_map(gids));
}

std::vector<SubIdRange> parse_subid_ranges(const std::string& text, const std::string& user, std::uint32_t id) {
    std::vector<SubIdRange> out;
    for (const auto& line : sys::split(text, '\n')) {
        auto f = sys::split(line, ':');
        if (f.size() != 3 || (f[0] != user && sys::parse_uint(f[0]) != id) || f[0].empty()) continue;
        auto start = sys::parse_uint(f[1]);
        auto size = sys::parse_uint(f[2]);
        if (!start || !size || *size == 0 || *start + *size > (1ULL << 32)) continue;
        out.push_back({static_cast<std::uint32_t>(*start), static_cast<std::uint32_t>(*size)});
    }
    return out;
}

MapWriter plan_map_writer(const std::vector<spec::IdMapping>& maps, std::uint32_t own_id,
                          const std::vector<SubIdRange>& owned, const std::string& key, const std::string& file) {
    if (maps.size() == 1 && maps[0].size == 1 && maps[0].host_id == own_id) return MapWriter::direct;
    for (const auto& m : maps) {
        const std::uint64_t first = m.host_id, end = first + m.size;
        if ((m.size == 1 && first == own_id) || covered(first, end, owned)) continue;
        std::string msg = "linux." + key + ": host IDs " + range_text(first, m.size) +
                          " are not the caller's to map: id " + std::to_string(own_id);
        msg += owned.empty() ? " owns no range" : " owns ";
        for (size_t i = 0; i < owned.size(); ++i) {
            if (i) msg += ", ";
            msg += range_text(owned[i].start, owned[i].size);
        }
        msg += " in ";
        msg += file;
        msg += " (a rootless container maps only the caller's own id and its subordinate ranges)";
        throw sys::Error(msg);
    }
    return MapWriter::helper;
}

std::vector<std::string> map_helper_args(const std::string& helper, pid_t pid,
                                         const std::vector<spec::IdMapping>& maps) {
    std::vector<std::string> args{helper, std::to_string(pid)};
    for (const auto& m : maps) {
        args.push_back(std::to_string(m.container_id));
        args.push_back(std::to_string(m.host_id));
        args.push_back(std::to_string(m.size));
    }
    return args;
}

std::vector<SubIdRange> own_subid_ranges(const std::string& file, std::uint32_t id) {
    auto text = sys::read_file_if_exists(file);
    return text ? parse_subid_ranges(*text, user_name(id), id) : std::vector<SubIdRange>{};
}

void write_rootless_id_maps(pid_t pid, const std::vector<spec::IdMapping>& uids,
                            const std::vector<spec::IdMapping>& gids) {
    struct Map {
        const std::vector<spec::IdMapping>& maps;
        std::uint32_t own;
        const char *key, *file, *helper, *proc;
        MapWriter writer = MapWriter::direct;
    };
    Map both[] = {{uids, ::geteuid(), "uidMappings", "/etc/subuid", "newuidmap", "uid_map"},
                  {gids, ::getegid(), "gidMappings", "/etc/subgid", "newgidmap", "gid_map"}};
    // Both checked before either is written: no half-mapped namespace.
    for (auto& m : both) {
        if (m.maps.empty()) continue;
        const bool single_self = m.maps.size() == 1 && m.maps[0].size == 1 && m.maps[0].host_id == m.own;
        const auto owned = single_self ? std::vector<SubIdRange>{} : own_subid_ranges(m.file, m.own);
        m.writer = plan_map_writer(m.maps, m.own, owned, m.key, m.file);
    }
    const std::string base = "/proc/" + std::to_string(pid) + "/";
    for (auto& m : both) {
        if (m.maps.empty()) continue;
        if (m.writer == MapWriter::helper) {
            run_helper(map_helper_args(find_helper(m.helper), pid, m.maps));
            continue;
        }
        if (std::string(m.proc) == "gid_map") write_file(base + "setgroups", "deny");
        write_file(base + m.proc, format_id_map(m.maps));
    }
}

}  // namespace islet::runtime::host
