#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup) on a systemd host with a pure
# cgroup v2 hierarchy: the systemd lane of tests/vm-lane/run.sh. Each test
# compares with runc 1.1.5 on the same bundle where a user sees the result
# (unit properties, messages). Without systemd as PID 1 every test skips;
# tests/bats/systemd_cgroup.bats checks runc's error there.

load ../bats/helpers

CG=/sys/fs/cgroup

setup() {
	setup_common
	UNIT="islet-test-$CID.scope"
	RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
	update_config --arg p "system.slice:islet-test:$CID" '.linux.cgroupsPath = $p | .root.readonly = false'
}

teardown() {
	local id
	for id in "$RUNC_ROOT"/*; do [ -d "$id" ] && runc --root "$RUNC_ROOT" delete --force "${id##*/}" >/dev/null 2>&1 || true; done
	if [ -n "${RL_DIR:-}" ]; then
		for id in "$RL_DIR/state"/*; do [ -d "$id" ] && "$ISLET" --root "$RL_DIR/state" delete --force "${id##*/}" >/dev/null 2>&1 || true; done
		rm -rf "$RL_DIR"
	fi
	teardown_common
	# Every unit a test made is gone (stopped and garbage-collected).
	if [ -d /run/systemd/system ]; then
		local left
		left=$(systemctl list-units --all --plain --no-legend "islet-*$ID_PREFIX*" | awk '{print $1}')
		if [ -n "$left" ]; then
			systemctl stop "$left" >/dev/null 2>&1
			systemctl reset-failed "$left" >/dev/null 2>&1
			echo "units left: $left" >&2
			return 1
		fi
	fi
}

# A second bundle for runc, the same config with its own unit.
runc_bundle() {
	RUNC_BUNDLE="$BATS_TEST_TMPDIR/runc-bundle"
	cp -a "$BUNDLE" "$RUNC_BUNDLE"
	jq --arg p "system.slice:islet-test:$ID_PREFIX-r" '.linux.cgroupsPath = $p' "$BUNDLE/config.json" \
		>"$RUNC_BUNDLE/config.json"
	RUNC_UNIT="islet-test-$ID_PREFIX-r.scope"
}
runc_sd() { runc --root "$RUNC_ROOT" --systemd-cgroup "$@"; }

# The unit properties a user reads with systemctl show, one per line.
props() {
	local unit=$1
	shift
	local p
	for p in "$@"; do echo "$p=$(systemctl show -P "$p" "$unit")"; done
}

unit_state() { systemctl show -P ActiveState "$1"; }

# The sentence about an annotation in a failure's output, without the
# command's prefix or runc's logfmt quoting: "annotation org.systemd...".
annotation_error() { sed -n 's/.*\(annotation org\.systemd\.property\.[^"]*\).*/\1/p' <<<"$1" | head -1; }

