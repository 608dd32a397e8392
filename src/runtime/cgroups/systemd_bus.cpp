// sd-bus calls of the systemd driver (systemd_bus.hpp). Host side.
//
// Applies: (the D-Bus side of) linux.cgroupsPath with --systemd-cgroup
#include "runtime/cgroups/systemd_bus.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "sys/error.hpp"
#include "sys/log.hpp"

namespace islet::runtime::cgroups::systemd {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr std::uint64_t kJobTimeoutUsec = 30ull * 1000 * 1000;  // runc's 30 s

// The sd-bus functions islet calls, looked up once in libsystemd.so.0 (an
// X-macro list that clang-format would re-wrap on every run).
// clang-format off
#define ISLET_SD_FUNCTIONS(X)                                                                                  \
    X(sd_bus_open_system) X(sd_bus_open_user) X(sd_bus_new) X(sd_bus_set_address) X(sd_bus_start)              \
    X(sd_bus_flush_close_unref) X(sd_bus_message_new_method_call) X(sd_bus_message_append_basic)               \
    X(sd_bus_message_open_container) X(sd_bus_message_close_container) X(sd_bus_message_read_basic)            \
    X(sd_bus_message_unref) X(sd_bus_call) X(sd_bus_get_property_string) X(sd_bus_match_signal)                \
    X(sd_bus_slot_unref) X(sd_bus_process) X(sd_bus_wait) X(sd_bus_error_free) X(sd_bus_error_has_name)
// clang-format on

struct Api {
// NOLINTNEXTLINE(bugprone-macro-parentheses): `name` is a declarator, not an expression
#define ISLET_SD_DECLARE(name) decltype(&::name) name = nullptr;
    ISLET_SD_FUNCTIONS(ISLET_SD_DECLARE)
#undef ISLET_SD_DECLARE
    // The free() of libsystemd's own libc: islet is a static PIE, so
    // libsystemd runs on a second copy of glibc (the shared one, loaded with
    // it) whose heap islet's free() must not touch.
    void (*free)(void*) = nullptr;
};

const Api& api() {
    static const Api a = [] {
        void* lib = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!lib)
            throw sys::Error(std::string("the systemd cgroup driver needs libsystemd.so.0 (Debian: libsystemd0): ") +
                             ::dlerror());
        Api x;
        auto load = [&](auto& fn, const char* name) {
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
            if (!fn) throw sys::Error(std::string("libsystemd.so.0 has no ") + name + " (systemd 237 or later needed)");
        };
#define ISLET_SD_LOAD(name) load(x.name, #name);
        ISLET_SD_FUNCTIONS(ISLET_SD_LOAD)
#undef ISLET_SD_LOAD
        load(x.free, "free");
        return x;
    }();
    return a;
}

// Owns a D-Bus error filled by a call.
struct BusError {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    ~BusError() { api().sd_bus_error_free(&e); }
    bool is(const char* name) const { return api().sd_bus_error_has_name(&e, name) > 0; }
    std::string text(int r) const {
        if (e.message) return e.message;
        return sys::describe_errno("D-Bus call", "", -r);
    }
};

struct Message {
    sd_bus_message* m = nullptr;
    ~Message() {
        if (m) api().sd_bus_message_unref(m);
    }
};

void check(int r, const char* what) {
    if (r < 0) sys::throw_errno_code(-r, std::string("D-Bus: ") + what);
}

void append(sd_bus_message* m, const Value& v) {
    const Api& a = api();
    const char t = v.sig.empty() ? '\0' : v.sig[0];
    int r = 0;
    // sd-bus reads a basic value through a pointer to its exact C type.
    auto basic = [&](auto x) { return a.sd_bus_message_append_basic(m, t, &x); };
    switch (t) {
        case 'b': r = basic(int{v.b}); break;
        case 'y': r = basic(static_cast<std::uint8_t>(v.u)); break;
        case 'q': r = basic(static_cast<std::uint16_t>(v.u)); break;
        case 'u': r = basic(static_cast<std::uint32_t>(v.u)); break;
        case 't': r = basic(v.u); break;
        case 'n': r = basic(static_cast<std::int16_t>(v.i)); break;
        case 'i': r = basic(static_cast<std::int32_t>(v.i)); break;
        case 'x': r = basic(v.i); break;
        case 'd': r = basic(v.d); break;
        case 's':
        case 'o':
        case 'g': r = a.sd_bus_message_append_basic(m, t, v.s.c_str()); break;
        case 'a':
        case '(': {
            const bool array = t == 'a';
            const std::string contents = array ? v.sig.substr(1) : v.sig.substr(1, v.sig.size() - 2);
            check(a.sd_bus_message_open_container(m, array ? 'a' : 'r', contents.c_str()), "open container");
            for (auto& item : v.items) append(m, item);
            r = a.sd_bus_message_close_container(m);
            break;
        }
        default: throw sys::Error("D-Bus: cannot send a value of type \"" + v.sig + "\"");
    }
    check(r, "append a value");
}

