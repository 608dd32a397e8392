#!/usr/bin/env bats
# runc's command-line grammar and output channels (RUNC-CONTRACT.md §1).

load helpers

@test "flags take one or two dashes, = or a separate value, short aliases" {
	set_args true
	run_file "$ISLET" -root "$ROOT" create -bundle "$BUNDLE" "$CID"
	assert_success
	run_file "$ISLET" --root="$ROOT" delete -f "$CID"
	assert_success
	run_file "$ISLET" -root="$ROOT" run -b "$BUNDLE" --keep "$CID"
	assert_success
	# Flags after the id work for most commands; globals after the command too.
	run_file "$ISLET" delete "$CID" --force --root "$ROOT"
	assert_success
	[ ! -e "$ROOT/$CID" ]
}

@test "booleans take a value only with =" {
	set_args sleep 100
	run_file "$ISLET" --root "$ROOT" run --detach=true "$CID"
	assert_success
	run_file "$ISLET" --root "$ROOT" delete --force=false "$CID"
	assert_failure 1
	assert_output --partial "not stopped: running"
	# `--force true` makes "true" a second argument.
	run_file "$ISLET" --root "$ROOT" delete --force "$CID" true
	assert_failure 1
	assert_output --partial 'requires exactly 1 argument(s)'
	run_file "$ISLET" --root "$ROOT" delete --force=1 "$CID"
	assert_success
	run_file "$ISLET" --root "$ROOT" delete --force=maybe "$CID"
	assert_failure 1
	assert_output --partial 'invalid boolean value "maybe"'
}

@test "unknown flags, unknown commands, wrong argument counts: runc's output and exit codes" {
	run_file "$ISLET" --root "$ROOT" state --bogus x
	assert_failure 1
	assert_line --index 0 "Incorrect Usage: flag provided but not defined: -bogus"
	assert_output --partial "USAGE:"
	run_file "$ISLET" frob
	assert_failure 3
	assert_output --partial "No help topic for 'frob'"
	run_file "$ISLET" --root "$ROOT" kill
	assert_failure 1
	assert_output --partial "Incorrect Usage."
	assert_output --partial 'requires a minimum of 1 argument(s)'
	run_file "$ISLET" --root "$ROOT" -dt list
	assert_failure 1
	assert_output --partial "flag provided but not defined: -dt"
	run_file "$ISLET" --root "$ROOT" create --pid-file
	assert_failure 1
	assert_output --partial "flag needs an argument: -pid-file"
}

@test "help and version" {
	run_file "$ISLET" --help
	assert_success
	assert_output --partial "USAGE:"
	run_file "$ISLET" help kill
	assert_success
	assert_output --partial "islet kill - "
	run_file "$ISLET" kill --help
	assert_success
	assert_output --partial "--all, -a"
	run_file "$ISLET" --version
	assert_success
	assert_line --index 0 --regexp '^islet version [0-9]+\.[0-9]+\.[0-9]+$'
	assert_line --index 1 --regexp '^commit: '
	assert_line --index 2 --regexp '^spec: 1\.[0-9]+\.[0-9]+$'
	run_file "$ISLET" -v
	assert_success
	# Every command's -h and --help: help on stdout, exit 0 (runc's rule),
	# checkpoint and restore included, though they are not implemented.
	for c in create start run state list kill delete spec features pause resume events ps update exec \
		checkpoint restore; do
		for h in -h --help; do
			run_file "$ISLET" "$c" "$h"
			assert_success
			assert_output --partial "islet $c - "
		done
	done
	run_file "$ISLET" checkpoint --help
	assert_output --partial "no CRIU support"
	# Using them is one clear error. podman's probe for pod restore
	# (`restore --lsm-mount-context` complaining about a missing value) must
	# not say it works.
	run_file "$ISLET" checkpoint --image-path /tmp/x some-id
	assert_failure 1
	assert_output --partial "checkpoint is not supported by islet (no CRIU support)"
	run_file "$ISLET" restore --lsm-mount-context
	assert_failure
	refute_output --partial "flag needs an argument"
}

@test "--log-format json: one error object in the log, the bare message on stderr" {
	log="$BATS_TEST_TMPDIR/log.json"
	run_file "$ISLET" --root "$ROOT" --log "$log" --log-format json state nonexistent-id
	assert_failure 1
	assert_output "container does not exist"
	[ "$(wc -l <"$log")" -eq 1 ]
	[ "$(jq -r .level "$log")" = error ]
	[ "$(jq -r .msg "$log")" = "container does not exist" ]
	[ "$(jq -r 'keys | join(",")' "$log")" = "level,msg,time" ]
	jq -r .time "$log" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$'
	# Appended, never truncated.
	run_file "$ISLET" --root "$ROOT" --log "$log" --log-format json kill nonexistent-id 9
	[ "$(wc -l <"$log")" -eq 2 ]
	# Without --log: the formatted line on stderr.
	run_file "$ISLET" --root "$ROOT" state nonexistent-id
	assert_output --regexp '^time="[^"]+" level=error msg="container does not exist"$'
	run_file "$ISLET" --root "$ROOT" --log-format json state nonexistent-id
	[ "$(echo "$output" | jq -r .msg)" = "container does not exist" ]
	run_file "$ISLET" --log-format yaml state x
	assert_failure 1
	assert_output --partial "invalid log-format: yaml"
}

