// libFuzzer target: the seccomp profile translation (runtime/attrs/seccomp.hpp).
// The input is a linux.seccomp object; it goes through the config parser as
// islet reads it, then through plan_seccomp and, when the plan is clean,
// through libseccomp into the BPF program the init would install. Refusals
// are sys::Error; a crash, a hang or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/attrs/seccomp.hpp"
#include "spec/parse.hpp"
#include "sys/error.hpp"

using namespace islet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string profile(reinterpret_cast<const char*>(data), size);
    spec::Config config;
    try {
        config = spec::parse_config(R"({"ociVersion": "1.2.0", "linux": {"seccomp": )" + profile + "}}", "config.json");
    } catch (const sys::Error&) {
        return 0;
    }
    if (!config.linux || !config.linux->seccomp) return 0;
    const spec::Seccomp& seccomp = *config.linux->seccomp;
    std::vector<spec::Problem> problems;
    (void)runtime::plan_seccomp(seccomp, problems);
    if (!problems.empty() || runtime::seccomp_disabled(seccomp)) return 0;
    try {
        (void)runtime::host::compile_seccomp(seccomp);
    } catch (const sys::Error&) {
    }
    return 0;
}
