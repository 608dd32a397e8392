#!/usr/bin/env bats
# Isolated user namespaces (ISOLATION.md) in the ranges mode, real on these
# machines, and the runtime-spec's idmapped mounts.

load helpers

setup() {
	setup_common
	# A registry and pool of this test's own (islet's config file).
	REGISTRY="$BATS_TEST_TMPDIR/idblocks"
	write_islet_config 1342177280 262144 65536
	# Isolated containers get a user namespace: no host sysfs, no gid=5 on devpts.
	update_config '.annotations = {"run.islet.isolated-userns": "true"}
		| .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)
		| .mounts |= map(select(.type != "cgroup"))
		| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)'
}

# write_islet_config START SIZE BLOCK [POLICY]
write_islet_config() {
	export ISLET_CONFIG="$BATS_TEST_TMPDIR/islet.json"
	jq -n --argjson s "$1" --argjson z "$2" --argjson b "$3" --arg p "${4:-ranges}" --arg r "$REGISTRY" \
		'{isolation: {policy: $p, pool: {start: $s, size: $z, block: $b}, registry: $r}}' >"$ISLET_CONFIG"
}

# Mounts a test makes itself (an overlay rootfs, a netns file) go before
# the leak audit.
teardown() {
	local m
	for m in ${TEST_MOUNTS:-}; do umount -l "$m" 2>/dev/null || true; done
	teardown_common
}

blocks_in_use() { find "$REGISTRY" -maxdepth 1 -name 'block-*' 2>/dev/null | wc -l; }
host_uid0() { awk '$1 == 0 {print $2}' "/proc/$1/uid_map"; }

@test "two isolated containers get disjoint host IDs, and both see the image's files owned by root" {
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	islet run -d "$ID_PREFIX-b"
	assert_success
	a=$(pid_of "$CID")
	b=$(pid_of "$ID_PREFIX-b")
	base_a=$(host_uid0 "$a")
	base_b=$(host_uid0 "$b")
	[ "$base_a" != "$base_b" ]
	# Each block is 65536 IDs from the pool, and they do not overlap.
	[ $(( base_a >= 1342177280 && base_b >= 1342177280 )) -eq 1 ]
	[ $(( base_a > base_b ? base_a - base_b : base_b - base_a )) -ge 65536 ]
	run cat "/proc/$a/gid_map"
	assert_output --regexp "^ +0 +$base_a +65536$"
	for c in "$CID" "$ID_PREFIX-b"; do
		islet exec "$c" sh -c 'stat -c %u:%g /bin/busybox /etc/passwd; id -u'
		assert_output "$(printf '0:0\n0:0\n0')"
	done
	[ "$(blocks_in_use)" -eq 2 ]
	# state reports the mode and the block (ISOLATION.md §3.4).
	islet state "$CID"
	[ "$(echo "$output" | jq -r '.annotations["run.islet.isolated-userns.mode"]')" = ranges ]
	[ "$(echo "$output" | jq -r '.annotations["run.islet.isolated-userns.block"]')" = "$base_a-$((base_a + 65535))" ]
	islet delete -f "$CID"
	islet delete -f "$ID_PREFIX-b"
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "the rootfs is idmapped; a plain bind is not (writes land as block IDs), one that asks for idmap is" {
	shared="$BATS_TEST_TMPDIR/shared"
	idm="$BATS_TEST_TMPDIR/idm"
	mkdir -p "$shared" "$idm" && chmod 1777 "$shared" "$idm"
	update_config --arg s "$shared" --arg i "$idm" '.mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]},
			{"destination": "/idm", "type": "bind", "source": $i, "options": ["rbind", "idmap"]}]
		| .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'touch /shared/by-1000 /idm/by-1000; grep -E " / | /shared | /idm " /proc/self/mountinfo; awk "\$1 == 0 {print \$2}" /proc/self/uid_map'
	islet run "$CID"
	assert_success
	assert_line --regexp ' / ro,[^ ]*idmapped'
	assert_line --regexp ' /shared rw,nosuid,'
	refute_line --regexp ' /shared [^ ]*idmapped'
	assert_line --regexp ' /idm rw,nosuid,[^ ]*idmapped'
	base=${lines[-1]}
	[ "$base" -ge 1342177280 ]
	# On disk: the block's host ID through the plain bind, the in-container
	# owner through the one that asked for idmap.
	[ "$(stat -c %u:%g "$shared/by-1000")" = "$((base + 1000)):$((base + 1000))" ]
	[ "$(stat -c %u:%g "$idm/by-1000")" = 1000:1000 ]
	# A file the host owns as 1000 is 1000 inside only through idmap.
	echo hi >"$shared/from-host" && chown 1000:1000 "$shared/from-host"
	echo hi >"$idm/from-host" && chown 1000:1000 "$idm/from-host"
	set_args stat -c %u:%g /shared/from-host /idm/from-host
	islet run "$CID"
	assert_output "$(printf '65534:65534\n1000:1000')"
}

