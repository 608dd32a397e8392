// islet's entry point: the only top-level catch. Every error is printed
// here, exactly once (RUNC-CONTRACT.md §1.3, §1.5).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "runtime/container/features.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"
#include "sys/strings.hpp"

namespace islet::cli {
namespace {

int configure_logging(const Globals& g) {
    if (g.log_format != "text" && g.log_format != "json") {
        log::configure(-1, log::Format::text, log::Level::info);
        log::report_error("invalid log-format: " + g.log_format);
        return 1;
    }
    int fd = -1;
    if (!g.log.empty() && g.log != "/dev/stderr") {
        fd = ::open(g.log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_SYNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            log::configure(-1, log::Format::text, log::Level::info);
            log::report_error(sys::describe_errno("open log file", g.log, errno));
            return 1;
        }
    }
    log::configure(fd, g.log_format == "json" ? log::Format::json : log::Format::text,
                   g.debug ? log::Level::debug : log::Level::info);
    return 0;
}

int check_root(const Globals& g) {
    if (!g.root.empty() && sys::clean_path(g.root) == "/") {
        log::report_error("Option --root argument should not be set to /");
        return 1;
    }
    return 0;
}

const Command* find_command(const std::string& name) {
    for (auto& c : all_commands())
        if (c.name == name) return &c;
    return nullptr;
}

// runc's answers to usage errors: the help on stdout; the error on stdout
// too, except a wrong argument count, which is logged (runc's fatal).
int usage_error(const std::string& help, const UsageError& e) {
    switch (e.why()) {
        case UsageError::Why::help: std::cout << help; return 0;
        case UsageError::Why::arguments:
            std::cout << "Incorrect Usage.\n\n" << help << std::flush;
            log::report_error(e.what());
            return 1;
        case UsageError::Why::flags: break;
    }
    std::cout << "Incorrect Usage: " << e.what() << "\n\n" << help << std::flush;
    return 1;
}

bool wants_version(const Split& split) {
    for (auto& t : split.global_tokens)
        if (t == "--version=true") return true;
    return false;
}

// `islet` and `islet help [topic]`: answered without running a command.
std::optional<int> answer_help(const Split& split) {
    if (split.command.empty()) {
        std::cout << app_help(all_commands());
        return 0;
    }
    if (split.command != "help" && split.command != "h") return std::nullopt;
    if (split.rest.empty()) {
        std::cout << app_help(all_commands());
        return 0;
    }
    if (const Command* c = find_command(split.rest.front())) {
        std::cout << command_help(*c);
        return 0;
    }
    log::report_error("No help topic for '" + split.rest.front() + "'");
    return 3;
}

int run_command(const Command& cmd, Invocation& inv) {
    try {
        return cmd.run(inv);
    } catch (const sys::Error& e) {
        log::report_error(cmd.failure_prefix + e.message());
        return cmd.failure_exit;
    } catch (const UsageError& e) {
        return usage_error(command_help(cmd), e);
    } catch (const std::exception& e) {
        log::report_error(cmd.failure_prefix + e.what());
        return cmd.failure_exit;
    }
}

int run_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Split split;
    Globals globals;
    try {
        split = split_command(args);
        globals = parse_globals(split.global_tokens);
    } catch (const UsageError& e) {
        return usage_error(app_help(all_commands()), e);
    }
    // The globals before the command configure logging at once, so errors
    // about the command itself land in the log; those the command's own
    // parse collects (globals may follow the command) apply again below.
    if (int rc = configure_logging(globals)) return rc;
    if (wants_version(split)) {
        std::cout << runtime::version_text();
        return 0;
    }
    if (int rc = check_root(globals)) return rc;
    if (auto rc = answer_help(split)) return *rc;
    const Command* cmd = find_command(split.command);
    if (!cmd) {
        log::report_error("No help topic for '" + split.command + "'");
        return 3;
    }
    Invocation inv;
    try {
        if (!cmd->no_parse) inv = parse(*cmd, split.global_tokens, split.rest);
    } catch (const UsageError& e) {
        return usage_error(command_help(*cmd), e);
    }
    if (cmd->no_parse) {
        inv.globals = globals;
        inv.args = split.rest;
    }
    if (int rc = configure_logging(inv.globals)) return rc;
    if (int rc = check_root(inv.globals)) return rc;
    if (!inv.globals.root.empty()) inv.globals.root = absolute_path(inv.globals.root);
    return run_command(*cmd, inv);
}

}  // namespace
}  // namespace islet::cli

int main(int argc, char** argv) { return islet::cli::run_main(argc, argv); }
