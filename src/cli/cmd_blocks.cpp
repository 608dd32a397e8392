// islet blocks [gc]: the ranges mode's ID registry (docs/ISOLATION.md "IDs"),
// islet's own command (runc has none): list every allocated block with its
// IDs and owner, or free those whose container is gone.
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "runtime/isolation/id_pool.hpp"
#include "runtime/isolation/isolation.hpp"
#include "spec/islet_config.hpp"
#include "sys/error.hpp"

namespace islet::cli {
namespace {

std::vector<std::string> row(const runtime::isolation::Allocation& a) {
    const auto& o = a.owner;
    return {std::to_string(a.block.index), a.block.text(), o ? o->id : "-", o ? o->root : "-",
            a.alive ? "live" : "orphan"};
}

}  // namespace

Command blocks_command() {
    Command c;
    c.name = "blocks";
    c.summary = "lists the isolated containers' host ID blocks; \"blocks gc\" frees those whose container is gone";
    c.arguments = "[gc]";
    c.description =
        "The ranges mode's host ID registry (islet's config file names it): every block with its IDs, the\n"
        "container and state root that own it, and whether that owner is live. \"gc\" frees the orphans.";
    c.min_args = 0;
    c.max_args = 1;
    c.run = [](Invocation& inv) {
        const bool gc = !inv.args.empty();
        if (gc && inv.args[0] != "gc") throw sys::Error("blocks: unknown subcommand \"" + inv.args[0] + "\" (only gc)");
        spec::IsletConfig settings = spec::load_islet_config();
        // Rootless islet: the caller's own registry (docs/ISOLATION.md "Rootless").
        if (::geteuid() != 0) settings = runtime::isolation::host::rootless_pool_settings(settings);
        runtime::isolation::IdPool pool(settings);
        const auto blocks = gc ? pool.gc() : pool.list();
        std::vector<std::vector<std::string>> rows = {{"BLOCK", "IDS", "CONTAINER", "ROOT", "STATE"}};
        for (auto& a : blocks) rows.push_back(row(a));
        if (gc) std::cout << "freed " << blocks.size() << " block(s)\n";
        print_table(rows);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