# engine_overlay [OPTION,...]: an engine's rootfs: the image as the lower
# layer of an overlay at $BUNDLE/rootfs, an empty upper; the layers in $ov.
engine_overlay() {
	ov="$BATS_TEST_TMPDIR/ov"
	mkdir -p "$ov/upper" "$ov/work"
	mv "$BUNDLE/rootfs" "$ov/lower"
	mkdir "$BUNDLE/rootfs"
	mount -t overlay overlay -o "lowerdir=$ov/lower,upperdir=$ov/upper,workdir=$ov/work${1:+,$1}" "$BUNDLE/rootfs"
	TEST_MOUNTS="$BUNDLE/rootfs"
}

@test "an overlay rootfs is rebuilt over idmapped layers: root-owned image files are root's, writes land as 0 on disk" {
	requires overlay_fd_layers
	engine_overlay
	update_config '.root.readonly = false'
	set_args sh -c 'id -u; stat -c %u:%g /bin/busybox /etc/passwd; echo hi >/root/new; mkdir /made; rm /etc/group; grep " / / " /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	assert_line --index 0 0
	assert_line --index 1 0:0
	assert_line --index 2 0:0
	assert_line --regexp ' / / [^ ]+ - overlay '
	# On disk, in the upper layer: owner 0, and a whiteout for the removed file.
	[ "$(stat -c %u:%g "$ov/upper/root/new" "$ov/upper/made")" = "$(printf '0:0\n0:0')" ]
	[ "$(stat -c %F:%t:%T "$ov/upper/etc/group")" = "character special file:0:0" ]
	# The engine's own mount sees the same changes; islet's work directory
	# lives inside the engine's.
	[ "$(cat "$BUNDLE/rootfs/root/new")" = hi ]
	[ -d "$ov/work/islet-idmapped" ]
	[ "$(blocks_in_use)" -eq 0 ]
	# A second container over the same layers (the workdir is reused).
	set_args cat /root/new
	islet run "$CID"
	assert_success
	assert_output hi
}

# refused_overlay_left_nothing WORK-LISTING: after a refused idmapped
# overlay rebuild of engine_overlay's rootfs, the error was one line and
# nothing is left: no state, no block, nothing in the upper layer, the
# engine's work directory as it was (WORK-LISTING, its `ls -A` before; no
# islet-idmapped), no mount over the layers but the engine's.
refused_overlay_left_nothing() {
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$ROOT/$CID" ]
	[ "$(blocks_in_use)" -eq 0 ]
	[ -z "$(ls -A "$ov/upper")" ]
	[ "$(ls -A "$ov/work")" = "$1" ]
	[ "$(grep -c "$ov/upper" /proc/self/mountinfo)" = 1 ]
}

@test "an overlay rootfs on a kernel whose overlayfs takes no layers by fd: one error naming it, nothing left" {
	# Debian 12's 6.1 (tests/vm-lane): runc 1.1.5 has no idmapped overlay
	# rootfs to compare with; islet says what the kernel lacks.
	requires no_overlay_fd_layers
	engine_overlay
	work_before=$(ls -A "$ov/work")
	islet create "$CID"
	assert_failure 1
	assert_output --partial "idmap the overlay rootfs $BUNDLE/rootfs: this kernel's overlayfs cannot take layers by file descriptor"
	assert_output --partial "lower layer $ov/lower: "
	refused_overlay_left_nothing "$work_before"
}

@test "an overlay rootfs the kernel refuses to rebuild (index=on: the engine's upperdir is in use): one error, nothing left" {
	# With index=on, overlayfs lets one mount use an upperdir; islet's
	# overlay over the same upper is a second one. runc 1.1.5 has no
	# idmapped overlay rootfs to compare with.
	requires overlay_fd_layers
	engine_overlay index=on
	grep -q " $BUNDLE/rootfs .*[,]index=on" /proc/self/mountinfo
	work_before=$(ls -A "$ov/work")
	islet create "$CID"
	assert_failure 1
	assert_output --partial "idmap the overlay rootfs $BUNDLE/rootfs: create the overlay: device or resource busy (the overlay rootfs is mounted with index=on, under which overlayfs lets only one mount use its upperdir $ov/upper)"
	refused_overlay_left_nothing "$work_before"
}

