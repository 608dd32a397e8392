#!/bin/bash
# islet, crun, runc and the kernel floor side by side on one bundle.
#
# Usage: bench/compare.sh [-n ROUNDS] [-s tmpfs|disk|both]   (as root; see bench/README.md)
#   ISLET  islet binary (default ./build/islet, else <repo>/build/islet)
#   RUNC   runc binary  (default: runc on PATH)
#   CRUN   crun binary  (default: crun on PATH; CRUN=none leaves it out)
#   ISLET_BASE  another islet binary, measured alongside as "base" (before/after)
#
# Each round times, for every runtime (the order rotates every round):
#   run      `run` in the foreground: create + start + wait + delete
#   create, start, wait until stopped, delete   (what an engine does)
#   exec     `exec` of /bin/true into a running container
#   version  `--version`: the runtime's own process start-up and exit
# and one container of the floor program (bench/floor.c, built here): wall
# time, CPU time and peak RSS (bench/spawn.c runs each command). The state roots are on a tmpfs (as /run is on a
# real host) and/or in a directory on the file system of /tmp ("disk").
# Everything runs in a private mount namespace whose cgroup v2 mount (hybrid
# hosts) is unmounted, so that every runtime sees the same v1 layout (crun
# 1.8 refuses the hybrid one). Everything made is removed at exit.
self=$(realpath -e "${BASH_SOURCE[0]}")
repo=$(cd "$(dirname "$self")/.." && pwd)

# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"  # also: set -euo pipefail, LC_ALL=C
bench_enter_namespace "$self" "$@"

n=20
roots=both
while getopts "n:s:h" opt; do
    case $opt in
    n) n=$OPTARG ;;
    s) roots=$OPTARG ;;
    h) bench_usage "$self"; exit 0 ;;
    *) bench_usage "$self" >&2; exit 2 ;;
    esac
done
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: -n wants a positive number" >&2; exit 2; }
case $roots in
tmpfs) fs_list=(tmpfs) ;;
disk) fs_list=(disk) ;;
both) fs_list=(tmpfs disk) ;;
*) echo "compare.sh: -s wants tmpfs, disk or both" >&2; exit 2 ;;
esac

bench_tools compare.sh jq cc busybox
runtimes=(islet)
declare -A bin=([islet]=$islet [runc]=$runc)
if [[ -n ${ISLET_BASE:-} ]]; then
    bin[base]=$(realpath -e "$ISLET_BASE")
    runtimes+=(base)
fi
if [[ ${CRUN:-} != none ]]; then
    crun=$(command -v "${CRUN:-crun}") || { echo "compare.sh: crun not found (CRUN=none to leave it out)" >&2; exit 2; }
    runtimes+=(crun)
    bin[crun]=$crun
fi
runtimes+=(runc)

tmp=$(mktemp -d /tmp/islet-bench.XXXXXX)
bundle=$tmp/bundle
data=$tmp/data
mkdir -p "$data" "$tmp/tmpfs"
mount -t tmpfs -o mode=700 bench "$tmp/tmpfs"
declare -A root=()
for fs in "${fs_list[@]}"; do
    for r in "${runtimes[@]}"; do
        if [[ $fs == tmpfs ]]; then root[$fs.$r]=$tmp/tmpfs/$r; else root[$fs.$r]=$tmp/disk/$r; fi
        mkdir -p "${root[$fs.$r]}"
        chmod 700 "${root[$fs.$r]}"
    done
done

