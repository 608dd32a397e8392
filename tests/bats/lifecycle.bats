#!/usr/bin/env bats
# The container lifecycle as runc's clients see it (RUNC-CONTRACT.md §2):
# states, transitions, runc's messages and exit codes.

load helpers

@test "create leaves the init waiting; start runs the process; state follows" {
	update_config '.root.readonly = false'
	set_args sh -c 'echo started >/tmp/marker; sleep 100'
	islet create --pid-file "$BATS_TEST_TMPDIR/pid" "$CID"
	assert_success
	assert_output ""
	[ "$(status_of "$CID")" = created ]
	pid=$(pid_of "$CID")
	# The pid file holds digits only (containerd parses it with Atoi).
	run cat "$BATS_TEST_TMPDIR/pid"
	assert_output "$pid"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/pid")" -eq "${#pid}" ]
	# Nothing ran yet: the process starts only at `start`.
	[ ! -e "$BUNDLE/rootfs/tmp/marker" ]
	islet start "$CID"
	assert_success
	assert_output ""
	wait_status "$CID" running
	for _ in $(seq 50); do [ -e "/proc/$pid/root/tmp/marker" ] && break; sleep 0.05; done
	run cat "/proc/$pid/root/tmp/marker"
	assert_output started
	[ "$(pid_of "$CID")" = "$pid" ]
	islet kill "$CID" KILL
	assert_success
	wait_status "$CID" stopped
	[ "$(pid_of "$CID")" = 0 ]
	islet delete "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
}

@test "state prints runc's document: keys, order, no trailing newline" {
	update_config '.annotations = {"org.example.key": "value"}'
	islet create "$CID"
	assert_success
	islet state "$CID"
	assert_success
	[ "$(echo "$output" | jq -r 'keys_unsorted | join(",")')" = "ociVersion,id,pid,status,bundle,rootfs,created,annotations,owner" ]
	[ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
	[ "$(echo "$output" | jq -r .rootfs)" = "$BUNDLE/rootfs" ]
	[ "$(echo "$output" | jq -r '.annotations["org.example.key"]')" = value ]
	echo "$output" | jq -r .created | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z$'
	[ "$("$ISLET" --root "$ROOT" state "$CID" | tail -c 1)" = "}" ]
}

@test "foreground run exits with the process's status, and 128+N when killed" {
	set_args sh -c 'exit 7'
	islet run "$CID"
	assert_failure 7
	[ ! -e "$ROOT/$CID" ]
	# Killed from the host (a pid-namespace init ignores SIGKILL from inside).
	set_args sleep 100
	"$ISLET" --root "$ROOT" run "$CID" >/dev/null 2>&1 </dev/null &
	runner=$!
	wait_status "$CID" running
	kill -9 "$(pid_of "$CID")"
	rc=0
	wait "$runner" || rc=$?
	[ "$rc" -eq 137 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "run --detach returns once started; --keep keeps a stopped container" {
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	[ "$(status_of "$CID")" = running ]
	islet delete --force "$CID"
	assert_success
	set_args true
	islet run --keep "$CID"
	assert_success
	[ "$(status_of "$CID")" = stopped ]
}

@test "start in each state" {
	islet start "$CID"
	assert_failure 1
	assert_output --partial "container does not exist"
	set_args sleep 100
	islet create "$CID"
	islet start "$CID"
	assert_success
	islet start "$CID"
	assert_failure 1
	assert_output --partial "cannot start an already running container"
	islet kill "$CID" KILL
	wait_status "$CID" stopped
	islet start "$CID"
	assert_failure 1
	assert_output --partial "cannot start a container that has stopped"
}

@test "kill in each state, with names and numbers" {
	set_args sleep 100
	# created: the waiting init exits on TERM, as runc's Go init does.
	islet create "$CID"
	islet kill "$CID" TERM
	assert_success
	wait_status "$CID" stopped
	islet kill "$CID" 15
	assert_failure 1
	assert_output --partial "container not running"
	islet kill --all "$CID" 9
	assert_success
	islet delete "$CID"
	# running
	islet run -d "$CID"
	islet kill "$CID" sigkill
	assert_success
	wait_status "$CID" stopped
	islet kill "$CID" FOO
	assert_failure 1
	assert_output --partial 'unknown signal "FOO"'
	islet kill nonexistent-id 9
	assert_failure 1
	assert_output --partial "does not exist"
}

@test "delete in each state" {
	islet delete "$CID"
	assert_failure 1
	assert_output --partial "container does not exist"
	islet delete --force "$CID"
	assert_success
	assert_output ""
	set_args sleep 100
	# created: delete kills it (runc does; containerd relies on it)
	islet create "$CID"
	pid=$(pid_of "$CID")
	islet delete "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
	# Gone, or a zombie its parent has not reaped yet.
	if kill -0 "$pid" 2>/dev/null; then [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]; fi
	# running: refused without --force
	islet run -d "$CID"
	islet delete "$CID"
	assert_failure 1
	assert_output --partial "cannot delete container $CID that is not stopped: running"
	islet delete -f "$CID"
	assert_success
	[ ! -e "$ROOT/$CID" ]
}

@test "create refuses a duplicate id and leaves the first one alone" {
	set_args sleep 100
	islet create "$CID"
	assert_success
	islet create "$CID"
	assert_failure 1
	assert_output --partial "container with given ID already exists"
	[ "$(status_of "$CID")" = created ]
}

@test "list shows containers as a table, as JSON and quietly" {
	set_args sleep 100
	islet create "$CID"
	islet run -d "$ID_PREFIX-b"
	islet list
	assert_success
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	assert_line --regexp "^$CID +[0-9]+ +created +$BUNDLE "
	assert_line --regexp "^$ID_PREFIX-b +[0-9]+ +running "
	islet list --format json
	assert_success
	[ "$(echo "$output" | jq length)" = 2 ]
	[ "$(echo "$output" | jq -r '.[0].owner')" = root ]
	islet list -q
	assert_output "$(printf '%s\n%s' "$CID" "$ID_PREFIX-b")"
}

# runc 1.1.5 prints the empty table too (and creates the root); islet
# leaves nothing behind.
@test "list on a root that does not exist yet: the empty table, nothing created" {
	islet list
	assert_success
	assert_output --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	islet list --format json
	assert_success
	assert_output null
	[ ! -e "$ROOT" ]
}

@test "list on an empty root prints null for JSON, like runc" {
	mkdir -p "$ROOT"
	islet list --format=json
	assert_success
	assert_output null
}

@test "container ids follow runc's rules" {
	for bad in "." ".." "../x" "a/b" "a b" "$(printf 'a%.0s' $(seq 256))" "$(printf 'a\nb')"; do
		islet create "$bad"
		assert_failure 1
		assert_output --partial "invalid container ID format"
		islet state "$bad"
		assert_failure 1
		islet kill "$bad" 9
		assert_failure 1
		islet delete "$bad"
		assert_failure 1
	done
	islet create ""
	assert_failure 1
	assert_output --partial "container id cannot be empty"
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
	# A leading dot is accepted, as runc does.
	set_args true
	islet create ".$CID"
	assert_success
	islet delete ".$CID"
	assert_success
}
