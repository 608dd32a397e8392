// The kernel's names for config values, one table each. Pure code.
//
// Validation checks names against these tables; the runtime turns them into
// numbers through the same tables, so a name is known in exactly one place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace islet::spec {

// --- namespaces --------------------------------------------------------------

struct NamespaceKind {
    const char* type;          // runtime-spec: "network"
    unsigned long clone_flag;  // CLONE_NEWNET
    const char* proc_name;     // /proc/<pid>/ns/<proc_name>: "net"
};

// The eight namespace kinds of the runtime-spec, in the order islet joins
// them: user first, so the others are joined with its credentials
// (runtime-spec "Namespaces"; runc's nsexec order).
const std::vector<NamespaceKind>& namespace_kinds();
// The types alone, in the same order.
const std::vector<std::string>& namespace_types();
// nullptr when type is not a namespace kind.
const NamespaceKind* find_namespace_kind(std::string_view type);
// CLONE_NEW* of a type; 0 when unknown.
unsigned long namespace_clone_flag(std::string_view type);
// The /proc/<pid>/ns/ file name of a type ("network" -> "net").
std::string namespace_proc_name(std::string_view type);

// --- capabilities ------------------------------------------------------------

// Every capability Linux has ever defined (CAP_CHOWN .. CAP_CHECKPOINT_RESTORE),
// index = number. A well-formed name outside this list ("CAP_BOGUS") is an
// error; one in it but unknown to the running kernel is only a warning
// (runtime/attrs/capabilities.cpp).
const std::vector<std::string>& capability_names();
int capability_number(std::string_view name);  // -1 when unknown
bool is_known_capability(std::string_view name);

// --- rlimits -----------------------------------------------------------------

// RLIMIT_* name -> resource number; -1 when unknown.
int rlimit_number(std::string_view name);

// --- sysctls -----------------------------------------------------------------

// runc's convertSysctlVariableToDotsSeparator: a key written with '/'
// separators ("net/ipv4/conf/eno2.100/rp_filter") becomes the dotted form
// ("net.ipv4.conf.eno2/100.rp_filter"); a dotted key is unchanged.
std::string sysctl_dotted(const std::string& key);

// The namespace that holds a sysctl (dotted form): "ipc", "network", "uts",
// or empty for the rest.
std::string sysctl_namespace(const std::string& dotted);

// True for the sysctls an ipc namespace makes safe to set (runc's validator).
bool is_ipc_sysctl(const std::string& dotted);

}  // namespace islet::spec
