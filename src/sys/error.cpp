#include "sys/error.hpp"

#include <cstring>

namespace islet::sys {

std::string describe_errno(const std::string& op, const std::string& path, int err) {
    std::string s = op;
    if (!path.empty()) s += " " + path;
    s += ": ";
    s += std::strerror(err);
    return s;
}

void throw_errno(const std::string& op, const std::string& path) { throw_errno_code(errno, op, path); }

void throw_errno_code(int err, const std::string& op, const std::string& path) {
    throw Error(describe_errno(op, path, err), err);
}

}  // namespace islet::sys
