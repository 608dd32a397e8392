#!/usr/bin/env bats
# mounts[]: the default set, bind and tmpfs mounts, their options, and a
# missing source. Destination escapes and the /proc and /sys rules are
# CVE reproductions: regressions.bats (SECURITY.md #5, #6, #8, #9).

load helpers

@test "default mounts: proc, sysfs ro, devpts, shm, mqueue, a read-only cgroup view" {
	set_args sh -c 'cat /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	assert_line --regexp ' / ro,[^ ]* - [a-z0-9]+ '
	assert_line --regexp ' /proc rw,.* - proc proc '
	assert_line --regexp ' /sys ro,nosuid,nodev,noexec.* - sysfs sysfs '
	assert_line --regexp ' /dev rw,nosuid.* - tmpfs tmpfs .*mode=755'
	assert_line --regexp ' /dev/pts rw,nosuid,noexec.* - devpts devpts .*ptmxmode=666'
	assert_line --regexp ' /dev/shm rw,nosuid,nodev,noexec.* - tmpfs shm '
	assert_line --regexp ' /dev/mqueue rw,nosuid,nodev,noexec.* - mqueue mqueue '
	assert_line --regexp ' /sys/fs/cgroup ro,nosuid,nodev,noexec.* - tmpfs '
	# Every cgroup hierarchy is read-only (CVE-2023-25809 class).
	for line in $(echo "$output" | awk '$5 ~ /^\/sys\/fs\/cgroup\// {print $6}'); do
		[[ "$line" == ro,* ]] || { echo "writable cgroup mount: $line"; return 1; }
	done
	set_args sh -c 'ls /sys/fs/cgroup; cat /sys/fs/cgroup/pids/pids.max; stat -c %a /dev/shm'
	islet run "$CID"
	assert_success
	assert_line memory
	assert_line unified
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
	update_config '.mounts[-1] = {"destination": "/x", "type": "bind", "source": "/tmp", "options": ["bind", "size=1m"]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "bind mounts cannot have any filesystem-specific options applied"
	update_config '.mounts[-1] = {"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["mode=bogus"]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "mount tmpfs to /x (type tmpfs)"
	[ ! -e "$ROOT/$CID" ]
}