@test "systemd: the scope holds the init, is delegated and carries the limits, as runc's" {
	requires systemd
	update_config '.linux.resources = {"memory":{"limit":33554432,"reservation":1048576,"swap":67108864},
		"pids":{"limit":20},"cpu":{"quota":20000,"period":100000,"cpus":"0"}}'
	set_args sleep 100
	runc_bundle
	islet --systemd-cgroup create "$CID"
	assert_success
	pid=$(pid_of "$CID")
	[ "$(cat /proc/"$pid"/cgroup)" = "0::/system.slice/$UNIT" ]
	[ "$(unit_state "$UNIT")" = active ]
	[ "$(cat $CG/system.slice/"$UNIT"/memory.max)" = 33554432 ]
	[ "$(cat $CG/system.slice/"$UNIT"/pids.max)" = 20 ]
	[ "$(cat $CG/system.slice/"$UNIT"/cpu.max)" = "20000 100000" ]
	(cd "$RUNC_BUNDLE" && runc_sd create "$ID_PREFIX-r" >/dev/null 2>&1 </dev/null)
	[ "$(unit_state "$RUNC_UNIT")" = active ]
	local names=(Slice Delegate DefaultDependencies MemoryAccounting CPUAccounting IOAccounting TasksAccounting
		MemoryMax MemoryLow MemorySwapMax TasksMax CPUQuotaPerSecUSec CPUQuotaPeriodUSec AllowedCPUs DevicePolicy)
	diff <(props "$UNIT" "${names[@]}") <(props "$RUNC_UNIT" "${names[@]}")
	# The same devices, but runc 1.1.5 names "136:*" by its /proc/devices
	# group (char-pts, which also covers majors 137-143), islet by number as
	# newer runc does; and islet also allows /dev/console (5:1), as its
	# always-allowed list says (runtime/cgroups/devices.cpp).
	diff <(systemctl show -P DeviceAllow "$UNIT" | tr ' ' '\n' | paste - - | grep -v '^/dev/char/5:1	' |
		sed 's/^char-136	/char-pts	/' | sort) \
		<(systemctl show -P DeviceAllow "$RUNC_UNIT" | tr ' ' '\n' | paste - - | sort)
	islet start "$CID"
	assert_success
	# systemctl status lists the container's processes under the scope.
	run systemctl status --no-pager "$UNIT"
	assert_output --partial "sleep 100"
	assert_output --partial "$pid"
	islet delete --force "$CID"
	assert_success
	run systemctl status --no-pager "$UNIT"
	[ "$status" = 4 ]  # no such unit
	[ ! -e "$CG/system.slice/$UNIT" ]
}

@test "systemd: without cgroupsPath the unit is islet-<id>.scope in system.slice" {
	requires systemd
	update_config 'del(.linux.cgroupsPath)'
	set_args sleep 100
	islet --systemd-cgroup run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	[ "$(cat /proc/"$pid"/cgroup)" = "0::/system.slice/islet-$CID.scope" ]
	[ "$(systemctl show -P Description "islet-$CID.scope")" = "islet container $CID" ]
	islet delete --force "$CID"
	assert_success
	[ "$(unit_state "islet-$CID.scope")" = inactive ]
}

@test "systemd: a cgroupsPath that is not slice:prefix:name, or names a slice, is refused as runc refuses it" {
	requires systemd
	set_args true
	runc_bundle
	for p in /plain/path 'a.slice:x' 'system.slice:x:y.slice' 'bad:x:y'; do
		update_config --arg p "$p" '.linux.cgroupsPath = $p'
		jq --arg p "$p" '.linux.cgroupsPath = $p' "$RUNC_BUNDLE/config.json" >"$RUNC_BUNDLE/c" &&
			mv "$RUNC_BUNDLE/c" "$RUNC_BUNDLE/config.json"
		islet --systemd-cgroup run "$CID"
		assert_failure 1
		run_file runc --root "$RUNC_ROOT" --systemd-cgroup run --bundle "$RUNC_BUNDLE" "$ID_PREFIX-r"
		[ "$status" -ne 0 ]
		[ ! -e "$ROOT/$CID" ]
	done
	update_config '.linux.cgroupsPath = "/plain/path"'
	islet --systemd-cgroup run "$CID"
	assert_output --partial 'expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "/plain/path" instead'
	update_config '.linux.cgroupsPath = "system.slice:x:y.slice"'
	islet --systemd-cgroup run "$CID"
	assert_output --partial "a container cannot be a slice unit"
}

