#!/bin/bash
# Does an isolated container's create stay flat as live isolated containers
# pile up (issue 11 §5)? For each level N, the state root is filled with N
# live isolated containers (created: each holds an ID block and a waiting
# init), then SAMPLES more creates are timed at that level, alternating an
# isolated one (annotation run.islet.isolated-userns=true) and a plain one of
# the same bundle; each timed container is deleted right away, so the level
# stays N. Prints, per level, the median create wall time of both, the
# isolated/plain ratio, and each level's ratio to the first level (flat =
# about 1.0).
#
# Usage: bench/isolated-scale.sh [-n SAMPLES] [LEVEL...]
#   SAMPLES  timed creates of each kind per level (default 20)
#   LEVEL    live isolated containers (default: 10 100 1000)
#   ISLET    the islet to measure (default ./build/islet)
#
# Needs root, jq, cc and busybox-static (bench/lib.sh, as compare.sh). The ID
# pool of islet's config must hold the largest level plus one block (the
# shipped config/islet.json holds 1024); when it cannot, the fill stops with
# islet's own "pool exhausted" error, which is the refusal the issue asks for.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_enter_namespace "$0" "$@"

samples=20
while getopts n:h opt; do
    case $opt in
    n) samples=$OPTARG ;;
    *) bench_usage "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
levels=("$@")
[[ ${#levels[@]} -gt 0 ]] || levels=(10 100 1000)
bench_tools isolated-scale.sh jq cc

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/islet-scale.XXXXXX)
state=$tmp/root
mkdir -p "$state" "$tmp/data"
chmod 700 "$state"

cleanup() {
    local id
    if [[ -d $state ]]; then
        while read -r id; do
            "$islet" --root "$state" delete --force "$id" >/dev/null 2>&1 || true
        done < <(find "$state" -mindepth 1 -maxdepth 1 -printf '%f\n')
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "isolated-scale.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM

bench_bundle "$tmp/plain" "$islet" "$(command -v runc || echo "$islet")"
mkdir -p "$tmp/isolated"
jq --arg r "$tmp/plain/rootfs" '.root.path = $r | .annotations["run.islet.isolated-userns"] = "true"' \
    "$tmp/plain/config.json" >"$tmp/isolated/config.json"
cc -O2 -o "$tmp/spawn" "$here/spawn.c"

# timed_create KIND ID: one create of KIND's bundle through spawn.c, its wall
# time (µs) appended to $tmp/data/KIND.N, then deleted (untimed).
timed_create() {
    local kind=$1 id=$2 wall
    "$tmp/spawn" "$tmp/result" "$islet" --root "$state" create --bundle "$tmp/$kind" "$id" \
        </dev/null >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    read -r wall _ <"$tmp/result"
    echo "$wall" >>"$tmp/data/$kind.$level"
    "$islet" --root "$state" delete --force "$id" >/dev/null
}

median_ms() { awk -v m="$(bench_median "$1")" 'BEGIN { printf "%.2f", m / 1000 }'; }

live=0
for level in "${levels[@]}"; do
    while ((live < level)); do
        "$islet" --root "$state" create --bundle "$tmp/isolated" "fill-$live" </dev/null >/dev/null 2>"$tmp/err" ||
            { echo "isolated-scale.sh: the fill stopped at $live live containers:" >&2; cat "$tmp/err" >&2; exit 1; }
        live=$((live + 1))
    done
    for ((i = 0; i < samples; i++)); do
        timed_create isolated "t-iso-$level-$i"
        timed_create plain "t-plain-$level-$i"
    done
    echo "level $level: done" >&2
done

printf '%-8s %12s %12s %10s %12s\n' live isolated_ms plain_ms iso/plain iso/first
first=''
for level in "${levels[@]}"; do
    iso=$(median_ms "$tmp/data/isolated.$level")
    plain=$(median_ms "$tmp/data/plain.$level")
    first=${first:-$iso}
    printf '%-8s %12s %12s %10s %12s\n' "$level" "$iso" "$plain" \
        "$(awk -v a="$iso" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="$iso" -v b="$first" 'BEGIN { printf "%.2f", a / b }')"
done
