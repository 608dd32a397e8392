# shellcheck shell=bash
# Helpers for the conformance cases (sourced by run.sh for one case).
#
# A case is a bash function `case_<name>` in cases/*.sh, run with `set -eE`
# in its own directory $CASE_DIR, with its own state root $STATE passed to
# the runtime as --root (the only global option used, so any runc-compatible
# runtime can be judged). It passes by returning 0, fails on the first
# failing command or `fail`, and skips with `skip REASON` (the environment
# lacks something; not for runtime bugs).
#
# Set by run.sh: RUNTIME, TEMPLATE (a rootfs with busybox and /oci-checker),
# CASE, CASE_DIR, STATE.

# Fails the case with a message.
fail() {
	echo "# $*"
	exit 1
}

skip() {
	echo "$*" >"$CASE_DIR/skip-reason"
	exit 77
}

# The runtime under test, with the case's state root. stdin is /dev/null:
# no runtime operation needs it, and a container must not inherit the
# suite's.
rt() { "$RUNTIME" --root "$STATE" "$@" </dev/null; }

# Runs the runtime expecting failure; its output goes to $CASE_DIR/last.err.
rt_fails() {
	if rt "$@" >"$CASE_DIR/last.out" 2>"$CASE_DIR/last.err"; then
		fail "expected '$RUNTIME $*' to fail, it succeeded"
	fi
	return 0
}

