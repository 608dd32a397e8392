// libFuzzer target: the state record (spec/record.hpp) islet reads back from
// <root>/<id>/state.json on every command. A record it accepts must survive
// a write and a read unchanged, and the documents clients read (state, list,
// hook stdin) must be buildable from it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spec/record.hpp"
#include "sys/error.hpp"

using namespace islet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    spec::ContainerRecord record;
    try {
        record = spec::record_from_json(text, "state.json");
    } catch (const sys::Error&) {
        return 0;
    }
    const std::string written = spec::record_to_json(record);
    try {
        if (spec::record_to_json(spec::record_from_json(written, "state.json")) != written) {
            std::fprintf(stderr, "the record changed on a write and a read: %s\n", written.c_str());
            std::abort();
        }
    } catch (const sys::Error& e) {
        std::fprintf(stderr, "islet cannot read the record it wrote: %s\n%s\n", e.what(), written.c_str());
        std::abort();
    }
    spec::StateView view = spec::state_view(record, spec::Status::created, record.pid);
    view.owner = "root";
    (void)spec::state_document(view);
    (void)spec::list_document({view});
    (void)spec::hook_state_document(view);
    (void)spec::container_process_state_document(view, record.bundle);
    return 0;
}
