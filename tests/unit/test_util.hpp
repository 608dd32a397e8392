// Helpers shared by the unit tests (no root needed).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

#include "spec/problem.hpp"
#include "sys/error.hpp"

namespace islet::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/islet-unit-XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

private:
    std::string path_;
};

// The message of the sys::Error that f throws; fails the test when f returns
// normally or throws something else.
inline std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const sys::Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected sys::Error, got another exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected sys::Error, nothing was thrown";
    return {};
}

// The errno carried by the sys::Error that f throws (0 when none).
inline int errno_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const sys::Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "expected sys::Error, nothing was thrown";
    return 0;
}

// Every problem's text, one per line.
inline std::string problems_text(const std::vector<spec::Problem>& problems) {
    std::string all;
    for (auto& p : problems) all += p.text() + "\n";
    return all;
}

inline std::pair<dev_t, ino_t> id_of(int fd) {
    struct stat st {};
    EXPECT_EQ(::fstat(fd, &st), 0);
    return {st.st_dev, st.st_ino};
}

inline std::pair<dev_t, ino_t> id_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return {st.st_dev, st.st_ino};
}

}  // namespace islet::test
