#include "sys/error.hpp"

#include <cstring>

namespace islet::sys {

std::string describe_errno(const std::string& op, const std::string& path, int err) {
    std::string s = op;
    if (!path.empty()) s += " " + path;
    s += ": ";
    // Go's errno strings, which runc prints and clients match
    // ("no such file or directory"), are strerror's with a lowercase start.
    std::string text = std::strerror(err);
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    s += text;
    return s;
}

void throw_errno(const std::string& op, const std::string& path) { throw_errno_code(errno, op, path); }

void throw_errno_code(int err, const std::string& op, const std::string& path) {
    throw Error(describe_errno(op, path, err), err);
}

}  // namespace islet::sys
