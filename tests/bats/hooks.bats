#!/usr/bin/env bats
# OCI hooks (RUNC-CONTRACT.md §3.4): each phase at its moment, in its
# namespace, with the state on stdin, env and args from the config, timeouts
# and failure semantics.

load helpers

setup() {
	setup_common
	LOG="$BATS_TEST_TMPDIR/hooks.log"
	: >"$LOG"
	# A host-side hook: records its phase, what it read on stdin, its mount
	# namespace and its environment.
	HOOK="$BATS_TEST_TMPDIR/hook.sh"
	cat >"$HOOK" <<-HOOK
	#!/bin/sh
	state=\$(cat)
	echo "\$1 mnt=\$(readlink /proc/self/ns/mnt) env=\${HOOK_ENV:-none} leak=\${ISLET_TEST_LEAK:-none} state=\$state" >>"$LOG"
	HOOK
	chmod 755 "$HOOK"
	HOST_MNT=$(readlink /proc/self/ns/mnt)
	# startContainer runs after pivot_root: its path and its log are the container's.
	mkdir -p "$BUNDLE/rootfs/hooks" "$BATS_TEST_TMPDIR/clog"
	cat >"$BUNDLE/rootfs/hooks/hook.sh" <<-'HOOK'
	#!/bin/sh
	state=$(cat)
	echo "$1 state=$state" >>/clog/hooks.log
	HOOK
	chmod 755 "$BUNDLE/rootfs/hooks/hook.sh"
	update_config --arg clog "$BATS_TEST_TMPDIR/clog" \
		'.root.readonly = false | .mounts += [{"destination": "/clog", "type": "bind", "source": $clog, "options": ["bind"]}]'
}

hook() { # phase [env...]
	jq -n --arg p "$HOOK" --arg phase "$1" '{path: $p, args: ["hook.sh", $phase], env: ["HOOK_ENV=set"]}'
}

