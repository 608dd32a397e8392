# shellcheck shell=bash
# Lifecycle operations, their errors in each state, and the state document
# (runtime.md: State, Lifecycle, Operations).

# config.md + config-linux.md defaults, checked from inside.
case_default() {
	new_bundle
	run_checker
}

# A process that records that it ran, then waits (root writable).
_marker_process() {
	cfg '.root.readonly = false'
	set_args sh -c 'touch /ran; while :; do sleep 0.1; done'
}

# create: MUST error without an id or bundle config, or with an id in use
# (and MUST NOT create a container then); status `created`; user code MUST
# NOT run before start.
case_create() {
	new_bundle
	_marker_process
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE"
	mkdir -p "$CASE_DIR/empty"
	rt_fails create --bundle "$CASE_DIR/empty" "$id"
	rt_fails state "$id"
	echo '{"ociVersion": "1.0.2", "process": ' >"$CASE_DIR/empty/config.json"
	rt_fails create --bundle "$CASE_DIR/empty" "$id"
	rt_fails state "$id"
	create_container "$id"
	[ "$(status_of "$id")" = created ] || fail "status after create: $(status_of "$id")"
	local pid
	pid=$(pid_of "$id")
	[ "$pid" -gt 0 ] && kill -0 "$pid" || fail "state pid $pid is not a live process"
	sleep 0.3
	[ ! -e "$BUNDLE/rootfs/ran" ] || fail "the process ran before start"
	# Same id again: an error, and the first container is untouched.
	rt_fails create --bundle "$BUNDLE" "$id"
	[ "$(status_of "$id")" = created ] && [ "$(pid_of "$id")" = "$pid" ] || fail "the duplicate create changed the container"
	rt start "$id"
	wait_status "$id" running
	for _ in $(seq 50); do [ -e "$BUNDLE/rootfs/ran" ] && break; sleep 0.05; done
	[ -e "$BUNDLE/rootfs/ran" ] || fail "the process did not run after start"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
}

# start: MUST error without an id, for an unknown id, and for a container
# that is not `created`, with no effect on it; status `running` after.
case_start() {
	new_bundle
	_marker_process
	local id pid
	id=$(new_id)
	rt_fails start
	rt_fails start "$id"
	create_container "$id"
	rt start "$id"
	[ "$(status_of "$id")" = running ] || fail "status after start: $(status_of "$id")"
	pid=$(pid_of "$id")
	rt_fails start "$id"
	[ "$(status_of "$id")" = running ] && [ "$(pid_of "$id")" = "$pid" ] || fail "a second start changed the container"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt_fails start "$id"
	[ "$(status_of "$id")" = stopped ] || fail "start of a stopped container changed it"
	rt delete "$id"
}

# `process` is OPTIONAL in config.md (REQUIRED only when start is called):
# create MUST apply the rest and succeed; start MUST then generate an error.
case_start_without_process() {
	new_bundle
	cfg 'del(.process)'
	local id
	id=$(new_id)
	rt create --bundle "$BUNDLE" "$id" >"$CASE_DIR/c.out" 2>&1 || fail "create without a process failed: $(cat "$CASE_DIR/c.out")"
	[ "$(status_of "$id")" = created ] || fail "status after create: $(status_of "$id")"
	rt_fails start "$id"
	rt delete --force "$id"
	rt_fails state "$id"
}

