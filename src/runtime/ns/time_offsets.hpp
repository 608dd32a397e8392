// Clock offsets of a new time namespace. Pure formatting (unit-tested) and
// the runtime-side dance around clone3. Host side.
//
// Applies: linux.timeOffsets
//
// A time namespace takes offsets only before any process has entered it, and
// clone3(CLONE_NEWTIME) would put the init in at once. So for a new time
// namespace with offsets the runtime process unshares CLONE_NEWTIME itself
// (its own time namespace is unchanged; only time_for_children is new),
// writes /proc/<pid>/timens_offsets, runs clone3 without CLONE_NEWTIME (the
// init is born into time_for_children, offsets already in place), and then
// goes back to its own time namespace with setns (which resets
// time_for_children too). Such a namespace is owned by the runtime's user
// namespace, not the container's: the container cannot change it, and exec
// can still join it. Without offsets clone3 creates the namespace as usual.
#pragma once

#include <map>
#include <string>

#include "spec/model.hpp"
#include "sys/fd.hpp"

namespace islet::runtime {

// "monotonic 86400 0\nboottime -5 500\n" for the timens_offsets file.
std::string timens_offsets_text(const std::map<std::string, spec::TimeOffset>& offsets);

namespace host {
// Scoped: after construction this process's children are born into a new
// time namespace with the offsets; restore() (or the destructor) returns to
// the runtime's own. The process must be single-threaded.
class TimeNamespaceForChildren {
public:
    explicit TimeNamespaceForChildren(const std::map<std::string, spec::TimeOffset>& offsets);
    ~TimeNamespaceForChildren();
    TimeNamespaceForChildren(const TimeNamespaceForChildren&) = delete;
    TimeNamespaceForChildren& operator=(const TimeNamespaceForChildren&) = delete;
    void restore();

private:
    sys::UniqueFd own_;
};
}  // namespace host

}  // namespace islet::runtime
