#!/bin/bash
# Side-by-side lifecycle benchmark: islet against runc on one bundle.
#
# Usage: bench/lifecycle.sh [-n N]      (as root; see bench/README.md)
#   ISLET  islet binary (default ./build/islet, else <repo>/build/islet)
#   RUNC   runc binary  (default: runc on PATH)
#
# For N iterations (default 50) it times, for each runtime, with the two
# runtimes interleaved (the order flips every iteration):
#   run        `run` in the foreground: create + start + wait + delete
#   split      `create`, `start`, wait until the init has stopped, `delete`
# and afterwards the peak RSS of `create` over a few more iterations.
# Both use the same config.json (from `islet spec`, terminal off,
# args ["/bin/true"]) and the same busybox rootfs; each runtime has its own
# --root under a temporary directory. Everything is removed at exit.
set -euo pipefail
export LC_ALL=C

# An orphaned container init is reparented to the nearest child subreaper,
# else to pid 1, which may never reap it (as in some sandboxes): run the
# script as a subreaper so bash reaps them. The attribute survives execve.
if [[ -z ${ISLET_BENCH_SUBREAPER:-} ]] && command -v python3 >/dev/null; then
    export ISLET_BENCH_SUBREAPER=1
    exec python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.stderr.write("warning: PR_SET_CHILD_SUBREAPER failed\n")
os.execv(sys.argv[1], sys.argv[1:])' "$BASH" "$0" "$@"
fi

usage() {
    sed -n '3,5p' "$0" | sed 's/^# \{0,1\}//'
}

n=50
while getopts "n:h" opt; do
    case $opt in
    n) n=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "lifecycle.sh: -n wants a positive number" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "lifecycle.sh: run as root (both runtimes make cgroups and namespaces)" >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
