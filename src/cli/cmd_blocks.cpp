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

// One row per holder: an isolated pod's block lists its members after the
// container that allocated it.
std::vector<std::vector<std::string>> rows_of(const runtime::isolation::Allocation& a) {
    const std::string index = std::to_string(a.block.index), ids = a.block.text();
    if (a.holders.empty()) return {{index, ids, "-", "-", "orphan"}};
    std::vector<std::vector<std::string>> out;
    for (size_t k = 0; k < a.holders.size(); ++k)
        out.push_back({index, ids, a.holders[k].id, a.holders[k].root,
                       k < a.holder_alive.size() && a.holder_alive[k] ? "live" : "orphan"});
    return out;
}

}  // namespace

Command blocks_command() {
    Command c;
    c.name = "blocks";
    c.summary = "lists the isolated containers' host ID blocks; \"blocks gc\" frees those whose container is gone";
    c.arguments = "[gc]";
    c.description =
        "The ranges mode's host ID registry (islet's config file names it): every block with its IDs, the\n"
        "containers and state roots that hold it (an isolated pod's members after the container that\n"
        "allocated it, one row each), and whether each is live. \"gc\" frees the blocks no live container\n"
        "holds and drops the holders that are gone.";
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
        for (auto& a : blocks)
            for (auto& r : rows_of(a)) rows.push_back(std::move(r));
        if (gc) std::cout << "freed " << blocks.size() << " block(s)\n";
        print_table(rows);
        return 0;
    };
    return c;
}

}  // namespace islet::cli
