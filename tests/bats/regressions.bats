#!/usr/bin/env bats
# Security regressions (SECURITY.md §5, P0): each test reproduces the attack
# of a runc or crun CVE class and checks that it gets nowhere, and names its
# checklist number and CVE. The checklist items that are a feature's
# behaviour rather than an attack are tested in that feature's file:
#
#   P0  #1      fd audit of a created init          here
#       #2      the caller's fds                    fds.bats, exec.bats
#       #3      cwd through a magic link            here
#       #4      binary integrity (/proc/self/exe)   here
#       #5 #6   /proc and /sys rules                here
#       #7      AppArmor; sysctl through a mount    lsm.bats; here
#       #8 #9   mount destinations, dangling links  here
#       #10     symlink-exchange race               not end to end yet; the resolver's
#                                                   race: tests/unit/sys/path_test.cpp
#       #11-13  /dev/null, /dev/console, /dev       here
#       #14     masked and read-only paths          mask.bats
#       #15     capabilities                        caps.bats, exec.bats (--cap)
#       #16     exec --user parsing                 exec.bats
#       #17     read-only cgroupfs                  cgroups.bats, mounts.bats
#       #18     cgroup path traversal               cgroups.bats, exec.bats (--cgroup)
#       #19     container ids                       lifecycle.bats
#       #20     seccomp                             seccomp.bats
#       #21     user namespaces, idmapped mounts    userns.bats, idmap.bats,
#                                                   isolation.bats
#       #22     device cgroup                       cgroups.bats, dev.bats
#       #23     pivot_root                          here; rootfs.bats (--no-pivot)
#       #24     non-dumpable during exec            here
#       #25     NUL bytes, oversized fields         here
#   P1  #26 #27 bad input                           bad_input.bats
#       #28     lifecycle                           lifecycle.bats
#       #29     runtime-tools validation            tests/oci-validation
#       #30-32  signals, reaping, concurrency       robustness.bats, isolation.bats
#       #33     SIGKILL during create               cgroups.bats, isolation.bats
#       #34 #35 external kills, corrupt state       robustness.bats, cgroups.bats
#       #36     pre-existing cgroup                 cgroups.bats
#   P2  #37 #38 memory, pids                        cgroups.bats
#       #39     fd limits                           fds.bats (--preserve-fds only)
#       #40     missing controllers                 cgroups.bats
#       #41     syscall-fallback mode               not yet
#       #43     path-resolver race                  tests/unit/sys/path_test.cpp

load helpers

# The start time of the process whose stat file is $1 (field 22; the fields
# after the comm in parentheses, which may hold spaces).
start_time() { sed 's/.*) //' "$1" | cut -d' ' -f20; }

@test "P0#1 fd audit: a created init holds nothing of the host's but its own handles" {
	set_args sleep 1000
	exec 7</
	islet create "$CID"
	exec 7<&-
	assert_success
	pid=$(pid_of "$CID")
	for fd in "/proc/$pid/fd/"*; do
		t=$(readlink "$fd")
		case "$t" in
			/dev/null|pipe:*|socket:*|anon_inode:*|/dev/pts/*|*/islet-out.*|*/islet.log) ;;
			"$ROOT/$CID/exec.fifo"|"/memfd:islet-exec (deleted)") ;;
			# The barrier's procfs: the init's own pid namespace (its 1 is
			# the init: the same start time), task directories only
			# (subset=pid), never the host's /proc.
			/) [ "$(stat -f -L -c %T "$fd")" = proc ] && [ ! -e "$fd/sys" ] && [ -e "$fd/1" ] &&
				[ "$(start_time "$fd/1/stat")" = "$(start_time "/proc/$pid/stat")" ] || {
				echo "host fd $fd: $(stat -f -L -c %T "$fd"), [$(ls "$fd" | head -5 | xargs)]"
				return 1
			} ;;
			*) echo "unexpected fd $fd -> $t"; return 1 ;;
		esac
	done
	# After start, the process has exactly 0, 1, 2 (plus ls's own).
	set_args sh -c 'ls /proc/self/fd'
	islet delete -f "$CID"
	islet run "$CID"
	assert_output "$(printf '0\n1\n2\n3')"
}