@test "every hook phase runs at its moment, in its namespace, with the state on stdin" {
	update_config --argjson pre "$(hook prestart)" --argjson cr "$(hook createRuntime)" \
		--argjson cc "$(hook createContainer)" --argjson ps "$(hook poststart)" --argjson pst "$(hook poststop)" \
		'.hooks = {prestart: [$pre], createRuntime: [$cr], createContainer: [$cc],
		  startContainer: [{path: "/hooks/hook.sh", args: ["hook.sh", "startContainer"]}],
		  poststart: [$ps], poststop: [$pst]} | .annotations = {"a": "b"}'
	set_args sleep 1000
	# The hook's environment is its `env` only: nothing of islet's leaks in.
	export ISLET_TEST_LEAK=1
	islet create "$CID"
	assert_success
	pid=$(pid_of "$CID")
	run cat "$LOG"
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --partial "prestart mnt=$HOST_MNT env=set leak=none"
	assert_line --index 1 --partial "createRuntime mnt=$HOST_MNT env=set"
	# createContainer: the container's mount namespace, before start.
	assert_line --index 2 --regexp "^createContainer mnt=mnt:\[[0-9]+\] env=set"
	refute_line --index 2 --partial "mnt=$HOST_MNT"
	for i in 0 1 2; do
		state=${lines[$i]#*state=}
		# After lifecycle step 2, runtime.md's `created` (CONFORMANCE.md;
		# runtime-tools hooks_stdin); runc says "creating".
		[ "$(echo "$state" | jq -r .status)" = created ]
		[ "$(echo "$state" | jq -r .id)" = "$CID" ]
		[ "$(echo "$state" | jq -r .bundle)" = "$BUNDLE" ]
		[ "$(echo "$state" | jq -r .annotations.a)" = b ]
	done
	# The runtime-namespace hooks get the host pid, which state reports.
	[ "$(echo "${lines[0]#*state=}" | jq -r .pid)" = "$pid" ]
	islet start "$CID"
	assert_success
	run cat "$LOG"
	assert_equal "${#lines[@]}" 4
	assert_line --index 3 --partial "poststart mnt=$HOST_MNT"
	[ "$(echo "${lines[3]#*state=}" | jq -r .status)" = running ]
	run cat "$BATS_TEST_TMPDIR/clog/hooks.log"
	assert_output --partial "startContainer state="
	[ "$(echo "${output#*state=}" | jq -r .status)" = created ]
	islet delete --force "$CID"
	assert_success
	run cat "$LOG"
	assert_equal "${#lines[@]}" 5
	assert_line --index 4 --partial "poststop"
	[ "$(echo "${lines[4]#*state=}" | jq -r .status)" = stopped ]
}

# A pod member (its pid namespace joined by path) is set up outside that pid
# namespace and its init forked into it after pivot_root (issue 10,
# docs/ARCHITECTURE.md "No host fd, root or cwd"), so the hooks before then
# see the setup process: in every namespace of the container but the pid
# namespace, which the config's path names. runc's init, born in the pod,
# gives them its own pid there.
@test "a pod member's createRuntime and createContainer hooks see its setup process, outside the pod's pid namespace" {
	requires procfs_pidns
	set_args sleep 1000
	islet run -d "$ID_PREFIX-pod"
	assert_success
	pod=$(pid_of "$ID_PREFIX-pod")
	cat >"$HOOK" <<-HOOK
	#!/bin/sh
	p=\$(jq -r .pid)
	echo "\$1 pid=\$p net=\$(readlink /proc/\$p/ns/net) pidns=\$(readlink /proc/\$p/ns/pid) own=\$(readlink /proc/self/ns/pid)" >>"$LOG"
	HOOK
	update_config --arg p "/proc/$pod/ns/pid" --argjson cr "$(hook createRuntime)" --argjson cc "$(hook createContainer)" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) |
		 .hooks = {createRuntime: [$cr], createContainer: [$cc]}'
	islet create "$CID"
	assert_success
	member=$(pid_of "$CID")
	[ "$(readlink "/proc/$member/ns/pid")" = "$(readlink "/proc/$pod/ns/pid")" ]
	host_pidns=$(readlink /proc/self/ns/pid)
	net=$(readlink "/proc/$member/ns/net")
	[ "$(wc -l <"$LOG")" = 2 ]
	for phase in createRuntime createContainer; do
		line=$(grep "^$phase " "$LOG")
		[ "$(field pid "$line")" != "$member" ]
		assert_equal "$(field net "$line")" "$net"
		assert_equal "$(field pidns "$line")" "$host_pidns"
		# createContainer too runs in the runtime's pid namespace.
		assert_equal "$(field own "$line")" "$host_pidns"
	done
}

# field NAME LINE: the value of NAME=value in LINE.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

@test "a failing prestart hook fails create, names the hook and leaves nothing" {
	update_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo out; echo err >&2; exit 3"]}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'error running prestart hook #0: error running hook: exit status 3, stdout: out, stderr: err'
	[ ! -e "$ROOT/$CID" ]
	update_config '.hooks.prestart = [] | .hooks.createContainer = [{"path": "/nonexistent-hook"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "error running createContainer hook #0"
	[ ! -e "$ROOT/$CID" ]
}

@test "a hook past its timeout is killed and the operation fails" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
	start=$SECONDS
	islet create "$CID"
	assert_failure 1
	assert_output --partial "error running createRuntime hook #0: error running hook: timeout after 1s"
	[ $((SECONDS - start)) -lt 10 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "failing poststart and poststop hooks only warn" {
	update_config '.hooks.poststart = [{"path": "/bin/false"}] | .hooks.poststop = [{"path": "/bin/false"}]'
	set_args sleep 1000
	islet create "$CID"
	islet start "$CID"
	assert_success
	# A warning in the log, not an error: start succeeds and prints nothing.
	assert_output ""
	run grep '"level":"warning"' "$BATS_TEST_TMPDIR/islet.log"
	assert_output --partial "error running poststart hook #0"
	[ "$(status_of "$CID")" = running ]
	islet delete -f "$CID"
	assert_success
	run grep '"level":"warning"' "$BATS_TEST_TMPDIR/islet.log"
	assert_output --partial "error running poststop hook #0"
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks are validated: relative paths and bad timeouts are refused" {
	update_config '.hooks.prestart = [{"path": "relative/hook", "timeout": 0}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/hooks/prestart/0/path: hook path must be absolute"
	assert_output --partial "/hooks/prestart/0/timeout: timeout must be greater than zero"
}

@test "a hook that exits without reading a large state does not kill islet with SIGPIPE" {
	# More state than a pipe holds: the write after the hook exited gets EPIPE.
	head -c 200000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	update_config --rawfile big "$BATS_TEST_TMPDIR/big" '.annotations = {"big": $big} | .hooks.poststart = [{"path": "/bin/false"}]'
	set_args sleep 1000
	islet create "$CID"
	assert_success
	islet start "$CID"
	assert_success
	islet delete --force "$CID"
}

@test "createContainer and startContainer hooks run in runc's working directories" {
	# runc: createContainer in the rootfs (before pivot_root, the host's path
	# of it), startContainer in the process's cwd (after pivot_root).
	local log="$BATS_TEST_TMPDIR/hooklog"
	mkdir -p "$log"
	update_config --arg l "$log" '.process.cwd = "/tmp"
		| .mounts += [{"destination": "/hooklog", "type": "bind", "source": $l, "options": ["rbind"]}]
		| .hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo createContainer=$(pwd) >>\($l)/cwd"]}]
		| .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo startContainer=$(pwd) >>/hooklog/cwd"]}]'
	set_args true
	islet run "$CID"
	assert_success
	run cat "$log/cwd"
	assert_output "$(printf 'createContainer=%s\nstartContainer=/tmp' "$BUNDLE/rootfs")"
	rm "$log/cwd"
	runc_ref run "$CID-runc"
	assert_success
	run cat "$log/cwd"
	assert_output "$(printf 'createContainer=%s\nstartContainer=/tmp' "$BUNDLE/rootfs")"
}

@test "a failing startContainer hook: runc's \"error running hook\" and the hook's own error; the program never runs" {
	update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook-out; echo hook-err >&2; exit 3"]}]'
	set_args sh -c 'echo program-ran'
	local out
	# runc: start succeeds; the error is on the container's stderr.
	out="$BATS_TEST_TMPDIR/runc.out"
	runc --root "$BATS_TEST_TMPDIR/runc-state" create --bundle "$BUNDLE" "$CID-runc" >"$out" 2>&1 </dev/null
	runc_ref start "$CID-runc"
	assert_success
	sleep 0.5
	run cat "$out"
	assert_output --partial "error running hook"
	assert_output --partial "exit status 3, stdout: hook-out"
	assert_output --partial "stderr: hook-err"
	refute_output --partial program-ran
	runc_ref delete -f "$CID-runc"
	# islet: the same on the container's stderr, and start fails with it
	# (stricter than runc: the engine sees why, not a later exit status).
	out="$BATS_TEST_TMPDIR/islet.out"
	"$ISLET" --root "$ROOT" create "$CID" >"$out" 2>&1 </dev/null
	islet start "$CID"
	assert_failure 1
	assert_output --partial "error running startContainer hook #0: error running hook: exit status 3, stdout: hook-out"
	assert_output --partial "stderr: hook-err"
	wait_status "$CID" stopped
	run cat "$out"
	assert_output --partial "error running hook: exit status 3, stdout: hook-out"
	refute_output --partial program-ran
}