cleanup() {
    local key id
    for key in "${!root[@]}"; do
        [[ -d ${root[$key]} ]] || continue
        while read -r id; do
            "${bin[${key#*.}]}" --root "${root[$key]}" delete --force "$id" >/dev/null 2>&1 || true
        done < <(find "${root[$key]}" -mindepth 1 -maxdepth 1 -printf '%f\n')
    done
    umount "$tmp/tmpfs" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "compare.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM

# One fd that never becomes readable: `read -t` on it sleeps without a fork.
exec {bench_sleep_fd}<> <(:)

rt() { # rt FS RUNTIME ARGS...: the runtime with its own state root on FS
    local fs=$1 r=$2
    shift 2
    "${bin[$r]}" --root "${root[$fs.$r]}" "$@"
}

fail() {
    echo "compare.sh: $*" >&2
    [[ -s $tmp/errors.log ]] && tail -n 20 "$tmp/errors.log" >&2
    exit 1
}

# measure KEY CMD...: runs CMD through bench/spawn.c (posix_spawn, as an
# engine runs a runtime; a fork of bash would add milliseconds of page-table
# copying here), stdio away from the terminal, and appends to $data/KEY its
# wall time, to KEY.cpu its CPU time and to KEY.rss its peak RSS (CMD and the
# processes it reaped), in microseconds and KiB.
measure() {
    local key=$1 wall cpu rss
    shift
    "$tmp/spawn" "$tmp/result" "$@" </dev/null >"$tmp/out" 2>>"$tmp/errors.log" || fail "$key failed: $*"
    read -r wall cpu rss <"$tmp/result"
    echo "$wall" >>"$data/$key"
    echo "$cpu" >>"$data/$key.cpu"
    echo "$rss" >>"$data/$key.rss"
}

# measure_rt KEY FS RUNTIME ARGS...: measure the runtime with its root on FS.
measure_rt() {
    local key=$1 fs=$2 r=$3
    shift 3
    measure "$key" "${bin[$r]}" --root "${root[$fs.$r]}" "$@"
}

split() { # FS RUNTIME ID: create, start, wait, delete, each timed
    local fs=$1 r=$2 id=$3 pid='' t0
    measure_rt "$fs.$r.create" "$fs" "$r" create --bundle "$bundle" --pid-file "$tmp/$r.pid" "$id"
    measure_rt "$fs.$r.start" "$fs" "$r" start "$id"
    read -r pid <"$tmp/$r.pid" || [[ -n $pid ]]  # no trailing newline
    t0=${EPOCHREALTIME/./}
    bench_wait_stopped "$pid"
    echo $((${EPOCHREALTIME/./} - t0)) >>"$data/$fs.$r.wait"
    measure_rt "$fs.$r.delete" "$fs" "$r" delete "$id"
}

floor_one() { # one container of the floor program; wall from its own clock
    measure floor.process "$tmp/floor" -v "$bundle/rootfs" 1
    head -n 1 "$tmp/out" >>"$data/floor.run"
}

# --- the bundles: runc spec's config; a second one whose init waits, for exec ---
bench_bundle "$bundle" "$islet" "$runc"
bench_exec_bundle "$tmp/exec-bundle" "$bundle"
cc -O2 -o "$tmp/floor" "$repo/bench/floor.c" || fail "cannot build bench/floor.c"
cc -O2 -o "$tmp/spawn" "$repo/bench/spawn.c" || fail "cannot build bench/spawn.c"

# Every runtime must accept the very same config.
for r in "${runtimes[@]}"; do
    if ! rt "${fs_list[0]}" "$r" run --bundle "$bundle" "check-$$-$r" </dev/null >"$tmp/check.out" 2>&1; then
        echo "compare.sh: $r refuses the benchmark config:" >&2
        cat "$tmp/check.out" >&2
        exit 1
    fi
done

# The running containers that exec enters: one per runtime and root.
for fs in "${fs_list[@]}"; do
    for r in "${runtimes[@]}"; do
        rt "$fs" "$r" create --bundle "$tmp/exec-bundle" "exec-$$-$fs-$r" </dev/null >/dev/null 2>>"$tmp/errors.log" ||
            fail "$r: create of the exec container"
        rt "$fs" "$r" start "exec-$$-$fs-$r" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "$r: start of the exec container"
    done
done

# --- warm-up (page cache, dentries), not recorded --------------------------------
for i in 1 2; do
    for fs in "${fs_list[@]}"; do
        for r in "${runtimes[@]}"; do
            rt "$fs" "$r" run --bundle "$bundle" "warm-$$-$i-$r" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "warm-up $r"
            rt "$fs" "$r" exec "exec-$$-$fs-$r" /bin/true </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "warm-up exec $r"
        done
    done
    "$tmp/floor" "$bundle/rootfs" 1 >/dev/null 2>>"$tmp/errors.log" || fail "warm-up floor"
done

# --- the timed rounds: interleaved, the order rotates every round ---------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "${runtimes[*]} and the floor: $n rounds, state roots on ${fs_list[*]} ..." >&2
k=${#runtimes[@]}
for ((i = 1; i <= n; i++)); do
    order=()
    for ((j = 0; j < k; j++)); do order+=("${runtimes[(i + j) % k]}"); done
    for fs in "${fs_list[@]}"; do
        for r in "${order[@]}"; do measure_rt "$fs.$r.run" "$fs" "$r" run --bundle "$bundle" "b$$-$i-$fs-run-$r"; done
        for r in "${order[@]}"; do split "$fs" "$r" "b$$-$i-$fs-split-$r"; done
        for r in "${order[@]}"; do measure_rt "$fs.$r.exec" "$fs" "$r" exec "exec-$$-$fs-$r" /bin/true; done
    done
    for r in "${order[@]}"; do measure "$r.version" "${bin[$r]}" --version; done
    floor_one
    ((i % 5)) || echo "  $i/$n" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report -----------------------------------------------------------------------
# row LABEL KEY DIVISOR [FLOOR_KEY]: the medians of $data/KEY with @ replaced
# by each runtime, then of $data/FLOOR_KEY, then islet's ratios to each.
row() {
    local label=$1 key=$2 div=$3 floor=${4:-} r vals=()
    for r in "${runtimes[@]}"; do vals+=("$(bench_median "$data/${key/@/$r}")"); done
    if [[ -n $floor ]]; then vals+=("$(bench_median "$data/$floor")"); else vals+=(-); fi
    awk -v l="$label" -v d="$div" -v names="${runtimes[*]} floor" -v vs="${vals[*]}" 'BEGIN {
        nn = split(names, name, " "); split(vs, v, " ")
        line = sprintf("%-8s", l)
        for (i = 1; i <= nn; i++) line = line sprintf(" %8s", v[i] == "-" ? "-" : sprintf("%.2f", v[i] / d))
        for (i = 2; i <= nn; i++)
            line = line sprintf(" %8s", (v[i] == "-" || v[i] == 0) ? "-" : sprintf("%.2f", v[1] / v[i]))
        print line }'
}
header() {
    local hdr r
    hdr=$(printf '%-8s' "")
    for r in "${runtimes[@]}" floor; do hdr+=$(printf ' %8s' "$r"); done
    for r in "${runtimes[@]:1}" floor; do hdr+=$(printf ' %8s' "/$r"); done
    echo "$hdr"
}

echo
for r in "${runtimes[@]}"; do printf '%-6s %s (%s)\n' "$r:" "${bin[$r]}" "$("${bin[$r]}" --version 2>/dev/null | head -n 1)"; done
echo "host:  $(uname -r), $(nproc) CPUs, load $load_before before, $load_after after; $n rounds"
echo "       runc spec's config, /bin/true; cgroup v1 view; medians; times in ms, RSS in MiB"
for fs in "${fs_list[@]}"; do
    echo
    if [[ $fs == tmpfs ]]; then echo "wall time, state roots on tmpfs"; else echo "wall time, state roots on $(findmnt -n -o FSTYPE -T "$tmp") ($tmp)"; fi
    header
    row run "$fs.@.run" 1000 floor.run
    row create "$fs.@.create" 1000
    row start "$fs.@.start" 1000
    row "(wait)" "$fs.@.wait" 1000
    row delete "$fs.@.delete" 1000
    row exec "$fs.@.exec" 1000
done
echo
echo "CPU time (user + system), state roots on ${fs_list[0]}"
header
fs=${fs_list[0]}
row run "$fs.@.run.cpu" 1000 floor.process.cpu
row create "$fs.@.create.cpu" 1000
row start "$fs.@.start.cpu" 1000
row delete "$fs.@.delete.cpu" 1000
row exec "$fs.@.exec.cpu" 1000
echo
echo "peak RSS of create (MiB), --version (ms)"
header
row RSS "$fs.@.create.rss" 1024
row version "@.version" 1000
echo
echo "(wait): from start's return until the init is gone (the container's own run of /bin/true)."
echo "floor: bench/floor.c; wall from its own clock (no process start-up), CPU of its whole process."
echo "CPU and RSS: of the command and of the processes it waited for: run and exec include the"
echo "  container's process; create does not include the init (nobody waits for it), start and"
echo "  delete are the runtime's own. version: \`--version\`, the runtime's start-up and exit."
echo "/X: islet's median over X's (below 1: islet is faster or smaller)."