@test "P0#4 the container never reaches islet's binary through /proc/*/exe" {
	before=$(sha256sum "$ISLET" | cut -d' ' -f1)
	# An entrypoint whose interpreter is /proc/self/exe gets the sealed stub.
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
	chmod 755 "$BUNDLE/rootfs/evil"
	set_args /evil
	islet run "$CID"
	assert_failure
	refute_output --partial "islet version"
	set_args sleep 1000
	islet create "$CID"
	init=$(pid_of "$CID")
	# The waiting init is not dumpable: the container cannot open its exe.
	islet exec "$CID" sh -c 'cat /proc/1/exe >/dev/null 2>&1; echo rc=$?; readlink /proc/1/exe; echo x >>/proc/1/exe 2>&1; echo wrc=$?'
	assert_line rc=1
	assert_line wrc=1
	refute_output --partial "$ISLET"
	islet start "$CID"
	# After start, /proc/<init>/exe is the program, not islet.
	[ "$(readlink "/proc/$init/exe")" = /bin/busybox ]
	for _ in $(seq 20); do islet exec "$CID" true; done
	[ "$(sha256sum "$ISLET" | cut -d' ' -f1)" = "$before" ]
}

@test "P0#8 mount destinations with .. and symlinks stay inside the rootfs" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo payload >"$BATS_TEST_TMPDIR/src/p"
	ln -s "$CANARY" "$BUNDLE/rootfs/abs-link"
	ln -s ../../../../../../.. "$BUNDLE/rootfs/rel-link"
	update_config --arg s "$BATS_TEST_TMPDIR/src" '.root.readonly = false | .mounts += [
		{"destination": "/../../../../canary-a", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/abs-link/x", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/rel-link/canary-c", "type": "bind", "source": $s, "options": ["bind"]}]'
	set_args sh -c 'cat /canary-a/p /tmp/canary/x/p /canary-c/p 2>&1; grep -c src /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	# The mounts landed inside the rootfs, the canary did not change (audit).
	[ -d "$BUNDLE/rootfs/canary-a" ]
	[ -d "$BUNDLE/rootfs/canary-c" ]
	[ -d "$BUNDLE/rootfs$CANARY/x" ]
	update_config '.mounts += [{"destination": "/rel-link", "type": "tmpfs", "source": "tmpfs"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "is on the top of rootfs"
}

@test "P0#9 mountpoints through dangling symlinks are created inside the rootfs (CVE-2024-45310)" {
	ln -s "$CANARY/dir/new-dir" "$BUNDLE/rootfs/dangling"
	ln -s "$CANARY/dir/new-file" "$BUNDLE/rootfs/dangling-file"
	echo x >"$BATS_TEST_TMPDIR/f"
	update_config --arg f "$BATS_TEST_TMPDIR/f" '.root.readonly = false | .mounts += [
		{"destination": "/dangling/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/dangling-file", "type": "bind", "source": $f, "options": ["bind"]}]'
	set_args true
	islet run "$CID"
	assert_success
	[ -d "$BUNDLE/rootfs$CANARY/dir/new-dir/sub" ]
	[ -f "$BUNDLE/rootfs$CANARY/dir/new-file" ]
	[ ! -e "$CANARY/dir/new-dir" ]
}

@test "P0#11 a /dev/null that is a symlink to a host file is never used as a mask (CVE-2025-31133)" {
	update_config '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
		| .linux.maskedPaths = ["/proc/keys", "/etc/hostname-mask"] | .root.readonly = false'
	rm -rf "$BUNDLE/rootfs/dev" && mkdir "$BUNDLE/rootfs/dev"
	ln -s "$CANARY/file" "$BUNDLE/rootfs/dev/null"
	echo secret >"$BUNDLE/rootfs/etc/hostname-mask"
	set_args sh -c 'stat -c "%t:%T" /proc/keys /etc/hostname-mask; echo pwned >/etc/hostname-mask 2>&1; echo pwned >/dev/null'
	islet run "$CID"
	assert_success
	assert_line "1:3"
	[ "$(cat "$CANARY/file")" = canary ]
}

@test "P0#12 /dev/console is the container's own pty even when /dev/pts holds symlinks (CVE-2025-52565)" {
	update_config '.process.terminal = true | .mounts |= map(select(.destination != "/dev/pts" and .destination != "/dev"))'
	mkdir -p "$BUNDLE/rootfs/dev/pts"
	for n in 0 1 2 3; do ln -s "$CANARY/file" "$BUNDLE/rootfs/dev/pts/$n"; done
	set_args sh -c 'stat -c "%t %F" /dev/console'
	SOCK="$BATS_TEST_TMPDIR/tty.sock"
	"$ISLET_HELPERS/recvtty" "$SOCK" "$BATS_TEST_TMPDIR/tty.log" &
	recv=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.02; done
	# No devpts at /dev/pts: the container has no pty of its own, so the
	# console refuses instead of following the image's symlinks.
	islet create --console-socket "$SOCK" "$CID"
	kill $recv 2>/dev/null || true
	wait $recv 2>/dev/null || true
	assert_failure 1
	assert_output --partial "/dev/pts/ptmx"
	[ "$(cat "$CANARY/file")" = canary ]
}

