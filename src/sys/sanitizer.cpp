#include "sys/sanitizer.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#define ISLET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ISLET_ASAN 1
#endif
#endif

#ifdef ISLET_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace islet::sys::sanitizer {
namespace {

std::vector<int> g_report_fds;

#ifdef ISLET_ASAN
void* as_handle(int fd) { return reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)); }

// GCC links UBSAN as a runtime of its own (libubsan) with its own report
// file; clang's ASAN runtime includes UBSAN's. Its __sanitizer_set_report_fd,
// or null.
using SetReportFd = void (*)(void*);
SetReportFd ubsan_set_report_fd() {
    void* ubsan = ::dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (!ubsan) return nullptr;
    auto set = reinterpret_cast<SetReportFd>(::dlsym(ubsan, "__sanitizer_set_report_fd"));
    ::dlclose(ubsan);  // still loaded: the binary links it
    return set;
}

// Makes the files this process's report files (the runtimes remember the
// pid that set them, and reopen by path in any other).
void adopt(const std::vector<int>& fds) {
    __sanitizer_set_report_fd(as_handle(fds[0]));
    if (fds.size() > 1)
        if (SetReportFd set = ubsan_set_report_fd()) set(as_handle(fds[1]));
}
#endif

}  // namespace

std::string log_path_option(std::string_view options) {
    // The runtimes split options on ':', ',' and whitespace.
    constexpr std::string_view kSeparators = ": ,\t\n";
    constexpr std::string_view kKey = "log_path=";
    std::string value;
    size_t pos = 0;
    while (pos < options.size()) {
        size_t end = options.find_first_of(kSeparators, pos);
        if (end == std::string_view::npos) end = options.size();
        std::string_view item = options.substr(pos, end - pos);
        if (item.substr(0, kKey.size()) == kKey) value = item.substr(kKey.size());  // the last one wins
        pos = end + 1;
    }
    return value;
}

void open_child_report() {
#ifdef ISLET_ASAN
    if (!g_report_fds.empty()) return adopt(g_report_fds);
    std::string prefix;
    for (const char* var : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
        const char* options = std::getenv(var);
        if (prefix.empty() && options) prefix = log_path_option(options);
    }
    if (prefix.empty() || prefix == "stderr" || prefix == "stdout") return;
    std::string path = prefix + ".child.XXXXXX";
    const int fd = ::mkostemp(path.data(), O_CLOEXEC | O_APPEND);
    if (fd < 0) return;  // the runtimes keep their own (lazy) report file
    g_report_fds.push_back(fd);
    // GCC's UBSAN gets a descriptor of its own: on its first report it
    // initializes itself, which resets ASAN's report file (closing its
    // descriptor) to UBSAN's log_path, a path the child may not reach.
    if (ubsan_set_report_fd()) {
        const int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (dup >= 0) g_report_fds.push_back(dup);
    }
    adopt(g_report_fds);
#endif
}

const std::vector<int>& child_report_fds() { return g_report_fds; }

}  // namespace islet::sys::sanitizer
