// Signal names and numbers, as runc's `kill` accepts them. Pure code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace islet::sys {

// "9", "KILL", "SIGKILL", "kill", "sigrtmin+3" -> number; nullopt when unknown.
// Numbers must be in 0..64 (0 probes existence; negatives fail: `kill ID -9`).
std::optional<int> parse_signal(std::string_view s);

// 9 -> "SIGKILL"; unknown -> "signal N".
std::string signal_name(int sig);

}  // namespace islet::sys
