#!/usr/bin/env bats
# Robustness (SECURITY.md §5 P1): signals in foreground run, reaping,
# concurrency, containers without their own pid namespace, corrupt state.

load helpers

no_pidns() { update_config '.linux.namespaces |= map(select(.type != "pid"))'; }

@test "P1#30 foreground run forwards signals and exits with the container's status" {
	mkdir -p "$BATS_TEST_TMPDIR/log"
	update_config --arg l "$BATS_TEST_TMPDIR/log" '.mounts += [{"destination": "/log", "type": "bind", "source": $l, "options": ["bind"]}]'
	set_args sh -c 'trap "echo TERM >>/log/t" TERM; trap "echo HUP >>/log/t" HUP; trap "echo USR1 >>/log/t" USR1; trap "exit 3" USR2; echo ready >>/log/t; while true; do sleep 0.05; done'
	"$ISLET" --root "$ROOT" run "$CID" </dev/null >/dev/null 2>&1 &
	runner=$!
	for i in $(seq 100); do grep -q ready "$BATS_TEST_TMPDIR/log/t" 2>/dev/null && break; sleep 0.05; done
	for s in TERM HUP USR1; do
		kill -$s "$runner"
		for i in $(seq 100); do grep -q "^$s$" "$BATS_TEST_TMPDIR/log/t" && break; sleep 0.05; done
	done
	kill -USR2 "$runner"
	rc=0
	wait "$runner" || rc=$?
	[ "$rc" -eq 3 ]
	run cat "$BATS_TEST_TMPDIR/log/t"
	assert_output "$(printf 'ready\nTERM\nHUP\nUSR1')"
}

@test "P1#30 an uncaught forwarded TERM ends a container without its own pid namespace with 143" {
	no_pidns
	set_args sleep 1000
	"$ISLET" --root "$ROOT" run "$CID" </dev/null >/dev/null 2>&1 &
	runner=$!
	wait_status "$CID" running
	kill -TERM "$runner"
	rc=0
	wait "$runner" || rc=$?
	[ "$rc" -eq 143 ]
}

@test "P1#30 a container that exits at once never hangs run" {
	set_args true
	for i in $(seq 30); do
		timeout 10 "$ISLET" --root "$ROOT" run "$ID_PREFIX-q$i" </dev/null >/dev/null 2>&1
	done
	[ -z "$(ls -A "$ROOT")" ]
}

@test "P1#31 foreground run reaps orphans; no zombie or islet process is left" {
	no_pidns
	set_args sh -c '(sleep 0.2 &) ; (sh -c "sleep 0.1" &) ; exit 0'
	islet run "$CID"
	assert_success
	sleep 0.5
	# No zombie whose parent is gone or is this shell's islet child.
	run ps -eo stat,ppid,comm
	refute_output --regexp '^Z +[0-9]+ +islet'
	run pgrep -f "islet --root $ROOT"
	assert_failure
}

@test "P1#32 parallel lifecycles of many ids, and races on one id" {
	set_args true
	seq 20 | xargs -P 8 -I{} sh -c "
		'$ISLET' --root '$ROOT' create '$ID_PREFIX-p{}' </dev/null >/dev/null 2>&1 &&
		'$ISLET' --root '$ROOT' start '$ID_PREFIX-p{}' &&
		'$ISLET' --root '$ROOT' kill --all '$ID_PREFIX-p{}' 9 ;
		'$ISLET' --root '$ROOT' delete --force '$ID_PREFIX-p{}'" 2>&1
	[ -z "$(ls -A "$ROOT")" ]
	set_args sleep 100
	wins=$(seq 10 | xargs -P 10 -I{} sh -c "'$ISLET' --root '$ROOT' create '$CID' </dev/null >/dev/null 2>&1 && echo won" | grep -c won)
	[ "$wins" -eq 1 ]
	[ "$(status_of "$CID")" = created ]
	out=$(seq 10 | xargs -P 10 -I{} sh -c "'$ISLET' --root '$ROOT' delete --force '$CID' 2>&1; echo rc=\$?")
	[ "$(echo "$out" | grep -c 'rc=0')" -eq 10 ] || { echo "$out"; return 1; }
	[ ! -e "$ROOT/$CID" ]
	# list never fails while containers come and go.
	set_args true
	(for i in $(seq 10); do "$ISLET" --root "$ROOT" run -d "$ID_PREFIX-l$i" </dev/null >/dev/null 2>&1; "$ISLET" --root "$ROOT" delete -f "$ID_PREFIX-l$i"; done) &
	churn=$!
	for i in $(seq 30); do
		"$ISLET" --root "$ROOT" list -q >/dev/null || { echo "list failed"; kill $churn; return 1; }
	done
	wait $churn
}

@test "P1#34 without its own pid namespace, KILL and delete --force reach every process" {
	no_pidns
	set_args sh -c 'sleep 1000 & sleep 1000 & exec sleep 1000'
	islet run -d "$CID"
	pid=$(pid_of "$CID")
	procs=$(pids_cgroup_dir "$pid")/cgroup.procs
	for i in $(seq 50); do [ "$(wc -l <"$procs")" -ge 3 ] && break; sleep 0.05; done
	[ "$(wc -l <"$procs")" -ge 3 ]
	islet kill "$CID" KILL
	assert_success
	for i in $(seq 100); do [ ! -s "$procs" ] && break; sleep 0.05; done
	[ ! -s "$procs" ]
	islet delete "$CID"
	assert_success
	# The init killed from outside, its children still around: delete --force sweeps them.
	set_args sh -c 'sleep 1000 & exec sleep 1000'
	islet run -d "$CID"
	pid=$(pid_of "$CID")
	cg=$(pids_cgroup_dir "$pid")
	[ -d "$cg" ]
	kill -9 "$pid"
	islet delete --force "$CID"
	assert_success
	[ ! -d "$cg" ]
}

@test "P1#34 a paused container is killed and deleted by delete --force" {
	set_args sleep 1000
	islet run -d "$CID"
	islet pause "$CID"
	[ "$(status_of "$CID")" = paused ]
	islet delete --force "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
}

@test "P1#35 a corrupt state file: state fails clearly, list goes on, delete --force cleans up" {
	set_args sleep 1000
	islet run -d "$CID"
	islet run -d "$ID_PREFIX-other"
	pid=$(pid_of "$CID")
	for garbage in "" "{" "not json at all"; do
		printf '%s' "$garbage" >"$ROOT/$CID/state.json"
		islet state "$CID"
		assert_failure 1
		assert_output --partial "state.json"
		islet list -q
		assert_line "$ID_PREFIX-other"
	done
	islet delete --force "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
	# Its process is gone with its cgroup (the cgroup name is known by convention).
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	run ! kill -0 "$pid"
}
