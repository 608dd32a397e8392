# shellcheck shell=bash
# config-linux.md: namespaces, user namespace mappings, devices, masked and
# read-only paths, rootfs propagation, sysctl, seccomp, personality, LSM
# labels. Checked from inside by the checker, or from outside.

# Every namespace type listed without a path is new (runtime-tools
# linux_ns_nopath); the checker compares with the runtime's own.
case_linux_ns_nopath() {
	new_bundle
	cfg '.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}, {type: "cgroup"}]'
	run_checker
}

# A namespace type that is not listed is inherited from the runtime
# (runtime-tools linux_ns_itype): no namespaces at all, checked from the
# outside. Nothing that needs a mount namespace of its own is asked for
# (the spec gives no way to mask a path of the host's only for the
# container; mounts are the next case).
case_linux_ns_itype() {
	new_bundle
	cfg '.linux.namespaces = [] | del(.hostname) | .mounts = [] | del(.linux.maskedPaths) | del(.linux.readonlyPaths)
	     | .root.readonly = false'
	set_args /bin/sleep 1000
	local id pid t
	id=$(new_id)
	create_container "$id"
	pid=$(pid_of "$id")
	for t in pid net ipc uts mnt cgroup user; do
		[ "$(readlink "/proc/$pid/ns/$t")" = "$(readlink "/proc/self/ns/$t")" ] ||
			fail "the $t namespace was not inherited"
	done
	rt start "$id"
	wait_status "$id" running
	for t in pid net ipc uts mnt cgroup user; do
		[ "$(readlink "/proc/$pid/ns/$t")" = "$(readlink "/proc/self/ns/$t")" ] ||
			fail "the $t namespace of the running process is not the runtime's"
	done
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
}

# Mounts without a mount namespace of the container's own would land in the
# runtime's: the runtime may refuse them, but whatever it does, nothing may
# be left mounted under the bundle once the container is deleted (or the
# create failed). /proc is mounted too: the checker reads it.
case_linux_ns_itype_mounts() {
	new_bundle
	cfg '.linux.namespaces = [] | del(.hostname) | del(.linux.maskedPaths) | del(.linux.readonlyPaths) | .root.readonly = false
	     | .mounts = [{destination: "/proc", type: "proc", source: "proc"}, {destination: "/tmp", type: "tmpfs", source: "tmpfs"}]'
	local id n
	id=$(new_id)
	cp "$BUNDLE/config.json" "$BUNDLE/rootfs/config.json"
	write_expect
	if rt create --bundle "$BUNDLE" "$id" >"$CASE_DIR/$id.out" 2>"$CASE_DIR/$id.err"; then
		rt start "$id"
		wait_status "$id" stopped
		rt delete "$id"
		verify_tap "$CASE_DIR/$id.out"
	fi
	rt_fails state "$id"
	n=$(awk -v d="$BUNDLE" 'index($5, d) == 1' /proc/self/mountinfo | wc -l)
	[ "$n" = 0 ] || fail "$n mounts under the bundle outlived the container: $(awk -v d="$BUNDLE" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)"
}

# Only a mount namespace: the other types are the runtime's.
case_linux_ns_itype_with_mount_ns() {
	new_bundle
	cfg '.linux.namespaces = [{type: "mount"}] | del(.hostname)'
	run_checker
}

# Namespaces joined by path (runtime-tools linux_ns_path): a second
# container joins the first one's.
case_linux_ns_path() {
	new_bundle "$CASE_DIR/a"
	set_args sleep 1000
	cfg '.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}]'
	local ida pid t n
	ida=$(new_id)
	create_container "$ida"
	rt start "$ida"
	pid=$(pid_of "$ida")
	new_bundle "$CASE_DIR/b"
	cfg --arg p "/proc/$pid/ns" '.linux.namespaces = [{type: "pid", path: "\($p)/pid"}, {type: "network", path: "\($p)/net"},
	     {type: "ipc", path: "\($p)/ipc"}, {type: "uts", path: "\($p)/uts"}, {type: "mount"}] | del(.hostname)'
	for t in pid network ipc uts; do
		n=$t
		[ "$t" = network ] && n=net
		expect_extra "joinns.$t=$(readlink "/proc/$pid/ns/$n")"
	done
	run_checker
	rt kill "$ida" KILL
	wait_status "$ida" stopped
	rt delete "$ida"
}

