// runc's command-line grammar on top of Boost.Program_options. No syscalls.
//
// runc uses urfave/cli v1 over Go's flag package (RUNC-CONTRACT.md §1.1):
// one or two dashes (`-root`, `--root`), `--flag value` and `--flag=value`,
// short aliases (`-b`), booleans take a value only with `=` (`--detach=false`;
// `--detach false` makes `false` an argument), no bundling (`-dt` is
// unknown), `--` ends options, repeatable flags add one value per occurrence
// with no comma splitting, and exec/ps stop parsing at the container id.
// normalize() turns that grammar into tokens Boost parses exactly
// ("--name=value"), and Boost does the typing and storage.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace islet::cli {

namespace po = boost::program_options;

enum class Kind { boolean, string, strings, integer };

struct Flag {
    std::string name;
    char short_name = 0;
    Kind kind = Kind::boolean;
    std::string help;
    std::string value_name;     // for help: "value"
    std::string default_value;  // for string/integer
    bool hidden = false;
};

// A usage error. runc's answer depends on why: -h/--help prints the help and
// exits 0; a wrong argument count logs the error and shows the help; any other
// prints "Incorrect Usage: <msg>" and the help on stdout. Both exit 1.
class UsageError : public std::runtime_error {
public:
    enum class Why { help, arguments, flags };
    explicit UsageError(const std::string& message, Why why = Why::flags) : std::runtime_error(message), why_(why) {}
    Why why() const { return why_; }

private:
    Why why_;
};

struct Globals {
    std::string root;  // absolute, or empty for the default
    std::string log;
    std::string log_format = "text";
    bool debug = false;
    bool systemd_cgroup = false;
    // crun's --cgroup-manager: "disabled" (podman --cgroups=disabled, for
    // runtimes in runtime_supports_nocgroup) leaves the container in the
    // caller's cgroups; "systemd" is --systemd-cgroup.
    bool no_cgroups = false;
    std::string rootless = "auto";
    bool rootless_effective() const;
};

struct Invocation {
    Globals globals;
    po::variables_map vm;
    std::vector<std::string> args;  // positional arguments

    bool flag(const std::string& name) const;
    std::string str(const std::string& name) const;
    int integer(const std::string& name) const;
    std::vector<std::string> strings(const std::string& name) const;
    bool given(const std::string& name) const { return vm.count(name) && !vm[name].defaulted(); }
    // The state root: --root, else the default rule.
    std::string root() const;
};

struct Command {
    std::string name;
    std::string summary;    // one line, for the command list
    std::string arguments;  // "<container-id>"
    std::string description;
    std::vector<Flag> flags;
    int min_args = 0;
    int max_args = 0;                // -1: unlimited
    bool stop_at_first_arg = false;  // exec and ps
    std::string failure_prefix;      // "islet create failed: ", "exec failed: "
    int failure_exit = 1;
    // Run without parsing anything (checkpoint/restore: even `--help` must
    // fail while they are unsupported).
    bool no_parse = false;
    std::function<int(Invocation&)> run;
};

const std::vector<Flag>& global_flags();

// Splits argv (after the program name) into globals, the command name and
// the command's tokens. Throws UsageError for unknown global flags.
struct Split {
    std::vector<std::string> global_tokens;
    std::string command;  // empty: none given
    std::vector<std::string> rest;
};
Split split_command(const std::vector<std::string>& argv);

// Normalizes tokens for `flags` (plus the global flags, accepted after the
// command too) and parses them. Throws UsageError with runc's wording.
Invocation parse(const Command& cmd, const std::vector<std::string>& global_tokens,
                 const std::vector<std::string>& tokens);
Globals parse_globals(const std::vector<std::string>& tokens);

// Help texts in runc's layout.
std::string command_help(const Command& cmd);
std::string app_help(const std::vector<Command>& commands);

// Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
bool parse_go_bool(const std::string& s, bool& out);

}  // namespace islet::cli
