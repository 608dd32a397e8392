#!/usr/bin/env bats
# The parts of config.json the walking runtime applies, observed from inside
# the container: root, mounts, /dev, masked and read-only paths, hostname,
# process args/env/cwd/user, and the create flags that shape the process.

load helpers

@test "root.readonly makes / read-only; false leaves it writable" {
	set_args sh -c 'touch /rootfile 2>&1; echo rc=$?'
	islet run "$CID"
	assert_output --partial "Read-only file system"
	assert_output --partial "rc=1"
	update_config '.root.readonly = false'
	islet run "$CID"
	assert_output "rc=0"
	[ -e "$BUNDLE/rootfs/rootfile" ]
}

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

@test "/proc and /sys rules: not over symlinks, nothing foreign inside /proc" {
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

@test "default devices, /dev symlinks, and linux.devices" {
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432, "uid": 7, "gid": 8},
		{"path": "/dev/custom/loop-ctl", "type": "c", "major": 10, "minor": 237}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'
	set_args sh -c 'for d in null zero full tty random urandom fuse custom/loop-ctl; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; head -c 4 /dev/zero | wc -c; echo x >/dev/null && echo null-ok'
	islet run "$CID"
	assert_success
	assert_line "/dev/null character special file 1:3 666 0:0"
	assert_line "/dev/zero character special file 1:5 666 0:0"
	assert_line "/dev/full character special file 1:7 666 0:0"
	assert_line "/dev/tty character special file 5:0 666 0:0"
	assert_line "/dev/urandom character special file 1:9 666 0:0"
	assert_line "/dev/fuse character special file a:e5 660 7:8"
	assert_line "/dev/custom/loop-ctl character special file a:ed 666 0:0"
	assert_line /proc/self/fd
	assert_line /proc/self/fd/0
	assert_line pts/ptmx
	assert_line 4
	assert_line null-ok
}

@test "the device cgroup denies what the config does not allow" {
	# Deny-all by default (islet spec), then only the defaults: mknod works,
	# opening an unlisted device does not.
	set_args sh -c 'mknod /dev/sda-test b 8 0 && head -c 1 /dev/sda-test; echo rc=$?'
	islet run "$CID"
	assert_output --partial "Operation not permitted"
	assert_output --partial "rc=1"
}

@test "masked paths read empty and refuse writes; directories are an empty tmpfs" {
	update_config '.linux.maskedPaths += ["/etc/hostname-mask", "/sys/kernel"] | .root.readonly = false'
	echo secret >"$BUNDLE/rootfs/etc/hostname-mask"
	set_args sh -c 'cat /proc/keys | wc -c; cat /etc/hostname-mask | wc -c; echo x >/etc/hostname-mask 2>&1; ls -A /sys/kernel | wc -l; touch /sys/kernel/x 2>&1; stat -c "%t:%T" /proc/keys /etc/hostname-mask'
	islet run "$CID"
	assert_success
	assert_line --index 0 0
	assert_line --index 1 0
	assert_output --partial "Read-only file system"
	assert_line "1:3"
	[ "$(echo "$output" | grep -c '^0$')" -ge 3 ]
	# The file on disk is untouched.
	[ "$(cat "$BUNDLE/rootfs/etc/hostname-mask")" = secret ]
}

@test "read-only paths refuse writes and cannot be remounted read-write" {
	set_args sh -c 'echo 1 >/proc/sys/kernel/domainname 2>&1; mount -o remount,rw /proc/sys 2>&1; echo done'
	islet run "$CID"
	assert_output --partial "Read-only file system"
	assert_output --regexp "[Pp]ermission denied"
	assert_line done
}

@test "hostname and domainname" {
	update_config '.hostname = "box-one" | .domainname = "example.test"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	islet run "$CID"
	assert_success
	assert_output "$(printf 'box-one\nexample.test')"
	update_config '.linux.namespaces |= map(select(.type != "uts"))'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "unable to set hostname without a private UTS namespace"
}

@test "process: env, cwd (made when missing), user, additional gids, umask, HOME" {
	update_config '.process.env = ["PATH=/bin", "A=1"] | .process.cwd = "/work/dir"
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20], "umask": 63} | .root.readonly = false'
	set_args sh -c 'env | sort; pwd; id; umask'
	islet run "$CID"
	assert_success
	assert_line A=1
	assert_line HOME=/
	assert_line /work/dir
	# Supplementary groups are exactly additionalGids (runc: no /etc/group lookup).
	assert_line "uid=1000 gid=1000 groups=10,20"
	assert_line 0077
	update_config '.process.user = {"uid": 0, "gid": 0} | .process.env = ["PATH=/bin"]'
	set_args sh -c 'echo $HOME; umask'
	islet run "$CID"
	assert_output "$(printf '/root\n0022')"
}

@test "a cwd through a magic link is refused (CVE-2024-21626)" {
	for n in 3 4 5 7; do
		update_config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
		set_args pwd
		islet run "$CID"
		assert_failure
		refute_output --regexp "^/"
	done
	[ -z "$(ls -A "$ROOT")" ]
}

@test "--no-pivot runs the container with MS_MOVE and chroot" {
	set_args sh -c 'cat /proc/self/mountinfo | wc -l; ls /'
	islet run --no-pivot "$CID"
	assert_success
	assert_line bin
	update_config '.linux.rootfsPropagation = "rprivate"'
	islet run --no-pivot "$CID"
	assert_failure 1
	assert_output --partial "not safe without pivot_root"
}

@test "stdio passes through; only 0-2 and --preserve-fds reach the container" {
	set_args sh -c 'read x; echo "stdout:$x"; echo "stderr" >&2; ls /proc/self/fd'
	exec 7</
	"$ISLET" --root "$ROOT" run --preserve-fds 1 "$CID" 3<"$BATS_TEST_TMPDIR/../" <<<"input" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	exec 7<&-
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line "stdout:input"
	# ls's own directory fd is 4; 7 never arrived.
	assert_output "$(printf 'stdout:input\n0\n1\n2\n3\n4')"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output stderr
	islet run --preserve-fds 40 "$CID"
	assert_failure 1
	assert_output --partial "unable to stat preserved-fd"
}

@test "LISTEN_FDS for islet passes the sockets to the container as LISTEN_FDS=n LISTEN_PID=1" {
	set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd'
	run bash -c "exec 3</dev/null 4</dev/null; LISTEN_FDS=2 LISTEN_PID=\$\$ exec $ISLET --root $ROOT run $CID </dev/null"
	assert_success
	assert_output "$(printf '2 1\n0\n1\n2\n3\n4\n5')"
}

@test "--no-new-keyring keeps the caller's session keyring; the default makes one per container" {
	set_args sh -c 'cat /proc/keys | grep -c "_ses.'"$CID"'" || true'
	islet run "$CID"
	[ "$output" -ge 1 ] || skip "no keyring support visible in /proc/keys here"
	islet run --no-new-keyring "$CID"
	assert_output 0
}
