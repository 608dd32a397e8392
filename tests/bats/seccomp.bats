#!/usr/bin/env bats
# linux.seccomp as the container's process sees it (runc's seccomp.bats
# method, SECURITY.md checklist 20): a static probe in the rootfs runs
# syscalls by name and prints what each returned.

load helpers

setup() {
	setup_common
	install_helper seccomp_probe
	update_config '.root.readonly = false'
}

# The probe's calls, with "--" between them.
probe() { set_args /bin/seccomp_probe "$@"; }

# What a static program, the init after the filter and the exec stub need
# under a deny-by-default profile (the init's own list: runtime/attrs/seccomp.hpp).
ALLOW_LIST='["execve","execveat","exit","exit_group","read","write","openat","close","fstat","newfstatat",
  "brk","mmap","munmap","mprotect","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64",
  "rt_sigaction","rt_sigprocmask","rt_sigreturn","getpid","prctl","capget","capset","setgroups","setresuid",
  "setresgid","chdir","getcwd","faccessat","faccessat2","access","sendmsg","recvmsg","fcntl","close_range",
  "getrandom","ioctl","readlinkat","futex","uname","statx","stat","lstat"]'

@test "seccomp: a blocked syscall returns the errno the profile asks, EPERM by default" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28},
		{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]}'
	probe mkdir /tmp/blocked -- getppid -- getpid
	islet run "$CID"
	assert_success
	assert_line "mkdir: errno 28"
	assert_line "getppid: errno 1"
	assert_line "getpid: ok 1"
	[ ! -e "$BUNDLE/rootfs/tmp/blocked" ]
}

@test "seccomp: deny by default; newer syscalls get ENOSYS, so libc's clone3 fallback works" {
	update_config --argjson allow "$ALLOW_LIST" \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
			"syscalls": [{"names": $allow, "action": "SCMP_ACT_ALLOW"}]}'
	# getppid is older than the profile's newest syscall: the default (EPERM).
	# nr 1000 and futex_waitv are newer: ENOSYS (runc's -ENOSYS stub).
	# clone3 is older than close_range, which the profile names, yet ENOSYS.
	probe getppid -- nr:1000 -- futex_waitv -- clone3 0 0 -- getpid
	islet run "$CID"
	assert_success
	assert_line "getppid: errno 1"
	assert_line "nr:1000: errno 38"
	assert_line "futex_waitv: errno 38"
	assert_line "clone3: errno 38"
	assert_line "getpid: ok 1"
	# defaultErrnoRet replaces EPERM; getppid is now allowed.
	update_config '.linux.seccomp.defaultErrnoRet = 13 | .linux.seccomp.syscalls[0].names += ["getppid"]'
	probe getppid -- umask 0
	islet run "$CID"
	assert_success
	assert_line "getppid: ok 0"
	assert_line "umask: errno 13"
}

# exec's process and a pod member's init are forked into the container's pid
# namespace once finished, under the filter (pid_fork.hpp). A profile that
# lets no process fork or take a terminal gets them forked first, finishing
# in the container as runc's do (security.hpp finishes_before_fork).
# (sigaltstack: the sanitizer lane's islet unwinds exceptions under it.)
@test "seccomp: exec and a pod member run under a profile that refuses clone and clone3" {
	update_config --argjson allow "$ALLOW_LIST" \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
			"syscalls": [{"names": ($allow + ["nanosleep", "clock_nanosleep", "sigaltstack"]), "action": "SCMP_ACT_ALLOW"}]}'
	set_args sleep 1000
	islet run -d "$ID_PREFIX-pod"
	assert_success
	islet exec "$ID_PREFIX-pod" /bin/seccomp_probe getppid -- getpid
	assert_success
	assert_line "getppid: errno 1"
	assert_line --regexp '^getpid: ok [0-9]+$'
	run script -qec "$ISLET --root $ROOT exec -t $ID_PREFIX-pod /bin/seccomp_probe getpid" /dev/null
	assert_success
	assert_output --regexp 'getpid: ok [0-9]+'
	update_config --arg p "/proc/$(pid_of "$ID_PREFIX-pod")/ns/pid" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)'
	probe getppid -- getpid
	islet run "$CID"
	assert_success
	assert_line "getppid: errno 1"
	assert_line --regexp '^getpid: ok [0-9]+$'
}

