#include "sys/signals.hpp"

#include <csignal>
#include <utility>

#include "sys/strings.hpp"

namespace islet::sys {
namespace {

constexpr std::pair<const char*, int> kSignals[] = {
    {"ABRT", SIGABRT},     {"ALRM", SIGALRM},   {"BUS", SIGBUS},   {"CHLD", SIGCHLD}, {"CLD", SIGCHLD},
    {"CONT", SIGCONT},     {"FPE", SIGFPE},     {"HUP", SIGHUP},   {"ILL", SIGILL},   {"INT", SIGINT},
    {"IO", SIGIO},         {"IOT", SIGIOT},     {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},
    {"PROF", SIGPROF},     {"PWR", SIGPWR},     {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP},     {"SYS", SIGSYS},     {"TERM", SIGTERM}, {"TRAP", SIGTRAP}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},   {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
    {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

// The kernel's real-time range; glibc reserves the first two, but runc (Go)
// names them from the kernel's SIGRTMIN = 32.
constexpr int kRtMin = 32;
constexpr int kRtMax = 64;

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

}  // namespace

std::optional<int> parse_signal(std::string_view s) {
    if (auto n = parse_int(s)) {
        // 0 probes existence, as kill(2) (runc passes it through).
        if (*n < 0 || *n > kRtMax) return std::nullopt;
        return static_cast<int>(*n);
    }
    std::string name = upper(s);
    if (starts_with(name, "SIG")) name = name.substr(3);
    for (auto& [n, v] : kSignals)
        if (name == n) return v;
    auto rt = [&](std::string_view base, int origin, int dir) -> std::optional<int> {
        if (!starts_with(name, base)) return std::nullopt;
        std::string_view rest = std::string_view(name).substr(base.size());
        if (rest.empty()) return origin;
        if (rest.front() != (dir > 0 ? '+' : '-')) return std::nullopt;
        auto off = parse_uint(rest.substr(1));
        if (!off) return std::nullopt;
        int v = origin + dir * static_cast<int>(*off);
        if (v < kRtMin || v > kRtMax) return std::nullopt;
        return v;
    };
    if (auto v = rt("RTMIN", kRtMin, +1)) return v;
    if (auto v = rt("RTMAX", kRtMax, -1)) return v;
    return std::nullopt;
}

std::string signal_name(int sig) {
    for (auto& [n, v] : kSignals)
        if (v == sig && std::string_view(n) != "CLD" && std::string_view(n) != "IOT" && std::string_view(n) != "POLL")
            return std::string("SIG") + n;
    if (sig >= kRtMin && sig <= kRtMax) return "SIGRTMIN+" + std::to_string(sig - kRtMin);
    return "signal " + std::to_string(sig);
}

}  // namespace islet::sys
