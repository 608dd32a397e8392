#include <iostream>

#include "cli/commands.hpp"
#include "runtime/container/lifecycle.hpp"
#include "sys/error.hpp"
#include "sys/log.hpp"

namespace islet::cli {

Command list_command() {
    Command c;
    c.name = "list";
    c.summary = "lists containers started by islet with the given root";
    c.flags = {
        {"format", 'f', Kind::string, "select one of: table or json", "value", "table"},
        {"quiet", 'q', Kind::boolean, "display only container IDs"},
    };
    c.min_args = c.max_args = 0;
    c.run = [](Invocation& inv) {
        std::string format = inv.str("format");
        if (format != "table" && format != "json") throw sys::Error("invalid format option");
        std::vector<std::string> problems;
        // A root that does not exist yet holds no containers: the empty list
        // (runc >= 1.2 does the same), and nothing is created.
        auto views = runtime::list_containers(inv.root(), problems);
        for (auto& p : problems) log::warning(p);
        if (inv.flag("quiet")) {
            for (auto& v : views) std::cout << v.id << "\n";
            return 0;
        }
        if (format == "json") {
            std::cout << spec::list_document(views) << "\n";
            return 0;
        }
        std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
        for (auto& v : views)
            rows.push_back({v.id, std::to_string(v.pid), spec::status_name(v.status), v.bundle, v.created, v.owner});
        print_table(rows);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
