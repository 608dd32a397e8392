# shellcheck shell=bash
# process (config.md: Process; config-linux.md via process): args, env,
# cwd, user, umask, capabilities, rlimits, oomScoreAdj, noNewPrivileges,
# scheduler, I/O priority. The checker verifies each from inside.

# args, env and an absolute cwd other than /.
case_process() {
	new_bundle
	mkdir -p "$BUNDLE/rootfs/work/dir"
	cfg '.process.args = ["/oci-checker", "--config", "/config.json"]
	     | .process.env += ["OCI_A=1", "OCI_B=with spaces", "OCI_EMPTY="]
	     | .process.cwd = "/work/dir"'
	run_checker
}

# A cwd that does not exist in the rootfs yet (runc creates it).
case_process_cwd_missing() {
	new_bundle
	cfg '.process.cwd = "/does/not/exist" | .root.readonly = false'
	run_checker
}

# args[0] without a slash is looked up on the PATH in process.env.
case_process_args_path_lookup() {
	new_bundle
	cp "$BUNDLE/rootfs/oci-checker" "$BUNDLE/rootfs/bin/oci-checker-on-path"
	cfg '.process.args = ["oci-checker-on-path"]'
	run_checker
}

# user: uid, gid, additionalGids, umask.
case_process_user() {
	new_bundle
	cfg '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 6, 1002], umask: 63}'
	run_checker
}

# oomScoreAdj
case_process_oom_score_adj() {
	new_bundle
	cfg '.process.oomScoreAdj = 500'
	run_checker
}

# noNewPrivileges false as well as true (the base config has true).
case_process_no_new_privileges_false() {
	new_bundle
	cfg '.process.noNewPrivileges = false'
	run_checker
}

# Capabilities: each set exactly as listed (a cap the runtime itself lacks
# may be left out with a warning).
case_process_capabilities() {
	new_bundle
	cfg '.process.capabilities = {
	       bounding: ["CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_KILL", "CAP_SYS_RESOURCE", "CAP_SETUID", "CAP_SETGID"],
	       effective: ["CAP_CHOWN", "CAP_KILL"],
	       permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	       inheritable: ["CAP_NET_BIND_SERVICE"],
	       ambient: ["CAP_NET_BIND_SERVICE"]}'
	run_checker
}

# Capabilities for a non-root user: kept across the uid switch.
case_process_capabilities_nonroot() {
	new_bundle
	cfg '.process.user = {uid: 1000, gid: 1000}
	     | .process.capabilities = {bounding: ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"], effective: ["CAP_NET_BIND_SERVICE"],
	        permitted: ["CAP_NET_BIND_SERVICE"], inheritable: ["CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE"]}'
	run_checker
}

# A value that is no capability at all cannot be mapped to a kernel
# interface: an error, and no container (runtime-tools
# process_capabilities_fail).
case_process_capabilities_fail() {
	new_bundle
	cfg '.process.capabilities.bounding += ["CAP_TEST_IS_NOT_A_CAPABILITY"]'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
}

# rlimits applied, soft and hard (within the host's hard limits: the
# runtime may lack CAP_SYS_RESOURCE).
case_process_rlimits() {
	new_bundle
	cfg '.process.rlimits = [
	       {type: "RLIMIT_NOFILE", soft: 512, hard: 1024},
	       {type: "RLIMIT_CORE", soft: 0, hard: 0},
	       {type: "RLIMIT_NPROC", soft: 1000, hard: 2000},
	       {type: "RLIMIT_STACK", soft: 8388608, hard: 8388608},
	       {type: "RLIMIT_CPU", soft: 1000, hard: 12345678987654321}]'
	# RLIM_INFINITY: 2^64-1 does not survive jq (a double), so it goes in as text.
	sed -i 's/12345678987654321/18446744073709551615/' "$BUNDLE/config.json"
	run_checker
}

# An rlimit that cannot be mapped to the kernel MUST be an error; so is a
# soft limit above the hard one.
case_process_rlimits_fail() {
	new_bundle
	cfg '.process.rlimits = [{type: "RLIMIT_TEST", soft: 1, hard: 1}]'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2048, hard: 1024}]'
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
}

# scheduler: policy and nice.
case_process_scheduler() {
	new_bundle
	cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	run_checker
}

# ioPriority
case_process_io_priority() {
	new_bundle
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	run_checker
}

# A program that does not exist fails create (user code would never run).
case_process_args_missing_program() {
	new_bundle
	set_args /does-not-exist
	local id
	id=$(new_id)
	if rt create --bundle "$BUNDLE" "$id" >"$CASE_DIR/c.out" 2>&1; then
		# Allowed to fail at start instead, but then it must not run.
		rt_fails start "$id"
		rt delete --force "$id"
	fi
	rt_fails state "$id"
}
