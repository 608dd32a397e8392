#!/bin/sh
# The whole test suite: installs the Debian packages (podman, conmon and
# containerd included), runs the fast quality gates (scripts/lint.sh), builds
# islet with its tests and the test-only pause points, installs it, runs the
# unit tests (ctest), the sanitizer lane (unit tests and a subset of bats
# under ASAN+UBSAN, scripts/sanitize.sh) and the fuzz targets
# (scripts/fuzz.sh), the bats suites against the installed binary (the
# runtime's own, then podman, rootless podman and containerd driving it),
# the OCI conformance suite, and last the pure cgroup v2 lane in a VM. Run
# from the source tree as root on Debian 12.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --clients
# ISLET_TEST_HOOKS: the bats suites pause islet at chosen points; a release
# build (demo.sh, a plain cmake) has none.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISLET_TESTS=ON -DISLET_TEST_HOOKS=ON \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
./scripts/lint.sh
cmake --build build -j "$(nproc)"
cmake --install build --strip >/dev/null
(cd build && ctest --output-on-failure)
./scripts/sanitize.sh
# 20 s per target: five targets, under two minutes of runs.
FUZZ_SECONDS=20 ./scripts/fuzz.sh
ISLET=/usr/local/bin/islet ISLET_HELPERS="$PWD/build/tests/helpers" bats --timing tests/bats
RUNTIME=/usr/local/bin/islet CHECKER="$PWD/build/tests/oci-validation/oci-checker" tests/oci-validation/run.sh
# Pure cgroup v2: a QEMU guest with a stock Debian kernel (tests/vm-lane).
# Software emulation on these machines (~4 minutes): its own step, with a
# generous timeout.
VM_TIMEOUT=1500 timeout 1800 tests/vm-lane/run.sh /usr/local/bin/islet
