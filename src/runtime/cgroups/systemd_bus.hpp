// A D-Bus connection to a systemd instance, through sd-bus (libsystemd0,
// loaded with dlopen on first use). Host side; used only by systemd.cpp.
//
// libsystemd links liblzma, libzstd, liblz4, libgcrypt, libgpg-error and
// libcap: loading them in every islet process (an engine runs islet 3-4 times
// per container) would cost start-up time that only --systemd-cgroup needs,
// so the symbols are looked up at run time (docs/ARCHITECTURE.md
// "Performance").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/cgroups/systemd.hpp"

namespace islet::runtime::cgroups::systemd {

class Bus {
public:
    // The system instance (system bus, else /run/systemd/private for root)
    // or the user's (user bus from $XDG_RUNTIME_DIR, else its private
    // socket). Throws sys::Error: runc's "systemd not running on this host,
    // cannot use systemd cgroups manager" without systemd, or why the
    // connection failed.
    static Bus connect(bool user_instance);
    Bus(Bus&&) noexcept;
    Bus& operator=(Bus&&) noexcept;
    ~Bus();

    // A property of org.freedesktop.systemd1.Manager as text ("Version",
    // "ControlGroup").
    std::string manager_string(const std::string& name);

    // StartTransientUnit(name, "replace", props) and waits (30 s) for its job.
    // A unit of that name that exists is reset (a failed leftover) and the
    // start retried once, as runc. Throws when the job is not "done".
    void start_transient(const std::string& unit, const std::vector<Property>& props);

    // SetUnitProperties(name, runtime=true, props).
    void set_properties(const std::string& unit, const std::vector<Property>& props);

    // StopUnit(name, "replace") and waits for its job; a unit already gone
    // is fine. Then ResetFailedUnit, so a failed unit does not linger.
    void stop(const std::string& unit);

private:
    struct Impl;
    explicit Bus(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// "252.39-1~deb12u2", "v245.4-1.fc32" -> 252, 245; -1 when unreadable (pure).
int parse_version(const std::string& text);

}  // namespace islet::runtime::cgroups::systemd
