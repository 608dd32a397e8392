#!/usr/bin/env bats
# mounts[]: the default set, bind and tmpfs mounts, their options, and a
# missing source. Destination escapes and the /proc and /sys rules are
# CVE reproductions: regressions.bats (SECURITY.md #5, #6, #8, #9).

load helpers

teardown() {
	# The shared mount a test made for a bind source, and what reached it.
	if [ -n "${SHARED_SRC:-}" ]; then
		runc --root "$BATS_TEST_TMPDIR/runc-state" delete -f "$CID-runc" >/dev/null 2>&1 || true
		umount -l "$SHARED_SRC"
	fi
	teardown_common
}

@test "default mounts: proc, sysfs ro, devpts, shm, mqueue, a read-only cgroup view" {
	set_args sh -c 'cat /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	# Under a shared / (systemd) the rootfs is a slave: "master:N", as runc's.
	assert_line --regexp ' / ro,[^ ]* (master:[0-9]+ )?- [a-z0-9]+ '
	assert_line --regexp ' /proc rw,.* - proc proc '
	assert_line --regexp ' /sys ro,nosuid,nodev,noexec.* - sysfs sysfs '
	assert_line --regexp ' /dev rw,nosuid.* - tmpfs tmpfs .*mode=755'
	assert_line --regexp ' /dev/pts rw,nosuid,noexec.* - devpts devpts .*ptmxmode=666'
	assert_line --regexp ' /dev/shm rw,nosuid,nodev,noexec.* - tmpfs shm '
	assert_line --regexp ' /dev/mqueue rw,nosuid,nodev,noexec.* - mqueue mqueue '
	# A hybrid host gives a tmpfs of v1 hierarchies; pure v2 the container's
	# own cgroup2 (runc 1.1.5 mounts the same on each).
	if pure_v2_host; then
		assert_line --regexp ' /sys/fs/cgroup ro,nosuid,nodev,noexec.* - cgroup2 cgroup2 '
	else
		assert_line --regexp ' /sys/fs/cgroup ro,nosuid,nodev,noexec.* - tmpfs '
	fi
	# Every cgroup hierarchy is read-only (CVE-2023-25809 class).
	for line in $(echo "$output" | awk '$5 ~ /^\/sys\/fs\/cgroup\// {print $6}'); do
		[[ "$line" == ro,* ]] || { echo "writable cgroup mount: $line"; return 1; }
	done
	if pure_v2_host; then
		set_args sh -c 'ls /sys/fs/cgroup; echo "pids.max=$(cat /sys/fs/cgroup/pids.max)"; stat -c %a /dev/shm'
		islet run "$CID"
		assert_success
		assert_line cgroup.procs
		assert_line memory.max
		# A scope of --systemd-cgroup gets systemd's DefaultTasksMax.
		assert_line --regexp '^pids\.max=(max|[0-9]+)$'
	else
		set_args sh -c 'ls /sys/fs/cgroup; cat /sys/fs/cgroup/pids/pids.max; stat -c %a /dev/shm'
		islet run "$CID"
		assert_success
		assert_line memory
		assert_line unified
	fi
	assert_line 1777
}

@test "bind mounts: rw and ro, files and directories, recursive, propagation" {
	mkdir -p "$BATS_TEST_TMPDIR/share/sub" "$BATS_TEST_TMPDIR/ro"
	echo hostfile >"$BATS_TEST_TMPDIR/file.txt"
	update_config --arg s "$BATS_TEST_TMPDIR/share" --arg f "$BATS_TEST_TMPDIR/file.txt" --arg r "$BATS_TEST_TMPDIR/ro" '
		.mounts += [
		 {"destination": "/share", "type": "bind", "source": $s, "options": ["rbind", "rprivate"]},
		 {"destination": "/etc/file.txt", "type": "bind", "source": $f, "options": ["bind", "ro"]},
		 {"destination": "/deep/new/dir", "source": $r, "options": ["bind", "ro", "nosuid", "noexec"]}]'
	set_args sh -c 'echo written >/share/sub/out; cat /etc/file.txt; echo x >/etc/file.txt 2>&1; touch /deep/new/dir/f 2>&1; grep -E " /(share|etc/file.txt|deep/new/dir) " /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	assert_line hostfile
	assert_output --partial "Read-only file system"
	assert_line --regexp ' /share rw,.*'
	assert_line --regexp ' /etc/file.txt ro,.*'
	assert_line --regexp ' /deep/new/dir ro,nosuid,.*noexec.*'
	run cat "$BATS_TEST_TMPDIR/share/sub/out"
	assert_output written
	# The missing mount points were made inside the rootfs, nowhere else.
	[ -d "$BUNDLE/rootfs/deep/new/dir" ]
}

