// Validation of a parsed config. Pure code (no host access), unit-tested with
// a table of good and bad configs.
//
// Every problem is reported at once, each naming its JSON pointer. Checks that
// need the host (does the rootfs exist, does the kernel know this capability,
// is this seccomp action valid in libseccomp) live next to the code that
// applies the field in src/runtime/.
#pragma once

#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::spec {

// A map key as a JSON pointer token (RFC 6901): "~" -> "~0", "/" -> "~1".
std::string json_pointer_token(const std::string& key);

struct Problem {
    std::string pointer;  // "/linux/uidMappings/0/size"
    std::string message;  // "size must be greater than zero"
    std::string text() const { return pointer + ": " + message; }
};

// Checks a whole config.json. Empty result = valid.
std::vector<Problem> validate_config(const Config& config);

// Checks a process object (config.json's, or `exec --process`'s): pointers are
// relative to `base` ("/process" or "").
std::vector<Problem> validate_process(const Process& process, const std::string& base);

// Throws sys::Error("<what>: <pointer>: <message>; ...") when problems is non-empty.
void throw_problems(const std::string& what, const std::vector<Problem>& problems);

// The eight namespace kinds of the runtime-spec, in the order islet joins them.
const std::vector<std::string>& namespace_types();

// True when name is one of the capability names Linux has ever defined
// (CAP_CHOWN .. CAP_CHECKPOINT_RESTORE). A well-formed name outside this
// list ("CAP_BOGUS") is an error; one in it but unknown to the running
// kernel is only a warning (decided in runtime/attrs/capabilities.cpp).
bool is_known_capability(const std::string& name);
int capability_number(const std::string& name);  // -1 when unknown
const std::vector<std::string>& capability_names();  // index = number

// runc's convertSysctlVariableToDotsSeparator: a key written with '/'
// separators ("net/ipv4/conf/eno2.100/rp_filter") becomes the dotted form
// ("net.ipv4.conf.eno2/100.rp_filter"); a dotted key is unchanged.
std::string sysctl_dotted(const std::string& key);

// The namespace that holds a sysctl (dotted form): "ipc", "network", "uts",
// or empty for the rest.
std::string sysctl_namespace(const std::string& dotted);

// RLIMIT_* name -> resource number; -1 when unknown.
int rlimit_number(const std::string& name);

}  // namespace islet::spec