@test "an overlay rootfs islet cannot rebuild is a clear error that leaves nothing" {
	ov="$BATS_TEST_TMPDIR/ov"
	mkdir -p "$ov/upper" "$ov/work"
	mv "$BUNDLE/rootfs" "$ov/lower"
	mkdir "$BUNDLE/rootfs"
	# Relative layer paths, as an engine that mounted from its own directory.
	(cd "$ov" && mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work "$BUNDLE/rootfs")
	TEST_MOUNTS="$BUNDLE/rootfs"
	islet create "$CID"
	assert_failure 1
	assert_output --partial "idmap the overlay rootfs $BUNDLE/rootfs: the overlay rootfs names its lowerdir 'lower' relative to the directory it was mounted from"
	[ ! -e "$ROOT/$CID" ]
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "a joined network namespace: the runtime writes its sysctls (ping_group_range in the block's IDs); sysfs falls back to a bind" {
	# An engine's network namespace, owned by the host's user namespace.
	nsf="$BATS_TEST_TMPDIR/netns"
	touch "$nsf"
	unshare --net="$nsf" true
	TEST_MOUNTS="$nsf"
	update_config --arg n "$nsf" '.linux.namespaces |= map(select(.type != "network")) + [{"type": "network", "path": $n}]
		| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]} else . end)
		| .linux.sysctl = {"net.ipv4.ping_group_range": "0 0", "net.ipv4.ip_unprivileged_port_start": "80"}'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	base=$(host_uid0 "$(pid_of "$CID")")
	[ "$(nsenter --net="$nsf" cat /proc/sys/net/ipv4/ping_group_range)" = "$(printf '%s\t%s' "$base" "$base")" ]
	[ "$(nsenter --net="$nsf" cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = 80 ]
	# The kernel refuses a new sysfs to a user namespace that does not own
	# the network namespace: /sys is the host's, bound read-only.
	islet exec "$CID" sh -c 'grep " /sys " /proc/self/mountinfo; ls /sys/kernel >/dev/null && echo listed'
	assert_success
	assert_line --regexp ' /sys ro,nosuid,nodev,noexec[^ ]* (.* )?- sysfs '
	assert_line listed
	islet delete -f "$CID"
}

@test "isolated containers cannot signal each other's processes" {
	# Without a pid namespace each sees the other's host pids; only their
	# different IDs keep them apart.
	update_config '.linux.namespaces |= map(select(.type != "pid"))
		| .mounts |= map(select(.destination != "/proc"))
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	set_args sleep 1000
	islet run -d "$ID_PREFIX-b"
	victim=$(pid_of "$ID_PREFIX-b")
	update_config '.process.capabilities.effective += ["CAP_KILL"] | .process.capabilities.permitted += ["CAP_KILL"] | .process.capabilities.bounding += ["CAP_KILL"]'
	set_args sh -c "kill -0 $victim 2>&1; echo rc=\$?"
	islet run "$CID"
	assert_output --partial "Operation not permitted"
	assert_line rc=1
	kill -0 "$victim"
}

@test "50 concurrent creates get 50 disjoint blocks" {
	write_islet_config 1342177280 $((64 * 65536)) 65536
	set_args true
	seq 50 | xargs -P 10 -I{} sh -c "'$ISLET' --root '$ROOT' create '$ID_PREFIX-c{}' </dev/null >/dev/null 2>&1 || echo FAILED {}" >"$BATS_TEST_TMPDIR/failures"
	run cat "$BATS_TEST_TMPDIR/failures"
	assert_output ""
	[ "$(blocks_in_use)" -eq 50 ]
	blocks=$(for i in $(seq 50); do "$ISLET" --root "$ROOT" state "$ID_PREFIX-c$i" | jq -r '.annotations["run.islet.isolated-userns.block"]'; done | sort)
	[ "$(echo "$blocks" | uniq | wc -l)" -eq 50 ]
	# Disjoint: consecutive starts differ by at least a block.
	prev=-1
	for start in $(echo "$blocks" | cut -d- -f1 | sort -n); do
		[ "$prev" -lt 0 ] || [ $((start - prev)) -ge 65536 ]
		prev=$start
	done
	seq 50 | xargs -P 10 -I{} "$ISLET" --root "$ROOT" delete --force "$ID_PREFIX-c{}"
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "SIGKILL of islet at each stage of create leaks no block after delete --force" {
	require_test_hooks
	set_args true
	for stage in after-state-dir after-cgroup after-mounts-start after-mounts before-exec; do
		pause_and_kill "$stage" "$ISLET" --root "$ROOT" create "$CID"
		islet delete --force "$CID"
		assert_success
		[ "$(blocks_in_use)" -eq 0 ] || { echo "block leaked at $stage"; return 1; }
		[ ! -e "$ROOT/$CID" ]
	done
}

@test "bad input: a joined user namespace, an exhausted pool, a bad pool, the refuse policy" {
	set_args sleep 1000
	islet run -d "$ID_PREFIX-owner"
	# A user namespace that is no isolated container's (an isolated one's
	# makes a pod member: "an isolated pod" below).
	unshare --user sleep 1000 &
	other=$!
	update_config --arg p "/proc/$other/ns/user" '.linux.namespaces += [{"type": "user", "path": $p}]'
	islet create "$CID"
	kill "$other"
	wait "$other" || true
	assert_failure 1
	assert_output --partial "the config joins the user namespace /proc/$other/ns/user"
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.namespaces |= map(select(.type != "user"))'
	# A pool of 2 blocks, one taken by the owner: one more, then exhausted.
	write_islet_config 1342177280 131072 65536
	islet run -d "$CID"
	assert_success
	islet create "$ID_PREFIX-third"
	assert_failure 1
	assert_output --partial "the ID pool is exhausted: all 2 blocks of 65536 IDs from 1342177280 are in use"
	[ ! -e "$ROOT/$ID_PREFIX-third" ]
	[ "$(blocks_in_use)" -eq 2 ]
	jq -n '{isolation: {policy: "sometimes", pool: {start: 0, size: 100, block: 0}, registry: "relative"}}' >"$ISLET_CONFIG"
	islet create "$ID_PREFIX-third"
	assert_failure 1
	assert_output --partial "/isolation/policy: must be \"ranges\" or \"refuse\""
	assert_output --partial "/isolation/pool/block: must be greater than zero"
	assert_output --partial "/isolation/pool/start: host ID 0 cannot be in the pool"
	assert_output --partial "/isolation/registry: must be an absolute path"
	write_islet_config 1342177280 131072 65536 refuse
	islet create "$ID_PREFIX-third"
	assert_failure 1
	assert_output --partial "this kernel lacks the isolated_userns feature (/proc/self/isolated_uns)"
	[ ! -e "$ROOT/$ID_PREFIX-third" ]
	update_config '.annotations["run.islet.isolated-userns"] = "maybe"'
	islet create "$ID_PREFIX-third"
	assert_failure 1
	assert_output --partial 'must be "true" or "false"'
}

@test "ISLET_CONFIG naming a missing or invalid file fails every create, isolated or not" {
	update_config 'del(.annotations)'
	export ISLET_CONFIG="$BATS_TEST_TMPDIR/nosuch.json"
	islet create "$CID"
	assert_failure 1
	assert_output --partial "islet config $BATS_TEST_TMPDIR/nosuch.json: no such file or directory"
	[ ! -e "$ROOT/$CID" ]
	echo '{"isolation": {"policy": 7}}' >"$ISLET_CONFIG"
	islet run "$CID"
	assert_failure 1
	assert_output --partial "/isolation/policy: expected a string"
	[ ! -e "$ROOT/$CID" ]
}

@test "explicit mappings win over the pool: the engine's user namespace is used as it is" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	[ "$(host_uid0 "$(pid_of "$CID")")" = 300000 ]
	[ "$(blocks_in_use)" -eq 0 ]
	# The rootfs is the engine's to prepare for its mapping (podman and ctr
	# chown or idmap it): islet does not idmap it, as without the annotation.
	islet exec "$CID" stat -c %u /bin/busybox
	assert_output 65534
	# The guard still holds.
	islet exec "$CID" sh -c 'touch /dev/shm/x && chmod 755 /dev/shm/x && echo plain-ok; chmod 4755 /dev/shm/x; echo rc=$?'
	assert_line plain-ok
	assert_line rc=1
}

