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
#   cmd:NAME      the command NAME is installed (scripts/install-deps.sh)
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
			if ! grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts || grep -q ' cgroup ' /proc/mounts; then
				skip "requires v2: a pure cgroup v2 host (tests/vm-lane boots one)"
			fi ;;
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
		cmd:*)
			command -v "${gate#cmd:}" >/dev/null ||
				skip "requires ${gate#cmd:}: not installed (scripts/install-deps.sh)" ;;
		*)
			echo "requires: unknown gate \"$gate\"" >&2
			return 1 ;;
		esac
	done
}
