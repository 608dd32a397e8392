// A scope guard: runs a cleanup when the scope ends, unless dismissed. Runs on
// both sides.
//
// For undo steps that must happen on every way out of a scope (an exception
// included): `ScopeExit undo([&] { ... }); ...; undo.dismiss();` keeps the
// cleanup for the failure paths only. nsjail's `defer` and crun's
// `cleanup_*` attributes are the same idea.
#pragma once

#include <utility>

namespace islet::sys {

template <typename F>
class ScopeExit {
public:
    explicit ScopeExit(F f) noexcept : f_(std::move(f)) {}
    ~ScopeExit() {
        if (active_) f_();
    }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;

    // The cleanup will not run (the scope succeeded).
    void dismiss() noexcept { active_ = false; }

private:
    F f_;
    bool active_ = true;
};

}  // namespace islet::sys