@test "seccomp: SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS end the process with SIGSYS (exit 159)" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getppid"], "action": "SCMP_ACT_KILL"}, {"names": ["getcwd"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	probe getpid -- getppid -- getpid
	islet run "$CID"
	assert_failure 159
	assert_output "getpid: ok 1"
	probe getcwd
	islet run "$CID"
	assert_failure 159
	refute_output --partial "getcwd:"
}

@test "seccomp: SCMP_ACT_LOG allows, SCMP_ACT_TRACE without a tracer gives ENOSYS, SCMP_ACT_TRAP sends SIGSYS" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getppid"], "action": "SCMP_ACT_LOG"}, {"names": ["umask"], "action": "SCMP_ACT_TRACE"},
		{"names": ["getcwd"], "action": "SCMP_ACT_TRAP"}]}'
	probe getppid -- umask 0 -- getcwd
	islet run "$CID"
	assert_failure 159
	assert_line "getppid: ok 0"
	assert_line "umask: errno 38"
	refute_output --partial "getcwd:"
}

@test "seccomp: argument conditions (EQ, MASKED_EQ with valueTwo) select the calls" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95,
		 "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
		{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 33,
		 "args": [{"index": 0, "value": 448, "valueTwo": 320, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	# personality(8) is LINUX32: refused; the query 0xffffffff passes.
	# umask: (arg & 0700) == 0500 refused; 0711 passes.
	probe personality 8 -- personality 0xffffffff -- umask 0511 -- umask 0711
	islet run "$CID"
	assert_success
	assert_line "personality: errno 95"
	assert_line "personality: ok 0"
	assert_line "umask: errno 33"
	assert_line --regexp "^umask: ok "
}

@test "seccomp: unknown syscall names are ignored, with a debug line" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall_islet", "getppid"], "action": "SCMP_ACT_ERRNO"}]}'
	probe getppid
	islet --debug run "$CID"
	assert_success
	assert_line "getppid: errno 1"
	grep -q 'unknown seccomp syscall \\"no_such_syscall_islet\\" ignored' "$BATS_TEST_TMPDIR/islet.log"
}

@test "seccomp: an invalid action, arch, operator or flag fails create with runc's message and leaves nothing" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_BOGUS"}]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "string SCMP_ACT_BOGUS is not a valid action for seccomp"
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_BOGUS"]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "string SCMP_ARCH_BOGUS is not a valid arch for seccomp"
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"], "syscalls": [
		{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]}]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "seccomp flag SECCOMP_FILTER_FLAG_BOGUS is not known to islet"
	assert_output --partial "string SCMP_CMP_BOGUS is not a valid operator for seccomp"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOTIFY"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "SCMP_ACT_NOTIFY cannot be used as default action"
	[ ! -e "$ROOT/$CID" ]
}

@test "seccomp: flags LOG, SPEC_ALLOW and TSYNC are accepted; the filter is in place" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'grep -E "^(Seccomp|Seccomp_filters|NoNewPrivs):" /proc/self/status'
	islet run "$CID"
	assert_success
	assert_line --regexp "^Seccomp:[[:space:]]+2$"
	assert_line --regexp "^Seccomp_filters:[[:space:]]+1$"
	assert_line --regexp "^NoNewPrivs:[[:space:]]+1$"
}

@test "seccomp: without noNewPrivileges the filter goes in while privileged, and a non-root process runs under it" {
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7}]}'
	set_args sh -c 'grep -E "^(Seccomp|NoNewPrivs|Uid):" /proc/self/status; /bin/seccomp_probe getppid'
	islet run "$CID"
	assert_success
	assert_line --regexp "^Seccomp:[[:space:]]+2$"
	assert_line --regexp "^NoNewPrivs:[[:space:]]+0$"
	assert_line --regexp "^Uid:[[:space:]]+1000"
	assert_line "getppid: errno 7"
}

# Starts the agent in the background; $1: continue or errno:N.
start_agent() {
	AGENT_DIR="$BATS_TEST_TMPDIR/agent"
	AGENT_SOCK="$BATS_TEST_TMPDIR/agent.sock"
	mkdir -p "$AGENT_DIR"
	"$ISLET_HELPERS/seccomp_listener" "$AGENT_SOCK" "$AGENT_DIR" "$1" 3>&- &
	AGENT_PID=$!
	for _ in $(seq 100); do [ -e "$AGENT_DIR/ready" ] && break; sleep 0.05; done
	[ -e "$AGENT_DIR/ready" ]
	update_config --arg sock "$AGENT_SOCK" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $sock, "listenerMetadata": "islet-test-metadata",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
}