# state: MUST error without an id and for an unknown id; the document has
# ociVersion, id, status, pid (created/running), bundle (absolute), and the
# annotations.
case_state() {
	new_bundle
	_marker_process
	cfg '.annotations = {"org.example.key": "value", "org.example.other": "x"}'
	local id s
	id=$(new_id)
	rt_fails state
	rt_fails state "$id"
	create_container "$id"
	s=$(rt state "$id")
	echo "$s" | jq -e . >/dev/null || fail "state is not JSON: $s"
	[ -n "$(jq -r '.ociVersion // empty' <<<"$s")" ] || fail "no ociVersion"
	[ "$(jq -r .id <<<"$s")" = "$id" ] || fail "id: $(jq -r .id <<<"$s")"
	[ "$(jq -r .status <<<"$s")" = created ] || fail "status"
	[ "$(jq -r .pid <<<"$s")" -gt 0 ] || fail "pid"
	[ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ] || fail "bundle: $(jq -r .bundle <<<"$s")"
	[ "$(jq -c .annotations <<<"$s" | jq -S -c 'with_entries(select(.key | startswith("org.example.")))')" = \
	  '{"org.example.key":"value","org.example.other":"x"}' ] || fail "annotations: $(jq -c .annotations <<<"$s")"
	rt start "$id"
	[ "$(status_of "$id")" = running ] || fail "running"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	rt_fails state "$id"
}

# kill: MUST error without an id and for an unknown id; MUST send the
# signal to the container process; the status becomes `stopped`.
case_kill() {
	new_bundle
	set_args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	local id id2
	id=$(new_id)
	rt_fails kill
	rt_fails kill "$id" TERM
	create_container "$id"
	rt start "$id"
	wait_status "$id" running
	rt kill "$id" TERM
	wait_status "$id" stopped
	rt delete "$id"
	# A created container can be signalled too (KILL always works).
	id2=$(new_id)
	create_container "$id2"
	rt kill "$id2" KILL
	wait_status "$id2" stopped
	rt delete "$id2"
}

# kill: the named signal reaches the process (names as runtime-tools sends
# them, and numbers as the engines do).
case_killsig() {
	new_bundle
	cfg '.root.readonly = false'
	set_args sh -c 'trap "echo usr1 >>/got" USR1; trap "echo usr2 >>/got" USR2; trap "echo hup >>/got" HUP; echo ready >/got; while :; do sleep 0.1; done'
	local id
	id=$(new_id)
	create_container "$id"
	rt start "$id"
	for _ in $(seq 100); do grep -q ready "$BUNDLE/rootfs/got" 2>/dev/null && break; sleep 0.05; done
	rt kill "$id" USR1
	rt kill "$id" SIGUSR2
	rt kill "$id" 1
	for _ in $(seq 100); do [ "$(grep -c . "$BUNDLE/rootfs/got")" -ge 4 ] && break; sleep 0.05; done
	grep -q usr1 "$BUNDLE/rootfs/got" && grep -q usr2 "$BUNDLE/rootfs/got" && grep -q hup "$BUNDLE/rootfs/got" ||
		fail "signals seen: $(tr '\n' ' ' <"$BUNDLE/rootfs/got")"
	[ "$(status_of "$id")" = running ] || fail "handled signals stopped the container"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
}

# kill of a container that is neither created nor running MUST error and
# have no effect.
case_kill_no_effect() {
	new_bundle
	set_args true
	local id
	id=$(new_id)
	create_container "$id"
	rt start "$id"
	wait_status "$id" stopped
	local before after
	before=$(rt state "$id" | jq -c 'del(.created)')
	rt_fails kill "$id" TERM
	rt_fails kill "$id" KILL
	after=$(rt state "$id" | jq -c 'del(.created)')
	[ "$before" = "$after" ] || fail "state changed: $before -> $after"
	rt delete "$id"
}

# delete: MUST error without an id, for an unknown id, and for a container
# that is not stopped (with no effect); MUST remove what create made; the
# id may then be reused.
case_delete() {
	new_bundle
	set_args sleep 1000
	local id pid
	id=$(new_id)
	rt_fails delete
	rt_fails delete "$id"
	create_container "$id"
	rt start "$id"
	pid=$(pid_of "$id")
	rt_fails delete "$id"
	[ "$(status_of "$id")" = running ] && kill -0 "$pid" || fail "delete of a running container had an effect"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	rt_fails state "$id"
	create_container "$id"
	[ "$(status_of "$id")" = created ] || fail "the id could not be reused"
	rt delete --force "$id"
	rt_fails state "$id"
}

