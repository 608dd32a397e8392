#!/usr/bin/env bats
# containerd 1.6 from Debian and its runc v2 shim, with islet as the shim's
# runc binary (`ctr run --runc-binary`), as CLIENTS.md §3 and §6 describe.
# The file starts one private containerd (config, root, state and socket in
# a temporary directory, the shipped CRI configuration merged in) and stops
# it by its PID in teardown_file, even when tests fail. Its containers live
# in a namespace of their own, so islet's state root is
# /run/containerd/runc/<that namespace>.

bats_require_minimum_version 1.5.0
load clients

setup_file() {
	clients_require containerd ctr containerd-shim-runc-v2 script || return 0
	clients_tmpdir
	export CTRD="$CLIENT_TMP/containerd"
	export NS="islet-test-$$"
	export PREFIX="islet-cd$$"
	export IMG=docker.io/library/islet-test-busybox:latest
	export STATE_ROOT="/run/containerd/runc/$NS"
	# CRI's pods: the pause image (a local one: no network), islet's state
	# root for the k8s.io namespace (config/containerd-cri.toml's Root).
	export PAUSE_IMG=docker.io/library/islet-test-pause:latest
	export CRI_ROOT=/run/containerd/islet/k8s.io
	mkdir -p "$CTRD"
	# The private daemon's own settings, then the CRI runtime entry islet
	# ships (config/containerd-cri.toml) with this islet's path.
	{
		cat <<-EOF
			version = 2
			root = "$CTRD/root"
			state = "$CTRD/state"
			[grpc]
			  address = "$CTRD/containerd.sock"
			[ttrpc]
			  address = "$CTRD/containerd.sock.ttrpc"
			[debug]
			  address = "$CTRD/debug.sock"
			  level = "info"
			[plugins."io.containerd.grpc.v1.cri"]
			  sandbox_image = "$PAUSE_IMG"
			  # Root here lacks CAP_SYS_RESOURCE: no runtime may lower an oom
			  # score (runc 1.1.5 fails the sandbox's -998 the same way), so
			  # CRI clamps it to containerd's own.
			  restrict_oom_score_adj = true
			  [plugins."io.containerd.grpc.v1.cri".cni]
			    conf_dir = "$CTRD/cni"
			    bin_dir = "/usr/lib/cni"
		EOF
		grep -v '^version' "$REPO_ROOT/config/containerd-cri.toml" | sed "s#/usr/local/bin/islet#$ISLET#"
	} >"$CTRD/config.toml"
	# containerd itself in the background (fd 3 closed: bats waits on it).
	containerd --config "$CTRD/config.toml" >"$CTRD/containerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$CTRD/containerd.pid"
	wait_for "containerd to answer" 100 ctr --address "$CTRD/containerd.sock" version
	make_busybox_rootfs "$CLIENT_TMP/rootfs"
	build_image_archive "$CLIENT_TMP/rootfs" "$CLIENT_TMP/image.tar"
	c image import "$CLIENT_TMP/image.tar" >/dev/null
	# CRI's images live in the k8s.io namespace.
	build_image_archive "$CLIENT_TMP/rootfs" "$CLIENT_TMP/pause.tar" "$PAUSE_IMG" '["sleep", "2147483647"]'
	ctr --address "$CTRD/containerd.sock" -n k8s.io image import "$CLIENT_TMP/pause.tar" >/dev/null
	ctr --address "$CTRD/containerd.sock" -n k8s.io image import "$CLIENT_TMP/image.tar" >/dev/null
}

