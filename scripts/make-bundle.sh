#!/bin/sh
# Makes an OCI bundle with a busybox rootfs (from Debian's busybox-static) and
# islet's starter config, non-interactive (terminal off).
# Usage: scripts/make-bundle.sh DIR [ISLET]
set -eu
dir=$1
islet=${2:-islet}
busybox=$(command -v busybox || true)
# Under busybox's own sh, `command -v` names the applet, not a path.
case $busybox in /*) ;; *) busybox=/bin/busybox ;; esac
mkdir -p "$dir/rootfs"
cd "$dir"
mkdir -p rootfs/bin rootfs/etc rootfs/proc rootfs/sys rootfs/dev rootfs/tmp rootfs/root
cp "$busybox" rootfs/bin/busybox
for a in $(rootfs/bin/busybox --list); do
  [ "$a" = busybox ] && continue
  [ -e "rootfs/bin/$a" ] || ln -s busybox "rootfs/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >rootfs/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >rootfs/etc/group
rm -f config.json
"$islet" spec
# Non-interactive by default; the demo and the tests run without a terminal.
tmp=$(mktemp)
jq '.process.terminal = false' config.json >"$tmp" && mv "$tmp" config.json
chmod 644 config.json
