#include <fcntl.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "spec/documents.hpp"
#include "sys/error.hpp"
#include "sys/syscalls.hpp"

namespace islet::cli {

Command spec_command() {
    Command c;
    c.name = "spec";
    c.summary = "create a new specification file";
    c.arguments = "";
    c.flags = {
        {"bundle", 'b', Kind::string, "path to the root of the bundle directory", "value"},
        {"rootless", 0, Kind::boolean, "generate a configuration for a rootless container"},
        {"isolated-userns", 0, Kind::boolean,
         "give the container private user and group IDs (annotation run.islet.isolated-userns=true)"},
    };
    c.min_args = c.max_args = 0;
    c.run = [](Invocation& inv) {
        spec::SpecOptions o;
        o.rootless = inv.flag("rootless");
        o.isolated_userns = inv.flag("isolated-userns");
        o.uid = ::geteuid();
        o.gid = ::getegid();
        std::string dir = inv.str("bundle").empty() ? "." : inv.str("bundle");
        if (::access(dir.c_str(), F_OK) != 0) sys::throw_errno("chdir", dir);
        std::string path = dir + "/config.json";
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST) throw sys::Error("File config.json exists. Remove it first");
            sys::throw_errno("create", path);
        }
        sys::UniqueFd f(fd);
        sys::write_all(f.get(), spec::default_config(o), path);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