islet=${ISLET:-./build/islet}
[[ -n ${ISLET:-} || -x $islet ]] || islet=$repo/build/islet
islet=$(realpath -e "$islet")
runc=$(command -v "${RUNC:-runc}") || { echo "lifecycle.sh: runc not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "lifecycle.sh: jq not found" >&2; exit 2; }

tmp=$(mktemp -d /tmp/islet-bench.XXXXXX)
bundle=$tmp/bundle
data=$tmp/data
declare -A root=([islet]=$tmp/root-islet [runc]=$tmp/root-runc)
declare -A bin=([islet]=$islet [runc]=$runc)
mkdir -p "$data" "${root[islet]}" "${root[runc]}"
chmod 700 "${root[islet]}" "${root[runc]}"

cleanup() {
    local rt id
    for rt in islet runc; do
        [[ -d ${root[$rt]} ]] || continue
        for id in $(ls -A "${root[$rt]}"); do
            "${bin[$rt]}" --root "${root[$rt]}" delete --force "$id" >/dev/null 2>&1 || true
        done
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "lifecycle.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM

# One fd that never becomes readable: `read -t` on it sleeps without a fork.
exec {sleep_fd}<> <(:)

rt() { # rt RUNTIME ARGS...: the runtime with its own state root
    local r=$1
    shift
    "${bin[$r]}" --root "${root[$r]}" "$@"
}

fail() {
    echo "lifecycle.sh: $*" >&2
    [[ -s $tmp/errors.log ]] && tail -n 20 "$tmp/errors.log" >&2
    exit 1
}

# measure KEY CMD...: runs CMD (stdio away from the terminal), appends its wall
# time in microseconds to $data/KEY. $EPOCHREALTIME: no fork to read the clock.
measure() {
    local key=$1
    shift
    local t0=${EPOCHREALTIME/./}
    "$@" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "$key failed: $*"
    local t1=${EPOCHREALTIME/./}
    echo $((t1 - t0)) >>"$data/$key"
}

# Waits until pid is gone or a zombie: the container has stopped, as both
# runtimes define it. Polls /proc with builtins only.
wait_stopped() {
    local pid=$1 line rest
    while { read -r line <"/proc/$pid/stat"; } 2>/dev/null; do
        rest=${line##*) }
        case ${rest%% *} in Z | X) return 0 ;; esac
        read -r -t 0.0002 -u "$sleep_fd" || true
    done
}

lifecycle_run() { # RUNTIME ID
    measure "$1.run" rt "$1" run --bundle "$bundle" "$2"
}

lifecycle_split() { # RUNTIME ID
    local r=$1 id=$2 pid t0 t1
    t0=${EPOCHREALTIME/./}
    measure "$r.create" rt "$r" create --bundle "$bundle" --pid-file "$tmp/$r.pid" "$id"
    measure "$r.start" rt "$r" start "$id"
    read -r pid <"$tmp/$r.pid" || [[ -n $pid ]]  # no trailing newline
    measure "$r.wait" wait_stopped "$pid"
    measure "$r.delete" rt "$r" delete "$id"
    t1=${EPOCHREALTIME/./}
    echo $((t1 - t0)) >>"$data/$r.split"
}

# Peak RSS (KiB) of one `create`: /usr/bin/time, else getrusage in python.
create_rss() { # RUNTIME ID
    local r=$1 id=$2 pid
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f %M -o "$tmp/rss" "${bin[$r]}" --root "${root[$r]}" create --bundle "$bundle" \
            --pid-file "$tmp/$r.pid" "$id" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "$r create (rss) failed"
    else
        python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$tmp/rss" "${bin[$r]}" --root "${root[$r]}" create --bundle "$bundle" --pid-file "$tmp/$r.pid" "$id" \
            2>>"$tmp/errors.log" || fail "$r create (rss) failed"
    fi
    cat "$tmp/rss" >>"$data/$r.rss"
    rt "$r" start "$id" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "$r start (rss) failed"
    read -r pid <"$tmp/$r.pid" || [[ -n $pid ]]
    wait_stopped "$pid"
    rt "$r" delete "$id" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "$r delete (rss) failed"
}

# --- the bundle: busybox rootfs + `islet spec`, terminal off, /bin/true -------
"$repo/scripts/make-bundle.sh" "$bundle" "$islet" >/dev/null
jq '.process.args = ["/bin/true"] | .process.terminal = false' "$bundle/config.json" >"$tmp/config.json"
mv "$tmp/config.json" "$bundle/config.json"

# Both runtimes must accept the very same config.
for r in islet runc; do
    if ! rt "$r" run --bundle "$bundle" "check-$$-$r" </dev/null >"$tmp/check.out" 2>&1; then
        echo "lifecycle.sh: $r refuses the benchmark config:" >&2
        cat "$tmp/check.out" >&2
        exit 1
    fi
done

# --- warm-up (page cache, dentries), not recorded ------------------------------
for i in 1 2 3; do
    for r in islet runc; do
        rt "$r" run --bundle "$bundle" "warm-$$-$i-$r" </dev/null >/dev/null 2>>"$tmp/errors.log" || fail "warm-up $r"
    done
done

# --- the timed loop: interleaved, the order flips every iteration -------------
echo "islet vs runc: $n iterations of run and create/start/delete (/bin/true) ..." >&2
for ((i = 1; i <= n; i++)); do
    if ((i % 2)); then order=(islet runc); else order=(runc islet); fi
    for r in "${order[@]}"; do lifecycle_run "$r" "b$$-$i-run-$r"; done
    for r in "${order[@]}"; do lifecycle_split "$r" "b$$-$i-split-$r"; done
    ((i % 10)) || echo "  $i/$n" >&2
done

# --- peak RSS of create --------------------------------------------------------
rss_n=$((n < 10 ? n : 10))
for ((i = 1; i <= rss_n; i++)); do
    for r in islet runc; do create_rss "$r" "b$$-$i-rss-$r"; done
done

# --- report --------------------------------------------------------------------
stats() { # FILE -> "median mean" (same unit as the file)
    sort -n "$1" | awk '{v[NR] = $1; s += $1}
        END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6f %.6f\n", m, s / NR}'
}
row() { # LABEL KEY DIVISOR UNIT
    local label=$1 key=$2 div=$3 unit=$4 im ia rm ra
    read -r im ia < <(stats "$data/islet.$key")
    read -r rm ra < <(stats "$data/runc.$key")
    awk -v l="$label" -v im="$im" -v ia="$ia" -v rm="$rm" -v ra="$ra" -v d="$div" -v u="$unit" 'BEGIN {
        printf "%-26s %9.2f %9.2f   %9.2f %9.2f   %6.2f %6.2f  %s\n", l, im / d, ia / d, rm / d, ra / d,
            (rm > 0 ? im / rm : 0), (ra > 0 ? ia / ra : 0), u }'
}

echo
echo "islet: $islet ($("$islet" --version 2>/dev/null | head -n 1))"
echo "runc:  $runc ($("$runc" --version 2>/dev/null | head -n 1))"
echo "host:  $(uname -r), $(nproc) CPUs; $n iterations (RSS: $rss_n); config from \`islet spec\`, /bin/true"
echo
printf '%-26s %9s %9s   %9s %9s   %6s %6s\n' "" "islet" "" "runc" "" "islet/runc" ""
printf '%-26s %9s %9s   %9s %9s   %6s %6s\n' "" "median" "mean" "median" "mean" "median" "mean"
row "run (whole lifecycle)" run 1000 ms
row "create+start+wait+delete" split 1000 ms
row "  create" create 1000 ms
row "  start" start 1000 ms
row "  wait until stopped" wait 1000 ms
row "  delete" delete 1000 ms
row "create peak RSS" rss 1024 MiB
