// libFuzzer target: the strict JSON gate (spec/json_gate.hpp) in front of
// every document islet reads, with the default limits and with tight ones
// (the depth and size refusals). It may only refuse with sys::Error; any
// other exception, crash or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spec/json_gate.hpp"
#include "sys/error.hpp"

namespace {

void gate(std::string_view text, const islet::spec::GateLimits& limits) {
    try {
        islet::spec::gate_json(text, "fuzz.json", limits);
    } catch (const islet::sys::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    gate(text, {});
    gate(text, {.max_bytes = 256, .max_depth = 3});
    return 0;
}
