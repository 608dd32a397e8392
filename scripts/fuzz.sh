#!/bin/bash
# The libFuzzer lane (SECURITY.md P2 #42): builds tests/fuzz with Debian's
# clang-14 in a build directory of its own (the main build stays GCC), then
# runs each target for a bounded time, starting from its committed seeds in
# tests/fuzz/corpus/<target>/. Fails on any crash, uncaught exception,
# timeout, out-of-memory, leak or sanitizer report; the reproducer is kept
# in $FUZZ_OUT/<target>/ (replay: build-fuzz/tests/fuzz/fuzz_<target> FILE).
# usage: scripts/fuzz.sh [TARGET...]   (default: every target)
#   FUZZ_SECONDS  time per target (default 45)
#   FUZZ_BUILD    build directory (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-45}
build=${FUZZ_BUILD:-build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-out}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json_gate config state_record seccomp sync_decoder)

t0=$(date +%s)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
	-DCMAKE_CXX_COMPILER=clang++-14 -DISLET_FUZZ=ON -DISLET_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzzers
echo "fuzz: built in $(($(date +%s) - t0)) s"

# UBSAN is built with -fno-sanitize-recover: every report aborts the input.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for t in "${targets[@]}"; do
	work="$out/$t"
	rm -rf "$work"
	mkdir -p "$work/corpus"
	t1=$(date +%s)
	# New inputs go to the scratch corpus (the first directory); the
	# committed seeds are only read.
	rc=0
	"$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "tests/fuzz/corpus/$t" \
		>"$work/log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	artifacts=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' -o -name 'slow-unit-*' \) | sort)
	if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
		failed+=("$t")
		echo "fuzz: $t FAILED (exit $rc) after $(($(date +%s) - t1)) s; reproducer: ${artifacts:-none}"
		grep -E -A30 '^(==[0-9]+==ERROR|.*runtime error:|SUMMARY:|.*deadly signal|.*Timeout|.*out-of-memory)' \
			"$work/log" | head -60 || tail -40 "$work/log"
	else
		echo "fuzz: $t ok, ${runs:-?} inputs in $(($(date +%s) - t1)) s"
	fi
done
echo "fuzz: total $(($(date +%s) - t0)) s"
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: failed: ${failed[*]}" >&2; exit 1; }