@test "systemd: org.systemd.property annotations become unit properties (runc's rules and messages)" {
	requires systemd
	update_config '.annotations = {"org.systemd.property.CollectMode": "'"'"'inactive-or-failed'"'"'",
		"org.systemd.property.TimeoutStopSec": "7", "org.systemd.property.RuntimeMaxUSec": "uint64 600000000"}'
	set_args sleep 100
	runc_bundle
	islet --systemd-cgroup run -d "$CID"
	assert_success
	(cd "$RUNC_BUNDLE" && runc_sd run -d "$ID_PREFIX-r" >/dev/null 2>&1 </dev/null)
	local names=(CollectMode TimeoutStopUSec RuntimeMaxUSec)
	props "$UNIT" "${names[@]}" | grep -qx "CollectMode=inactive-or-failed"
	props "$UNIT" "${names[@]}" | grep -qx "TimeoutStopUSec=7s"
	diff <(props "$UNIT" "${names[@]}") <(props "$RUNC_UNIT" "${names[@]}")
	runc --root "$RUNC_ROOT" delete --force "$ID_PREFIX-r"
	islet delete --force "$CID"
	assert_success

	# Bad names and values: runc's message, nothing made.
	for a in '"org.systemd.property.X1": "1"' '"org.systemd.property.Xyzzy1": "1"' '"org.systemd.property.TimeoutStopSec": "'"'"'soon'"'"'"' \
		'"org.systemd.property.CPUQuota": "[1,"'; do
		update_config ".annotations = {$a}"
		jq ".annotations = {$a}" "$RUNC_BUNDLE/config.json" >"$RUNC_BUNDLE/c" && mv "$RUNC_BUNDLE/c" "$RUNC_BUNDLE/config.json"
		islet --systemd-cgroup run -d "$CID"
		assert_failure 1
		islet_msg=$(annotation_error "$output")
		run_file runc --root "$RUNC_ROOT" --systemd-cgroup run -d --bundle "$RUNC_BUNDLE" "$ID_PREFIX-r"
		[ "$status" -ne 0 ]
		runc_msg=$(annotation_error "$output")
		[ -n "$runc_msg" ]
		# The same sentence, up to the GVariant parser's own words.
		[ "${islet_msg%%value parse error*}" = "${runc_msg%%value parse error*}" ]
		[ ! -e "$ROOT/$CID" ]
		[ "$(unit_state "$UNIT")" = inactive ]
	done
}

@test "systemd: delete removes a unit systemd marked failed (runc's test)" {
	requires systemd
	update_config '.annotations = {"org.systemd.property.RuntimeMaxSec": "2", "org.systemd.property.TimeoutStopSec": "1"}'
	set_args sleep 10
	islet --systemd-cgroup run -d "$CID"
	assert_success
	for _ in $(seq 100); do [ "$(status_of "$CID")" = stopped ] && break; sleep 0.1; done
	[ "$(status_of "$CID")" = stopped ]
	run systemctl status --no-pager "$UNIT"
	[ "$status" = 3 ]  # not active (failed: runtime limit)
	islet delete "$CID"
	assert_success
	run systemctl status --no-pager "$UNIT"
	[ "$status" = 4 ]  # no such unit
}

@test "systemd: update sets the unit properties and the cgroup files, as runc's update" {
	requires systemd
	update_config '.linux.resources = {"memory":{"limit":33554432},"pids":{"limit":20}}'
	set_args sleep 100
	runc_bundle
	islet --systemd-cgroup run -d "$CID"
	assert_success
	(cd "$RUNC_BUNDLE" && runc_sd run -d "$ID_PREFIX-r" >/dev/null 2>&1 </dev/null)
	local flags=(--memory 67108864 --memory-swap 134217728 --pids-limit 30 --cpu-quota 50000 --cpu-period 100000)
	islet update "${flags[@]}" "$CID"
	assert_success
	runc --root "$RUNC_ROOT" update "${flags[@]}" "$ID_PREFIX-r"
	local names=(MemoryMax MemorySwapMax TasksMax CPUQuotaPerSecUSec CPUQuotaPeriodUSec)
	props "$UNIT" "${names[@]}" | grep -qx "MemoryMax=67108864"
	props "$UNIT" "${names[@]}" | grep -qx "TasksMax=30"
	diff <(props "$UNIT" "${names[@]}") <(props "$RUNC_UNIT" "${names[@]}")
	[ "$(cat $CG/system.slice/"$UNIT"/memory.max)" = 67108864 ]
	[ "$(cat $CG/system.slice/"$UNIT"/memory.swap.max)" = 67108864 ]
	[ "$(cat $CG/system.slice/"$UNIT"/pids.max)" = 30 ]
	[ "$(cat $CG/system.slice/"$UNIT"/cpu.max)" = "50000 100000" ]
}

