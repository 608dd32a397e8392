#!/bin/sh
# One-time host setup for the pure cgroup v2 lane, from Debian 12 packages only:
# qemu, busybox-static and cpio are installed if missing; the stock Debian
# kernel is downloaded (apt-get download) and extracted, never installed, into
# $VM_DIR/kernel, so the host's own kernel and cgroup mounts are untouched.
# Usage: tests/vm-lane/setup.sh   (as root; VM_DIR defaults to /var/tmp/islet-vm-lane)
set -eu
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
mkdir -p "$VM_DIR"
export DEBIAN_FRONTEND=noninteractive
need=""
command -v qemu-system-x86_64 >/dev/null || need="$need qemu-system-x86"
{ [ -x /bin/busybox ] && /bin/busybox --list | grep -qx switch_root; } || need="$need busybox-static"
command -v cpio >/dev/null || need="$need cpio"
if [ -n "$need" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $need
fi
if [ ! -f "$VM_DIR/kernel/vmlinuz" ]; then
  # The metapackage names the current versioned image.
  pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$pkg" ] || { apt-get update -qq; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); }
  rm -f "$VM_DIR"/linux-image-*.deb
  ( cd "$VM_DIR" && apt-get download "$pkg" )
  rm -rf "$VM_DIR/kernel.x" && mkdir -p "$VM_DIR/kernel.x"
  dpkg -x "$VM_DIR"/"$pkg"_*.deb "$VM_DIR/kernel.x"
  kver=$(ls "$VM_DIR/kernel.x/lib/modules")
  rm -rf "$VM_DIR/kernel" && mkdir -p "$VM_DIR/kernel"
  cp "$VM_DIR/kernel.x/boot/vmlinuz-$kver" "$VM_DIR/kernel/vmlinuz"
  mv "$VM_DIR/kernel.x/lib/modules/$kver" "$VM_DIR/kernel/modules"
  echo "$kver" >"$VM_DIR/kernel/version"
  rm -rf "$VM_DIR/kernel.x" "$VM_DIR"/linux-image-*.deb
fi
echo "vm-lane: kernel $(cat "$VM_DIR/kernel/version") in $VM_DIR/kernel"
