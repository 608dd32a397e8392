// spec/documents: `islet spec` and `islet features`.
#include "spec/documents.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "spec/json_gate.hpp"
#include "spec/parse.hpp"
#include "spec/validate.hpp"
#include "sys/strings.hpp"

using namespace islet::spec;
using islet::sys::split;

namespace {

std::string problems_of(const std::string& text) {
    std::string out;
    for (auto& p : validate_config(parse_config(text, "config.json"))) out += p.text() + "\n";
    return out;
}

}  // namespace

TEST(SpecDocument, DefaultIsValidAndTabIndented) {
    std::string text = default_config({});
    EXPECT_EQ(problems_of(text), "");
    for (auto& line : split(text, '\n')) EXPECT_FALSE(!line.empty() && line.front() == ' ') << line;
    EXPECT_NE(text.find("\n\t\"ociVersion\": \"1.2.0\""), std::string::npos);
    EXPECT_NE(text.find("\n\t\t\"terminal\": true"), std::string::npos);

    Config c = parse_config(text, "config.json");
    EXPECT_EQ(c.process->args, std::vector<std::string>{"sh"});
    EXPECT_TRUE(c.process->terminal);
    EXPECT_TRUE(c.process->no_new_privileges);
    EXPECT_EQ(c.root->path, "rootfs");
    EXPECT_TRUE(c.root->readonly);
    ASSERT_TRUE(c.linux);
    std::vector<std::string> ns;
    for (auto& n : c.linux->namespaces) ns.push_back(n.type);
    EXPECT_EQ(ns, (std::vector<std::string>{"pid", "network", "ipc", "uts", "mount", "cgroup"}));
    // No ambient or inheritable capabilities (SECURITY.md F).
    EXPECT_FALSE(c.process->capabilities->ambient);
    EXPECT_FALSE(c.process->capabilities->inheritable);
    ASSERT_EQ(c.linux->resources->devices.size(), 1u);
    EXPECT_FALSE(c.linux->resources->devices[0].allow);
    EXPECT_TRUE(c.linux->uid_mappings.empty());
}

TEST(SpecDocument, RootlessMapsTheCaller) {
    SpecOptions o;
    o.rootless = true;
    o.uid = 1000;
    o.gid = 1001;
    std::string text = default_config(o);
    EXPECT_EQ(problems_of(text), "");
    Config c = parse_config(text, "config.json");
    EXPECT_TRUE(c.linux->find_namespace("user"));
    EXPECT_FALSE(c.linux->find_namespace("network"));
    ASSERT_EQ(c.linux->uid_mappings.size(), 1u);
    EXPECT_EQ(c.linux->uid_mappings[0].host_id, 1000u);
    EXPECT_EQ(c.linux->uid_mappings[0].container_id, 0u);
    EXPECT_EQ(c.linux->uid_mappings[0].size, 1u);
    EXPECT_EQ(c.linux->gid_mappings[0].host_id, 1001u);
    EXPECT_FALSE(c.linux->resources);  // no device cgroup without cgroup access
    for (auto& m : c.mounts) {
        if (m.destination == "/dev/pts") {
            EXPECT_EQ(std::count(m.options.begin(), m.options.end(), "gid=5"), 0);  // not mapped
        }
        if (m.destination == "/sys") {
            EXPECT_EQ(m.options.front(), "rbind");
        }
    }
}

TEST(SpecDocument, IsolatedUsernsNeedsNoMappings) {
    SpecOptions o;
    o.isolated_userns = true;
    std::string text = default_config(o);
    EXPECT_EQ(problems_of(text), "");
    Config c = parse_config(text, "config.json");
    EXPECT_EQ(c.annotations.at("run.islet.isolated-userns"), "true");
    EXPECT_TRUE(c.linux->find_namespace("user"));
    EXPECT_TRUE(c.linux->find_namespace("network"));
    EXPECT_TRUE(c.linux->uid_mappings.empty());
}

TEST(FeaturesDocument, ShapeAndValues) {
    FeaturesInfo f;
    f.hooks = {"prestart", "poststop"};
    f.mount_options = {"ro", "rw"};
    f.namespaces = {"pid"};
    f.capabilities = {"CAP_CHOWN"};
    f.cgroup_v1 = true;
    f.idmap = true;
    f.annotations = {{"io.github.seccomp.libseccomp.version", "2.5.4"}};
    std::string text = features_document(f);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    EXPECT_NE(text.find("\n    \"ociVersionMin\": \"1.0.0\""), std::string::npos);  // 4 spaces, as runc
    EXPECT_NO_THROW(gate_json(text, "features"));
    auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j.at("ociVersionMax"), "1.2.0");
    EXPECT_EQ(j.at("hooks"), nlohmann::json({"prestart", "poststop"}));
    EXPECT_EQ(j.at("linux").at("cgroup").at("v1"), true);
    EXPECT_EQ(j.at("linux").at("cgroup").at("v2"), false);
    EXPECT_EQ(j.at("linux").at("intelRdt").at("enabled"), false);
    EXPECT_EQ(j.at("linux").at("mountExtensions").at("idmap").at("enabled"), true);
    EXPECT_EQ(j.at("linux").at("seccomp").at("enabled"), false);
    EXPECT_EQ(j.at("annotations").at("io.github.seccomp.libseccomp.version"), "2.5.4");
    EXPECT_TRUE(j.at("potentiallyUnsafeConfigAnnotations").is_array());
    // Key order as runc prints it.
    EXPECT_LT(text.find("\"ociVersionMin\""), text.find("\"ociVersionMax\""));
    EXPECT_LT(text.find("\"ociVersionMax\""), text.find("\"hooks\""));
    EXPECT_LT(text.find("\"mountOptions\""), text.find("\"linux\""));
    EXPECT_LT(text.find("\"linux\""), text.find("\"annotations\""));
}
