// Logging in runc's formats (RUNC-CONTRACT.md §1.3). Runs on both sides: the
// init inherits the runtime's configuration and log descriptor at clone time,
// so its lines land in the same log with their own level.
//
// Clients parse this output: containerd takes the last `"level":"error"` line
// of the JSON log, podman decodes the whole log as one JSON object. So on
// failure exactly one error line is written, and nothing below warning is
// written unless --debug.
#pragma once

#include <string>
#include <string_view>

namespace islet::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3 };
enum class Format { text, json };

// Configures the sink. fd < 0 means stderr. The fd is borrowed for the process
// lifetime (the CLI opens --log once and never closes it).
void configure(int fd, Format format, Level threshold);
bool enabled(Level level);
// The log's descriptor (--log), or -1 for stderr: the init and exec's
// joining process keep it open through their fd sweep, so their lines land
// in the same log (it is close-on-exec, gone at the container's execve).
int sink_fd();

// Closes the log's descriptor and drops every later line (not even stderr,
// which may be the container's by then): the init and exec's processes call
// it before a container process can see them, since the log is a host file
// (issue 10). Their errors still reach the runtime over the sync socket.
void close_sink();

void write(Level level, std::string_view msg);
inline void debug(std::string_view msg) { write(Level::debug, msg); }
inline void info(std::string_view msg) { write(Level::info, msg); }
inline void warning(std::string_view msg) { write(Level::warning, msg); }

// The one report of a failed command: an error line in the log and, when the
// log is not stderr, the bare message on stderr too.
void report_error(std::string_view msg);

// Escapes s as the body of a JSON string (without the quotes).
std::string json_escape(std::string_view s);
// RFC 3339 with second precision and the local offset ("Z" in UTC).
std::string rfc3339_now_seconds();

}  // namespace islet::log
