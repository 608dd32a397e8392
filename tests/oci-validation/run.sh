#!/bin/bash
# islet's OCI conformance suite: cases derived from the runtime-spec's MUST
# and SHOULD clauses (runtime.md, config.md, config-linux.md), covering the
# areas of the runtime-tools validation programs (docs CONFORMANCE.md).
# Runs against any runc-compatible runtime:
#
#   tests/oci-validation/run.sh [PATTERN...]          # islet (ISLET or /usr/local/bin/islet)
#   RUNTIME=runc tests/oci-validation/run.sh          # runc, for comparison
#
# Output: TAP, then the line "N passed, M failed, S skipped". Exit status 0
# iff nothing failed. Each case runs in its own directory and state root,
# under a timeout (CASE_TIMEOUT, default 60 s), and whatever it leaves is
# deleted with `delete --force`. skip.list (SKIP_LIST) names cases that
# cannot run here, with the reason; an entry may be limited to one runtime
# ("islet:case reason"). PATTERN selects cases by substring.
#
# Environment: RUNTIME, CASE_TIMEOUT, SKIP_LIST, CHECKER (a prebuilt static
# oci-checker; else it is compiled from checker.c), KEEP=1 keeps the work
# directory, VERBOSE=1 prints every case's log.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
RUNTIME=${RUNTIME:-${ISLET:-/usr/local/bin/islet}}
RUNTIME=$(command -v "$RUNTIME") || { echo "run.sh: runtime not found" >&2; exit 2; }
RUNTIME_NAME=$(basename "$RUNTIME")
CASE_TIMEOUT=${CASE_TIMEOUT:-60}
SKIP_LIST=${SKIP_LIST:-$HERE/skip.list}
export RUNTIME RUNTIME_NAME

[ "$(id -u)" = 0 ] || { echo "run.sh: run as root" >&2; exit 2; }
for tool in jq timeout busybox; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/oci-validation.XXXXXX)
chmod 755 "$WORK"
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

# --- the checker and the template rootfs ------------------------------------
if [ -z "${CHECKER:-}" ]; then
	CHECKER="$WORK/oci-checker"
	cc -O2 -Wall -static -o "$CHECKER" "$HERE/checker.c" || { echo "run.sh: cannot build the checker" >&2; exit 2; }
fi
TEMPLATE="$WORK/template"
"$HERE/../../scripts/busybox-rootfs.sh" "$TEMPLATE" || { echo "run.sh: cannot build the rootfs" >&2; exit 2; }
cp "$CHECKER" "$TEMPLATE/oci-checker"
chmod 755 "$TEMPLATE/oci-checker"
export TEMPLATE

# --- the cases, in file order -------------------------------------------------
mapfile -t ALL < <(cd "$HERE/cases" && grep -ho '^case_[a-z0-9_]*' -- *.sh | sed 's/^case_//')
CASES=()
for c in "${ALL[@]}"; do
	if [ $# -eq 0 ]; then
		CASES+=("$c")
		continue
	fi
	for p in "$@"; do [[ "$c" == *"$p"* ]] && { CASES+=("$c"); break; }; done
done

# The skip reason for a case, from the skip list ("[runtime:]case reason").
skip_reason() {
	local name=$1 key reason
	[ -f "$SKIP_LIST" ] || return 1
	while read -r key reason; do
		[ -n "$key" ] && [ "${key:0:1}" != "#" ] || continue
		if [ "$key" = "$name" ] || [ "$key" = "$RUNTIME_NAME:$name" ]; then
			echo "${reason:-no reason given}"
			return 0
		fi
	done <"$SKIP_LIST"
	return 1
}

# Removes whatever a case left: containers in its state root, then mounts
# under its directory.
reap_case() {
	local dir=$1 d
	for d in "$dir"/state/*; do
		[ -d "$d" ] || continue
		timeout 20 "$RUNTIME" --root "$dir/state" delete --force "${d##*/}" >/dev/null 2>&1 </dev/null || true
	done
	awk -v d="$dir" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$dir"
}

echo "# runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -1))"
echo "1..${#CASES[@]}"
passed=0 failed=0 skipped=0 n=0
for c in "${CASES[@]}"; do
	n=$((n + 1))
	if reason=$(skip_reason "$c"); then
		echo "ok $n - $c # SKIP $reason"
		skipped=$((skipped + 1))
		continue
	fi
	dir="$WORK/$c"
	mkdir -p "$dir/state"
	rc=0
	CASE=$c CASE_DIR=$dir STATE=$dir/state timeout -k 5 "$CASE_TIMEOUT" bash -c '
		set -eE -o pipefail
		source "$1/lib.sh"
		for f in "$1"/cases/*.sh; do source "$f"; done
		trap '\''echo "# failed at ${BASH_SOURCE[0]##*/}:${LINENO}: ${BASH_COMMAND}"'\'' ERR
		cd "$CASE_DIR"
		"case_$CASE"
	' _ "$HERE" >"$dir/log" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		echo "ok $n - $c"
		passed=$((passed + 1))
		[ -z "${VERBOSE:-}" ] || sed 's/^#*/#/' "$dir/log"
	elif [ "$rc" = 77 ]; then
		echo "ok $n - $c # SKIP $(cat "$dir/skip-reason" 2>/dev/null)"
		skipped=$((skipped + 1))
	else
		[ "$rc" = 124 ] || [ "$rc" = 137 ] && echo "# $c: timed out after ${CASE_TIMEOUT}s" >>"$dir/log"
		echo "not ok $n - $c"
		sed 's/^#* */#   /' "$dir/log"
		failed=$((failed + 1))
	fi
	reap_case "$dir"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
