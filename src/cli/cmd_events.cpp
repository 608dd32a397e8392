// `events`: stats and OOM notifications as JSON lines (RUNC-CONTRACT.md §2.9).
#include <iostream>

#include "cli/commands.hpp"
#include "runtime/container/resource_ops.hpp"
#include "sys/error.hpp"

namespace islet::cli {

Command events_command() {
    Command c;
    c.name = "events";
    c.summary = "display container events such as OOM notifications, cpu, memory, and IO usage statistics";
    c.arguments = "<container-id>";
    c.flags = {
        {"interval", 0, Kind::string, "set the stats collection interval", "value", "5s"},
        {"stats", 0, Kind::boolean, "display the container's stats then exit"},
    };
    c.min_args = c.max_args = 1;
    c.run = [](Invocation& inv) {
        runtime::EventsOptions o;
        auto d = runtime::parse_go_duration(inv.str("interval"));
        if (!d) throw sys::Error("invalid value \"" + inv.str("interval") + "\" for flag -interval: parse error");
        if (d->count() <= 0) throw sys::Error("duration interval must be greater than 0");
        o.interval = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
        if (o.interval.count() == 0) o.interval = std::chrono::milliseconds(1);
        o.stats_once = inv.flag("stats");
        runtime::container_events(inv.root(), inv.args[0], o, [](const std::string& line) {
            std::cout << line << "\n" << std::flush;
        });
        return 0;
    };
    return c;
}

}  // namespace islet::cli
