// A problem found in a document, named by its JSON pointer. Pure code.
//
// Parsing, validation and the runtime's host checks collect problems and
// report them all at once ("config.json: /a/b: message; /c: message"), so a
// config with several mistakes hears about every one of them in one run.
#pragma once

#include <string>
#include <vector>

namespace islet::spec {

struct Problem {
    std::string pointer;  // "/linux/uidMappings/0/size"
    std::string message;  // "size must be greater than zero"
    std::string text() const { return pointer + ": " + message; }
};

// A map key as a JSON pointer token (RFC 6901): "~" -> "~0", "/" -> "~1".
std::string json_pointer_token(const std::string& key);

// "<what>: <first>; <second>; ..." (the one format of a problem list).
std::string problems_message(const std::string& what, const std::vector<std::string>& texts);

// Throws sys::Error(problems_message(what, texts)) when problems is non-empty.
void throw_problems(const std::string& what, const std::vector<Problem>& problems);

}  // namespace islet::spec