@test "islet spec --isolated-userns runs as is; features reports the modes" {
	dir="$BATS_TEST_TMPDIR/specbundle"
	mkdir -p "$dir" && cp -a "$BUNDLE/rootfs" "$dir/"
	run "$ISLET" spec --isolated-userns --bundle "$dir"
	assert_success
	jq -e '.annotations["run.islet.isolated-userns"] == "true" and (.linux.namespaces | map(.type) | index("user")) != null' "$dir/config.json"
	run bash -c "cd '$dir' && jq '.process.terminal = false | .process.args = [\"cat\", \"/proc/self/uid_map\"]' config.json >c && mv c config.json"
	BUNDLE="$dir"
	run_file bash -c "cd '$dir' && '$ISLET' --root '$ROOT' run '$CID'"
	assert_success
	assert_output --regexp "^ +0 +1342[0-9]+ +65536$"
	run "$ISLET" features
	echo "$output" | jq -e '.annotations["run.islet.isolated-userns"] == "supported"'
	echo "$output" | jq -e '.annotations["run.islet.isolated-userns.kernel"] == "unsupported"'
	echo "$output" | jq -e '.annotations["run.islet.isolated-userns.modes"] == "ranges"'
}

# setid_or_caps DIR...: files under DIR with a setuid/setgid bit or a
# security.capability, and device nodes (a 0:0 whiteout grants nothing), one
# a line. find and getcap (libcap2-bin): the VM lanes' guest has no python.
setid_or_caps() {
	find "$@" ! -type d -perm /6000 -printf '%p %#m %U\n'
	find "$@" -type b -printf '%p block %U\n'
	find "$@" -type c -exec stat -c '%n char %t:%T %u' {} + | awk '$3 != "0:0"'
	getcap -r "$@"
}

