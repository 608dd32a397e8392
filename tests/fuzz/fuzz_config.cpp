// libFuzzer target: config.json parse and validation (spec/parse.hpp,
// spec/validate.hpp), the two other documents a client hands islet
// (`exec --process`, `update --resources`) and islet's own config file
// (spec/islet_config.hpp). Each may only refuse with sys::Error (an escaping
// nlohmann exception would abort islet); validation must not crash on
// anything the parser accepts; an accepted ID pool lies within 32-bit IDs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "spec/islet_config.hpp"
#include "spec/parse.hpp"
#include "spec/validate.hpp"
#include "sys/error.hpp"

using namespace islet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const spec::Config config = spec::parse_config(text, "config.json");
        (void)spec::validate_config(config);
    } catch (const sys::Error&) {
    }
    try {
        const spec::Process process = spec::parse_process(text, "process.json");
        (void)spec::validate_process(process, "");
    } catch (const sys::Error&) {
    }
    try {
        (void)spec::parse_resources(text, "resources.json");
    } catch (const sys::Error&) {
    }
    try {
        const spec::IsletConfig c = spec::parse_islet_config(std::string(text), "islet.json");
        if (c.pool_start > 0xffffffffu || c.pool_size > 0xffffffffu - c.pool_start) {
            std::fprintf(stderr, "an ID pool beyond 32-bit IDs was accepted: start %ju, size %ju\n",
                         static_cast<std::uintmax_t>(c.pool_start), static_cast<std::uintmax_t>(c.pool_size));
            std::abort();
        }
    } catch (const sys::Error&) {
    }
    return 0;
}