@test "P0#13 a /dev that is a symlink outside the rootfs is not populated (CVE-2026-41579)" {
	outside="$BATS_TEST_TMPDIR/outside-dev"
	mkdir -p "$outside"
	echo marker >"$outside/ptmx"
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s "$outside" "$BUNDLE/rootfs/dev"
	set_args sh -c 'ls /dev | head -3'
	islet run "$CID"
	[ "$(ls "$outside")" = ptmx ]
	[ "$(cat "$outside/ptmx")" = marker ]
	[ ! -L "$outside/ptmx" ]
}

@test "P0#23 pivot_root leaves no host mount visible and the old root detached" {
	set_args cat /proc/self/mountinfo
	islet run "$CID"
	assert_success
	# Mount points (field 5): only the container's own tree.
	mps=$(echo "$output" | awk '{print $5}')
	for mp in $mps; do
		case "$mp" in
			/|/proc|/proc/*|/dev|/dev/*|/sys|/sys/*) ;;
			*) echo "unexpected mount point $mp"; return 1 ;;
		esac
	done
}

@test "P0#25 NUL bytes and oversized fields never change the namespace set" {
	update_config '.mounts += [{"destination": "/a\u0000b", "type": "tmpfs", "source": "tmpfs"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "NUL character"
	big=$(head -c 70000 /dev/zero | tr '\0' 'a')
	update_config 'del(.mounts[-1])'
	update_config --arg b "$big" '.annotations = {"big": $b} | .process.env += ["BIG=" + $b] | .process.args = ["sh", "-c", "echo ${#BIG}; readlink /proc/self/ns/net; readlink /proc/self/ns/pid"]'
	islet run "$CID"
	assert_success
	assert_line 70000
	refute_output --partial "$(readlink /proc/self/ns/net)"
}

@test "P0#24 exec's joining process is not dumpable until it execs (CVE-2016-9962)" {
	require_test_hooks
	set_args sleep 1000
	islet run -d "$CID"
	ISLET_TEST_PAUSE_AT=exec-before-ready "$ISLET" --root "$ROOT" exec -d "$CID" true </dev/null >/dev/null 2>&1 &
	runner=$!
	# Find the stopped joining process (state T, in the container's pid namespace).
	joiner=""
	for _ in $(seq 100); do
		for p in $(pgrep -P "$runner" 2>/dev/null); do
			[ "$(awk '{print $3}' "/proc/$p/stat")" = T ] && joiner=$p
		done
		[ -n "$joiner" ] && break
		sleep 0.05
	done
	[ -n "$joiner" ]
	# From inside the container, its fds and exe are out of reach.
	cpid=$(grep NSpid "/proc/$joiner/status" | awk '{print $NF}')
	islet exec "$CID" sh -c "for f in /proc/$cpid/fd/*; do readlink \$f || echo denied; done; cat /proc/$cpid/exe >/dev/null 2>&1; echo rc=\$?"
	refute_output --regexp '^/'
	assert_line denied
	assert_line rc=1
	kill -9 "$joiner" "$runner" 2>/dev/null || true
	wait "$runner" 2>/dev/null || true
}

# The CVE-2019-5736 race (issue 10 item 1) runs against a private copy of
# islet: on a broken build the attack appends to the copy, not to the build.
_race_setup() {
	cp "$ISLET" "$BATS_TEST_TMPDIR/islet"
	ISLET="$BATS_TEST_TMPDIR/islet"
	BEFORE=$(sha256sum "$ISLET" | cut -d' ' -f1)
	cp "$ISLET_HELPERS/exe_race" "$BUNDLE/rootfs/bin/exe_race"
	update_config '.root.readonly = false'
}

# Waits (up to ~10 s) until the attacker's report in the rootfs has a line
# matching $1.
_race_wait() {
	local _
	for _ in $(seq 200); do
		grep -q "$1" "$BUNDLE/rootfs/race.out" 2>/dev/null && return 0
		sleep 0.05
	done
	cat "$BUNDLE/rootfs/race.out" 2>/dev/null
	return 1
}

@test "P0#4 CVE-2019-5736 race: a ptrace-capable container cannot rewrite islet through a created init" {
	_race_setup
	set_args sleep 1000
	islet create "$CID"
	assert_success
	init=$(pid_of "$CID")
	# Whatever the config, the waiting init does not run the binary on disk.
	[ "$(stat -L -c %d:%i "/proc/$init/exe")" != "$(stat -c %d:%i "$ISLET")" ]
	islet exec -d --cap CAP_SYS_PTRACE "$CID" sh -c '/bin/exe_race 1 4 >/race.out 2>&1'
	assert_success
	_race_wait '^held'
	islet start "$CID"
	assert_success
	_race_wait '^done\|^wrote'
	run cat "$BUNDLE/rootfs/race.out"
	refute_line --partial wrote
	assert_line --regexp '^done held=1 '
	[ "$(sha256sum "$ISLET" | cut -d' ' -f1)" = "$BEFORE" ]
	# The variable the sealed re-exec sets cannot talk islet out of sealing:
	# from a caller it is an error, before anything is made.
	run_file env _ISLET_SEALED_EXE=1 "$ISLET" --root "$ROOT" create "$ID_PREFIX-b"
	assert_failure 1
	assert_output --partial "islet re-executed itself from a sealed executable but runs unsealed"
	[ ! -e "$ROOT/$ID_PREFIX-b" ]
}

@test "P0#4 CVE-2019-5736 race: a ptrace-capable container cannot rewrite islet through an exec" {
	_race_setup
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	# Only the attacker holds CAP_SYS_PTRACE, not the exec it races.
	islet exec -d --cap CAP_SYS_PTRACE "$CID" sh -c '/bin/exe_race islet 5 >/race.out 2>&1'
	assert_success
	# An exec held where it is most exposed: in the container, before ready.
	ISLET_TEST_PAUSE_AT=exec-before-ready "$ISLET" --root "$ROOT" exec -d "$CID" true </dev/null >/dev/null 2>&1 &
	runner=$!
	_race_wait '^held'
	# Then it goes away: no process runs the copy any more (no ETXTBSY).
	kill -9 $(pgrep -P "$runner") "$runner" 2>/dev/null || true
	wait "$runner" 2>/dev/null || true
	_race_wait '^done\|^wrote'
	run cat "$BUNDLE/rootfs/race.out"
	refute_line --partial wrote
	assert_line --regexp '^done held=[1-9]'
	[ "$(sha256sum "$ISLET" | cut -d' ' -f1)" = "$BEFORE" ]
}

@test "P0#3 a cwd through a magic link is refused (CVE-2024-21626)" {
	for n in 3 4 5 7; do
		update_config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
		set_args pwd
		islet run "$CID"
		assert_failure
		refute_output --regexp "^/"
	done
	[ -z "$(ls -A "$ROOT")" ]
}

@test "P0#5 P0#6 /proc and /sys: not over symlinks, nothing foreign inside /proc (CVE-2019-19921, CVE-2019-16884)" {
	rmdir "$BUNDLE/rootfs/proc"
	ln -s /nonexistent "$BUNDLE/rootfs/proc"
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'filesystem "proc" must be mounted on ordinary directory'
	rm "$BUNDLE/rootfs/proc" && mkdir "$BUNDLE/rootfs/proc"
	update_config '.mounts += [{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/proc cannot be mounted because it is not of type proc"
	update_config '.mounts[-1] = {"destination": "/proc/sys/kernel", "type": "tmpfs", "source": "tmpfs"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "cannot be mounted because it is inside /proc"
	# lxcfs-style files are allowed.
	echo "fake meminfo" >"$BATS_TEST_TMPDIR/meminfo"
	update_config --arg m "$BATS_TEST_TMPDIR/meminfo" '.mounts[-1] = {"destination": "/proc/meminfo", "type": "bind", "source": $m, "options": ["bind"]}'
	set_args cat /proc/meminfo
	islet run "$CID"
	assert_success
	assert_output "fake meminfo"
}

@test "P0#7 sysctl: a mount over the host's /proc/sys cannot redirect the write (CVE-2019-16884 class)" {
	# The init writes through a procfs instance of its own (issue 10), which
	# no mount of the host's or the container's covers.
	update_config '.linux.sysctl = {"net.core.somaxconn": "321"}'
	set_args cat /proc/sys/net/core/somaxconn
	run unshare -m --propagation private sh -c \
		"mount -t tmpfs islet-fake /proc/sys/net && exec '$ISLET' --root '$ROOT' run '$CID' </dev/null"
	assert_success
	assert_output 321
}

@test "issue 10: a mount through an image symlink into /proc/sys is checked where it lands" {
	# runc 1.1.5 refuses the same config: "... cannot be mounted because it
	# is inside /proc" (checkProcMount runs on the securejoin'd path).
	ln -s /proc/sys/kernel "$BUNDLE/rootfs/to-sys"
	update_config '.mounts += [{"destination": "/to-sys", "type": "tmpfs", "source": "tmpfs"}]'
	islet run "$CID"
	assert_failure 1
	assert_output --partial "/proc/sys/kernel cannot be mounted because it is inside /proc"
	ln -s /proc "$BUNDLE/rootfs/to-proc"
	update_config '.mounts[-1].destination = "/to-proc"'
	islet run "$CID"
	assert_failure 1
	assert_output --partial "/proc cannot be mounted because it is not of type proc"
	# An allowed file (lxcfs) stays allowed through a symlink too.
	ln -s /proc/uptime "$BUNDLE/rootfs/uptime-link"
	echo "1.00 1.00" >"$BATS_TEST_TMPDIR/uptime"
	update_config --arg s "$BATS_TEST_TMPDIR/uptime" '.mounts[-1] = {"destination": "/uptime-link", "type": "bind", "source": $s, "options": ["bind"]}'
	set_args cat /proc/uptime
	islet run "$CID"
	assert_success
	assert_output "1.00 1.00"
}

@test "issue 10: an image /etc/passwd that is a FIFO is refused, not waited on" {
	# runc 1.1.5 blocks for ever opening it; islet refuses without blocking.
	rm -f "$BUNDLE/rootfs/etc/passwd"
	mkfifo "$BUNDLE/rootfs/etc/passwd"
	update_config '.process.env = ["PATH=/bin"]'
	set_args true
	run_file timeout 20 "$ISLET" --root "$ROOT" run "$CID"
	[ "$status" -ne 124 ]
	assert_failure 1
	assert_output --partial "/etc/passwd in the container is not a regular file"
	# With HOME set islet does not read it at all.
	update_config '.process.env = ["PATH=/bin", "HOME=/root"]'
	islet run "$CID"
	assert_success
}

@test "issue 10: a state.json over the size limit is refused before it is read" {
	# GNU time reports the resident size (the VM lanes' guest has none).
	requires cmd:/usr/bin/time
	set_args sleep 1000
	islet create "$CID"
	assert_success
	# The resident size of a normal `state` first: a sanitizer build's is
	# far larger than a release build's.
	run_file /usr/bin/time -f 'maxrss=%M' "$ISLET" --root "$ROOT" state "$CID"
	assert_success
	base=$(sed -n 's/.*maxrss=//p' <<<"$output")  # state prints no final newline
	cp "$ROOT/$CID/state.json" "$BATS_TEST_TMPDIR/state.json"
	truncate -s 80M "$ROOT/$CID/state.json"
	run_file /usr/bin/time -f 'maxrss=%M' "$ISLET" --root "$ROOT" state "$CID"
	assert_failure
	assert_output --partial "state.json: document is 83886080 bytes, larger than the 67108864-byte limit"
	# Read whole, 80 MiB would add at least 80000 KiB resident.
	rss=$(sed -n 's/.*maxrss=//p' <<<"$output")
	cp "$BATS_TEST_TMPDIR/state.json" "$ROOT/$CID/state.json"
	[ "$rss" -lt $((base + 40000)) ]
}

@test "issue 10: --no-pivot leaves no fully visible procfs or sysfs behind" {
	# runc 1.1.5 run --no-pivot on this config: "mount: permission denied"
	# (msMoveRoot detaches the host's procfs and sysfs before its chroot).
	# A user other than root: mapping uid 0 into a user namespace needs
	# CAP_SETFCAP, which the config does not grant.
	mkdir -p "$BUNDLE/rootfs/tmp/p" "$BUNDLE/rootfs/tmp/s"
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'unshare -mrpf true; echo userns=$?; unshare -mrpf mount -t proc proc /tmp/p; echo proc=$?; unshare -mrpfn mount -t sysfs sysfs /tmp/s; echo sysfs=$?'
	islet run --no-pivot "$CID"
	assert_success
	# The probe can work: user namespaces are allowed here.
	assert_line userns=0
	assert_line proc=1
	assert_line sysfs=1
	assert_output --partial "ermission denied"
	# The host keeps its own.
	grep -q ' /proc proc ' /proc/self/mounts
	grep -q ' /sys sysfs ' /proc/self/mounts
}

# From inside the container: can any process's /proc/<pid>/{root,cwd,fd/*}
# reach the host? The canary is a host-only path; it is tried through every
# root, cwd and fd, the fd's parents and, for an fd of a procfs, its pid 1.
# A writable /proc/sys through an fd (a full procfs instance: a host-wide
# kernel.core_pattern) counts too; access(2) tells without writing.
_write_host_probe() {
	cat >"$BUNDLE/rootfs/bin/host-probe" <<PROBE
#!/bin/sh
canary="$CANARY/file"
for d in /proc/[0-9]*; do
	p=\${d#/proc/}
	[ "\$p" = "\$\$" ] && continue
	for b in "\$d/root" "\$d/cwd" "\$d"/fd/*; do
		for up in "" /.. /../.. /../../.. /../../../.. /../../../../.. /../../../../../.. /1/root; do
			[ -e "\$b\$up\$canary" ] && echo "LEAK pid \$p: \$b\$up\$canary"
		done
		[ -w "\$b/sys/kernel/core_pattern" ] && echo "LEAK pid \$p: writable procfs \$b"
	done
	echo "seen \$p \$(cat \$d/comm 2>/dev/null)"
done
echo probe-done
PROBE
	chmod 755 "$BUNDLE/rootfs/bin/host-probe"
}

# _probe_paused STAGE IN PROBE ISLET-ARGS...: runs islet with ISLET-ARGS held
# at pause point STAGE (with a variable of the caller's in its environment),
# runs /bin/PROBE in container IN with CAP_SYS_PTRACE meanwhile, then kills
# islet and what it forked. $status and $output are the probe's.
_probe_paused() {
	local stage=$1 in=$2 probe=$3 runner paused
	shift 3
	ISLET_CALLER_SECRET=1 ISLET_TEST_PAUSE_AT=$stage "$ISLET" --root "$ROOT" "$@" </dev/null >/dev/null 2>&1 &
	runner=$!
	paused=$(wait_paused "$runner")
	islet exec --cap CAP_SYS_PTRACE "$in" "/bin/$probe"
	# shellcheck disable=SC2046 # one pid per word
	kill -9 "$paused" $(pgrep -P "$runner") "$runner" 2>/dev/null || true
	wait "$runner" 2>/dev/null || true
}

@test "issue 10: no host path through /proc/<pid>/{root,cwd,fd} of a created init or an exec" {
	_write_host_probe
	set_args sleep 1000
	islet create "$CID"
	assert_success
	# The waiting init, seen by a process holding CAP_SYS_PTRACE.
	islet exec --cap CAP_SYS_PTRACE "$CID" /bin/host-probe
	assert_success
	assert_line probe-done
	assert_line --regexp '^seen 1 '
	refute_output --partial LEAK
	islet start "$CID"
	assert_success
	# exec's process at the two points where it is most exposed: as it
	# starts joining, and set up but not yet exec'd.
	for stage in exec-before-ready exec-joining; do
		_probe_paused "$stage" "$CID" host-probe exec -d "$CID" true
		assert_success
		assert_line probe-done
		refute_output --partial LEAK
	done
}

@test "issue 10: a pod member's read-only bind is read-only before its init can be seen" {
	require_test_hooks
	set_args sleep 1000
	islet run -d "$ID_PREFIX-pod"
	assert_success
	pod=$(pid_of "$ID_PREFIX-pod")
	shared="$BATS_TEST_TMPDIR/shared"
	mkdir "$shared"
	# A member of the pod: born into the pod's pid namespace, where the
	# pod's processes see it while it sets up, holding its mount trees.
	update_config --arg p "/proc/$pod/ns/pid" --arg s "$shared" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) |
		 .mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": ["bind", "ro"]}]'
	set_args true
	ISLET_TEST_PAUSE_AT=after-mounts-start "$ISLET" --root "$ROOT" create "$CID" </dev/null >/dev/null 2>&1 &
	runner=$!
	paused=$(wait_paused "$runner")
	# The attacker: a pod process with CAP_SYS_PTRACE writes through every
	# directory the member's init holds open.
	islet exec --cap CAP_SYS_PTRACE "$ID_PREFIX-pod" sh -c \
		'for f in /proc/[0-9]*/fd/*; do [ -d "$f" ] && touch "$f/planted" 2>/dev/null && echo "wrote $f"; done; echo probe-done'
	kill -9 "$paused" "$runner" 2>/dev/null || true
	wait "$runner" 2>/dev/null || true
	islet_raw delete --force "$CID" >/dev/null 2>&1 || true
	assert_line probe-done
	# Not the read-only bind's source, whatever the kernel.
	[ ! -e "$shared/planted" ]
	if probe procfs-pidns; then
		# The member sets up outside the pod's pid namespace (next test):
		# nothing of it to write through.
		refute_output --partial wrote
	else
		# Born into the pod (as runc's init): the probe did reach its trees
		# (its rootfs, which the config leaves writable).
		[ -e "$BUNDLE/rootfs/planted" ]
	fi
}

# Prints, for each process of the container's pid namespace that runs islet
# (a forked process not yet exec'd), its effective capabilities,
# no_new_privs and seccomp mode, and whether its environ shows the caller's
# (the variable the tests set for islet) or it holds islet's --log file (a
# host file, caller.log); and pid 1's capabilities.
_write_status_probe() {
	cat >"$BUNDLE/rootfs/bin/status-probe" <<'PROBE'
#!/bin/sh
field() { awk -v f="$1:" '$1 == f {print $2}' "$2/status"; }
for d in /proc/[0-9]*; do
	case "$(cat "$d/comm" 2>/dev/null)" in islet*) ;; *) continue ;; esac
	[ "$(field State "$d")" != Z ] || continue # an earlier round's, killed
	echo "islet ${d#/proc/} caps=$(field CapEff "$d") nnp=$(field NoNewPrivs "$d") seccomp=$(field Seccomp "$d")"
	tr '\0' '\n' <"$d/environ" | grep -q ISLET_CALLER_SECRET && echo "LEAK: the caller's environment in ${d#/proc/}"
	for f in "$d"/fd/*; do
		case "$(readlink "$f")" in *caller.log) echo "LEAK: islet's --log file in $f" ;; esac
	done
done
echo "pid1 caps=$(field CapEff /proc/1)"
PROBE
	chmod 755 "$BUNDLE/rootfs/bin/status-probe"
}

# A process becomes visible in a pid namespace other processes live in only
# as what it will exec: a process there holding CAP_SYS_PTRACE (and no user
# namespace between them) could otherwise take over one that still has every
# capability, before it drops them (runc 1.1.5's exec and pod members have
# that window). The profile answers clone3 with ENOSYS, as podman's does:
# the fork then goes through clone.
@test "issue 10: exec's process and a pod member's init are seen only with their final capabilities and seccomp filter" {
	require_test_hooks
	_write_status_probe
	update_config '.process.noNewPrivileges = true |
		.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	for stage in pid-forked exec-before-ready; do
		_probe_paused "$stage" "$CID" status-probe --log "$BATS_TEST_TMPDIR/caller.log" --debug exec -d "$CID" true
		assert_success
		caps=$(echo "$output" | sed -n 's/^pid1 caps=//p')
		[ -n "$caps" ]
		assert_line --regexp "^islet [0-9]+ caps=$caps nnp=1 seccomp=2$"
		# and no other islet there.
		[ "$(echo "$output" | grep -c '^islet ')" = 1 ]
		refute_output --partial LEAK
	done
	# A created init waits for start as what it will exec, too.
	run_file env ISLET_CALLER_SECRET=1 "$ISLET" --root "$ROOT" --log "$BATS_TEST_TMPDIR/caller.log" create "$ID_PREFIX-c"
	assert_success
	islet exec --cap CAP_SYS_PTRACE "$ID_PREFIX-c" /bin/status-probe
	assert_success
	assert_line --regexp "^islet 1 caps=$caps nnp=1 seccomp=2$"
	refute_output --partial LEAK
	# A member of a pod, its init just forked into the pod's pid namespace.
	if probe procfs-pidns; then
		pod=$(pid_of "$CID")
		update_config --arg p "/proc/$pod/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
		_probe_paused pid-forked "$CID" status-probe --log "$BATS_TEST_TMPDIR/caller.log" create "$ID_PREFIX-m"
		islet_raw delete --force "$ID_PREFIX-m" >/dev/null 2>&1 || true
		assert_success
		caps=$(echo "$output" | sed -n 's/^pid1 caps=//p')
		assert_line --regexp "^islet [0-9]+ caps=$caps nnp=1 seccomp=2$"
		refute_output --partial LEAK
		# And it runs: start, exec into it, seccomp's clone3 answer and all.
		islet create "$ID_PREFIX-m"
		assert_success
		islet start "$ID_PREFIX-m"
		assert_success
		islet exec "$ID_PREFIX-m" sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
		assert_success
		assert_line --regexp '^NoNewPrivs:\s+1$'
		assert_line --regexp '^Seccomp:\s+2$'
		islet_raw delete --force "$ID_PREFIX-m" >/dev/null 2>&1 || true
	fi
}

# A container process with CAP_SYS_PTRACE can take a copy of the sync socket
# of a process islet forked into the container (pidfd_getfd) and kill the
# process: the runtime, waiting on that socket, must still see it die
# (the pidfd), not wait for an EOF the copy holds back.
@test "issue 10: exec and a pod member's create end when their process dies, whoever holds its socket" {
	require_test_hooks
	install_helper steal_fd
	update_config '.root.readonly = false'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	pod=$(pid_of "$CID")
	update_config --arg p "/proc/$pod/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
	for what in exec create; do
		[ "$what" = exec ] || probe procfs-pidns || continue # the member's init is not forked there
		if [ "$what" = exec ]; then
			ISLET_TEST_PAUSE_AT=exec-before-ready "$ISLET" --root "$ROOT" exec -d "$CID" true </dev/null >/dev/null 2>&1 &
		else
			ISLET_TEST_PAUSE_AT=forked-before-ready "$ISLET" --root "$ROOT" create "$ID_PREFIX-m" </dev/null >/dev/null 2>&1 &
		fi
		runner=$!
		paused=$(wait_paused "$runner")
		inner=$(awk '/^NSpid:/ {print $NF}' "/proc/$paused/status")
		sock=$(for f in /proc/"$paused"/fd/*; do readlink "$f" | grep -q '^socket:' && echo "${f##*/}"; done | head -1)
		[ -n "$sock" ]
		islet exec -d --cap CAP_SYS_PTRACE "$CID" sh -c "/bin/steal_fd $inner $sock 30 >/stolen.out 2>&1"
		assert_success
		for _ in $(seq 100); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
		run grep -x stolen "$BUNDLE/rootfs/stolen.out"
		assert_success
		# islet gave up within 10 s, while the copy is still held.
		if kill -0 "$runner" 2>/dev/null; then
			kill -9 "$runner"
			fail "islet $what still waits on a socket its process no longer holds"
		fi
		rc=0
		wait "$runner" || rc=$?
		[ "$rc" -ne 0 ]
		islet_raw delete --force "$ID_PREFIX-m" >/dev/null 2>&1 || true
	done
}

