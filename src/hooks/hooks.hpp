// OCI hooks. Runs wherever its caller runs: the runtime process
// (prestart, createRuntime, poststart, poststop) or the init (createContainer,
// startContainer), per the runtime-spec's table (RUNC-CONTRACT.md §3.4).
//
// A hook gets the state JSON on stdin, only its own `env`, argv = `args`
// (program = `path`), and is killed after `timeout` seconds. A failure is
// "error running <phase> hook #<i>: <why>, stdout: ..., stderr: ...".
#pragma once

#include <string>
#include <vector>

#include "spec/model.hpp"

namespace islet::hooks {

// Runs one hook to completion. Throws sys::Error on a non-zero exit, a
// signal, a timeout or a failure to start it.
void run_hook(const spec::Hook& hook, const std::string& phase, size_t index, const std::string& state_json);

// Runs every hook of a phase in order; the first failure throws.
void run_phase(const std::vector<spec::Hook>& hooks, const std::string& phase, const std::string& state_json);

// Runs every hook of a phase; failures are returned as messages instead of
// thrown (poststart after start, poststop: the spec says warn).
std::vector<std::string> run_phase_collecting(const std::vector<spec::Hook>& hooks, const std::string& phase,
                                              const std::string& state_json);

}  // namespace islet::hooks