@test "an isolated container plants no host privilege: setid modes, device nodes and file capabilities are refused everywhere" {
	shared="$BATS_TEST_TMPDIR/shared"
	idm="$BATS_TEST_TMPDIR/idm"
	# The shared directory is the host's: writable by anyone, as /tmp.
	mkdir -p "$shared" "$idm" && chmod 1777 "$shared"
	cp "$ISLET_HELPERS/plant_probe" "$BUNDLE/rootfs/bin/plant_probe"
	mkdir "$BUNDLE/rootfs/probe"
	update_config '.root.readonly = false
		| .process.capabilities |= with_entries(.value += ["CAP_MKNOD", "CAP_SETFCAP", "CAP_FSETID"])'
	# The control: without the annotation, root in the container (the host's
	# root here) may set the bits: the probe really tries them.
	saved=$(cat config.json)
	update_config '.annotations = {}'
	set_args /bin/plant_probe /probe
	islet run "$CID"
	assert_success
	assert_line "chmod 4755: ok"
	assert_line "creat 4755: ok"
	assert_line "setcap v2: ok"
	rm -rf "$BUNDLE/rootfs/probe" && mkdir "$BUNDLE/rootfs/probe"
	echo "$saved" >config.json
	update_config --arg s "$shared" --arg i "$idm" '.mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]},
			{"destination": "/idm", "type": "bind", "source": $i, "options": ["rbind", "idmap"]}]'
	for where in /probe /shared /idm; do
		set_args /bin/plant_probe "$where"
		islet run "$CID"
		assert_success
		for what in "chmod 4755" "chmod 2755" "fchmodat 6755" "fchmod 4755" "creat 4755" "tmpfile 4755" \
			"mknod chr 1:3" "mknod blk 8:0" "mknod reg 4755" "setcap v2" "setcap v3" "lsetcap v2"; do
			assert_line "$what: errno 1"
		done
		assert_line "openat2 4755: errno 38"
		assert_line "io_uring_setup: errno 38"
		# What grants nothing still works.
		assert_line "create: ok"
		assert_line "chmod 1777: ok"
		assert_line "mknod fifo: ok"
		assert_line "user xattr: ok"
	done
	# exec'd processes run under the same guard.
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	islet exec "$CID" sh -c 'cp /bin/busybox /probe/bb; chmod 4755 /probe/bb; echo rc=$?'
	assert_line rc=1
	islet delete -f "$CID"
	# On the host: nothing with a setid bit, no device node, no capability.
	run setid_or_caps "$BUNDLE/rootfs" "$shared" "$idm"
	assert_success
	assert_output ""
	# The plain bind's files belong to the block, the others to 0.
	[ "$(stat -c %u "$shared/chmod")" -ge 1342177280 ]
	[ "$(stat -c %u "$idm/chmod" "$BUNDLE/rootfs/probe/chmod")" = "$(printf '0\n0')" ]
}

@test "an image's setuid-root file copied, moved or linked to a shared path carries no host privilege there" {
	shared="$BATS_TEST_TMPDIR/shared"
	idm="$BATS_TEST_TMPDIR/idm"
	mkdir -p "$shared" "$idm"
	chmod 1777 "$shared"
	cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/bin/suid-root"
	chown 0:0 "$BUNDLE/rootfs/bin/suid-root" && chmod 4755 "$BUNDLE/rootfs/bin/suid-root"
	update_config --arg s "$shared" --arg i "$idm" '.root.readonly = false
		| .mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]},
			{"destination": "/idm", "type": "bind", "source": $i, "options": ["rbind", "idmap"]}]'
	set_args sh -c 'for d in /shared /idm; do cp -p /bin/suid-root $d/cp; cp -a /bin/suid-root $d/cpa; ln /bin/suid-root $d/ln; echo ln=$?; done
		mv /bin/suid-root /shared/mv; ls /shared /idm'
	islet run "$CID"
	assert_line ln=1
	refute_line ln=0
	run setid_or_caps "$shared" "$idm"
	assert_success
	assert_output ""
}

