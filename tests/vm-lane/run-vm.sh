#!/bin/bash
# Boots the Debian kernel + an initramfs, streams the serial console to a log,
# and exits with the payload's status (the last "VM-LANE: EXIT=n" line; 125
# when it is missing: a timeout or a panic).
# usage: run-vm.sh INITRAMFS LOG [extra qemu args]
# env: VM_DIR, VM_MEM (1G), VM_CPUS (2), VM_TIMEOUT (900 s), VM_APPEND,
#      VM_ACCEL kvm|tcg|auto. auto uses KVM only where it can boot a stock
#      kernel (a writable /dev/kvm with vmx/svm and not PVM); these machines'
#      /dev/kvm is PVM, which Debian kernels cannot run, so they use TCG.
set -uo pipefail
VM_DIR=${VM_DIR:-/var/tmp/islet-vm-lane}
INITRD=$1 LOG=$2; shift 2
accel=${VM_ACCEL:-auto}
if [ "$accel" = auto ]; then
  if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; else accel=tcg; fi
fi
if [ "$accel" = kvm ]; then ACC=(-enable-kvm -cpu host); else ACC=(-accel 'tcg,thread=multi' -cpu max); fi
echo "vm-lane: accel=$accel timeout=${VM_TIMEOUT:-900}s" >&2
timeout --foreground -k 5 "${VM_TIMEOUT:-900}" \
  qemu-system-x86_64 "${ACC[@]}" -m "${VM_MEM:-1G}" -smp "${VM_CPUS:-2}" \
    -nographic -no-reboot -nodefaults -serial stdio \
    -kernel "$VM_DIR/kernel/vmlinuz" -initrd "$INITRD" \
    -append "console=ttyS0 panic=-1 quiet loglevel=3 ${VM_APPEND:-}" "$@" \
    </dev/null 2>&1 | stdbuf -oL tr -d '\r' >"$LOG"
qrc=${PIPESTATUS[0]}
rc=$(grep -a -o 'VM-LANE: EXIT=[0-9]*' "$LOG" | tail -1 | cut -d= -f2)
if [ -z "$rc" ]; then echo "vm-lane: no EXIT marker (qemu rc=$qrc)" >&2; exit 125; fi
exit "$rc"