teardown_file() {
	if [ -z "${CTRD:-}" ] || [ ! -e "$CTRD/containerd.pid" ]; then
		rm -rf "${CLIENT_TMP:-/nonexistent}"
		return 0
	fi
	local pid t s
	for t in $(c task ls -q 2>/dev/null); do
		c task kill -a -s SIGKILL "$t" >/dev/null 2>&1 || true
		c task rm -f "$t" >/dev/null 2>&1 || true
	done
	for t in $(c container ls -q 2>/dev/null); do c container rm "$t" >/dev/null 2>&1 || true; done
	c image rm "$IMG" >/dev/null 2>&1 || true
	cri_teardown_pods
	ctr --address "$CTRD/containerd.sock" -n k8s.io image rm "$IMG" "$PAUSE_IMG" >/dev/null 2>&1 || true
	ctr --address "$CTRD/containerd.sock" --connect-timeout 5s namespace rm "$NS" >/dev/null 2>&1 || true
	pid=$(cat "$CTRD/containerd.pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	# Shims of tasks that could not be removed: each recorded its own pid.
	for s in "$CTRD"/state/io.containerd.runtime.v2.task/"$NS"/*/shim.pid; do
		if [ -e "$s" ]; then kill -9 "$(cat "$s")" 2>/dev/null || true; fi
	done
	# Snapshots left mounted by a task that could not be removed.
	awk -v d="$CLIENT_TMP" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
	rmdir "$STATE_ROOT" 2>/dev/null || true
	# The shim's cgroupsPath is /<namespace>/<id>: the runtime removes the
	# container's directory, the namespace's is left (as with runc).
	local d
	for d in /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS"; do
		if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
	done
	rm -rf "$CLIENT_TMP"
}

# (A dead daemon must not make every call wait: connect within 5 s.)
c() { ctr --address "$CTRD/containerd.sock" --connect-timeout 5s -n "$NS" "$@"; }

# ctr run with islet as the shim's runc binary.
crun() { c run --runc-binary "$ISLET" "$@"; }

name() { echo "$PREFIX-$BATS_TEST_NUMBER-$1"; }

# A docker-archive of the rootfs, made by hand: a layer tarball, an image
# config naming its digest, a manifest. `ctr image import` takes it as is.
# build_image_archive ROOTFS OUT [TAG [CMD-JSON]]
build_image_archive() {
	local rootfs=$1 out=$2 tag=${3:-$IMG} cmd=${4:-'["/bin/sh"]'} w diff cfg
	w=$(mktemp -d)
	tar -C "$rootfs" --numeric-owner -cf "$w/layer.tar" .
	diff=$(sha256sum "$w/layer.tar" | cut -d' ' -f1)
	mkdir "$w/$diff"
	mv "$w/layer.tar" "$w/$diff/layer.tar"
	jq -n --arg d "sha256:$diff" --arg arch "$(dpkg --print-architecture)" --argjson cmd "$cmd" '{
		architecture: $arch, os: "linux",
		config: {Cmd: $cmd, Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
		rootfs: {type: "layers", diff_ids: [$d]}}' >"$w/config.json"
	cfg=$(sha256sum "$w/config.json" | cut -d' ' -f1)
	mv "$w/config.json" "$w/$cfg.json"
	jq -n --arg c "$cfg.json" --arg l "$diff/layer.tar" --arg t "$tag" \
		'[{Config: $c, RepoTags: [$t], Layers: [$l]}]' >"$w/manifest.json"
	tar -C "$w" -cf "$out" manifest.json "$cfg.json" "$diff"
	rm -rf "$w"
}

task_status() { c task ls | awk -v id="$1" '$1 == id {print $3}'; }

wait_task_status() {
	for _ in $(seq 100); do
		[ "$(task_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "task $1 did not reach $2 (now: $(task_status "$1"))"
	return 1
}

setup() { file_skip; }

teardown() {
	# Nothing was set up when setup_file noted an unmet gate.
	[ -z "${FILE_SKIP:-}" ] || return 0
	local t problems="" cg
	stop_path_containerd
	for t in $(c container ls -q 2>/dev/null | grep "^$PREFIX-$BATS_TEST_NUMBER-"); do
		c task kill -a -s SIGKILL "$t" >/dev/null 2>&1 || true
		c task rm -f "$t" >/dev/null 2>&1 || true
		c container rm "$t" >/dev/null 2>&1 || true
		[ ! -e "$STATE_ROOT/$t" ] || problems+="islet state left: $STATE_ROOT/$t\n"
		cg=$(find /sys/fs/cgroup -maxdepth 4 -type d -path "*/$NS/$t" 2>/dev/null)
		[ -z "$cg" ] || problems+="cgroups left: $cg\n"
	done
	if [ -n "$problems" ]; then
		printf 'leak audit failed:\n%b' "$problems" >&2
		return 1
	fi
}

@test "ctr run: output and exit status" {
	run crun --rm "$IMG" "$(name a)" echo hello
	assert_success
	assert_output hello
	run crun --rm "$IMG" "$(name b)" sh -c 'exit 3'
	assert_failure 3
	# islet kept its state where the shim told it to, and removed it.
	[ ! -e "$STATE_ROOT/$(name a)" ]
}

@test "ctr run: a bad command fails create with runc's error text" {
	local cmd out_islet out_runc
	for cmd in /nonexistent /etc/passwd nonexistent-command; do
		out_islet=$(crun --rm "$IMG" "$(name i)" "$cmd" 2>&1) && return 1
		# The reference: Debian's runc, which the shim runs by default.
		out_runc=$(c run --rm "$IMG" "$(name r)" "$cmd" 2>&1) && return 1
		echo "islet: $out_islet"
		echo "runc:  $out_runc"
		[ "${out_islet//islet/RUNTIME}" = "${out_runc//runc/RUNTIME}" ]
	done
	run crun --rm "$IMG" "$(name i)" /nonexistent
	assert_failure 1
	assert_output --partial 'OCI runtime create failed: islet create failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory: unknown'
}

@test "ctr run -d, task ls, pause, resume, metrics, kill, delete" {
	local t pid
	t=$(name d)
	run crun -d "$IMG" "$t" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_success
	wait_task_status "$t" RUNNING
	pid=$(c task ls | awk -v id="$t" '$1 == id {print $2}')
	# islet's own record of the shim's container.
	run "$ISLET" --root "$STATE_ROOT" state "$t"
	assert_success
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	[ "$(jq -r .status <<<"$output")" = running ]
	# The init is in the cgroup the shim reads for metrics.
	grep -q ":/$NS/$t\$" "/proc/$pid/cgroup"
	run c task pause "$t"
	assert_success
	wait_task_status "$t" PAUSED
	[ "$(islet_status "$STATE_ROOT" "$t")" = paused ]
	[ "$(freezer_state "/$NS/$t")" = FROZEN ]
	run c task resume "$t"
	assert_success
	wait_task_status "$t" RUNNING
	[ "$(freezer_state "/$NS/$t")" = THAWED ]
	run c task metrics "$t"
	assert_success
	# The shim reads the cgroup itself: v1's memory.usage_in_bytes, v2's memory.usage.
	assert_output --regexp 'memory.usage(_in_bytes)? +[1-9][0-9]*'
	assert_output --regexp 'pids.current +[1-9]'
	# TERM reaches the trap: the task exits 0.
	run c task kill "$t"
	assert_success
	wait_task_status "$t" STOPPED
	run c task delete "$t"
	assert_success
	refute_output --partial 'non-zero exit code'
	[ ! -e "$STATE_ROOT/$t" ]
	run c container delete "$t"
	assert_success
}

@test "ctr task kill -s SIGKILL, also of a paused task" {
	local t
	t=$(name k)
	crun -d "$IMG" "$t" sleep 1000
	wait_task_status "$t" RUNNING
	c task pause "$t"
	wait_task_status "$t" PAUSED
	run c task kill -s SIGKILL "$t"
	assert_success
	wait_task_status "$t" STOPPED
	run c task delete "$t"
	assert_success
	assert_output --partial 'exit code 137'
	# kill -a on the next one (the shim's KillAll).
	crun -d "$IMG" "$t-2" sleep 1000
	wait_task_status "$t-2" RUNNING
	run c task kill -a -s SIGKILL "$t-2"
	assert_success
	wait_task_status "$t-2" STOPPED
}

@test "a task whose process exits non-zero" {
	local t
	t=$(name x)
	crun -d "$IMG" "$t" sh -c 'sleep 0.2; exit 7'
	wait_task_status "$t" STOPPED
	run c task delete "$t"
	assert_success
	assert_output --partial 'exit code 7'
	run crun --rm "$IMG" "$t-fg" sh -c 'exit 7'
	assert_failure 7
}

@test "ctr run -t: the task gets a terminal" {
	local t
	t=$(name t)
	run script -qec "ctr --address $CTRD/containerd.sock -n $NS run --runc-binary $ISLET --rm -t $IMG $t sh -c 'tty; exit 5'" /dev/null
	assert_failure 5
	assert_output --regexp '/dev/pts/[0-9]+'
}

@test "ctr task ps lists the task's processes" {
	local t pid
	t=$(name p)
	crun -d "$IMG" "$t" sleep 1000
	wait_task_status "$t" RUNNING
	pid=$(c task ls | awk -v id="$t" '$1 == id {print $2}')
	run c task ps "$t"
	assert_success
	assert_line --regexp "^${pid}[[:space:]]"
}

@test "ctr task exec, and exec --tty" {
	local t
	t=$(name e)
	crun -d "$IMG" "$t" sleep 1000
	wait_task_status "$t" RUNNING
	run c task exec --exec-id e1 "$t" sh -c 'echo hi; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output --partial hi
	assert_output --partial 'sleep 1000'
	run c task exec --exec-id e2 "$t" sh -c 'exit 9'
	assert_failure 9
	run c task exec --exec-id e3 "$t" /nonexistent
	assert_failure
	assert_output --partial 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory: unknown'
	# runc's text for the same failures.
	c run -d "$IMG" "$t-runc" sleep 1000
	wait_task_status "$t-runc" RUNNING
	local cmd a b
	for cmd in /nonexistent /etc/passwd nonexistent-command; do
		a=$(c task exec --exec-id x "$t" "$cmd" 2>&1) && return 1
		b=$(c task exec --exec-id x "$t-runc" "$cmd" 2>&1) && return 1
		echo "islet: $a"
		echo "runc:  $b"
		[ "${a//"$t"/ID}" = "${b//"$t-runc"/ID}" ]
	done
	run script -qec "ctr --address $CTRD/containerd.sock -n $NS task exec -t --exec-id e4 $t tty" /dev/null
	assert_success
	assert_output --regexp '/dev/pts/[0-9]+'
}

@test "ctr run --annotation run.islet.isolated-userns=true: private IDs over the overlayfs snapshot" {
	requires overlay_fd_layers
	local t pid base upper
	t=$(name iso)
	crun -d --annotation run.islet.isolated-userns=true "$IMG" "$t" sleep 1000 >/dev/null
	wait_task_status "$t" RUNNING
	pid=$(c task ls | awk -v id="$t" '$1 == id {print $2}')
	base=$(awk '$1 == 0 {print $2}' "/proc/$pid/uid_map")
	[ "$base" -ge 65536 ]
	# The image's files are root's inside; root's writes are 0 on disk, in
	# the snapshot's upper directory.
	run c task exec --exec-id "$t-x" "$t" sh -c 'id -u; stat -c %u:%g /bin/busybox; echo hi >/root/new'
	assert_success
	assert_output "$(printf '0\n0:0')"
	upper=$(grep " [^ ]*/$NS/$t/rootfs .* - overlay " /proc/self/mountinfo | tr ', ' '\n' | sed -n 's/^upperdir=//p')
	[ -n "$upper" ]
	[ "$(stat -c %u:%g "$upper/root/new")" = 0:0 ]
	run "$ISLET" --root "$STATE_ROOT" state "$t"
	[ "$(jq -r '.annotations["run.islet.isolated-userns.block"]' <<<"$output")" = "$base-$((base + 65535))" ]
}

# ctr 1.6 with --uidmap leaves --runc-binary out: its shim runs `runc` from
# its PATH (by hand, with --runc-binary naming islet, the task's state was
# runc's own record). So this test starts a second private containerd whose
# PATH finds islet as `runc`, as on a host that installs islet under that
# name, and stops it by its PID (teardown too, should the test fail).
@test "ctr run --uidmap with the annotation: ctr's mapping is used as it is; a mapping of host root is refused naming both" {
	local d="$CLIENT_TMP/path-ctrd"
	mkdir -p "$d/bin"
	ln -s "$ISLET" "$d/bin/runc"
	cat >"$d/config.toml" <<-EOF
		version = 2
		root = "$d/root"
		state = "$d/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$d/c.sock"
		[ttrpc]
		  address = "$d/c.sock.ttrpc"
	EOF
	PATH="$d/bin:$PATH" containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$d/containerd.pid"
	pc() { ctr --address "$d/c.sock" --connect-timeout 5s -n "$NS" "$@"; }
	wait_for "the second containerd to answer" 100 pc version
	pc image import "$CLIENT_TMP/image.tar" >/dev/null
	# ctr chowns a copy of the image for its mapping (a remapped snapshot):
	# root's files are root's inside, and islet keeps ctr's mapping.
	run pc run --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 --annotation run.islet.isolated-userns=true \
		"$IMG" "$(name m)" sh -c 'cat /proc/self/uid_map; id -u; stat -c %u:%g /bin/busybox'
	assert_success
	assert_line --regexp '^ +0 +200000 +65536$'
	assert_line -n 1 0
	assert_line -n 2 0:0
	run pc run --rm --uidmap 0:0:65536 --gidmap 0:0:65536 --annotation run.islet.isolated-userns=true \
		"$IMG" "$(name r)" true
	assert_failure
	assert_output --partial "islet create failed: isolated user namespaces: the annotation run.islet.isolated-userns and the config's own linux.uidMappings (host IDs 0-65535"
	stop_path_containerd
}

# The second containerd of the test above: stopped by its PID, its
# snapshots unmounted, its directory removed.
stop_path_containerd() {
	local d="$CLIENT_TMP/path-ctrd" pid
	[ -e "$d/containerd.pid" ] || return 0
	pid=$(cat "$d/containerd.pid")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	awk -v d="$d" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
	rm -rf "$d"
}

@test "containerd loads the CRI runtime entry islet ships" {
	# The CRI plugin prints its whole configuration when it starts.
	run grep -o "islet:{Type:io.containerd.runc.v2[^}]*BinaryName:${ISLET}[^]]*" "$CTRD/containerd.log"
	assert_success
	assert_output --partial 'Root:/run/containerd/islet'
	# islet's annotations reach the runtime through CRI.
	assert_output --partial 'PodAnnotations:[run.islet.*]'
	assert_output --partial 'ContainerAnnotations:[run.islet.*]'
}

@test "ctr run (a new network namespace, no CNI): lo is up, as with runc" {
	run crun --rm "$IMG" "$(name i)" ip -o -4 addr show lo
	assert_success
	assert_output --regexp 'inet 127\.0\.0\.1/8'
	run c run $CTR_COMPAT --rm "$IMG" "$(name r)" ip -o -4 addr show lo
	assert_success
	assert_output --regexp 'inet 127\.0\.0\.1/8'
}

# cri METHOD [JSON]: one CRI call (tests/bats/cri/cri.py; Debian has no
# crictl), the response's JSON on stdout.
cri() { CRI_PB_DIR="$CLIENT_TMP" /usr/bin/python3 "$BATS_TEST_DIRNAME/cri/cri.py" "$CTRD/containerd.sock" "$@"; }

# Pods a failed test left: stopped and removed (which removes their containers).
cri_teardown_pods() {
	local p
	[ -e "$CLIENT_TMP/pods" ] || return 0
	while read -r p; do
		cri StopPodSandbox "{\"podSandboxId\": \"$p\"}" >/dev/null 2>&1 || true
		cri RemovePodSandbox "{\"podSandboxId\": \"$p\"}" >/dev/null 2>&1 || true
	done <"$CLIENT_TMP/pods"
	rm -f "$CLIENT_TMP/pods"
}

# A pod's config: host network (no CNI here: a loopback-only network gives
# the pod no IP, which containerd refuses), pid and ipc shared in the pod,
# islet's annotation on the pod (the shipped config passes run.islet.* to
# the sandbox and to every container of the pod).
pod_config() {
	jq -n --arg n "$1" --arg logs "$CLIENT_TMP/logs" '{
		metadata: {name: $n, uid: ($n + "-uid"), namespace: "islet-test"},
		logDirectory: $logs,
		annotations: {"run.islet.isolated-userns": "true"},
		linux: {securityContext: {namespaceOptions: {network: "NODE", pid: "POD", ipc: "POD"}}}}'
}