# The member enters the pod's pid namespace only after pivot_root: should the
# pod's pid 1 exit meanwhile (here from the member's createRuntime hook), the
# kernel refuses any new process there (ENOMEM), and create says why.
@test "a pod whose pid 1 exits during a member's create: one clear error, nothing left" {
	requires procfs_pidns
	set_args sleep 1000
	islet run -d "$ID_PREFIX-pod"
	assert_success
	pod=$(pid_of "$ID_PREFIX-pod")
	cat >"$BATS_TEST_TMPDIR/kill-pod" <<-EOF
	#!/bin/sh
	kill -9 $pod
	while [ -e /proc/$pod ] && ! grep -q '^State:.*Z' /proc/$pod/status 2>/dev/null; do sleep 0.05; done
	EOF
	chmod 755 "$BATS_TEST_TMPDIR/kill-pod"
	update_config --arg p "/proc/$pod/ns/pid" --arg h "$BATS_TEST_TMPDIR/kill-pod" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) |
		 .hooks = {createRuntime: [{path: $h}]}'
	islet create "$CID"
	assert_failure
	assert_output --partial "unable to start container process: pid namespace: clone3 into the pid namespace: its init (pid 1) has exited"
	[ ! -e "$ROOT/$CID" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "$CID" 2>/dev/null)" ]
}

