#include "sys/proc.hpp"

#include <sys/stat.h>

#include "sys/dir.hpp"
#include "sys/error.hpp"
#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::sys {

std::vector<pid_t> pids_in_pid_namespace(pid_t pid) {
    const std::string own = "/proc/" + std::to_string(pid) + "/ns/pid";
    struct stat want {};
    if (::stat(own.c_str(), &want) < 0) throw_errno("stat", own);
    std::vector<pid_t> out;
    for (const auto& e : try_list_dir("/proc").value_or(std::vector<DirEntry>{})) {
        auto n = parse_uint(e.name);
        struct stat st {};
        if (!n || ::stat(("/proc/" + e.name + "/ns/pid").c_str(), &st) < 0) continue;
        if (st.st_ino == want.st_ino && st.st_dev == want.st_dev) out.push_back(static_cast<pid_t>(*n));
    }
    return out;
}

std::optional<ProcStat> parse_proc_stat(const std::string& text) {
    auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    // After ") ": field 3 (state) is index 0, field 4 (ppid) index 1,
    // field 22 (starttime) index 19.
    auto fields = split(trim(std::string_view(text).substr(close + 1)), ' ');
    if (fields.size() < 20 || fields[0].size() != 1) return std::nullopt;
    auto ppid = parse_int(fields[1]);
    auto start = parse_uint(fields[19]);
    if (!ppid || !start) return std::nullopt;
    ProcStat st;
    st.state = fields[0][0];
    st.ppid = static_cast<pid_t>(*ppid);
    st.start_time = *start;
    return st;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
    if (pid <= 0) return std::nullopt;
    auto text = read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    if (!text) return std::nullopt;
    return parse_proc_stat(*text);
}

bool process_alive(pid_t pid, std::uint64_t start_time) {
    auto st = read_proc_stat(pid);
    if (!st) return false;
    if (st->state == 'Z' || st->state == 'X') return false;
    return st->start_time == start_time;
}

bool in_user_namespace() {
    // The initial user namespace maps all of 0..4294967295 onto itself.
    auto map = read_file_if_exists("/proc/self/uid_map");
    if (!map) return false;
    std::vector<std::string> nums;
    for (auto& f : split(std::string(trim(*map)), ' '))
        if (!f.empty()) nums.push_back(f);
    return !(nums.size() == 3 && nums[0] == "0" && nums[1] == "0" && nums[2] == "4294967295");
}

}  // namespace islet::sys