# A path that is not a namespace of the listed type MUST be an error
# (runtime-tools linux_ns_path_type).
case_linux_ns_path_type() {
	new_bundle
	cfg '.linux.namespaces = [{type: "pid"}, {type: "network", path: "/proc/self/ns/uts"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}]'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
	# Not a namespace file at all.
	cfg '.linux.namespaces[1].path = "/etc/hostname"'
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
}

# A new user namespace with uid and gid mappings (linux_uid_mappings).
case_linux_uid_mappings() {
	have_userns || skip "the kernel has no user namespaces"
	new_bundle
	cfg '.linux.namespaces += [{type: "user"}]
	     | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	     | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
	     | .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	run_checker
}

# Several mapping ranges, and a process user inside them.
case_linux_uid_mappings_ranges() {
	have_userns || skip "the kernel has no user namespaces"
	new_bundle
	cfg '.linux.namespaces += [{type: "user"}]
	     | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000}, {containerID: 1000, hostID: 300000, size: 1000}]
	     | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 2000}]
	     | .process.user = {uid: 1000, gid: 1000}
	     | .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	run_checker
}

# Devices listed in linux.devices exist with type, numbers, mode, owner.
case_linux_devices() {
	new_bundle
	cfg '.linux.devices = [
	       {path: "/dev/test-null", type: "c", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 0},
	       {path: "/dev/test-zero", type: "c", major: 1, minor: 5, fileMode: 438, uid: 1000, gid: 1001},
	       {path: "/dev/sub/test-fifo", type: "p", fileMode: 384}]
	     | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"},
	                                   {allow: true, type: "c", major: 1, minor: 5, access: "rwm"}]'
	run_checker
}

# A device already in the image is replaced by the configured one.
case_linux_devices_replace_existing() {
	new_bundle
	mkdir -p "$BUNDLE/rootfs/dev"
	echo not-a-device >"$BUNDLE/rootfs/dev/test-null"
	cfg '.linux.devices = [{path: "/dev/test-null", type: "c", major: 1, minor: 3}]
	     | .mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
	run_checker
}

# maskedPaths: files, directories, and paths that do not exist.
case_linux_masked_paths() {
	new_bundle
	mkdir -p "$BUNDLE/rootfs/masked-dir"
	echo secret >"$BUNDLE/rootfs/masked-dir/file"
	echo secret >"$BUNDLE/rootfs/masked-file"
	cfg '.linux.maskedPaths += ["/masked-dir", "/masked-file", "/does-not-exist"]'
	run_checker
}

# readonlyPaths: a directory and a file, writable otherwise.
case_linux_readonly_paths() {
	new_bundle
	mkdir -p "$BUNDLE/rootfs/ro-dir"
	echo x >"$BUNDLE/rootfs/ro-file"
	cfg '.root.readonly = false | .linux.readonlyPaths += ["/ro-dir", "/ro-file", "/does-not-exist"]'
	run_checker
}

# root.readonly true (runtime-tools root_readonly_true).
case_root_readonly_true() {
	new_bundle
	cfg '.root.readonly = true'
	run_checker
}

# rootfsPropagation: each value, checked in the container's mountinfo.
_propagation() {
	new_bundle
	cfg --arg p "$1" '.linux.rootfsPropagation = $p'
	run_checker
}
case_linux_rootfs_propagation_shared() { _propagation shared; }
case_linux_rootfs_propagation_slave() { _propagation slave; }
case_linux_rootfs_propagation_private() { _propagation private; }
case_linux_rootfs_propagation_unbindable() { _propagation unbindable; }