cri_pid() { "$ISLET" --root "$CRI_ROOT" state "$1" | jq -r .pid; }

@test "CRI: an isolated pod of two containers shares one block; removing the pod frees it and leaves nothing" {
	# Debian's python3 (a python3 earlier on PATH may lack Debian's modules).
	requires cmd:protoc cmd:/usr/bin/python3
	/usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null || skip "requires python3-grpcio and python3-protobuf (scripts/install-deps.sh --clients)"
	local pod sb c ids=() sbpid base pid blocks
	mkdir -p "$CLIENT_TMP/logs"
	pod=$(pod_config "$(name pod)")
	run cri RunPodSandbox "$(jq -n --argjson c "$pod" '{config: $c, runtimeHandler: "islet"}')"
	assert_success
	sb=$(jq -r .podSandboxId <<<"$output")
	echo "$sb" >>"$CLIENT_TMP/pods"
	# CRI always sets oomScoreAdj (the sandbox's -998, clamped to
	# containerd's own here): the isolated sandbox runs with it.
	sbpid=$(cri_pid "$sb")
	"$ISLET" --root "$CRI_ROOT" state "$sb" | jq -e .pid >/dev/null
	[ "$(cat "/proc/$sbpid/oom_score_adj")" = "$(cat "/proc/$(cat "$CTRD/containerd.pid")/oom_score_adj")" ]
	base=$(awk '$1 == 0 {print $2}' "/proc/$sbpid/uid_map")
	[ "$base" -ge 65536 ]
	for c in one two; do
		run cri CreateContainer "$(jq -n --arg sb "$sb" --argjson p "$pod" --arg n "$c" --arg img "$IMG" '{
			podSandboxId: $sb, sandboxConfig: $p,
			config: {metadata: {name: $n}, image: {image: $img}, command: ["sleep", "1000"], logPath: ($n + ".log"),
				linux: {securityContext: {namespaceOptions: {network: "NODE", pid: "POD", ipc: "POD"}}}}}')"
		assert_success
		ids+=("$(jq -r .containerId <<<"$output")")
		run cri StartContainer "{\"containerId\": \"${ids[-1]}\"}"
		assert_success
	done
	for c in "${ids[@]}"; do
		pid=$(cri_pid "$c")
		# The sandbox's user namespace and mappings; a mount namespace of its own.
		[ "$(stat -Lc %i "/proc/$pid/ns/user")" = "$(stat -Lc %i "/proc/$sbpid/ns/user")" ]
		[ "$(cat "/proc/$pid/uid_map")" = "$(cat "/proc/$sbpid/uid_map")" ]
		[ "$(stat -Lc %i "/proc/$pid/ns/mnt")" != "$(stat -Lc %i "/proc/$sbpid/ns/mnt")" ]
		"$ISLET" --root "$CRI_ROOT" state "$c" | jq -e --arg sb "$sb" '.annotations["run.islet.isolated-userns.pod"] == $sb'
		# Its own /proc of the pod's pid namespace: the pause process is pid 1.
		run cri ExecSync "$(jq -n --arg c "$c" '{containerId: $c, cmd: ["sh", "-c", "cat /proc/1/cmdline | tr \"\\0\" \" \"; echo; id -u; stat -c %u:%g /bin/busybox"], timeout: 30}')"
		assert_success
		[ "$(jq -r .stdout <<<"$output")" = "$(printf 'sleep 2147483647 \n0\n0:0\n')" ]
	done
	# One block, held by the sandbox and both containers.
	blocks=$("$ISLET" blocks | awk -v a="$sb" -v b="${ids[0]}" -v c="${ids[1]}" '$3 == a || $3 == b || $3 == c {print $1, $2, $5}' | sort -u)
	[ "$(wc -l <<<"$blocks")" = 1 ]
	[ "$(cut -d' ' -f2 <<<"$blocks")" = "$base-$((base + 65535))" ]
	[ "$("$ISLET" blocks | grep -c " $base-$((base + 65535)) ")" = 3 ]
	run cri StopPodSandbox "{\"podSandboxId\": \"$sb\"}"
	assert_success
	run cri RemovePodSandbox "{\"podSandboxId\": \"$sb\"}"
	assert_success
	sed -i "/^$sb\$/d" "$CLIENT_TMP/pods"
	# Nothing left: state, block, mounts, cgroups.
	for c in "$sb" "${ids[@]}"; do
		[ ! -e "$CRI_ROOT/$c" ]
		run ! grep -q "$c" /proc/self/mountinfo
		[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$c*" 2>/dev/null)" ]
	done
	run "$ISLET" blocks
	assert_success
	refute_output --partial " $base-$((base + 65535)) "
}