@test "systemd: daemon-reload does not disturb running containers, their limits or device rules" {
	requires systemd
	update_config '.linux.resources = {"memory":{"limit":33554432},"pids":{"limit":20},
		"cpu":{"shares":512,"quota":30000,"period":100000},"blockIO":{"weight":300},
		"unified":{"memory.high":"30000000"}}
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	set_args sleep 1000
	islet --systemd-cgroup run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	local d=$CG/system.slice/$UNIT f before after
	before=$(for f in memory.max memory.high pids.max cpu.max cpu.weight io.weight cgroup.procs; do echo "$f: $(cat "$d"/$f)"; done)
	islet exec "$CID" sh -c 'mknod /tmp/mem c 1 1 && ! head -c1 /tmp/mem && head -c1 /dev/zero | wc -c'
	assert_success
	assert_output --partial "Operation not permitted"
	systemctl daemon-reload
	sleep 1
	[ "$(status_of "$CID")" = running ]
	[ "$(pid_of "$CID")" = "$pid" ]
	[ "$(cat /proc/"$pid"/cgroup)" = "0::/system.slice/$UNIT" ]
	after=$(for f in memory.max memory.high pids.max cpu.max cpu.weight io.weight cgroup.procs; do echo "$f: $(cat "$d"/$f)"; done)
	[ "$before" = "$after" ]
	islet exec "$CID" sh -c '! head -c1 /tmp/mem && head -c1 /dev/zero | wc -c'
	assert_success
	assert_output --partial "Operation not permitted"
	[ "${lines[-1]}" = 1 ]
	[ "$(unit_state "$UNIT")" = active ]
}

@test "systemd: exec, pause and resume, kill and ps work on the scope" {
	requires systemd
	set_args sleep 100
	islet --systemd-cgroup run -d "$CID"
	assert_success
	islet exec -d "$CID" sleep 200
	assert_success
	islet ps "$CID"
	assert_success
	assert_output --partial "sleep 200"
	[ "$(wc -l <$CG/system.slice/"$UNIT"/cgroup.procs)" = 2 ]
	islet pause "$CID"
	assert_success
	[ "$(status_of "$CID")" = paused ]
	[ "$(cat $CG/system.slice/"$UNIT"/cgroup.freeze)" = 1 ]
	islet resume "$CID"
	assert_success
	[ "$(status_of "$CID")" = running ]
	islet kill --all "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	islet delete "$CID"
	assert_success
	[ "$(unit_state "$UNIT")" = inactive ]
}

