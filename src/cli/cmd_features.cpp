#include <iostream>

#include "cli/commands.hpp"
#include "runtime/container/features.hpp"

namespace islet::cli {

Command features_command() {
    Command c;
    c.name = "features";
    c.summary = "show the enabled features";
    c.description = "Show the enabled features. The result is parsable as a JSON.";
    c.min_args = c.max_args = 0;
    c.run = [](Invocation&) {
        std::cout << runtime::features_text() << std::flush;
        return 0;
    };
    return c;
}

}  // namespace islet::cli