@test "tmpfs with data options, and a missing bind source fails cleanly" {
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=700", "nodev"]}]'
	set_args sh -c 'stat -c %a /data; grep " /data " /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	assert_line 700
	assert_output --partial "size=1024k"
	update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent/source", "options": ["bind"]}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "mount /nonexistent/source to /x (type bind): stat /nonexistent/source: no such file or directory"
	[ ! -e "$ROOT/$CID" ]
	# Filesystem options on a bind are ignored, with a debug line (runc
	# ignores them silently).
	mkdir -p "$BATS_TEST_TMPDIR/bindsrc"
	update_config --arg s "$BATS_TEST_TMPDIR/bindsrc" \
		'.mounts[-1] = {"destination": "/x", "type": "bind", "source": $s, "options": ["bind", "size=1m", "mode=700"]}'
	set_args true
	run_file "$ISLET" --root "$ROOT" --debug run "$CID"
	assert_success
	assert_line --regexp '^time=".*" level=debug msg="mounts\[8\]: mount .*/bindsrc to /x.*: filesystem options on a bind mount are ignored \(size=1m,mode=700\)"$'
	update_config '.mounts[-1] = {"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["mode=bogus"]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "mount tmpfs to /x (type tmpfs)"
	[ ! -e "$ROOT/$CID" ]
}

@test "tmpcopyup: the tmpfs starts with the image's directory (owners, modes, symlinks), as runc; read-only after" {
	local r="$BUNDLE/rootfs"
	mkdir -p "$r/data/sub/deeper"
	echo image-data >"$r/data/f"
	chown 1:2 "$r/data/f"
	chmod 644 "$r/data/f"
	chmod 711 "$r/data/sub"
	chown 3:4 "$r/data/sub/deeper"
	chmod 1777 "$r/data"
	# An absolute symlink is copied as a link, never followed out of the rootfs.
	ln -s /etc/passwd "$r/data/link"
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
		"options": ["tmpcopyup", "ro", "nosuid", "mode=755"]}]'
	# (set_args takes one argument per line.)
	set_args sh -c 'stat -c "%n %f %a %u:%g %N" /data /data/* /data/sub/* | sort; cat /data/f; grep -q "^tmpfs /data tmpfs ro," /proc/mounts && echo tmpfs-ro; touch /data/new 2>&1'
	islet run "$CID"
	assert_failure 1
	assert_line "/data 43ff 1777 0:0 /data"
	assert_line "/data/f 81a4 644 1:2 /data/f"
	assert_line "/data/link a1ff 777 0:0 '/data/link' -> '/etc/passwd'"
	assert_line "/data/sub 41c9 711 0:0 /data/sub"
	assert_line "/data/sub/deeper 41ed 755 3:4 /data/sub/deeper"
	assert_line image-data
	assert_line tmpfs-ro
	assert_line --partial "Read-only file system"
	local ours=$output
	runc_ref run "$CID-runc"
	assert_failure 1
	assert_output "$ours"
	# The image's directory itself is untouched (the copy went to the tmpfs).
	[ "$(cat "$r/data/f")" = image-data ]
	[ ! -e "$r/data/new" ]
}

@test "tmpcopyup: extended attributes and fifos are kept too (runc 1.1.5 drops xattrs and fails on a fifo)" {
	command -v python3 >/dev/null || skip "needs python3 to read and write extended attributes"
	local r="$BUNDLE/rootfs" pid
	mkdir -p "$r/data"
	echo x >"$r/data/f"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.islet", b"kept")' "$r/data/f" ||
		skip "the bundle's filesystem has no user xattrs"
	mkfifo -m 0620 "$r/data/fifo"
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}]'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	run python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.islet").decode())' "/proc/$pid/root/data/f"
	assert_output kept
	run stat -c '%F %a' "/proc/$pid/root/data/fifo"
	assert_output "fifo 620"
	# On the tmpfs, not the image's directory.
	[ "$(stat -f -c %T "/proc/$pid/root/data")" = tmpfs ]
}

