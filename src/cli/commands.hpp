// The command table. Each command lives in its own cmd_*.cpp. No syscalls
// here: commands call into runtime/.
#pragma once

#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "runtime/container/create.hpp"

namespace islet::cli {

Command create_command();
Command start_command();
Command run_command();
Command state_command();
Command list_command();
Command kill_command();
Command delete_command();
Command spec_command();
Command features_command();
Command pause_command();
Command resume_command();
Command events_command();
Command ps_command();
Command update_command();
Command checkpoint_command();
Command exec_command();
Command restore_command();
Command blocks_command();

// Rows aligned like Go's tabwriter (minwidth 12, padding 1), as runc's list.
void print_table(const std::vector<std::vector<std::string>>& rows);

// In runc's order (help lists them so).
const std::vector<Command>& all_commands();

// create's flags and options, shared with run.
std::vector<Flag> create_flags();
runtime::CreateOptions create_options(const Invocation& inv);

// Shared by create and run: the bundle made absolute (default: the cwd) and
// a --pid-file made absolute against the caller's cwd.
std::string absolute_bundle(const std::string& given);
std::string absolute_path(const std::string& given);

}  // namespace islet::cli