# The same, where the runtime's own / is shared (as on systemd hosts): the
# runtime runs in a mount namespace of its own whose mounts are shared, so
# a slave rootfs must have a master there. A sleeping process keeps that
# namespace (the master) alive while the container runs.
_propagation_shared_host() {
	command -v unshare >/dev/null && command -v nsenter >/dev/null || skip "unshare(1) and nsenter(1) are needed"
	new_bundle
	cfg --arg p "$1" '.linux.rootfsPropagation = $p'
	local id
	id=$(new_id)
	cp "$BUNDLE/config.json" "$BUNDLE/rootfs/config.json"
	write_expect
	# The checker takes the last value of a key: this one says "shared".
	echo "hostrootfsshared=1" >>"$BUNDLE/rootfs/checker.expect"
	unshare -m --propagation shared sleep 1000 </dev/null >/dev/null 2>&1 &
	local holder=$!
	for _ in $(seq 100); do [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.02; done
	local rc=0
	nsenter -t "$holder" -m "$RUNTIME" --root "$STATE" create --bundle "$BUNDLE" "$id" \
		>"$CASE_DIR/$id.out" 2>"$CASE_DIR/$id.err" </dev/null || rc=$?
	if [ "$rc" = 0 ]; then
		rt start "$id"
		wait_status "$id" stopped
		rt delete "$id"
	fi
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	[ "$rc" = 0 ] || fail "create failed: $(cat "$CASE_DIR/$id.err")"
	verify_tap "$CASE_DIR/$id.out"
}
case_linux_rootfs_propagation_slave_shared_host() { _propagation_shared_host slave; }
case_linux_rootfs_propagation_shared_shared_host() { _propagation_shared_host shared; }

# sysctl: namespaced keys (ipc, net, uts).
case_linux_sysctl() {
	new_bundle
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "4000", "kernel.domainname": "oci.test"}'
	run_checker
}

# seccomp: a filter with ERRNO rules; the checker probes the blocked calls.
# The runtime must not need what the filter blocks after loading it.
case_linux_seccomp() {
	new_bundle
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	       syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 42},
	                  {names: ["getpriority"], action: "SCMP_ACT_ERRNO"},
	                  {names: ["capset", "close_range", "setgroups", "setresuid", "setresgid", "chdir", "fchdir"],
	                   action: "SCMP_ACT_ERRNO", errnoRet: 1}]}
	     | .process.noNewPrivileges = true'
	run_checker
}

# personality
case_linux_personality() {
	new_bundle
	cfg '.linux.personality = {domain: "LINUX32"}'
	run_checker
}

# mountLabel without an LSM that uses it: the mounts still work.
case_linux_mount_label() {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is active here: this case is for hosts without it"
	new_bundle
	cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	run_checker
}

# apparmorProfile: needs AppArmor.
case_linux_process_apparmor_profile() {
	[ -d /sys/kernel/security/apparmor ] || skip "AppArmor is not enabled on this host"
	new_bundle
	cfg '.process.apparmorProfile = "unconfined"'
	run_checker
}

# selinuxLabel: needs SELinux.
case_linux_process_selinux_label() {
	[ -e /sys/fs/selinux/enforce ] || skip "SELinux is not enabled on this host"
	new_bundle
	cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	run_checker
}

# A time namespace (Linux 5.6+).
case_linux_time_namespace() {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	new_bundle
	cfg '.linux.namespaces += [{type: "time"}]'
	run_checker
}

# timeOffsets in a new time namespace: CLOCK_BOOTTIME moves by a day.
case_linux_time_offsets() {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	new_bundle
	cfg '.root.readonly = false | .linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0}}'
	set_args sh -c 'cut -d" " -f1 /proc/uptime >/uptime'
	local id host
	id=$(new_id)
	create_container "$id"
	rt start "$id"
	wait_status "$id" stopped
	rt delete "$id"
	host=$(cut -d" " -f1 /proc/uptime)
	awk -v c="$(cat "$BUNDLE/rootfs/uptime")" -v h="$host" 'BEGIN { d = c - h; exit !(d > 86000 && d < 86800) }' ||
		fail "uptime in the container $(cat "$BUNDLE/rootfs/uptime"), on the host $host"
}
