#include "spec/problem.hpp"

#include "sys/error.hpp"

namespace islet::spec {

std::string json_pointer_token(const std::string& key) {
    std::string out;
    for (char ch : key) {
        if (ch == '~')
            out += "~0";
        else if (ch == '/')
            out += "~1";
        else
            out += ch;
    }
    return out;
}

std::string problems_message(const std::string& what, const std::vector<std::string>& texts) {
    std::string msg = what + ": ";
    for (size_t i = 0; i < texts.size(); ++i) {
        if (i) msg += "; ";
        msg += texts[i];
    }
    return msg;
}

void throw_problems(const std::string& what, const std::vector<Problem>& problems) {
    if (problems.empty()) return;
    std::vector<std::string> texts;
    texts.reserve(problems.size());
    for (auto& p : problems) texts.push_back(p.text());
    throw sys::Error(problems_message(what, texts));
}

}  // namespace islet::spec
