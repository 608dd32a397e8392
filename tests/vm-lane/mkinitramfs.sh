#!/bin/bash
# Builds the lane's initramfs: a busybox rootfs (scripts/busybox-rootfs.sh) +
# /init + the virtio/9p/overlay modules + host binaries (with the shared
# libraries ldd names) + a payload.
# usage: mkinitramfs.sh -o OUT.cpio.gz [-p PAYLOAD_DIR] [-b /host/bin]... [-l FILE]... [-t /host/tree]...
#   -p DIR   copied to /payload in the guest; DIR/run.sh is the entry point
#   -b FILE  host executable copied to the same path, plus its libraries
#   -l FILE  only FILE's libraries (for a binary that lives in the payload)
#   -t PATH  host file or directory copied verbatim to the same path
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
OUT="" PAYLOAD="" BINS=() LIBS=() TREES=()
while getopts o:p:b:l:t: opt; do
  case $opt in o) OUT=$OPTARG;; p) PAYLOAD=$OPTARG;; b) BINS+=("$OPTARG");; l) LIBS+=("$OPTARG");;
  t) TREES+=("$OPTARG");; *) exit 2;; esac
done
[ -n "$OUT" ] || { echo "need -o OUT" >&2; exit 2; }
S=$(mktemp -d "$VM_DIR/stage.XXXXXX"); trap 'rm -rf "$S"' EXIT
"$HERE/../../scripts/busybox-rootfs.sh" "$S"
mkdir -p "$S"/{lib,lib64,payload,lib/modules}
install -m 0755 "$HERE/init" "$S/init"
echo vm-guest >"$S/etc/hostname"; : >"$S/etc/fstab"
ln -s /proc/self/mounts "$S/etc/mtab"
if [ -d "$VM_DIR/kernel/modules" ]; then
  for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
           netfs fscache 9pnet 9pnet_virtio 9p overlay; do
    f=$(find "$VM_DIR/kernel/modules/kernel" -name "$m.ko" | head -1)
    [ -n "$f" ] && cp "$f" "$S/lib/modules/"
  done
fi
copy_libs() {
  ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' | while read -r l; do
    [ -e "$S$l" ] || { mkdir -p "$S$(dirname "$l")"; cp -L "$l" "$S$l"; }
  done || true  # scripts: ldd finds nothing
}
for b in "${BINS[@]}"; do
  mkdir -p "$S$(dirname "$b")"; rm -f "$S$b"; cp -L "$b" "$S$b"
  copy_libs "$b"
done
for l in "${LIBS[@]}"; do copy_libs "$l"; done
for t in "${TREES[@]}"; do mkdir -p "$S$(dirname "$t")"; cp -a "$t" "$S$(dirname "$t")/"; done
[ -n "$PAYLOAD" ] && cp -a "$PAYLOAD"/. "$S/payload/"
( cd "$S" && find . -print0 | cpio --null -o -H newc --quiet ) | gzip -1 >"$OUT"
echo "vm-lane: initramfs $OUT ($(du -h "$OUT" | cut -f1))"