# registry_audit: every holder of every block file is a live owner whose
# record names that block and token, and no two live containers in
# different user namespaces share a range (an isolated pod's members share
# the pod's).
registry_audit() {
	local f n token root id rec
	for f in "$REGISTRY"/block-*; do
		[ -e "$f" ] || continue
		n=${f##*/block-}
		while read -r token root id; do
			rec="$root/$id/state.json"
			[ -e "$rec" ] || { echo "block $n: holder $root/$id has no record"; return 1; }
			[ "$(jq -r '.idBlock.token' "$rec")" = "$token" ] || { echo "block $n: $rec names another token"; return 1; }
			[ "$(jq -r '.idBlock.index' "$rec")" = "$n" ] || { echo "block $n: $rec names another block"; return 1; }
		done < <(awk -F= '$1 == "token" {t = $2} $1 == "root" {r = $2} $1 == "id" {print t, r, $2}' "$f")
	done
	# A stopped container's record may still name a block it no longer
	# holds: its token says so.
	local bases
	bases=$("$ISLET" --root "$ROOT" list -f json | jq -r '.[]? | select(.status == "running" or .status == "created") | .pid' |
		while read -r p; do echo "$(awk '$1 == 0 {print $2}' "/proc/$p/uid_map") $(stat -Lc %i "/proc/$p/ns/user")"; done |
		sort -u | cut -d' ' -f1 | sort)
	[ -z "$(echo "$bases" | uniq -d)" ] || { echo "two live containers share a range: $bases"; return 1; }
}

# pause_and_kill STAGE CMD...: runs CMD with ISLET_TEST_PAUSE_AT=STAGE in the
# background, waits for the paused process (islet, its child, or the saved
# init) and SIGKILLs it and islet.
pause_and_kill() {
	local stage=$1 runner stopped="" i init p
	shift
	ISLET_TEST_PAUSE_AT=$stage "$@" </dev/null >/dev/null 2>&1 &
	runner=$!
	for i in $(seq 300); do
		init=$("$ISLET" --root "$ROOT" state "$CID" 2>/dev/null | jq -r '.pid // empty')
		for p in $runner $(pgrep -P $runner 2>/dev/null) $init; do
			[ "$(cat /proc/$p/comm 2>/dev/null)" = islet-paused ] && stopped=$p
		done
		[ -n "$stopped" ] && break
		sleep 0.02
	done
	[ -n "$stopped" ] || { echo "no pause at $stage"; return 1; }
	kill -9 "$runner" "$stopped" 2>/dev/null || true
	wait "$runner" 2>/dev/null || true
}

@test "SIGKILL at every step of create and delete: the registry audit holds, no block is freed twice" {
	require_test_hooks
	# One block: whatever a killed create or delete leaves, the next
	# container gets the same block, the case where a stale claim would hurt.
	write_islet_config 1342177280 65536 65536
	set_args sleep 1000
	for stage in after-state-dir before-block after-cgroup after-mounts-start after-mounts before-exec; do
		pause_and_kill "$stage" "$ISLET" --root "$ROOT" create "$CID"
		registry_audit
		islet delete --force "$CID"
		assert_success
		[ "$(blocks_in_use)" -eq 0 ] || { echo "block leaked at $stage"; return 1; }
		[ ! -e "$ROOT/$CID" ]
	done
	for stage in delete-before-cgroups delete-after-release; do
		islet run -d "$CID"
		assert_success
		pause_and_kill "$stage" "$ISLET" --root "$ROOT" delete --force "$CID"
		registry_audit
		# Another container takes the (possibly freed) block; finishing the
		# killed delete must not free it.
		if [ "$stage" = delete-after-release ]; then
			islet run -d "$ID_PREFIX-b"
			assert_success
		fi
		islet delete --force "$CID"
		assert_success
		[ ! -e "$ROOT/$CID" ]
		registry_audit
		if [ "$stage" = delete-after-release ]; then
			[ "$(blocks_in_use)" -eq 1 ]
			islet exec "$ID_PREFIX-b" true
			assert_success
			islet delete --force "$ID_PREFIX-b"
		fi
		[ "$(blocks_in_use)" -eq 0 ] || { echo "block leaked at $stage"; return 1; }
	done
}

@test "delete frees the block in the registry its record names, whatever ISLET_CONFIG says now" {
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	# Another registry, where another container holds block 0.
	first="$REGISTRY"
	REGISTRY="$BATS_TEST_TMPDIR/other-reg"
	write_islet_config 1342177280 262144 65536
	islet run -d "$ID_PREFIX-b"
	assert_success
	[ "$(ls "$first" | grep -c '^block-')" -eq 1 ]
	[ "$(blocks_in_use)" -eq 1 ]
	islet delete --force "$CID"
	assert_success
	[ "$(ls "$first" | grep -c '^block-' || true)" -eq 0 ]
	[ "$(blocks_in_use)" -eq 1 ]
	# A missing islet config does not break delete either.
	export ISLET_CONFIG="$BATS_TEST_TMPDIR/nosuch.json"
	islet delete --force "$ID_PREFIX-b"
	assert_success
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "a full registry filesystem: create fails with a clear error and leaves no block behind" {
	fs="$BATS_TEST_TMPDIR/regfs"
	mkdir -p "$fs"
	mount -t tmpfs -o size=64k tmpfs "$fs"
	TEST_MOUNTS="$fs"
	REGISTRY="$fs/reg"
	write_islet_config 1342177280 262144 65536
	mkdir -p "$REGISTRY" && touch "$REGISTRY/.lock"
	dd if=/dev/zero of="$fs/fill" bs=4k 2>/dev/null || true
	set_args true
	islet create "$CID"
	assert_failure 1
	assert_output --partial "$REGISTRY/block-"
	assert_output --partial "no space left on device"
	[ "$(blocks_in_use)" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
	rm "$fs/fill"
	islet run "$CID"
	assert_success
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "islet blocks lists the allocations; blocks gc frees only those whose container is gone" {
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	base=$(host_uid0 "$(pid_of "$CID")")
	# A block whose owner is gone (as a create killed before its record
	# would leave with an older islet), and a torn file.
	printf 'token=dead\nroot=%s\nid=gone\npid=1\n' "$ROOT" >"$REGISTRY/block-3"
	printf 'token=' >"$REGISTRY/block-2"
	islet blocks
	assert_success
	assert_line --index 0 --regexp '^BLOCK +IDS +CONTAINER +ROOT +STATE$'
	assert_line --regexp "^[01] +$base-$((base + 65535)) +$CID +$ROOT +live$"
	assert_line --regexp "^3 +[0-9]+-[0-9]+ +gone +$ROOT +orphan$"
	assert_line --regexp "^2 +[0-9]+-[0-9]+ +- +- +orphan$"
	islet blocks gc
	assert_success
	assert_line "freed 2 block(s)"
	[ "$(blocks_in_use)" -eq 1 ]
	registry_audit
	islet blocks gc
	assert_line "freed 0 block(s)"
	islet exec "$CID" true
	assert_success
	islet blocks nonsense
	assert_failure
	assert_output --partial 'unknown subcommand "nonsense"'
	islet delete -f "$CID"
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "the annotation with the engine's own mappings: host ID 0 or islet's pool is refused naming both settings" {
	# Host root mapped (as a bundle written for no user namespace might).
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	set_args true
	islet create "$CID"
	assert_failure 1
	assert_output --partial "the annotation run.islet.isolated-userns and the config's own linux.uidMappings (host IDs 0-65535"
	assert_output --partial "include host ID 0, the host's root; drop one of the two"
	[ ! -e "$ROOT/$CID" ]
	# Inside islet's pool (1342177280 + 262144 here): IDs an isolated
	# container may hold.
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1342242816, "size": 65536}]
		| .linux.gidMappings = .linux.uidMappings'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "overlap islet's ID pool 1342177280-1342439423 (set in $ISLET_CONFIG); drop one of the two"
	[ ! -e "$ROOT/$CID" ]
	[ "$(blocks_in_use)" -eq 0 ]
}

# member_bundle DIR SANDBOX-PID TYPES...: a copy of the bundle whose config
# joins the sandbox's namespaces of TYPES by path (as containerd's CRI and
# podman's pods write them), with no hostname of its own.
member_bundle() {
	local dir=$1 pid=$2 types
	shift 2
	types=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	mkdir -p "$dir"
	cp -a "$BUNDLE/rootfs" "$dir/rootfs"
	jq --argjson t "$types" --arg p "/proc/$pid/ns/" 'del(.hostname)
		| .linux.namespaces |= map(if (.type as $x | $t | index($x)) then .path = $p + ({"network": "net", "mount": "mnt"}[.type] // .type) else . end)' \
		"$BUNDLE/config.json" >"$dir/config.json"
}

@test "an isolated pod: its members join the sandbox's user namespace and hold its block until the last one goes" {
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	sb=$(pid_of "$CID")
	# m1 shares every namespace but mount, as a CRI container with pid POD;
	# m2 (without the annotation: a pod's member is isolated all the same)
	# keeps a pid namespace of its own, so it outlives the sandbox's init.
	member_bundle "$BATS_TEST_TMPDIR/m1" "$sb" pid ipc uts network
	member_bundle "$BATS_TEST_TMPDIR/m2" "$sb" ipc uts network
	jq 'del(.annotations)' "$BATS_TEST_TMPDIR/m2/config.json" >"$BATS_TEST_TMPDIR/c" && mv "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/m2/config.json"
	islet run -d --bundle "$BATS_TEST_TMPDIR/m1" "$ID_PREFIX-m1"
	assert_success
	islet run -d --bundle "$BATS_TEST_TMPDIR/m2" "$ID_PREFIX-m2"
	assert_success
	m1=$(pid_of "$ID_PREFIX-m1")
	m2=$(pid_of "$ID_PREFIX-m2")
	for p in "$m1" "$m2"; do
		[ "$(stat -Lc %i "/proc/$p/ns/user")" = "$(stat -Lc %i "/proc/$sb/ns/user")" ]
		[ "$(cat "/proc/$p/uid_map")" = "$(cat "/proc/$sb/uid_map")" ]
		[ "$(stat -Lc %i "/proc/$p/ns/mnt")" != "$(stat -Lc %i "/proc/$sb/ns/mnt")" ]
	done
	base=$(host_uid0 "$sb")
	[ "$base" -ge 1342177280 ]
	[ "$(blocks_in_use)" -eq 1 ]
	islet blocks
	assert_success
	assert_line --regexp "^[0-3] +$base-$((base + 65535)) +$CID +$ROOT +live$"
	assert_line --regexp "^[0-3] +$base-$((base + 65535)) +$ID_PREFIX-m1 +$ROOT +live$"
	assert_line --regexp "^[0-3] +$base-$((base + 65535)) +$ID_PREFIX-m2 +$ROOT +live$"
	registry_audit
	# m1 mounted the pod's /proc (the failure this fixes): it sees the
	# sandbox's sleep as pid 1; the image is root's; the guard holds.
	islet exec "$ID_PREFIX-m1" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; id -u; stat -c %u:%g /bin/busybox; touch /dev/shm/x; chmod 4755 /dev/shm/x 2>/dev/null; echo rc=$?'
	assert_success
	assert_output "$(printf 'sleep 1000 \n0\n0:0\nrc=1')"
	islet exec "$ID_PREFIX-m2" sh -c 'mkdir /dev/shm/d; chmod 2755 /dev/shm/d 2>/dev/null; echo rc=$?'
	assert_output rc=1
	islet state "$ID_PREFIX-m2"
	[ "$(jq -r '.annotations["run.islet.isolated-userns"]' <<<"$output")" = true ]
	[ "$(jq -r '.annotations["run.islet.isolated-userns.pod"]' <<<"$output")" = "$CID" ]
	[ "$(jq -r '.annotations["run.islet.isolated-userns.block"]' <<<"$output")" = "$base-$((base + 65535))" ]
	# The sandbox goes first (CRI's RemovePodSandbox --force may do that):
	# the block stays with its members; gc frees nothing.
	islet delete -f "$CID"
	assert_success
	[ "$(blocks_in_use)" -eq 1 ]
	islet blocks gc
	assert_line "freed 0 block(s)"
	run ! grep -q "id=$CID\$" "$REGISTRY"/block-*
	islet exec "$ID_PREFIX-m2" true
	assert_success
	registry_audit
	islet delete -f "$ID_PREFIX-m1"
	[ "$(blocks_in_use)" -eq 1 ]
	islet delete -f "$ID_PREFIX-m2"
	assert_success
	[ "$(blocks_in_use)" -eq 0 ]
}

@test "an isolated pod's member: the annotation set to false, other mappings, or two pods are refused naming both" {
	set_args sleep 1000
	islet run -d "$CID"
	islet run -d "$ID_PREFIX-b"
	sb=$(pid_of "$CID")
	member_bundle "$BATS_TEST_TMPDIR/m" "$sb" ipc uts
	m="$BATS_TEST_TMPDIR/m/config.json"
	jq '.annotations["run.islet.isolated-userns"] = "false"' "$m" >"$m.new" && mv "$m.new" "$m"
	islet create --bundle "$BATS_TEST_TMPDIR/m" "$ID_PREFIX-m"
	assert_failure 1
	assert_output --partial "the config joins the namespaces of the isolated container $CID and sets the annotation run.islet.isolated-userns to \"false\""
	jq '.annotations["run.islet.isolated-userns"] = "true" | .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}] | .linux.gidMappings = .linux.uidMappings' "$m" >"$m.new" && mv "$m.new" "$m"
	islet create --bundle "$BATS_TEST_TMPDIR/m" "$ID_PREFIX-m"
	assert_failure 1
	assert_output --partial "and has its own linux.uidMappings/gidMappings, which differ"
	jq --arg p "/proc/$(pid_of "$ID_PREFIX-b")/ns/uts" 'del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces |= map(if .type == "uts" then .path = $p else . end)' "$m" >"$m.new" && mv "$m.new" "$m"
	islet create --bundle "$BATS_TEST_TMPDIR/m" "$ID_PREFIX-m"
	assert_failure 1
	assert_output --regexp "the config joins namespaces of two isolated containers, ($CID|$ID_PREFIX-b) .* and ($CID|$ID_PREFIX-b) "
	[ ! -e "$ROOT/$ID_PREFIX-m" ]
	[ "$(blocks_in_use)" -eq 2 ]
	registry_audit
	# A member killed while it joins the block leaves what delete --force finishes.
	require_test_hooks
	jq '.linux.namespaces |= map(select(.type != "uts"))' "$m" >"$m.new" && mv "$m.new" "$m"
	for stage in before-block after-cgroup; do
		pause_and_kill "$stage" "$ISLET" --root "$ROOT" create --bundle "$BATS_TEST_TMPDIR/m" "$ID_PREFIX-m"
		islet delete --force "$ID_PREFIX-m"
		assert_success
		registry_audit
		[ "$(blocks_in_use)" -eq 2 ]
		run ! grep -q "id=$ID_PREFIX-m\$" "$REGISTRY"/block-*
	done
}

@test "the non-isolated pod shape (members join the sandbox's namespaces by path) runs as with runc" {
	update_config 'del(.annotations)'
	set_args sleep 1000
	for rt in islet runc; do
		if [ "$rt" = islet ]; then
			islet run -d "$CID"
			sb=$(pid_of "$CID")
		else
			runc_ref run -d "$CID-runc" >/dev/null
			sb=$(runc --root "$BATS_TEST_TMPDIR/runc-state" state "$CID-runc" | jq -r .pid)
		fi
		member_bundle "$BATS_TEST_TMPDIR/$rt" "$sb" pid ipc uts network
		jq '.process.args = ["sh", "-c", "hostname; cat /proc/1/cmdline | tr \"\\0\" \" \""]' "$BATS_TEST_TMPDIR/$rt/config.json" >"$BATS_TEST_TMPDIR/c" && mv "$BATS_TEST_TMPDIR/c" "$BATS_TEST_TMPDIR/$rt/config.json"
		if [ "$rt" = islet ]; then
			islet run --bundle "$BATS_TEST_TMPDIR/$rt" "$ID_PREFIX-m"
		else
			runc_ref run --bundle "$BATS_TEST_TMPDIR/$rt" "$CID-runc-m"
			runc --root "$BATS_TEST_TMPDIR/runc-state" delete -f "$CID-runc" >/dev/null
		fi
		assert_success
		assert_output "$(printf '%s\nsleep 1000 ' "$(jq -r .hostname "$BUNDLE/config.json")")"
	done
}
