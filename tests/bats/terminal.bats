#!/usr/bin/env bats
# Terminals (RUNC-CONTRACT.md §3.7): --console-socket for create and exec,
# the framing clients insist on, consoleSize, /dev/console, the error cases,
# and foreground run/exec with a proxied terminal.

load helpers

RECVTTY="$ISLET_HELPERS/recvtty"

# Starts recvtty on a fresh socket; sets SOCK, TTYLOG, RECV_PID.
start_recvtty() {
	SOCK="$BATS_TEST_TMPDIR/tty.sock"
	TTYLOG="$BATS_TEST_TMPDIR/tty.log"
	"$RECVTTY" "$SOCK" "$TTYLOG" &
	RECV_PID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && return 0; sleep 0.02; done
	return 1
}

wait_recvtty() {
	for _ in $(seq 100); do kill -0 "$RECV_PID" 2>/dev/null || break; sleep 0.05; done
	kill "$RECV_PID" 2>/dev/null || true
	wait "$RECV_PID" 2>/dev/null || true
}

teardown() {
	[ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
	teardown_common
}

@test "create --console-socket hands over the pty master as go-runc and conmon expect" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'
	set_args sh -c 'tty; stat -c "%t %F" /dev/console; test -t 0 && echo stdin-is-a-tty'
	start_recvtty
	islet create --console-socket "$SOCK" "$CID"
	assert_success
	islet start "$CID"
	assert_success
	wait_status "$CID" stopped
	wait_recvtty
	run cat "$TTYLOG"
	assert_line "payload=/dev/pts/ptmx"
	assert_line "framing=ok"
	assert_line "winsize=33x111"
	assert_output --partial "/dev/pts/0"
	# /dev/console is the pty (major 136 = 0x88), not a file of the image.
	assert_output --partial "88 character special file"
	assert_output --partial "stdin-is-a-tty"
}

@test "exec -t --console-socket gives the exec'd process its own pty" {
	set_args sleep 1000
	islet run -d "$CID"
	start_recvtty
	islet exec -d -t --console-socket "$SOCK" "$CID" sh -c 'tty; echo exec-on-tty'
	assert_success
	wait_recvtty
	run cat "$TTYLOG"
	assert_line "framing=ok"
	assert_output --partial "exec-on-tty"
	assert_output --regexp "/dev/pts/[0-9]+"
}

@test "console socket errors use runc's words (naming islet) and leave nothing" {
	update_config '.process.terminal = true'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "cannot allocate tty if islet will detach without setting console socket"
	[ ! -e "$ROOT/$CID" ]
	update_config '.process.terminal = false'
	start_recvtty
	islet create --console-socket "$SOCK" "$CID"
	assert_failure 1
	assert_output --partial "cannot use console socket if islet will not detach or allocate tty"
	[ ! -e "$ROOT/$CID" ]
	update_config '.process.terminal = true'
	islet create --console-socket "$BATS_TEST_TMPDIR/missing.sock" "$CID"
	assert_failure 1
	assert_output --partial "connect to the console socket"
	[ ! -e "$ROOT/$CID" ]
}