@test "successful commands print nothing but their output" {
	set_args sleep 100
	log="$BATS_TEST_TMPDIR/quiet.json"
	run_file "$ISLET" --root "$ROOT" --log "$log" --log-format json create "$CID"
	assert_success
	assert_output ""
	for cmd in "start $CID" "kill $CID 0" "pause $CID" "resume $CID"; do
		read -ra argv <<<"$cmd"
		run_file "$ISLET" --root "$ROOT" --log "$log" --log-format json "${argv[@]}"
		assert_success
		assert_output ""
	done
	run_file "$ISLET" --root "$ROOT" --log "$log" --log-format json delete -f "$CID"
	assert_output ""
	[ ! -s "$log" ]
}

@test "--root defaults to /run/islet for root, and must not be /" {
	run_file "$ISLET" --root / list
	assert_failure 1
	assert_output --partial "Option --root argument should not be set to /"
	run_file "$ISLET" list --format json
	assert_success
}

@test "spec writes a starter config that runs, and refuses to overwrite" {
	dir="$BATS_TEST_TMPDIR/specdir"
	mkdir -p "$dir"
	cp -a "$BUNDLE/rootfs" "$dir/rootfs"
	run_file "$ISLET" spec --bundle "$dir"
	assert_success
	jq -e '.process.terminal == true and .root.readonly == true and .hostname == "islet"' "$dir/config.json"
	jq -e '.process.capabilities | has("inheritable") or has("ambient") | not' "$dir/config.json"
	[ "$(stat -c %a "$dir/config.json")" = 644 ]
	run_file "$ISLET" spec --bundle "$dir"
	assert_failure 1
	assert_output --partial "File config.json exists. Remove it first"
	# It runs as runc's does: on a terminal.
	run script -qec "cd $dir && echo 'hostname; exit 4' | $ISLET --root $ROOT run $CID" /dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *islet* ]]
	rm "$dir/config.json"
	run_file "$ISLET" spec --rootless --bundle "$dir"
	assert_success
	jq -e '.linux.uidMappings[0].hostID == 0 and (.linux.namespaces | map(.type) | index("user")) != null' "$dir/config.json"
}

@test "features: a Features document, advertising only what is implemented" {
	run_file "$ISLET" features
	assert_success
	echo "$output" | jq -e '.ociVersionMin == "1.0.0" and (.ociVersionMax | startswith("1."))'
	echo "$output" | jq -e '.hooks | length == 6'
	echo "$output" | jq -e '.linux.namespaces | index("user") != null'
	echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null'
	echo "$output" | jq -e '.mountOptions | index("rbind") != null'
	echo "$output" | jq -e '.linux.mountExtensions.idmap.enabled == true'
	echo "$output" | jq -e '(.mountOptions | index("ridmap")) != null'
	# Implemented, so advertised as runc does (containerd and CRI-O trust this).
	echo "$output" | jq -e '(.mountOptions | index("tmpcopyup")) != null'
	# containerd runs `<binary> features` with no globals and reads stdout only.
	run "$ISLET" features 2>/dev/null
	assert_success
}

@test "--debug: create and exec log each step once (from the sealed islet), nothing without it" {
	set_args sleep 100
	run_file "$ISLET" --root "$ROOT" --debug create "$CID"
	assert_success
	assert_line --partial "level=debug msg=\"create $CID: read the config from $BUNDLE\""
	assert_line --partial "level=debug msg=\"create $CID: created, init pid"
	# read_input re-executes islet sealed first: one line per step, not two.
	[ "$(grep -c 'read the config from' <<<"$output")" -eq 1 ]
	run_file "$ISLET" --root "$ROOT" start "$CID"
	assert_success
	run_file "$ISLET" --root "$ROOT" --debug exec "$CID" true
	assert_success
	[ "$(grep -c "exec $CID: loaded the container and the process" <<<"$output")" -eq 1 ]
	assert_line --partial "exec $CID: started, waiting for it to exit"
	run_file "$ISLET" --root "$ROOT" exec "$CID" true
	assert_success
	refute_output --partial level=debug
}

@test "no message of islet's says runc where it means islet" {
	# runc's console and hook messages were copied with runc's name in them
	# ("if runc will ..."); the one mention left is the help's description.
	# The binary's printable runs as strings(1) lists them, without binutils
	# (the VM lanes' guest has none).
	run bash -c "LC_ALL=C grep -a -o '[[:print:][:blank:]]\{4,\}' '$ISLET' | grep -w runc"
	assert_success
	assert_output "   islet - an OCI container runtime with runc's command line"
}
