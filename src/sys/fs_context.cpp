#include "sys/fs_context.hpp"

#include <linux/mount.h>

#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::sys {

FsContext::FsContext(const std::string& type, std::string what) : fd_(fsopen(type)), what_(std::move(what)) {}

void FsContext::check(int result, const std::string& step) {
    if (result == 0) return;
    const std::string log = fs_context_log(fd_.get());
    throw Error(what_ + ": " + describe_errno(step, "", -result) + (log.empty() ? "" : " (" + log + ")"), -result);
}

void FsContext::set_string(const std::string& key, const std::string& value) {
    check(fsconfig_raw(fd_.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0),
          key == "source" ? "set source" : "option " + key + "=" + value);
}

void FsContext::set_flag(const std::string& key) {
    check(fsconfig_raw(fd_.get(), FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0), "option " + key);
}

void FsContext::set_fd(const std::string& key, int fd, const std::string& step) {
    check(fsconfig_raw(fd_.get(), FSCONFIG_SET_FD, key.c_str(), nullptr, fd), step);
}

void FsContext::set_option(const std::string& option) {
    const auto eq = option.find('=');
    if (eq == std::string::npos)
        set_flag(option);
    else
        set_string(option.substr(0, eq), option.substr(eq + 1));
}

void FsContext::create(const std::string& step) {
    check(fsconfig_raw(fd_.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0), step);
}

UniqueFd FsContext::mount(unsigned attr_flags) { return fsmount(fd_.get(), attr_flags, what_); }

}  // namespace islet::sys