@test "systemd: islet killed during create: delete --force leaves no unit, cgroup or state" {
	requires systemd
	set_args sleep 100
	ISLET_TEST_PAUSE_AT=after-scope "$ISLET" --root "$ROOT" --systemd-cgroup create "$CID" >/dev/null 2>&1 &
	p=$!
	for _ in $(seq 300); do [ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" = T ] && break; sleep 0.05; done
	[ "$(awk '{print $3}' /proc/$p/stat)" = T ]
	[ "$(unit_state "$UNIT")" = active ]
	kill -9 $p
	wait $p || true
	islet delete --force "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
	[ ! -e "$CG/system.slice/$UNIT" ]
	[ "$(unit_state "$UNIT")" = inactive ]
	# The name is free again.
	islet --systemd-cgroup run -d "$CID"
	assert_success
}

@test "systemd: delete --force of a container whose state is corrupt stops its scope" {
	requires systemd
	# runc 1.1.5 refuses to delete a container whose state it cannot read;
	# islet finds the cgroup as create named it (SECURITY.md §4.3), here the
	# scope of --systemd-cgroup.
	set_args sleep 100
	islet --systemd-cgroup run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	printf '{' >"$ROOT/$CID/state.json"
	islet --systemd-cgroup delete --force "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	run ! kill -0 "$pid"
	[ "$(unit_state "$UNIT")" = inactive ]
	[ ! -e "$CG/system.slice/$UNIT" ]
}

@test "systemd: a failed create stops the scope it started" {
	requires systemd
	set_args /nonexistent
	islet --systemd-cgroup create "$CID"
	assert_failure 1
	[ ! -e "$ROOT/$CID" ]
	[ ! -e "$CG/system.slice/$UNIT" ]
	[ "$(unit_state "$UNIT")" = inactive ]
}

@test "systemd: without the system bus, root reaches systemd's private socket" {
	requires systemd
	set_args sleep 100
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus run_file "$ISLET" --root "$ROOT" --systemd-cgroup run -d "$CID"
	[ "$status" = 0 ] || { echo "$output"; false; }
	[ "$(unit_state "$UNIT")" = active ]
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus run_file "$ISLET" --root "$ROOT" delete --force "$CID"
	[ "$status" = 0 ] || { echo "$output"; false; }
	[ -z "$output" ] || { echo "a warning: $output"; false; }  # none: the unit was stopped
	[ "$(unit_state "$UNIT")" = inactive ]
}

@test "systemd: rootless --systemd-cgroup uses the user's own systemd instance" {
	requires systemd
	# Measured in this lane: islet as a plain user (outside a user
	# namespace) connects to the user's instance and names the unit, then
	# fails at open_tree of the rootfs (EPERM: cloning a mount tree needs
	# CAP_SYS_ADMIN over the mount namespace). Run as podman runs it, inside
	# a user namespace, attaching the device program needs privileges there
	# is no fallback for in start_scope (make_cgroups has one; runc ignores
	# device errors when rootless): not tried yet.
	skip "rootless create by a plain user is the rootless issue's work (open_tree of the rootfs: EPERM outside a user namespace)"
	id rl >/dev/null 2>&1 || skip "needs the lane's user rl (uid 1500, lingering)"
	local xdg=/run/user/1500 d
	[ -S $xdg/bus ] || skip "the user instance of rl is not running"
	# Somewhere rl can reach (bats' own directories are root's, 0700).
	d=$(mktemp -d /tmp/islet-rl.XXXXXX)
	RL_DIR=$d
	cp -a "$BUNDLE/rootfs" "$d/rootfs"
	cp "$ISLET" "$d/islet"
	chown -R rl "$d"
	# The rootless spec maps the container's root to its caller: rl.
	(cd "$d" && runuser -u rl -- "$d/islet" spec --rootless)
	jq '.process.terminal = false | .process.args = ["sleep", "100"] | .linux.cgroupsPath = "user.slice:islet-test:'"$CID"'"' \
		"$d/config.json" >"$d/c" && mv "$d/c" "$d/config.json"
	chown -R rl "$d"
	local base=/user.slice/user-1500.slice/user@1500.service
	as_rl() {
		runuser -u rl -- env XDG_RUNTIME_DIR=$xdg DBUS_SESSION_BUS_ADDRESS=unix:path=$xdg/bus \
			systemd-run --user --wait --pipe --quiet --collect -- "$d/islet" --root "$d/state" --systemd-cgroup "$@"
	}
	run_file as_rl run -d --bundle "$d" "$CID"
	[ "$status" = 0 ] || {
		echo "$output"
		echo "rl: $(runuser -u rl -- id); in its instance: $(runuser -u rl -- env XDG_RUNTIME_DIR=$xdg \
			DBUS_SESSION_BUS_ADDRESS=unix:path=$xdg/bus systemd-run --user --wait --pipe --quiet --collect -- id)"
		jq -c '[.linux.uidMappings, .linux.gidMappings]' "$d/config.json" || true
		false
	}
	pid=$(runuser -u rl -- "$d/islet" --root "$d/state" state "$CID" | jq -r .pid)
	[ "$(cat /proc/"$pid"/cgroup)" = "0::$base/user.slice/$UNIT" ]
	[ "$(runuser -u rl -- env XDG_RUNTIME_DIR=$xdg systemctl --user show -P ActiveState "$UNIT")" = active ]
	run_file as_rl delete --force "$CID"
	[ "$status" = 0 ]
	[ "$(runuser -u rl -- env XDG_RUNTIME_DIR=$xdg systemctl --user show -P ActiveState "$UNIT")" = inactive ]
	[ ! -e "$CG$base/user.slice/$UNIT" ]
}
