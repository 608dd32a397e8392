#include "cli/command_line.hpp"

#include <unistd.h>

#include <algorithm>

#include "runtime/container/state_store.hpp"

namespace islet::cli {
namespace {

const Flag* find_flag(const std::vector<const std::vector<Flag>*>& tables, const std::string& name) {
    for (auto* t : tables)
        for (auto& f : *t) {
            if (f.name == name) return &f;
            if (name.size() == 1 && f.short_name == name[0]) return &f;
        }
    return nullptr;
}

void add_to(po::options_description& desc, const Flag& f) {
    switch (f.kind) {
        case Kind::boolean: desc.add_options()(f.name.c_str(), po::value<std::string>(), f.help.c_str()); break;
        case Kind::string:
            if (f.default_value.empty())
                desc.add_options()(f.name.c_str(), po::value<std::string>(), f.help.c_str());
            else
                desc.add_options()(f.name.c_str(), po::value<std::string>()->default_value(f.default_value),
                                   f.help.c_str());
            break;
        case Kind::strings:
            desc.add_options()(f.name.c_str(), po::value<std::vector<std::string>>()->composing(), f.help.c_str());
            break;
        case Kind::integer:
            desc.add_options()(
                f.name.c_str(),
                po::value<int>()->default_value(f.default_value.empty() ? 0 : std::stoi(f.default_value)),
                f.help.c_str());
            break;
    }
}

// One step of Go's flag parsing: returns false when `tok` is not a flag
// (a positional argument), else appends "--name=value" and may consume the
// next token as the value.
bool take_flag(const std::vector<const std::vector<Flag>*>& tables, const std::vector<std::string>& toks, size_t& i,
               std::vector<std::string>& out) {
    const std::string& tok = toks[i];
    if (tok.size() < 2 || tok[0] != '-') return false;
    std::string body = tok.substr(tok[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=') throw UsageError("bad flag syntax: " + tok);
    std::string name = body, value;
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
        name = body.substr(0, eq);
        value = body.substr(eq + 1);
        has_value = true;
    }
    const Flag* f = find_flag(tables, name);
    if (!f) {
        if (name == "h" || name == "help") throw UsageError("help requested", UsageError::Why::help);
        throw UsageError("flag provided but not defined: -" + name);
    }
    if (f->kind == Kind::boolean) {
        bool b = true;
        if (has_value && !parse_go_bool(value, b))
            throw UsageError("invalid boolean value \"" + value + "\" for -" + name + ": parse error");
        out.push_back("--" + f->name + "=" + (b ? "true" : "false"));
        return true;
    }
    if (!has_value) {
        if (i + 1 >= toks.size()) throw UsageError("flag needs an argument: -" + name);
        value = toks[++i];
    }
    out.push_back("--" + f->name + "=" + value);
    return true;
}

// One description for the tables; a name in an earlier table shadows the
// same name in a later one (a command's own --rootless beats the global).
po::options_description describe(const std::vector<const std::vector<Flag>*>& tables) {
    po::options_description desc;
    for (size_t i = 0; i < tables.size(); ++i)
        for (auto& f : *tables[i]) {
            bool shadowed = false;
            for (size_t j = 0; j < i && !shadowed; ++j)
                for (auto& g : *tables[j]) shadowed = shadowed || g.name == f.name;
            if (!shadowed) add_to(desc, f);
        }
    return desc;
}

// Booleans are stored as strings so that "--x=false" works; make them real.
void store(const po::options_description& desc, const std::vector<std::string>& normalized, po::variables_map& vm) {
    try {
        auto parsed = po::command_line_parser(normalized)
                          .options(desc)
                          .style(po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent)
                          .run();
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::multiple_occurrences& e) {
        // Go's flag package lets the last occurrence win for single flags.
        po::variables_map last;
        std::vector<std::string> dedup;
        for (auto it = normalized.rbegin(); it != normalized.rend(); ++it) {
            std::string key = it->substr(0, it->find('='));
            bool repeatable = false;
            if (auto* d = desc.find_nothrow(key.substr(2), false)) {
                repeatable = d->semantic()->is_composing();
            }
            if (repeatable || std::none_of(dedup.begin(), dedup.end(),
                                           [&](const std::string& s) { return s.substr(0, s.find('=')) == key; }))
                dedup.insert(dedup.begin(), *it);
        }
        store(desc, dedup, vm);
    } catch (const po::invalid_option_value& e) {
        throw UsageError(std::string("invalid value for flag: ") + e.what());
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
}

std::string flag_help_line(const Flag& f) {
    std::string names = "--" + f.name;
    if (f.value_name.size()) names += " " + f.value_name;
    if (f.short_name) names += ", -" + std::string(1, f.short_name);
    std::string line = "   " + names;
    if (line.size() < 34)
        line.resize(34, ' ');
    else
        line += "  ";
    line += f.help;
    if (!f.default_value.empty()) line += " (default: " + f.default_value + ")";
    return line + "\n";
}

}  // namespace

bool parse_go_bool(const std::string& s, bool& out) {
    static const std::vector<std::string> yes = {"1", "t", "T", "TRUE", "true", "True"};
    static const std::vector<std::string> no = {"0", "f", "F", "FALSE", "false", "False"};
    if (std::find(yes.begin(), yes.end(), s) != yes.end()) return out = true, true;
    if (std::find(no.begin(), no.end(), s) != no.end()) return out = false, true;
    return false;
}

bool Globals::rootless_effective() const {
    if (rootless == "true") return true;
    if (rootless == "false") return false;
    if (::geteuid() != 0) return true;
    return runtime::default_state_root() != "/run/islet";  // euid 0 in a user namespace
}

bool Invocation::flag(const std::string& name) const {
    if (!vm.count(name)) return false;
    return vm[name].as<std::string>() == "true";
}

std::string Invocation::str(const std::string& name) const {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

int Invocation::integer(const std::string& name) const { return vm.count(name) ? vm[name].as<int>() : 0; }

std::vector<std::string> Invocation::strings(const std::string& name) const {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

std::string Invocation::root() const { return globals.root.empty() ? runtime::default_state_root() : globals.root; }

const std::vector<Flag>& global_flags() {
    static const std::vector<Flag> kGlobal = {
        {"debug", 0, Kind::boolean, "enable debug logging"},
        {"log", 0, Kind::string, "set the log file to write islet logs to (default is '/dev/stderr')", "value"},
        {"log-format", 0, Kind::string, "set the log format ('text' (default), or 'json')", "value", "text"},
        {"root", 0, Kind::string, "root directory for storage of container state (this should be located in tmpfs)",
         "value"},
        {"criu", 0, Kind::string, "(obsolete; ignored)", "value", "", true},
        {"systemd-cgroup", 0, Kind::boolean,
         "enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\""},
        {"rootless", 0, Kind::string, "ignore cgroup permission errors ('true', 'false', or 'auto')", "value", "auto"},
        {"cgroup-manager", 0, Kind::string, "(crun's option) cgroupfs, systemd or disabled", "value", "", true},
        {"log-level", 0, Kind::string, "(crun's option; --debug sets debug)", "value", "", true},
        {"version", 'v', Kind::boolean, "print the version"},
    };
    return kGlobal;
}

Split split_command(const std::vector<std::string>& argv) {
    Split s;
    std::vector<const std::vector<Flag>*> tables = {&global_flags()};
    size_t i = 0;
    for (; i < argv.size(); ++i) {
        const std::string& tok = argv[i];
        if (tok == "--") {
            ++i;
            break;
        }
        if (tok.size() > 1 && tok[0] == '-') {
            std::vector<std::string> norm;
            take_flag(tables, argv, i, norm);
            s.global_tokens.insert(s.global_tokens.end(), norm.begin(), norm.end());
            continue;
        }
        break;
    }
    if (i < argv.size()) {
        s.command = argv[i];
        s.rest.assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
    }
    return s;
}

Globals parse_globals(const std::vector<std::string>& tokens) {
    std::vector<const std::vector<Flag>*> tables = {&global_flags()};
    po::variables_map vm;
    store(describe(tables), tokens, vm);
    Globals g;
    auto s = [&](const char* n) { return vm.count(n) ? vm[n].as<std::string>() : std::string(); };
    g.root = s("root");
    g.log = s("log");
    g.log_format = s("log-format").empty() ? "text" : s("log-format");
    g.debug = s("debug") == "true" || s("log-level") == "debug";
    g.systemd_cgroup = s("systemd-cgroup") == "true";
    const std::string manager = s("cgroup-manager");
    if (manager == "systemd")
        g.systemd_cgroup = true;
    else if (manager == "disabled")
        g.no_cgroups = true;
    else if (!manager.empty() && manager != "cgroupfs")
        throw UsageError("invalid value \"" + manager +
                         "\" for flag -cgroup-manager: want cgroupfs, systemd or disabled");
    g.rootless = s("rootless").empty() ? "auto" : s("rootless");
    return g;
}

Invocation parse(const Command& cmd, const std::vector<std::string>& global_tokens,
                 const std::vector<std::string>& tokens) {
    std::vector<const std::vector<Flag>*> tables = {&cmd.flags, &global_flags()};
    std::vector<std::string> normalized = global_tokens;
    Invocation inv;
    bool only_args = false;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& tok = tokens[i];
        if (only_args) {
            inv.args.push_back(tok);
            continue;
        }
        if (tok == "--") {
            only_args = true;
            continue;
        }
        if (tok.size() > 1 && tok[0] == '-' && take_flag(tables, tokens, i, normalized)) continue;
        inv.args.push_back(tok);
        if (cmd.stop_at_first_arg) only_args = true;
    }
    store(describe(tables), normalized, inv.vm);
    // Globals given after the command count as well (runc HEAD accepts them).
    std::vector<std::string> gtoks;
    for (auto& t : normalized) {
        std::string key = t.substr(2, t.find('=') - 2);
        if (find_flag({&global_flags()}, key) && !find_flag({&cmd.flags}, key)) gtoks.push_back(t);
    }
    inv.globals = parse_globals(gtoks);
    const int n = static_cast<int>(inv.args.size());
    auto count_error = [&](const char* kind, int want) {
        return UsageError("islet: \"" + cmd.name + "\" requires " + kind + std::to_string(want) + " argument(s)",
                          UsageError::Why::arguments);
    };
    if (cmd.min_args == cmd.max_args && n != cmd.min_args) throw count_error("exactly ", cmd.min_args);
    if (n < cmd.min_args) throw count_error("a minimum of ", cmd.min_args);
    if (cmd.max_args >= 0 && n > cmd.max_args) throw count_error("a maximum of ", cmd.max_args);
    return inv;
}

std::string command_help(const Command& cmd) {
    std::string s = "NAME:\n   islet " + cmd.name + " - " + cmd.summary + "\n\nUSAGE:\n   islet " + cmd.name +
                    " [command options] " + cmd.arguments + "\n";
    if (!cmd.description.empty()) s += "\nDESCRIPTION:\n" + cmd.description + "\n";
    s += "\nOPTIONS:\n";
    for (auto& f : cmd.flags)
        if (!f.hidden) s += flag_help_line(f);
    s += "   --help, -h                     show help\n";
    return s;
}

std::string app_help(const std::vector<Command>& commands) {
    std::string s =
        "NAME:\n   islet - an OCI container runtime with runc's command line\n\n"
        "USAGE:\n   islet [global options] command [command options] [arguments...]\n\n"
        "VERSION:\n   " ISLET_VERSION "\n\nCOMMANDS:\n";
    for (auto& c : commands) {
        std::string line = "   " + c.name;
        if (line.size() < 16) line.resize(16, ' ');
        s += line + c.summary + "\n";
    }
    s += "   help, h       Shows a list of commands or help for one command\n\nGLOBAL OPTIONS:\n";
    for (auto& f : global_flags())
        if (!f.hidden) s += flag_help_line(f);
    s += "   --help, -h                     show help\n";
    return s;
}

}  // namespace islet::cli
