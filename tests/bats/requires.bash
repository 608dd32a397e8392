# requires GATE...: every skip in the bats suites goes through here (runc's
# tests/integration/helpers.bash style), so each gate is stated once, with
# its reason. A gate describes the host, never islet: a feature islet lacks
# is a failure, not a skip. An unknown gate fails the test.
#
#   root          the tests run the real binary as root
#   hybrid        cgroup v1 controllers plus the unified hierarchy (this host)
#   v2            a pure cgroup v2 host (tests/vm-lane boots one)
#   hugetlb_v2    hugetlb among the unified hierarchy's controllers
#   no_apparmor   AppArmor disabled: the test checks the error for a profile
#   no_selinux    no selinuxfs: the test checks the error for a label
#   x86_64        an x86_64 host (its 32-bit personality is i686)
#   smp           a second CPU online
#   keyring       the kernel's key management (/proc/keys)
#   systemd       systemd is PID 1 (tests/vm-lane's systemd lane boots one)
#   no_systemd    systemd is not PID 1: the test checks the error without it
#   idmap_tmpfs   the kernel idmaps tmpfs mounts (probed: Linux 6.3+)
#   overlay_fd_layers     overlayfs takes detached lower layers by fd, as an
#                 idmapped overlay rootfs needs (probed: Linux 6.15+)
#   no_overlay_fd_layers  the reverse: the test checks islet's error
#   procfs_pidns  a new procfs can show a pid namespace its maker is not in
#                 (fsconfig "pidns", probed: Linux 6.18+)
#   cmd:NAME      the command NAME is installed (scripts/install-deps.sh)
#
# bats 1.8 cannot skip in setup_file: there, `file_requires GATE... || return 0`
# notes the first unmet gate, and setup's `file_skip` skips each test with it.
requires() {
	local gate
	for gate in "$@"; do
		case $gate in
		root)
			[ "$(id -u)" = 0 ] || skip "requires root: the tests run islet as root" ;;
		hybrid)
			if [ ! -d /sys/fs/cgroup/unified ] || [ ! -d /sys/fs/cgroup/memory ]; then
				skip "requires hybrid: cgroup v1 controllers and /sys/fs/cgroup/unified (pure v2: tests/vm-lane)"
			fi ;;
		v2)
			pure_v2_host || skip "requires v2: a pure cgroup v2 host (tests/vm-lane boots one)" ;;
		hugetlb_v2)
			grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null ||
				skip "requires hugetlb_v2: no hugetlb controller on the unified hierarchy" ;;
		no_apparmor)
			[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
				skip "requires no_apparmor: AppArmor is enabled here, the test checks the error without it" ;;
		no_selinux)
			[ ! -d /sys/fs/selinux ] ||
				skip "requires no_selinux: selinuxfs is mounted here, the test checks the error without it" ;;
		x86_64)
			[ "$(uname -m)" = x86_64 ] || skip "requires x86_64: the test expects i686 as the 32-bit personality" ;;
		smp)
			[ "$(cat /sys/devices/system/cpu/online)" != 0 ] || skip "requires smp: a second CPU online" ;;
		keyring)
			[ -e /proc/keys ] || skip "requires keyring: the kernel has no key management (/proc/keys)" ;;
		systemd)
			[ -d /run/systemd/system ] ||
				skip "requires systemd: systemd as PID 1 (tests/vm-lane/run.sh --lane systemd)" ;;
		no_systemd)
			[ ! -d /run/systemd/system ] ||
				skip "requires no_systemd: systemd is PID 1 here, the test checks the error without it" ;;
		idmap_tmpfs)
			probe idmap-tmpfs ||
				skip "requires idmap_tmpfs: this kernel cannot idmap a tmpfs mount (MOUNT_ATTR_IDMAP on tmpfs: Linux 6.3)" ;;
		overlay_fd_layers)
			probe overlay-fd-layers ||
				skip "requires overlay_fd_layers: this kernel's overlayfs cannot take detached lower layers by fd (fsconfig \"lowerdir+\"), which islet's idmapped overlay rootfs needs" ;;
		no_overlay_fd_layers)
			! probe overlay-fd-layers ||
				skip "requires no_overlay_fd_layers: this kernel's overlayfs takes layers by fd, the test checks the error without it" ;;
		procfs_pidns)
			probe procfs-pidns ||
				skip "requires procfs_pidns: this kernel's procfs has no pidns option (Linux 6.18), so an init joining a pid namespace by path is born in it, as runc's" ;;
		cmd:*)
			command -v "${gate#cmd:}" >/dev/null ||
				skip "requires ${gate#cmd:}: not installed (scripts/install-deps.sh)" ;;
		*)
			echo "requires: unknown gate \"$gate\"" >&2
			return 1 ;;
		esac
	done
}

# probe FEATURE: the kernel has FEATURE (tests/helpers/feature_probe, run in
# a scratch directory on the tests' filesystem). A probe that cannot run at
# all fails the test instead of skipping it.
probe() {
	local rc=0
	"$ISLET_HELPERS/feature_probe" "$1" "${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-/tmp}}" 2>/dev/null || rc=$?
	[ "$rc" -le 1 ] || { echo "feature_probe $1 could not run (status $rc)" >&2; exit 1; }
	return "$rc"
}

file_requires() {
	local reason rc=0
	reason=$(skip() { printf '%s' "$1"; exit 3; }; requires "$@") || rc=$?
	[ "$rc" = 0 ] && return 0
	[ "$rc" = 3 ] || exit 1
	export FILE_SKIP=$reason
	return 1
}

file_skip() { [ -z "${FILE_SKIP:-}" ] || skip "$FILE_SKIP"; }

# The host has a pure cgroup v2 hierarchy (no v1 hierarchy mounted): tests
# that look at a container's cgroup from the host read it there.
pure_v2_host() { grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts && ! grep -q ' cgroup ' /proc/mounts; }
