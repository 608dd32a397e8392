#!/bin/bash
# Builds the lanes' initramfs: busybox-static, /init (init-disk: mounts the
# guest disk and switch_roots to it) and the modules it needs to reach the
# disk (virtio block, ext4), taken from the lane kernel (setup.sh).
# usage: mkinitramfs.sh OUT.cpio.gz
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
OUT=${1:?usage: mkinitramfs.sh OUT.cpio.gz}
S=$(mktemp -d "$VM_DIR/stage.XXXXXX")
trap 'rm -rf "$S"' EXIT
mkdir -p "$S"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,newroot,lib/modules}
cp /bin/busybox "$S/bin/busybox"
for a in $(/bin/busybox --list-full); do
  [ -e "$S/$a" ] || ln -s /bin/busybox "$S/$a"
done
install -m 0755 "$HERE/init-disk" "$S/init"
# In dependency order (the kernel package has no modules.dep; init-disk
# loads them with busybox insmod in this order).
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk \
         crc16 crc32c_generic mbcache jbd2 ext4; do
  f=$(find "$VM_DIR/kernel/modules/kernel" -name "$m.ko" | head -1)
  [ -n "$f" ] || { echo "mkinitramfs: no module $m in $VM_DIR/kernel" >&2; exit 1; }
  cp "$f" "$S/lib/modules/"
done
( cd "$S" && find . -print0 | cpio --null -o -H newc --quiet ) | gzip -1 >"$OUT"
echo "vm-lane: initramfs $OUT ($(du -h "$OUT" | cut -f1))" >&2