@test "foreground run and exec proxy a terminal when no socket is given" {
	update_config '.process.terminal = true'
	set_args sh -c 'read line; echo "got:$line"; tty; exit 5'
	run script -qec "echo hello | $ISLET --root $ROOT run $CID" /dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == *"got:hello"* ]]
	[[ "$output" == *"/dev/pts/0"* ]]
	update_config '.process.terminal = false'
	set_args sleep 1000
	islet run -d "$CID"
	run script -qec "$ISLET --root $ROOT exec -t $CID sh -c 'tty; exit 6'" /dev/null
	[ "$status" -eq 6 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

@test "run in the foreground with terminal:true and no terminal fails at once with runc's error" {
	update_config '.process.terminal = true'
	set_args true
	# setsid: no controlling terminal, whatever runs the suite; timeout: a
	# hang is the failure this test guards against.
	run_file timeout 20 setsid -w "$ISLET" --root "$ROOT" run "$CID"
	assert_failure 1
	assert_output --partial 'open /dev/tty: no such device or address'
	[ ! -e "$ROOT/$CID" ]
	local ours=$output
	run_file timeout 20 setsid -w runc --root "$BATS_TEST_TMPDIR/runc-state" run "$CID-runc"
	assert_failure 1
	assert_output --partial 'open /dev/tty: no such device or address'
	# The same for exec in the foreground.
	update_config '.process.terminal = false'
	set_args sleep 1000
	islet run -d "$CID-d"
	assert_success
	run_file timeout 20 setsid -w "$ISLET" --root "$ROOT" exec -t "$CID-d" true
	assert_failure
	assert_output --partial 'open /dev/tty: no such device or address'
}

@test "the pty belongs to the process's user and to the devpts gid= group, for run and exec, as with runc" {
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")' config.json
	update_config '.process.terminal = true | .process.user = {"uid": 42, "gid": 42}'
	set_args sh -c 'stat -c pty=%u:%g $(tty)'
	local rt
	for rt in islet runc; do
		start_recvtty
		if [ "$rt" = islet ]; then
			islet run -d --console-socket "$SOCK" "$CID"
		else
			runc_ref run -d --console-socket "$SOCK" "$CID-runc"
		fi
		assert_success
		wait_recvtty
		run cat "$TTYLOG"
		assert_output --partial "pty=42:5"
	done
	runc_ref delete -f "$CID-runc"
	islet delete -f "$CID"
	# exec, as another user with a group of its own.
	update_config '.process.terminal = false'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	start_recvtty
	islet exec -d -t --console-socket "$SOCK" --user 43:43 "$CID" sh -c 'stat -c exec-pty=%u:%g $(tty)'
	assert_success
	wait_recvtty
	run cat "$TTYLOG"
	assert_output --partial "exec-pty=43:5"
}

# Runs the bundle in the foreground on a terminal (script), with runc and
# then with islet; each prints a line containing $1.
_run_beside_runc() {
	runc_ref list # makes the bundle reachable for runc's init
	run script -qec "runc --root $BATS_TEST_TMPDIR/runc-state run --bundle $BUNDLE $CID-runc" /dev/null
	assert_success
	assert_output --partial "$1"
	run script -qec "$ISLET --root $ROOT run $CID" /dev/null
	assert_success
	assert_output --partial "$1"
	islet delete "$CID"
}

# The pty is the process's controlling terminal, in a session it leads (job
# control, ^C from the terminal). A pod member's init and exec's process take
# it after the fork that puts them into the container's pid namespace
# (pid_fork.hpp), not before: a session is its leader's.
@test "the pty is the controlling terminal of the process's own session: run, exec, a pod member, as with runc" {
	local show='read -r p c s pp pg sid tty r </proc/self/stat; echo "leader=$((sid == p)) ctty=$((tty != 0))"'
	update_config '.process.terminal = true'
	set_args sh -c "$show"
	_run_beside_runc "leader=1 ctty=1"
	update_config '.process.terminal = false'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	run script -qec "$ISLET --root $ROOT exec -t $CID sh -c '$show'" /dev/null
	assert_success
	assert_output --partial "leader=1 ctty=1"
	pod=$(pid_of "$CID")
	update_config --arg p "/proc/$pod/ns/pid" --arg s "$show" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) |
		 .process.terminal = true | .process.args = ["sh", "-c", $s]'
	start_recvtty
	islet create --console-socket "$SOCK" "$ID_PREFIX-m"
	assert_success
	islet start "$ID_PREFIX-m"
	assert_success
	wait_status "$ID_PREFIX-m" stopped
	wait_recvtty
	run cat "$TTYLOG"
	assert_output --partial "leader=1 ctty=1"
}

# Without a terminal the process still gets a session of its own, with no
# controlling terminal: in the caller's session the caller's terminal would
# be its controlling terminal, and TIOCSTI on it would type commands into the
# caller's shell (CVE-2016-10124). runc's init and exec do the same.
@test "without a terminal the process leads its own session, with no controlling terminal (run, exec, a pod member), as with runc" {
	local show='read -r p c s pp pg sid tty r </proc/self/stat; echo "leader=$((sid == p)) tty=$tty"'
	set_args sh -c "$show"
	_run_beside_runc "leader=1 tty=0"
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	run script -qec "$ISLET --root $ROOT exec $CID sh -c '$show'" /dev/null
	assert_success
	assert_output --partial "leader=1 tty=0"
	update_config --arg p "/proc/$(pid_of "$CID")/ns/pid" --arg s "$show" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) | .process.args = ["sh", "-c", $s]'
	run script -qec "$ISLET --root $ROOT run $ID_PREFIX-m" /dev/null
	assert_success
	assert_output --partial "leader=1 tty=0"
}
