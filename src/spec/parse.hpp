// config.json -> typed model. Pure code.
//
// The text first passes the strict gate (json_gate.hpp), then nlohmann_json
// reads it into spec::Config. Unknown keys are ignored (the runtime-spec
// requires it). Wrong types and out-of-range numbers are errors naming the
// JSON pointer; every such problem is reported, not only the first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spec/model.hpp"

namespace islet::spec {

// Parses a config.json text. `what` names the document in errors
// ("config.json"). Throws sys::Error with every problem, one per line.
Config parse_config(std::string_view text, const std::string& what);

// Parses an `exec --process` document (a runtime-spec `process` object).
Process parse_process(std::string_view text, const std::string& what);

// Parses an `update --resources` document (a LinuxResources object).
Resources parse_resources(std::string_view text, const std::string& what);

}  // namespace islet::spec