@test "seccomp notify: the agent gets runc's containerProcessState and the listener, and lets the call continue" {
	start_agent continue
	probe mkdir /tmp/made -- getpid
	islet run "$CID"
	assert_success
	assert_line "mkdir: ok 0"
	[ -d "$BUNDLE/rootfs/tmp/made" ]
	wait "$AGENT_PID"
	grep -qx "nr=$("$ISLET_HELPERS/seccomp_listener" --nr mkdir)" "$AGENT_DIR/notifications"
	state="$AGENT_DIR/state.json"
	[ "$(jq -r '.ociVersion' "$state")" = "1.2.0" ]
	[ "$(jq -c '.fds' "$state")" = '["seccompFd"]' ]
	[ "$(jq -r '.metadata' "$state")" = "islet-test-metadata" ]
	[ "$(jq -r '.state.id' "$state")" = "$CID" ]
	[ "$(jq -r '.state.status' "$state")" = "creating" ]
	[ "$(jq -r '.state.bundle' "$state")" = "$BUNDLE" ]
	[ "$(jq -r '.pid' "$state")" -gt 0 ]
	[ "$(jq -r '.pid' "$state")" = "$(jq -r '.state.pid' "$state")" ]
}

@test "seccomp notify: the agent's errno reaches the process (with WAIT_KILLABLE_RECV)" {
	start_agent errno:13
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
	probe mkdir /tmp/refused -- getpid
	islet run "$CID"
	assert_success
	assert_line "mkdir: errno 13"
	[ ! -e "$BUNDLE/rootfs/tmp/refused" ]
	wait "$AGENT_PID"
}

# A pod member's init finishes (its filter in) before it forks into the pod's
# pid namespace (pid_fork.hpp): the listener waits for that fork, so that the
# agent's state names the container's init. Where the profile notifies clone
# itself, it cannot wait (the fork would wait for the agent): it goes at once.
_pod_member_with_agent() {
	set_args sleep 1000
	islet run -d "$ID_PREFIX-pod"
	assert_success
	start_agent continue
	update_config --arg p "/proc/$(pid_of "$ID_PREFIX-pod")/ns/pid" --argjson n "$1" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) |
		 .linux.seccomp.syscalls[0].names = $n'
	probe mkdir /tmp/made -- getpid
	run_file timeout 30 "$ISLET" --root "$ROOT" create "$CID"
	assert_success
	member=$(pid_of "$CID")
	islet start "$CID"
	assert_success
	wait_status "$CID" stopped
	wait "$AGENT_PID"
	[ -d "$BUNDLE/rootfs/tmp/made" ]
}

@test "seccomp notify: a pod member's agent gets the pid of the member's init" {
	_pod_member_with_agent '["mkdir"]'
	[ "$(jq -r '.pid' "$AGENT_DIR/state.json")" = "$member" ]
}

@test "seccomp notify: a pod member whose profile notifies clone and clone3 starts" {
	_pod_member_with_agent '["mkdir", "clone", "clone3"]'
	[ "$(jq -r '.pid' "$AGENT_DIR/state.json")" -gt 0 ]
}

@test "seccomp notify: without a listenerPath, or on write, create fails and leaves nothing" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "SCMP_ACT_NOTIFY needs a listenerPath"
	update_config '.linux.seccomp.listenerPath = "/nonexistent/agent.sock" | .linux.seccomp.syscalls[0].names = ["write"]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "SCMP_ACT_NOTIFY cannot be used for the write syscall"
	# A listener nobody listens on: the init is killed, nothing stays.
	update_config '.linux.seccomp.syscalls[0].names = ["mkdir"]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "connect to the seccomp listener /nonexistent/agent.sock"
	[ ! -e "$ROOT/$CID" ]
}

@test "features lists seccomp's actions, operators, archs and flags" {
	islet features
	assert_success
	[ "$(echo "$output" | jq -r '.linux.seccomp.enabled')" = true ]
	echo "$output" | jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")'
	echo "$output" | jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")'
	echo "$output" | jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")'
	echo "$output" | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")'
	echo "$output" | jq -e '.linux.memoryPolicy.modes | index("MPOL_BIND")'
}

@test "seccomp: exec'd processes run under the container's filter too" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 11}]}'
	set_args sleep 100
	islet run -d "$CID"
	assert_success
	islet exec "$CID" /bin/seccomp_probe getppid -- getpid
	assert_success
	assert_line "getppid: errno 11"
	islet exec "$CID" grep -E "^Seccomp:" /proc/self/status
	assert_output --regexp "^Seccomp:[[:space:]]+2$"
}
