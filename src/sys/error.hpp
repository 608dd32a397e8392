// Errors. Runs on both sides (host and init).
//
// A sys::Error is raised in the syscall wrapper that failed and carries errno,
// the operation and the path. Drivers add the name of the step that failed
// (Error::add_context), and the error is printed exactly once, at the top
// (cli/main).
//
// The one exception: a runtime process that cannot get back into its own
// namespaces after entering a container's (ns::HostJoins, the time namespace
// dance, exec's pid namespace) reports with log::report_error and _exits on
// the spot, since nothing it would do next is safe where it is.
#pragma once

#include <cerrno>
#include <exception>
#include <string>

namespace islet::sys {

// A failure with a message meant for the user. `context` grows outwards as the
// error travels up through the drivers: "create: mounts: mount /proc: ...".
class Error : public std::exception {
public:
    explicit Error(std::string message, int err = 0) : message_(std::move(message)), errno_(err) {}

    const char* what() const noexcept override { return message_.c_str(); }
    const std::string& message() const noexcept { return message_; }
    // errno of the underlying failure, or 0.
    int code() const noexcept { return errno_; }

    // Prefix the message with the step that failed ("mounts: " + message).
    void add_context(const std::string& step) { message_ = step + ": " + message_; }

private:
    std::string message_;
    int errno_;
};

// Formats "op path: strerror(err)" (path omitted when empty).
std::string describe_errno(const std::string& op, const std::string& path, int err);

// Throws Error(describe_errno(op, path, errno)).
[[noreturn]] void throw_errno(const std::string& op, const std::string& path = {});
[[noreturn]] void throw_errno_code(int err, const std::string& op, const std::string& path = {});

// Returns ret, or throws with errno when ret < 0.
template <typename T>
inline T check(T ret, const char* op, const std::string& path = {}) {
    if (ret < 0) throw_errno(op, path);
    return ret;
}

// Runs f, adding `step` to any Error it throws.
template <typename F>
inline auto with_context(const std::string& step, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (Error& e) {
        e.add_context(step);
        throw;
    }
}

}  // namespace islet::sys