# runc 1.1.5 and crun clone a pod member's init into the pod's pid namespace
# (podman --pod with a shared pid namespace, CRI's pid mode POD): there it
# holds the host's / as root and the bundle as cwd until pivot_root, and a
# pod process with CAP_SYS_PTRACE reaches host paths through
# /proc/<pid>/root. islet sets the member up outside that namespace and forks
# its init into it after pivot_root.
@test "issue 10: a pod member's init joins the pod's pid namespace only once it holds nothing of the host" {
	requires procfs_pidns
	require_test_hooks
	_write_host_probe
	set_args sleep 1000
	islet run -d "$ID_PREFIX-pod"
	assert_success
	pod=$(pid_of "$ID_PREFIX-pod")
	update_config --arg p "/proc/$pod/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
	set_args sleep 2000
	# Through setup, paused where the member holds the most of the host,
	# and just after the fork, where its init is in the pod and waits for
	# its pid to be reported.
	for stage in after-mounts-start after-mounts pid-forked; do
		_probe_paused "$stage" "$ID_PREFIX-pod" host-probe create "$CID"
		islet_raw delete --force "$CID" >/dev/null 2>&1 || true
		assert_success
		assert_line probe-done
		refute_output --partial LEAK
		refute_output --partial islet-paused
		# The forked init is there, and the probe went through its fds.
		[ "$stage" != pid-forked ] || assert_line --regexp '^seen [0-9]+ islet$'
	done
	# Created: the member's init is in the pod's pid namespace, seen there,
	# and its /proc shows that namespace (the pod's sleep is its pid 1, as
	# with runc).
	islet create "$CID"
	assert_success
	member=$(pid_of "$CID")
	[ "$(readlink "/proc/$member/ns/pid")" = "$(readlink "/proc/$pod/ns/pid")" ]
	inner=$(awk '/^NSpid:/ {print $NF}' "/proc/$member/status")
	[ "$inner" -gt 1 ]
	islet exec --cap CAP_SYS_PTRACE "$ID_PREFIX-pod" /bin/host-probe
	assert_success
	assert_line --regexp "^seen $inner "
	refute_output --partial LEAK
	islet start "$CID"
	assert_success
	islet exec "$CID" sh -c 'tr "\0" " " </proc/1/cmdline'
	assert_success
	assert_output "sleep 1000 "
	islet ps "$CID"
	assert_success
	assert_output --partial "$member"
}
