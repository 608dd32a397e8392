#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <iostream>

#include "sys/error.hpp"
#include "sys/strings.hpp"

namespace islet::cli {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> kCommands = {
        checkpoint_command(), create_command(),   delete_command(), events_command(), exec_command(),
        kill_command(),       list_command(),     pause_command(),  ps_command(),     restore_command(),
        resume_command(),     run_command(),      spec_command(),   start_command(),  state_command(),
        update_command(),     features_command(), blocks_command(),
    };
    return kCommands;
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(std::max<size_t>(12, width[i] + 1) - r[i].size(), ' ');
        }
        std::cout << line << "\n";
    }
}

std::string absolute_path(const std::string& given) {
    if (!given.empty() && given.front() == '/') return sys::clean_path(given);
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) sys::throw_errno("getcwd");
    return sys::clean_path(std::string(cwd) + "/" + given);
}

std::string absolute_bundle(const std::string& given) { return absolute_path(given.empty() ? "." : given); }

}  // namespace islet::cli