# delete of a created container MUST error and have no effect (runtime.md);
# runc and crun kill and delete it instead, and engines rely on that.
case_delete_created() {
	new_bundle
	set_args sleep 1000
	local id
	id=$(new_id)
	create_container "$id"
	rt_fails delete "$id"
	[ "$(status_of "$id")" = created ] || fail "delete of a created container had an effect"
	rt delete --force "$id"
}

# --pid-file: the container process's pid, as state reports it.
case_pidfile() {
	new_bundle
	set_args sleep 1000
	local id
	id=$(new_id)
	create_container "$id" --pid-file "$CASE_DIR/pid"
	[ -f "$CASE_DIR/pid" ] || fail "no pid file"
	grep -Eq '^[0-9]+$' "$CASE_DIR/pid" || fail "pid file content: $(od -c "$CASE_DIR/pid" | head -2)"
	[ "$(cat "$CASE_DIR/pid")" = "$(pid_of "$id")" ] || fail "pid file $(cat "$CASE_DIR/pid"), state $(pid_of "$id")"
	rt delete --force "$id"
}

# Changes to config.json after create MUST NOT affect the container.
case_config_updates_without_affect() {
	new_bundle
	local id
	id=$(new_id)
	create_container "$id"
	# The checker keeps the original (rootfs/config.json); the bundle's
	# copy changes everything start could still apply.
	cfg '.process.args = ["/bin/sh", "-c", "echo changed; exit 3"] | .process.env = ["CHANGED=1"] | .process.cwd = "/tmp" | .hostname = "changed"'
	rt start "$id"
	wait_status "$id" stopped
	rt delete "$id"
	verify_tap "$CASE_DIR/$id.out"
}

# Deleting MUST remove the cgroups create made (runtime-tools
# delete_resources).
case_delete_resources() {
	new_bundle
	set_args sleep 1000
	local id cg=/oci-validation-$$-del ctrl
	id=$(new_id)
	cfg --arg p "$cg" '.linux.cgroupsPath = $p'
	create_container "$id"
	local dirs=()
	for ctrl in pids memory devices freezer cpu; do
		local m
		m=$(cgroup_mount "$ctrl")
		[ -n "$m" ] || continue
		[ -d "$m$cg" ] || fail "no cgroup $m$cg after create"
		dirs+=("$m$cg")
	done
	[ "${#dirs[@]}" -gt 0 ] || skip "no cgroup hierarchy found"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	for d in "${dirs[@]}"; do [ ! -d "$d" ] || fail "cgroup $d left after delete"; done
}

# The EXIT trap of the case below: moves what is left in the caller's
# cgroup ($_mine) back to the root ($_root) and removes it.
release_mine() {
	local p
	while read -r p; do echo "$p" >"$_root/cgroup.procs"; done 2>/dev/null <"$_mine/cgroup.procs"
	rmdir "$_mine" 2>/dev/null
}

# Resources associated with the container but not created by it MUST NOT
# be deleted: a cgroup the caller made and moved the container into.
case_delete_only_create_resources() {
	local m
	m=$(cgroup_mount pids)
	[ -n "$m" ] || skip "no pids cgroup hierarchy"
	local mine="$m/oci-validation-$$-mine"
	mkdir "$mine"
	# Ours to remove whatever happens: a container left behind by a failure
	# moves back to the root first (run.sh deletes it afterwards).
	_mine=$mine _root=$m
	trap 'set +e; release_mine; true' EXIT
	new_bundle
	local id
	id=$(new_id)
	create_container "$id"
	pid_of "$id" >"$mine/cgroup.procs"
	rt start "$id"
	wait_status "$id" stopped
	rt delete "$id"
	local ok=0
	[ -d "$mine" ] && ok=1
	rmdir "$mine" 2>/dev/null || true
	[ "$ok" = 1 ] || fail "delete removed a cgroup the container did not create"
	verify_tap "$CASE_DIR/$id.out"
}