# A fresh container id for this case (the counter lives in a file: new_id
# runs in a command substitution's subshell).
new_id() {
	local n
	n=$(($(cat "$CASE_DIR/.ids" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$CASE_DIR/.ids"
	echo "oci-${CASE//_/-}-$$-$n"
}

# A bundle at $1 (default $CASE_DIR/bundle): the template rootfs and the
# base config. Sets BUNDLE.
new_bundle() {
	BUNDLE=${1:-$CASE_DIR/bundle}
	mkdir -p "$BUNDLE"
	cp -a "$TEMPLATE" "$BUNDLE/rootfs"
	base_config >"$BUNDLE/config.json"
}

# The base configuration: what runc's and runtime-tools' generators produce
# for a non-interactive container, with the checker as the process.
base_config() {
	cat <<-'EOF'
	{
	  "ociVersion": "1.0.2",
	  "process": {
	    "terminal": false,
	    "user": {"uid": 0, "gid": 0},
	    "args": ["/oci-checker"],
	    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
	    "cwd": "/",
	    "capabilities": {
	      "bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	        "CAP_KILL", "CAP_AUDIT_WRITE"],
	      "effective": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	        "CAP_KILL", "CAP_AUDIT_WRITE"],
	      "permitted": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
	        "CAP_KILL", "CAP_AUDIT_WRITE"]
	    },
	    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
	    "noNewPrivileges": true
	  },
	  "root": {"path": "rootfs", "readonly": true},
	  "hostname": "oci-validation",
	  "mounts": [
	    {"destination": "/proc", "type": "proc", "source": "proc"},
	    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
	     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
	    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
	     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
	    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
	     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
	    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
	    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
	    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
	     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
	  ],
	  "linux": {
	    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
	    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
	    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
	    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
	  }
	}
	EOF
}

# Applies a jq filter (with jq's options before it) to the bundle's config.
cfg() {
	local tmp
	tmp=$(mktemp -p "$CASE_DIR")
	jq "$@" "$BUNDLE/config.json" >"$tmp"
	mv "$tmp" "$BUNDLE/config.json"
}

# The process's argv.
set_args() {
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	cfg --argjson a "$json" '.process.args = $a'
}

# What only the host knows, for the checker: the runtime's namespaces
# (inherited, or not, by the container) and its capability bounding set.
write_expect() {
	local f="$BUNDLE/rootfs/checker.expect" t n
	: >"$f"
	for t in pid network mount ipc uts user cgroup time; do
		n=$t
		[ "$t" = network ] && n=net
		[ "$t" = mount ] && n=mnt
		[ -e "/proc/self/ns/$n" ] && echo "hostns.$t=$(readlink "/proc/self/ns/$n")" >>"$f"
	done
	echo "hostcapbnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)" >>"$f"
	# Is the host mount holding the rootfs shared (a slave needs a master)?
	awk -v p="$BUNDLE/rootfs" '{ if (index(p "/", ($5 == "/" ? "/" : $5 "/")) == 1 && length($5) >= best) { best = length($5); s = ($0 ~ / shared:[0-9]+ /) } }
		END { print "hostrootfsshared=" (s ? 1 : 0) }' /proc/self/mountinfo >>"$f"
	cat "$CASE_DIR/expect.extra" >>"$f" 2>/dev/null || true
	chmod 644 "$f"
}

# Adds key=value for the checker (e.g. joinns.network=net:[4026532...]).
expect_extra() { echo "$1" >>"$CASE_DIR/expect.extra"; }

# create with the checker's inputs in place; its stdout and stderr (the
# container's) go to $CASE_DIR/<id>.out and .err.
create_container() {
	local id=$1
	shift
	cp "$BUNDLE/config.json" "$BUNDLE/rootfs/config.json"
	chmod 644 "$BUNDLE/rootfs/config.json"
	write_expect
	rt create --bundle "$BUNDLE" "$@" "$id" >"$CASE_DIR/$id.out" 2>"$CASE_DIR/$id.err" ||
		fail "create failed: $(cat "$CASE_DIR/$id.err")"
}

state_of() { rt state "$1" 2>/dev/null; }
status_of() { state_of "$1" | jq -r .status 2>/dev/null || echo none; }
pid_of() { state_of "$1" | jq -r .pid; }

# Waits (up to $3 seconds, default 10) for container $1 to reach status $2.
wait_status() {
	local i n=$((${3:-10} * 20))
	for ((i = 0; i < n; i++)); do
		[ "$(status_of "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	fail "container $1 did not reach status $2 (now: $(status_of "$1"))"
}

# Checks the checker's TAP in file $1: a plan, as many ok lines, no not ok.
verify_tap() {
	local f=$1 plan oks nots
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$f" | tail -1)
	oks=$(grep -c '^ok ' "$f" || true)
	nots=$(grep -c '^not ok ' "$f" || true)
	if [ -z "$plan" ] || [ "$plan" -eq 0 ] || [ "$nots" -ne 0 ] || [ "$oks" -ne "$plan" ]; then
		echo "# checker output (plan ${plan:-none}, $oks ok, $nots not ok):"
		sed 's/^/#   /' "$f"
		[ ! -s "${f%.out}.err" ] || sed 's/^/#   stderr: /' "${f%.out}.err"
		return 1
	fi
}

# The whole cycle with the checker as the process: create, start, wait for
# it to stop, check its TAP, delete. Extra arguments go to create.
run_checker() {
	local id
	id=$(new_id)
	create_container "$id" "$@"
	rt start "$id" || fail "start failed"
	wait_status "$id" stopped
	rt delete "$id" || fail "delete failed"
	verify_tap "$CASE_DIR/$id.out"
}

# Where a cgroup controller's hierarchy is mounted on the host: v1 first,
# else the unified hierarchy if it offers the controller. Empty if none.
cgroup_mount() {
	local ctrl=$1 m
	m=$(awk -v c="$ctrl" '$0 ~ / - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $5 }' /proc/self/mountinfo | head -1)
	if [ -z "$m" ]; then
		m=$(awk '$0 ~ / - cgroup2 / {print $5}' /proc/self/mountinfo | head -1)
		[ -n "$m" ] && grep -qw "$ctrl" "$m/cgroup.controllers" 2>/dev/null || m=""
	fi
	echo "$m"
}

# The container's directory in a hierarchy: from the init's /proc/<pid>/cgroup.
cgroup_dir_of() {
	local pid=$1 ctrl=$2 mnt rel
	mnt=$(cgroup_mount "$ctrl")
	[ -n "$mnt" ] || return 1
	if grep -q ' - cgroup2 ' <(grep " $mnt " /proc/self/mountinfo); then
		rel=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
	else
		rel=$(awk -F: -v c="$ctrl" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $3 }' "/proc/$pid/cgroup")
	fi
	echo "$mnt$rel"
}

# True when the host has a user namespace-capable kernel and setup.
have_userns() { [ -e /proc/self/ns/user ]; }
