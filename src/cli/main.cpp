// islet's entry point: the only top-level catch. Every error is printed
// here, exactly once (RUNC-CONTRACT.md §1.3, §1.5).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

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

const Command* find_command(const std::string& name) {
    for (auto& c : all_commands())
        if (c.name == name) return &c;
    return nullptr;
}

int usage_error(const Command& cmd, const UsageError& e) {
    std::string msg = e.what();
    if (msg == "help requested") {
        std::cout << command_help(cmd);
        return 0;
    }
    if (sys::starts_with(msg, "islet: \"")) {
        // A wrong argument count: runc logs the error and shows the help.
        std::cout << "Incorrect Usage.\n\n" << command_help(cmd) << std::flush;
        log::report_error(msg);
        return 1;
    }
    std::cout << "Incorrect Usage: " << msg << "\n\n" << command_help(cmd) << std::flush;
    return 1;
}

int run_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Split split;
    Globals globals;
    try {
        split = split_command(args);
        globals = parse_globals(split.global_tokens);
    } catch (const UsageError& e) {
        std::string msg = e.what();
        if (msg == "help requested") {
            std::cout << app_help(all_commands());
            return 0;
        }
        std::cout << "Incorrect Usage: " << msg << "\n\n" << app_help(all_commands()) << std::flush;
        return 1;
    }
    if (int rc = configure_logging(globals)) return rc;
    for (auto& t : split.global_tokens)
        if (t == "--version=true") {
            std::cout << runtime::version_text();
            return 0;
        }
    if (!globals.root.empty() && sys::clean_path(globals.root) == "/") {
        log::report_error("Option --root argument should not be set to /");
        return 1;
    }
    if (split.command.empty()) {
        std::cout << app_help(all_commands());
        return 0;
    }
    if (split.command == "help" || split.command == "h") {
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
    const Command* cmd = find_command(split.command);
    if (!cmd) {
        log::report_error("No help topic for '" + split.command + "'");
        return 3;
    }
    Invocation inv;
    try {
        if (!cmd->no_parse) inv = parse(*cmd, split.global_tokens, split.rest);
    } catch (const UsageError& e) {
        return usage_error(*cmd, e);
    }
    if (cmd->no_parse) {
        inv.globals = globals;
        inv.args = split.rest;
    }
    if (int rc = configure_logging(inv.globals)) return rc;
    if (!inv.globals.root.empty()) {
        if (sys::clean_path(inv.globals.root) == "/") {
            log::report_error("Option --root argument should not be set to /");
            return 1;
        }
        inv.globals.root = absolute_path(inv.globals.root);
    }
    try {
        return cmd->run(inv);
    } catch (const sys::Error& e) {
        log::report_error(cmd->failure_prefix + e.message());
        return cmd->failure_exit;
    } catch (const UsageError& e) {
        return usage_error(*cmd, e);
    } catch (const std::exception& e) {
        log::report_error(cmd->failure_prefix + e.what());
        return cmd->failure_exit;
    }
}

}  // namespace
}  // namespace islet::cli

int main(int argc, char** argv) { return islet::cli::run_main(argc, argv); }