@test "a read-only /dev with mounts below it (/dev/pts, /dev/shm, /dev/mqueue) works, as with runc" {
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	jq -e '[.mounts[].destination] | index("/dev/pts") and index("/dev/shm") and index("/dev/mqueue")' config.json
	set_args sh -c 'ls -d /dev/pts /dev/shm /dev/mqueue; [ -c /dev/null ] && echo null-ok; grep " /dev tmpfs " /proc/mounts | cut -d" " -f4 | cut -d, -f1; touch /dev/x 2>&1; touch /dev/shm/x && echo shm-rw'
	islet run "$CID"
	assert_success
	assert_output "$(printf '/dev/mqueue\n/dev/pts\n/dev/shm\nnull-ok\nro\ntouch: /dev/x: Read-only file system\nshm-rw')"
	local ours=$output
	runc_ref run "$CID-runc"
	assert_success
	assert_output "$ours"
}

@test "device entries runc accepts: access \"rwa\" (the a ignored), a fifo with major and minor" {
	# /dev/kmsg (1:11) is not among the default devices: the rule is what
	# lets the container open it for writing. v1 also lists the rule; v2 has
	# no list (an eBPF program), so there the open alone shows it.
	update_config '.linux.devices = [{"path": "/dev/myfifo", "type": "p", "major": 1, "minor": 3},
			{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
	set_args sh -c 'stat -c %F /dev/myfifo; (: >/dev/kmsg) && echo kmsg-w; grep "^c 1:11 " /sys/fs/cgroup/devices/devices.list 2>/dev/null; true'
	islet run "$CID"
	assert_success
	assert_output --partial "/dev/kmsg: Operation not permitted"
	refute_line kmsg-w
	local want
	want=$(printf 'fifo\nkmsg-w')
	pure_v2_host || want+=$'\nc 1:11 rw'
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rwa"}]'
	islet run "$CID"
	assert_success
	assert_output "$want"
	runc_ref run "$CID-runc"
	assert_success
	assert_output "$want"
}

@test "a bind of a shared host mount sends nothing back: what the container mounts on it stays there, as with runc" {
	# systemd hosts share every mount. The bind's source here is a shared
	# mount of its own; the config mounts a tmpfs on the bind.
	SHARED_SRC="$BATS_TEST_TMPDIR/shared-src"
	mkdir -p "$SHARED_SRC/sub"
	mount --bind "$SHARED_SRC" "$SHARED_SRC"
	mount --make-shared "$SHARED_SRC"
	update_config --arg s "$SHARED_SRC" '.mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]},
		{"destination": "/shared/sub", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	islet exec "$CID" grep -c " /shared/sub " /proc/self/mountinfo
	assert_output 1
	run ! grep -q " $SHARED_SRC/sub " /proc/self/mountinfo
	runc_ref run -d "$CID-runc"
	assert_success
	run ! grep -q " $SHARED_SRC/sub " /proc/self/mountinfo
	runc_ref delete -f "$CID-runc"
}

@test "an rbind of the host's /proc at /proc is accepted (the source is procfs), as with runc" {
	update_config '.mounts |= map(if .destination == "/proc"
		then {"destination": "/proc", "type": "bind", "source": "/proc", "options": ["rbind", "nosuid", "noexec", "nodev"]}
		else . end)'
	set_args cat /proc/1/comm
	islet run "$CID"
	assert_success
	assert_output "$(cat /proc/1/comm)"
	runc_ref run "$CID-runc"
	assert_success
	assert_output "$(cat /proc/1/comm)"
	# Any other bind source at /proc stays refused.
	mkdir -p "$BATS_TEST_TMPDIR/fakeproc"
	update_config --arg s "$BATS_TEST_TMPDIR/fakeproc" '.mounts |= map(if .destination == "/proc" then .source = $s else . end)'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/proc cannot be mounted because it is not of type proc"
	[ ! -e "$ROOT/$CID" ]
}
