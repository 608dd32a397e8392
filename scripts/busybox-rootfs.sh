#!/bin/sh
# Builds a busybox root filesystem in DIR from Debian's busybox-static: every
# applet at its usual path (busybox --list-full) as a relative symlink to
# /bin/busybox, an /etc/passwd and /etc/group with root, tty and nobody, and
# the directories a container or a VM guest needs. The one rootfs builder:
# make-bundle.sh (the bats suites, the benchmarks, the demo), the client
# suites' images, the conformance suite and the vm lane's initramfs start
# from it. POSIX sh: the vm lane runs it under busybox's own sh.
# Usage: scripts/busybox-rootfs.sh DIR
set -eu
dir=$1
busybox=$(command -v busybox || true)
# Under busybox's own sh, `command -v` names the applet, not a path.
case $busybox in /*) ;; *) busybox=/bin/busybox ;; esac
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev run root home tmp var/tmp
chmod 1777 tmp var/tmp
cp "$busybox" bin/busybox
for a in $(bin/busybox --list-full); do
	case $a in
	bin/*) target=busybox ;;
	*/*/*) target=../../bin/busybox ;;
	*/*) target=../bin/busybox ;;
	*) continue ;; # linuxrc: an initrd's entry point
	esac
	if [ -e "$a" ] || [ -L "$a" ]; then continue; fi
	ln -s "$target" "$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >etc/passwd
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >etc/group
