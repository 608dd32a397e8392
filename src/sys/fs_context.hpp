// A new filesystem instance through the new mount API: fsopen, fsconfig,
// fsmount. Runs on both sides.
//
// Every failure throws sys::Error "<what>: <step>: <strerror> (<the kernel's
// log>)": the fs_context log is where the kernel says which option it did
// not like ("tmpfs: Bad value for 'mode'").
#pragma once

#include <string>

#include "sys/fd.hpp"

namespace islet::sys {

class FsContext {
public:
    // fsopen(type); `what` names the mount in every error.
    FsContext(const std::string& type, std::string what);

    void set_string(const std::string& key, const std::string& value);
    void set_flag(const std::string& key);
    void set_fd(const std::string& key, int fd, const std::string& step);
    // "key=value" as a string, "flag" as a flag (mount options' data part).
    void set_option(const std::string& option);
    // FSCONFIG_CMD_CREATE; `step` names it in the error ("create the filesystem").
    void create(const std::string& step = "create the filesystem");
    // fsmount of the created instance: a detached mount with these
    // MOUNT_ATTR_* flags.
    UniqueFd mount(unsigned attr_flags);

private:
    void check(int result, const std::string& step);

    UniqueFd fd_;
    std::string what_;
};

}  // namespace islet::sys
