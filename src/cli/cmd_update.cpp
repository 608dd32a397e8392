// `update`: change a running container's resources (RUNC-CONTRACT.md §2.9).
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "runtime/cgroups/resources.hpp"
#include "runtime/container/resource_ops.hpp"
#include "spec/parse.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/syscalls.hpp"

namespace islet::cli {
namespace {

// runc's update flags that take a value, in runc's help order.
const std::vector<std::pair<const char*, const char*>>& value_flags() {
    static const std::vector<std::pair<const char*, const char*>> kFlags = {
        {"blkio-weight", "Specifies per cgroup weight, range is from 10 to 1000"},
        {"cpu-period", "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"},
        {"cpu-quota", "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
        {"cpu-burst",
         "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally for burst a given period"},
        {"cpu-share", "CPU shares (relative weight vs. other containers)"},
        {"cpu-rt-period", "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"},
        {"cpu-rt-runtime", "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"},
        {"cpuset-cpus", "CPU(s) to use"},
        {"cpuset-mems", "Memory node(s) to use"},
        {"cpu-idle", "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE"},
        {"kernel-memory", "(obsoleted; do not use)"},
        {"kernel-memory-tcp", "(obsoleted; do not use)"},
        {"memory", "Memory limit (in bytes)"},
        {"memory-reservation", "Memory reservation or soft_limit (in bytes)"},
        {"memory-swap", "Total memory usage (memory + swap); set '-1' to enable unlimited swap"},
        {"pids-limit", "Maximum number of pids allowed in the container"},
        {"l3-cache-schema", "The string of Intel RDT/CAT L3 cache schema"},
        {"mem-bw-schema", "The string of Intel RDT/MBA memory bandwidth schema"},
    };
    return kFlags;
}

}  // namespace

Command update_command() {
    Command c;
    c.name = "update";
    c.summary = "update container resource constraints";
    c.arguments = "<container-id>";
    c.description =
        "The accepted format of --resources is a runtime-spec LinuxResources JSON document\n"
        "(\"-\" reads it from stdin); when given, the other options are ignored.";
    c.flags = {{"resources", 'r', Kind::string,
                "path to the file containing the resources to update or '-' to read from the standard input", "value"}};
    for (auto& [name, help] : value_flags()) c.flags.push_back({name, 0, Kind::string, help, "value"});
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        spec::Resources patch;
        if (inv.given("resources")) {
            const std::string in = inv.str("resources");
            std::string text;
            if (in == "-") {
                text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
            } else {
                text = sys::read_file(in);
            }
            patch = spec::parse_resources(text, in == "-" ? "resources (stdin)" : in);
        } else {
            std::map<std::string, std::string> flags;
            for (auto& [name, help] : value_flags())
                if (inv.given(name)) flags[name] = inv.str(name);
            std::vector<std::string> warnings;
            patch = runtime::cgroups::update_patch(flags, warnings);
            for (auto& w : warnings) log::warning(w);
        }
        runtime::update_container(inv.root(), inv.args[0], patch);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
