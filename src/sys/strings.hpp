// Small string helpers shared by every layer. Pure code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace islet::sys {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

// Strict decimal parsers: the whole string must be a number in range.
std::optional<std::int64_t> parse_int(std::string_view s);
std::optional<std::uint64_t> parse_uint(std::string_view s);

// Lexically cleans an absolute-or-relative path: collapses "//", ".", and
// resolves ".." without going above the start (Go's filepath.Clean on "/"+p).
std::string clean_path(std::string_view p);

// The fields of the first line of a passwd(5) or group(5) text whose third
// field (the numeric ID) is `id`; nullopt if none. Plain parsing, no NSS:
// islet is linked statically and reads these files itself, as runc does.
std::optional<std::vector<std::string>> id_file_entry(std::string_view text, std::uint64_t id);

// True when s contains a NUL byte (such strings never cross to the kernel).
inline bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

}  // namespace islet::sys
