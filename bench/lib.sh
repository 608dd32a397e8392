# shellcheck shell=bash
# Shared by bench/compare.sh and bench/profile.sh (sourced, not run). It sets
# their shell options too.
set -euo pipefail
export LC_ALL=C

# bench_enter_namespace SCRIPT ARGS...: unless already done, re-executes SCRIPT
# as a child subreaper (orphaned container inits are reaped by it, not by a
# pid 1 that may never reap them) in a private mount namespace. Inside, the
# cgroup v2 mount of a hybrid host is unmounted, so every runtime sees the
# same v1 layout (crun 1.8 refuses the hybrid one); the host keeps its mount.
bench_enter_namespace() {
    local script=$1
    shift
    if [[ -z ${ISLET_BENCH_INNER:-} ]]; then
        [[ $(id -u) == 0 ]] || { echo "${script##*/}: run as root (runtimes make cgroups and namespaces)" >&2; exit 2; }
        command -v python3 >/dev/null || { echo "${script##*/}: python3 not found" >&2; exit 2; }
        export ISLET_BENCH_INNER=1
        exec python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.stderr.write("warning: PR_SET_CHILD_SUBREAPER failed\n")
os.execvp("unshare", ["unshare", "-m", "--propagation", "private"] + sys.argv[1:])' "$BASH" "$script" "$@"
    fi
    if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
}

# bench_usage SCRIPT: its header comment from "Usage:" to the first blank
# comment line.
bench_usage() {
    sed -n '/^# Usage:/,/^#$/p' "$1" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# bench_tools NAME TOOL...: exits when a tool is missing; sets $islet (from
# $ISLET, else ./build/islet, else the repository's build/islet) and $runc
# (from $RUNC, else runc on PATH), both absolute.
bench_tools() {
    local name=$1 t
    shift
    for t in "$@"; do
        command -v "$t" >/dev/null || { echo "$name: $t not found" >&2; exit 2; }
    done
    islet=${ISLET:-./build/islet}
    [[ -n ${ISLET:-} || -x $islet ]] || islet=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/islet
    islet=$(realpath -e "$islet")
    runc=$(command -v "${RUNC:-runc}") || { echo "$name: runc not found" >&2; exit 2; }
}

# bench_bundle DIR ISLET RUNC: a busybox rootfs (scripts/make-bundle.sh) with
# `runc spec`'s config, terminal off, running /bin/true: the one config that
# runc, crun 1.8 (which knows no ociVersion after 1.1) and islet all accept,
# and the one bench/floor.c reproduces.
bench_bundle() {
    local dir=$1 islet=$2 runc=$3 repo
    repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    "$repo/scripts/make-bundle.sh" "$dir" "$islet" >/dev/null
    (cd "$dir" && rm -f config.json && "$runc" spec)
    jq '.process.args = ["/bin/true"] | .process.terminal = false' "$dir/config.json" >"$dir/config.json.new"
    mv "$dir/config.json.new" "$dir/config.json"
}

# bench_exec_bundle DIR BUNDLE: a bundle on BUNDLE's rootfs whose init waits
# (sleep), for exec.
bench_exec_bundle() {
    mkdir -p "$1"
    jq --arg r "$2/rootfs" '.process.args = ["/bin/sleep", "100000"] | .root.path = $r' "$2/config.json" >"$1/config.json"
}

# bench_median FILE: the median of the numbers in FILE (one a line), or "-"
# when FILE is missing or empty.
bench_median() {
    [[ -s $1 ]] || { echo -; return; }
    sort -n "$1" | awk '{v[NR] = $1} END {printf "%.6f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# bench_wait_stopped PID: waits until PID is gone or a zombie (the container
# has stopped, as every runtime defines it), polling /proc with builtins
# only; needs $bench_sleep_fd, an fd that never becomes readable.
bench_wait_stopped() {
    local pid=$1 line rest
    while { read -r line <"/proc/$pid/stat"; } 2>/dev/null; do
        rest=${line##*) }
        case ${rest%% *} in Z | X) return 0 ;; esac
        # shellcheck disable=SC2154 # the sourcing script opens it
        read -r -t 0.0002 -u "$bench_sleep_fd" || true
    done
}
