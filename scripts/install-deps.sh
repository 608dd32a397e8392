#!/bin/sh
# Installs what islet needs to build and test, from Debian 12 packages only.
# Usage: scripts/install-deps.sh [--clients]   (as root)
#   --clients  also podman, conmon and containerd for the client suites (and what
#              containerd.bats's CRI client needs: python3-grpcio, python3-protobuf, protoc)
set -eu
[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
PKGS="build-essential cmake git pkg-config nlohmann-json3-dev libyajl-dev libseccomp-dev libsystemd-dev
  libboost-program-options-dev googletest libgtest-dev bats bats-support bats-assert
  busybox-static jq runc iproute2 procps util-linux libcap2-bin time qemu-system-x86 cpio debootstrap e2fsprogs
  clang-format clang-tidy shellcheck clang-14 libclang-rt-14-dev libfuzzer-14-dev"
if [ "${1:-}" = "--clients" ]; then
  PKGS="$PKGS podman conmon crun fuse-overlayfs slirp4netns uidmap containerd
    containernetworking-plugins iptables catatonit python3-grpcio python3-protobuf protobuf-compiler"
fi
# Another apt process may hold the lock for a while on a fresh machine.
for i in 1 2 3 4 5; do
  apt-get update -q && break
  sleep 5
done
# Build against what a fully updated Debian 12 has, not the image's snapshot:
# bookworm-security's kernel headers (linux-libc-dev) have changed under us
# before (<linux/ioprio.h> stopped compiling as C++ with 6.1.192).
for i in 1 2 3 4 5; do
  apt-get upgrade -y -q -o Dpkg::Options::=--force-confold && break
  [ "$i" = 5 ] && exit 1
  sleep 5
done
# shellcheck disable=SC2086
for i in 1 2 3 4 5; do
  apt-get install -y -q --no-install-recommends $PKGS && break
  [ "$i" = 5 ] && exit 1
  sleep 5
done
# The pure cgroup v2 lane's guest kernel: Debian's stock image, downloaded
# with apt-get and extracted under /var/tmp (never installed).
"$(dirname "$0")/../tests/vm-lane/setup.sh"
