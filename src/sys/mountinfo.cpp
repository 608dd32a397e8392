#include "sys/mountinfo.hpp"

#include "sys/strings.hpp"
#include "sys/syscalls.hpp"

namespace islet::sys {
namespace {

bool octal(char c) { return c >= '0' && c <= '7'; }

// The fields before the " - " separator: id parent major:minor root
// mount-point options, then optional fields ("shared:1").
constexpr std::size_t kFixedFields = 6;

std::optional<MountInfo> parse_line(std::string_view line) {
    const auto f = split(line, ' ');
    std::size_t dash = kFixedFields;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 3 > f.size()) return std::nullopt;  // no separator, or fewer than 3 fields after it
    const auto id = parse_uint(f[0]), parent = parse_uint(f[1]);
    if (!id || !parent) return std::nullopt;
    MountInfo m;
    m.id = *id;
    m.parent = *parent;
    m.root = unescape_mountinfo(f[3]);
    m.mount_point = unescape_mountinfo(f[4]);
    m.options = f[5];
    m.fstype = f[dash + 1];
    m.source = unescape_mountinfo(f[dash + 2]);
    m.super_options = dash + 3 < f.size() ? f[dash + 3] : "";
    return m;
}

}  // namespace

std::optional<char> octal_escape_at(std::string_view s, std::size_t i) {
    if (i + 3 >= s.size()) return std::nullopt;
    if (s[i] != '\\' || !octal(s[i + 1]) || !octal(s[i + 2]) || !octal(s[i + 3])) return std::nullopt;
    return static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
}

std::string unescape_mountinfo(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (auto c = octal_escape_at(s, i)) {
            out += *c;
            i += 3;
            continue;
        }
        out += s[i];
    }
    return out;
}

std::vector<MountInfo> parse_mountinfo(std::string_view text) {
    std::vector<MountInfo> out;
    for (auto& line : split(text, '\n'))
        if (auto m = parse_line(line)) out.push_back(std::move(*m));
    return out;
}

std::vector<MountInfo> read_mountinfo() { return parse_mountinfo(read_file("/proc/self/mountinfo")); }

}  // namespace islet::sys
