#include "sys/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "sys/retry.hpp"

namespace islet::log {
namespace {

struct Sink {
    int fd = -1;  // -1: stderr
    Format format = Format::text;
    Level threshold = Level::info;
    bool dropped = false;  // close_sink: nothing is written any more
};
Sink g_sink;

const char* level_name(Level l) {
    switch (l) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warning: return "warning";
        case Level::error: return "error";
    }
    return "error";
}

void emit(int fd, const std::string& line) {
    std::string_view rest = line;
    while (!rest.empty()) {
        const ssize_t n = sys::retry_eintr([&] { return ::write(fd, rest.data(), rest.size()); });
        if (n < 0) return;  // nowhere left to report a logging failure
        rest.remove_prefix(static_cast<size_t>(n));
    }
}

std::string logfmt_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    out += '"';
    return out;
}

std::string format_line(Level level, std::string_view msg) {
    const std::string time = rfc3339_now_seconds();
    if (g_sink.format == Format::json) {
        // Keys sorted, as runc (logrus) writes them.
        return std::string("{\"level\":\"") + level_name(level) + "\",\"msg\":\"" + json_escape(msg) +
               "\",\"time\":\"" + time + "\"}\n";
    }
    return "time=\"" + time + "\" level=" + level_name(level) + " msg=" + logfmt_quote(msg) + "\n";
}

}  // namespace

void configure(int fd, Format format, Level threshold) {
    g_sink.fd = fd;
    g_sink.format = format;
    g_sink.threshold = threshold;
}

bool enabled(Level level) { return level >= g_sink.threshold; }

int sink_fd() { return g_sink.fd; }

void close_sink() {
    if (g_sink.fd >= 0) ::close(g_sink.fd);
    g_sink.fd = -1;
    g_sink.dropped = true;
}

void write(Level level, std::string_view msg) {
    if (g_sink.dropped || !enabled(level)) return;
    emit(g_sink.fd < 0 ? STDERR_FILENO : g_sink.fd, format_line(level, msg));
}

void report_error(std::string_view msg) {
    if (g_sink.fd < 0) {
        // Without --log, runc writes the formatted line (text or JSON) to
        // stderr and nothing else.
        emit(STDERR_FILENO, format_line(Level::error, msg));
        return;
    }
    emit(g_sink.fd, format_line(Level::error, msg));
    emit(STDERR_FILENO, std::string(msg) + "\n");
}

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

std::string rfc3339_now_seconds() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    long off = tm.tm_gmtoff;
    if (off == 0) return out + "Z";
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, off / 3600, (off % 3600) / 60);
    return out + buf;
}

}  // namespace islet::log