// a(sv): the properties, each a name and a variant.
void append_properties(sd_bus_message* m, const std::vector<Property>& props) {
    const Api& a = api();
    check(a.sd_bus_message_open_container(m, 'a', "(sv)"), "open properties");
    for (auto& p : props) {
        check(a.sd_bus_message_open_container(m, 'r', "sv"), "open property");
        check(a.sd_bus_message_append_basic(m, 's', p.name.c_str()), "append a property name");
        check(a.sd_bus_message_open_container(m, 'v', p.value.sig.c_str()), "open variant");
        append(m, p.value);
        check(a.sd_bus_message_close_container(m), "close variant");
        check(a.sd_bus_message_close_container(m), "close property");
    }
    check(a.sd_bus_message_close_container(m), "close properties");
}

std::uint64_t now_usec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

bool is_dir(const char* path) {
    struct stat st {};
    return ::stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

struct Bus::Impl {
    sd_bus* bus = nullptr;
    sd_bus_slot* jobs_slot = nullptr;
    std::map<std::string, std::string> removed;  // job path -> result, from JobRemoved signals

    ~Impl() {
        if (jobs_slot) api().sd_bus_slot_unref(jobs_slot);
        if (bus) api().sd_bus_flush_close_unref(bus);
    }

    static int on_job_removed(sd_bus_message* m, void* self, sd_bus_error*) {
        std::uint32_t id = 0;
        const char *path = nullptr, *unit = nullptr, *result = nullptr;
        const Api& a = api();
        if (a.sd_bus_message_read_basic(m, 'u', &id) < 0 || a.sd_bus_message_read_basic(m, 'o', &path) < 0 ||
            a.sd_bus_message_read_basic(m, 's', &unit) < 0 || a.sd_bus_message_read_basic(m, 's', &result) < 0)
            return 0;
        static_cast<Impl*>(self)->removed[path] = result;
        return 0;
    }

    Message method(const char* member) {
        Message msg;
        check(api().sd_bus_message_new_method_call(bus, &msg.m, kService, kPath, kManager, member), member);
        return msg;
    }

    // Calls; on failure returns the error (for callers that accept some).
    int call(Message& msg, BusError& err, Message* reply = nullptr) {
        return api().sd_bus_call(bus, msg.m, 0, &err.e, reply ? &reply->m : nullptr);
    }

    // Runs the bus until JobRemoved names `job`; its result ("done",
    // "failed", "timeout", "canceled", "dependency", "skipped").
    std::string wait_job(const std::string& job, const std::string& what) {
        const Api& a = api();
        const std::uint64_t deadline = now_usec() + kJobTimeoutUsec;
        for (;;) {
            if (auto it = removed.find(job); it != removed.end()) return it->second;
            int r = a.sd_bus_process(bus, nullptr);
            check(r, "process messages");
            if (r > 0) continue;
            const std::uint64_t now = now_usec();
            if (now >= deadline) throw sys::Error("timeout waiting for systemd to " + what);
            check(a.sd_bus_wait(bus, deadline - now), "wait");
        }
    }

    std::string job_of(Message& reply) {
        const char* job = nullptr;
        check(api().sd_bus_message_read_basic(reply.m, 'o', &job), "read the job path");
        return job ? job : "";
    }

    void reset_failed(const std::string& unit) {
        Message msg = method("ResetFailedUnit");
        check(api().sd_bus_message_append_basic(msg.m, 's', unit.c_str()), "append");
        BusError err;
        if (int r = call(msg, err); r < 0 && !err.is("org.freedesktop.systemd1.NoSuchUnit"))
            log::debug("systemd: reset-failed " + unit + ": " + err.text(r));
    }
};

Bus::Bus(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bus::Bus(Bus&&) noexcept = default;
Bus& Bus::operator=(Bus&&) noexcept = default;
Bus::~Bus() = default;

Bus Bus::connect(bool user_instance) {
    // runc's test (sd_booted): systemd creates this directory when it is PID 1.
    if (!is_dir("/run/systemd/system"))
        throw sys::Error("systemd not running on this host, cannot use systemd cgroups manager");
    const Api& a = api();
    auto impl = std::make_unique<Impl>();
    int r = user_instance ? a.sd_bus_open_user(&impl->bus) : a.sd_bus_open_system(&impl->bus);
    bool direct = false;
    if (r < 0) {
        direct = true;
        // systemd's own socket serves its owner without a bus daemon.
        const char* xdg = std::getenv("XDG_RUNTIME_DIR");
        std::string priv = user_instance ? std::string(xdg ? xdg : "") + "/systemd/private" : "/run/systemd/private";
        const std::string first =
            sys::describe_errno(user_instance ? "connect to the user bus" : "connect to the system bus", "", -r);
        impl->bus = nullptr;
        int r2 = -EACCES;
        if ((!user_instance && ::geteuid() == 0) || (user_instance && xdg && *xdg)) {
            r2 = a.sd_bus_new(&impl->bus);
            if (r2 >= 0) r2 = a.sd_bus_set_address(impl->bus, ("unix:path=" + priv).c_str());
            if (r2 >= 0) r2 = a.sd_bus_start(impl->bus);
        }
        if (r2 < 0) {
            if (impl->bus) impl->bus = a.sd_bus_flush_close_unref(impl->bus);
            throw sys::Error("cannot talk to systemd" +
                             std::string(user_instance ? " (the user's instance; is XDG_RUNTIME_DIR set?)" : "") +
                             ": " + first + "; " + sys::describe_errno("connect", priv, -r2));
        }
    }
    // On systemd's own socket messages carry no sender to match on.
    check(a.sd_bus_match_signal(impl->bus, &impl->jobs_slot, direct ? nullptr : kService, kPath, kManager, "JobRemoved",
                                &Impl::on_job_removed, impl.get()),
          "watch JobRemoved");
    return Bus(std::move(impl));
}

std::string Bus::manager_string(const std::string& name) {
    BusError err;
    char* out = nullptr;
    int r = api().sd_bus_get_property_string(impl_->bus, kService, kPath, kManager, name.c_str(), &err.e, &out);
    if (r < 0) throw sys::Error("systemd: cannot read the manager's " + name + ": " + err.text(r));
    std::string s = out ? out : "";
    api().free(out);
    return s;
}

void Bus::start_transient(const std::string& unit, const std::vector<Property>& props) {
    for (int attempt = 0;; ++attempt) {
        Message msg = impl_->method("StartTransientUnit");
        check(api().sd_bus_message_append_basic(msg.m, 's', unit.c_str()), "append");
        check(api().sd_bus_message_append_basic(msg.m, 's', "replace"), "append");
        append_properties(msg.m, props);
        check(api().sd_bus_message_open_container(msg.m, 'a', "(sa(sv))"), "open aux units");
        check(api().sd_bus_message_close_container(msg.m), "close aux units");
        BusError err;
        Message reply;
        int r = impl_->call(msg, err, &reply);
        if (r < 0) {
            // A unit of that name may be a failed leftover: reset it and
            // retry once (runc's startUnit).
            if (err.is("org.freedesktop.systemd1.UnitExists") && attempt == 0) {
                impl_->reset_failed(unit);
                continue;
            }
            throw sys::Error("unable to start unit \"" + unit + "\": " + err.text(r));
        }
        const std::string result = impl_->wait_job(impl_->job_of(reply), "create " + unit);
        if (result != "done") {
            impl_->reset_failed(unit);
            throw sys::Error(std::string("error creating systemd unit `")
                                 .append(unit)
                                 .append("`: got `")
                                 .append(result)
                                 .append("`"));
        }
        return;
    }
}

void Bus::set_properties(const std::string& unit, const std::vector<Property>& props) {
    Message msg = impl_->method("SetUnitProperties");
    check(api().sd_bus_message_append_basic(msg.m, 's', unit.c_str()), "append");
    int runtime = 1;
    check(api().sd_bus_message_append_basic(msg.m, 'b', &runtime), "append");
    append_properties(msg.m, props);
    BusError err;
    if (int r = impl_->call(msg, err); r < 0)
        throw sys::Error("unable to set unit properties of \"" + unit + "\": " + err.text(r));
}

void Bus::stop(const std::string& unit) {
    Message msg = impl_->method("StopUnit");
    check(api().sd_bus_message_append_basic(msg.m, 's', unit.c_str()), "append");
    check(api().sd_bus_message_append_basic(msg.m, 's', "replace"), "append");
    BusError err;
    Message reply;
    int r = impl_->call(msg, err, &reply);
    if (r >= 0) {
        const std::string result = impl_->wait_job(impl_->job_of(reply), "remove " + unit);
        if (result != "done") log::warning("error removing unit `" + unit + "`: got `" + result + "`. Continuing...");
    } else if (!err.is("org.freedesktop.systemd1.NoSuchUnit")) {
        throw sys::Error("unable to stop unit \"" + unit + "\": " + err.text(r));
    }
    impl_->reset_failed(unit);
}

int parse_version(const std::string& text) {
    std::size_t at = 0;
    while (at < text.size() && (text[at] == '"' || text[at] == 'v')) ++at;
    int v = 0;
    std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && v < 100000) v = v * 10 + (text[at++] - '0');
    return at == start ? -1 : v;
}

}  // namespace islet::runtime::cgroups::systemd
