#!/usr/bin/env bats
# podman with cgroup_manager = "systemd" and containerd's runc shim with
# SystemdCgroup (ctr run --runc-systemd-cgroup sets the shim's SystemdCgroup
# option, as the CRI plugin's SystemdCgroup = true does) driving islet on a
# systemd host with pure cgroup v2: the systemd lane of tests/vm-lane/run.sh.
# Each container's scope must show its processes in `systemctl status` and be
# gone, with its cgroup and islet's state, once the client removed it.

bats_require_minimum_version 1.5.0
load ../bats/clients

setup_file() {
	file_requires systemd || return 0
	clients_require podman conmon containerd ctr containerd-shim-runc-v2
	clients_tmpdir
	sed -e "s#/usr/local/bin/islet#$ISLET#" -e 's/^cgroup_manager = .*/cgroup_manager = "systemd"/' \
		"$REPO_ROOT/config/containers.conf" >"$CLIENT_TMP/containers.conf"
	grep -qx 'cgroup_manager = "systemd"' "$CLIENT_TMP/containers.conf"
	export CONTAINERS_CONF="$CLIENT_TMP/containers.conf"
	export IMG=localhost/islet-test-busybox:latest
	export PREFIX="islet-sc$$"
	make_busybox_rootfs "$CLIENT_TMP/rootfs"
	tar -C "$CLIENT_TMP/rootfs" -c . | podman import --change 'CMD ["/bin/sh"]' - "$IMG" >/dev/null
	# A private containerd, fed the same image (CLIENTS.md §7).
	export CTRD="$CLIENT_TMP/containerd" NS="islet-sc-$$"
	mkdir -p "$CTRD"
	private_containerd_config "$CTRD" >"$CTRD/config.toml"
	containerd --config "$CTRD/config.toml" >"$CTRD/containerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$CTRD/containerd.pid"
	wait_for "containerd to answer" 100 ctr --address "$CTRD/containerd.sock" version
	podman save --format docker-archive -o "$CLIENT_TMP/image.tar" "$IMG" >/dev/null
	c image import "$CLIENT_TMP/image.tar" >/dev/null
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	podman rmi -f "$IMG" >/dev/null 2>&1 || true
	if [ -e "$CTRD/containerd.pid" ]; then
		local t pid
		for t in $(c task ls -q 2>/dev/null); do c task rm -f "$t" >/dev/null 2>&1 || true; done
		for t in $(c container ls -q 2>/dev/null); do c container rm "$t" >/dev/null 2>&1 || true; done
		c image rm "$(c image ls -q)" >/dev/null 2>&1 || true
		ctr --address "$CTRD/containerd.sock" namespace rm "$NS" >/dev/null 2>&1 || true
		pid=$(cat "$CTRD/containerd.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		awk -v d="$CLIENT_TMP" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
		rmdir "/run/containerd/runc/$NS" 2>/dev/null || true
	fi
	rm -rf "$CLIENT_TMP"
}

c() { ctr --address "$CTRD/containerd.sock" --connect-timeout 5s -n "$NS" "$@"; }
pm() { podman --runtime islet "$@"; }
name() { echo "$PREFIX-$BATS_TEST_NUMBER-$1"; }

setup() { file_skip; }

teardown() {
	local n
	[ -z "${FILE_SKIP:-}" ] || return 0
	for n in $(podman ps -a --format '{{.Names}}' --filter "name=^$PREFIX-$BATS_TEST_NUMBER-"); do
		podman rm -f -t 0 "$n" >/dev/null 2>&1 || true
	done
	for n in $(c container ls -q 2>/dev/null | grep "^$PREFIX-$BATS_TEST_NUMBER-"); do
		c task kill -s SIGKILL "$n" >/dev/null 2>&1 || true
		c task rm -f "$n" >/dev/null 2>&1 || true
		c container rm "$n" >/dev/null 2>&1 || true
	done
}

# The scope is active and `systemctl status` shows the process.
scope_shows() {
	local unit=$1 pid=$2 what=$3
	[ "$(systemctl show -P ActiveState "$unit")" = active ]
	run systemctl status --no-pager "$unit"
	assert_output --partial "$pid"
	assert_output --partial "$what"
}

# Nothing of the container is left: unit, cgroup, islet's state.
nothing_left() {
	local unit=$1 cgroup=$2 state=$3
	[ "$(systemctl show -P ActiveState "$unit")" = inactive ]
	[ "$(systemctl show -P LoadState "$unit")" = not-found ]
	[ ! -e "/sys/fs/cgroup$cgroup" ]
	[ ! -e "$state" ]
}

@test "systemd clients: podman with cgroup_manager = systemd: run, exec, stats, update, pause, stop, rm" {
	local n id pid unit cg
	n=$(name a)
	run pm run -d --name "$n" --memory 64m "$IMG" sleep 1000
	assert_success
	id=$(podman inspect --format '{{.Id}}' "$n")
	pid=$(podman inspect --format '{{.State.Pid}}' "$n")
	unit=libpod-$id.scope
	cg=$(sed -n 's/^0:://p' /proc/"$pid"/cgroup)
	[ "$cg" = "/machine.slice/$unit" ]
	scope_shows "$unit" "$pid" "sleep 1000"
	[ "$(systemctl show -P MemoryMax "$unit")" = 67108864 ]
	[ "$(systemctl show -P Delegate "$unit")" = yes ]
	run pm exec "$n" echo hi
	assert_success
	assert_output hi
	run pm stats --no-stream --format '{{.MemUsage}}' "$n"
	assert_success
	assert_output --partial "/ 67.11MB"
	run pm update --memory 128m --cpus 0.5 "$n"
	assert_success
	[ "$(systemctl show -P MemoryMax "$unit")" = 134217728 ]
	[ "$(cat /sys/fs/cgroup"$cg"/memory.max)" = 134217728 ]
	[ "$(cat /sys/fs/cgroup"$cg"/cpu.max)" = "50000 100000" ]
	run pm pause "$n"
	assert_success
	[ "$(cat /sys/fs/cgroup"$cg"/cgroup.freeze)" = 1 ]
	[ "$(podman inspect --format '{{.State.Status}}' "$n")" = paused ]
	run pm unpause "$n"
	assert_success
	[ "$(cat /sys/fs/cgroup"$cg"/cgroup.freeze)" = 0 ]
	run pm stop -t 1 "$n"
	assert_success
	[ "$(podman inspect --format '{{.State.Status}}' "$n")" = exited ]
	[ "$(systemctl show -P ActiveState "$unit")" = inactive ]
	run pm rm "$n"
	assert_success
	nothing_left "$unit" "$cg" "/run/islet/$id"
}

@test "systemd clients: ctr run --runc-systemd-cgroup: run, exec, metrics, pause, kill, delete" {
	local n pid unit cg
	n=$(name b)
	run c run -d --runc-binary "$ISLET" --runc-systemd-cgroup --cgroup "system.slice:islet-ctr:$n" \
		--memory-limit 67108864 "$IMG" "$n" sleep 1000
	assert_success
	unit=islet-ctr-$n.scope
	pid=$(c task ls | awk -v id="$n" '$1 == id {print $2}')
	cg=$(sed -n 's/^0:://p' /proc/"$pid"/cgroup)
	[ "$cg" = "/system.slice/$unit" ]
	scope_shows "$unit" "$pid" "sleep 1000"
	[ "$(systemctl show -P MemoryMax "$unit")" = 67108864 ]
	run c task exec --exec-id e1 "$n" echo hi
	assert_success
	assert_output hi
	run c task metrics "$n"
	assert_success
	assert_output --partial memory
	run c task pause "$n"
	assert_success
	[ "$(cat /sys/fs/cgroup"$cg"/cgroup.freeze)" = 1 ]
	run c task resume "$n"
	assert_success
	[ "$(cat /sys/fs/cgroup"$cg"/cgroup.freeze)" = 0 ]
	run c task kill -s SIGKILL "$n"
	assert_success
	for _ in $(seq 100); do [ "$(c task ls | awk -v id="$n" '$1 == id {print $3}')" = STOPPED ] && break; sleep 0.1; done
	run c task rm "$n"
	assert_success
	run c container rm "$n"
	assert_success
	nothing_left "$unit" "$cg" "/run/containerd/runc/$NS/$n"
}

@test "systemd clients: daemon-reload while podman and ctr containers run disturbs neither" {
	local n1 n2 p1 p2 cg1 cg2
	n1=$(name p) n2=$(name c)
	run pm run -d --name "$n1" --memory 64m --pids-limit 50 "$IMG" sleep 1000
	assert_success
	run c run -d --runc-binary "$ISLET" --runc-systemd-cgroup --cgroup "system.slice:islet-ctr:$n2" \
		--memory-limit 67108864 "$IMG" "$n2" sleep 1000
	assert_success
	p1=$(podman inspect --format '{{.State.Pid}}' "$n1")
	p2=$(c task ls | awk -v id="$n2" '$1 == id {print $2}')
	cg1=$(sed -n 's/^0:://p' /proc/"$p1"/cgroup) cg2=$(sed -n 's/^0:://p' /proc/"$p2"/cgroup)
	systemctl daemon-reload
	sleep 1
	[ "$(podman inspect --format '{{.State.Status}}' "$n1")" = running ]
	[ "$(c task ls | awk -v id="$n2" '$1 == id {print $3}')" = RUNNING ]
	[ "$(sed -n 's/^0:://p' /proc/"$p1"/cgroup)" = "$cg1" ]
	[ "$(sed -n 's/^0:://p' /proc/"$p2"/cgroup)" = "$cg2" ]
	[ "$(cat /sys/fs/cgroup"$cg1"/memory.max)" = 67108864 ]
	[ "$(cat /sys/fs/cgroup"$cg1"/pids.max)" = 50 ]
	[ "$(cat /sys/fs/cgroup"$cg2"/memory.max)" = 67108864 ]
	run pm exec "$n1" echo still
	assert_output still
	run c task exec --exec-id e2 "$n2" echo still
	assert_output still
}
