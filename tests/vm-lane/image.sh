#!/bin/bash
# Builds (once) the lanes' guest disk: a Debian 12 root filesystem made with
# debootstrap from Debian's mirror, with systemd, dbus, podman, containerd,
# runc, bats and the tools the bats suites use, plus the modules of the lane's
# stock kernel (setup.sh). The result is cached as $VM_DIR/image/root.img (raw
# ext4) with the key it was built from; a changed package list, guest
# configuration or kernel rebuilds it. The lanes boot it with snapshot=on, so
# a run never changes it.
#
# The same disk serves both lanes: systemd as PID 1, or lane-init (no systemd:
# cgroup2 mounted by the script, as on a minimal host).
# usage: tests/vm-lane/image.sh   (as root; prints the image path)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
MIRROR=${VM_MIRROR:-http://deb.debian.org/debian}
IMG_DIR=$VM_DIR/image
PKGS=(systemd systemd-sysv dbus dbus-user-session libpam-systemd kmod
  podman conmon crun runc containerd fuse-overlayfs slirp4netns uidmap
  containernetworking-plugins iptables catatonit
  bats bats-support bats-assert jq busybox-static iproute2 procps util-linux psmisc parallel)
kver=$(cat "$VM_DIR/kernel/version")
key=$( { echo "${PKGS[*]}"; echo "$kver"; cat "$HERE/image.sh" "$HERE/guest/"*; } | sha256sum | cut -c1-16)
if [ -f "$IMG_DIR/root.img" ] && [ "$(cat "$IMG_DIR/key" 2>/dev/null)" = "$key" ]; then
  echo "$IMG_DIR/root.img"
  exit 0
fi
command -v debootstrap >/dev/null && command -v mkfs.ext4 >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap e2fsprogs >&2
}
T0=$(date +%s)
mkdir -p "$IMG_DIR"
R=$IMG_DIR/rootfs.tmp
rm -rf "$R" "$IMG_DIR/root.img.tmp"
trap 'rm -rf "$R" "$IMG_DIR/root.img.tmp"' EXIT
incl=$(IFS=,; echo "${PKGS[*]}")
for i in 1 2 3; do
  debootstrap --variant=minbase --include="$incl" bookworm "$R" "$MIRROR" >"$IMG_DIR/debootstrap.log" 2>&1 && break
  [ "$i" = 3 ] && { tail -20 "$IMG_DIR/debootstrap.log" >&2; exit 1; }
  rm -rf "$R"
  sleep 10
done
rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/*
# The lane kernel's modules (overlay, bridge, netfilter, 9p, veth, tun...),
# found by modprobe; no hardware drivers or sound (three quarters of the size).
M=$VM_DIR/kernel/modules D=$R/lib/modules/$kver
mkdir -p "$D/kernel/drivers/net"
find "$M" -maxdepth 1 -type f -exec cp {} "$D/" \;
for d in "$M"/kernel/*; do
  case ${d##*/} in drivers|sound) ;; *) cp -a "$d" "$D/kernel/" ;; esac
done
cp -a "$M"/kernel/drivers/{block,virtio,char} "$D/kernel/drivers/"
cp "$M"/kernel/drivers/net/*.ko "$D/kernel/drivers/net/"
chroot "$R" depmod -a "$kver"
# Guest configuration: tests/vm-lane/guest/ (units, lane-init, config files).
G=$HERE/guest
install -m 0755 "$G/lane-init" "$R/usr/local/sbin/lane-init"
install -m 0755 "$G/lane-payload" "$R/usr/local/sbin/lane-payload"
install -m 0644 "$G/islet-payload.service" "$R/etc/systemd/system/islet-payload.service"
echo vm-guest >"$R/etc/hostname"
printf '127.0.0.1 localhost vm-guest\n::1 localhost\n' >"$R/etc/hosts"
: >"$R/etc/machine-id"
: >"$R/etc/fstab"
# A user whose systemd instance (lingering: started at boot) serves the
# rootless --systemd-cgroup tests.
chroot "$R" useradd -m -u 1500 -s /bin/bash rl
mkdir -p "$R/var/lib/systemd/linger" && touch "$R/var/lib/systemd/linger/rl"
grep -q '^containers:' "$R/etc/subuid" || echo 'containers:2147483647:2147483648' >>"$R/etc/subuid"
grep -q '^containers:' "$R/etc/subgid" || echo 'containers:2147483647:2147483648' >>"$R/etc/subgid"
# Boot straight to the payload: no gettys on the console, no timers, no
# daemons the tests start themselves.
sc() { systemctl --root="$R" "$@" >/dev/null 2>&1 || true; }
sc enable islet-payload.service
sc mask serial-getty@ttyS0.service getty@tty1.service getty.target console-getty.service \
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
  man-db.timer systemd-tmpfiles-clean.timer dpkg-db-backup.timer podman-auto-update.timer \
  podman-restart.service podman.socket containerd.service systemd-timesyncd.service \
  systemd-networkd-wait-online.service systemd-random-seed.service
sc set-default multi-user.target
size=$(( $(du -sm "$R" | cut -f1) + 3072 ))
mkfs.ext4 -q -L lane-root -d "$R" "$IMG_DIR/root.img.tmp" "${size}M" >&2
mv "$IMG_DIR/root.img.tmp" "$IMG_DIR/root.img"
echo "$key" >"$IMG_DIR/key"
echo "vm-lane: image built in $(( $(date +%s) - T0 ))s ($(du -sh --apparent-size "$IMG_DIR/root.img" | cut -f1), $(du -sh "$IMG_DIR/root.img" | cut -f1) used)" >&2
echo "$IMG_DIR/root.img"
