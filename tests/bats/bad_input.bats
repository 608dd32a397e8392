#!/usr/bin/env bats
# Bad input (SECURITY.md §3, P1 #26 and #27): one clear error naming what and
# where, exit 1, no crash, and nothing left behind (the teardown audits it).

load helpers

# Runs create on the bundle as it is and checks the failure shape.
create_fails_with() {
	islet create "$CID"
	assert_failure 1
	assert_output --partial "$1"
	# One line: clients read one error.
	[ "${#lines[@]}" -eq 1 ] || { echo "more than one line: $output"; return 1; }
	[ ! -e "$ROOT/$CID" ]
	[ -z "$(leaked_cgroups)" ]
}

@test "malformed JSON names the file and the position" {
	printf '{"ociVersion": "1.0.0",\n "root": {"path": "rootfs"},\n "process": [' >config.json
	create_fails_with "config.json: line 3, column"
	printf 'null' >config.json
	create_fails_with "config.json: config cannot be null"
	printf '[]' >config.json
	create_fails_with "config.json: /: expected an object"
	printf '' >config.json
	create_fails_with "config.json: empty document"
	printf '{"a": 1} {"b": 2}' >config.json
	create_fails_with "config.json: line 1, column"
	rm config.json
	create_fails_with "failed to load config.json: open $BUNDLE/config.json: no such file or directory"
}

@test "duplicate keys are refused, not silently resolved" {
	update_config '.'
	sed -i '0,/"ociVersion"/s//"ociVersion": "1.0.0", "ociVersion"/' config.json
	create_fails_with 'duplicate key "ociVersion"'
	update_config '.' 2>/dev/null || true
}

@test "wrong types and ranges name the JSON pointer, all at once" {
	update_config '.process.args = "sh" | .linux.uidMappings = [{"containerID": 0, "hostID": -1, "size": 1}] | .process.user.uid = 4294967296'
	create_fails_with "/process/args: expected an array"
	assert_output --partial "/linux/uidMappings/0/hostID: expected an unsigned 32-bit integer"
	assert_output --partial "/process/user/uid: expected an unsigned 32-bit integer"
}

@test "deep nesting, huge documents, invalid UTF-8 and NUL are refused cleanly" {
	# 100k nested arrays: bounded depth, no stack overflow.
	head -c 100000 /dev/zero | tr '\0' '[' >config.json
	( ulimit -v 1000000; create_fails_with "nesting deeper than 128 levels" )
	# 200 MB: refused before it is read.
	truncate -s 200M config.json
	( ulimit -v 1000000; create_fails_with "larger than the 67108864-byte limit" )
	printf '{"ociVersion": "1.0.0", "hostname": "\xff\xfe"}' >config.json
	create_fails_with "config.json: line 1, column"
	printf '{"ociVersion": "1.0.0", "hostname": "a\\u0000b"}' >config.json
	create_fails_with "NUL character"
}

@test "semantic errors: each names its field" {
	cp config.json good.json
	for row in \
		'.process.args = [] @@ /process/args: args must not be empty' \
		'.process.cwd = "relative" @@ /process/cwd: cwd must be an absolute path' \
		'.process.cwd = "" @@ /process/cwd: cwd property must not be empty' \
		'del(.root) @@ /root: root must be specified' \
		'.root.path = "" @@ /root/path: root.path must not be empty' \
		'.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}] @@ unknown rlimit type' \
		'.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2, "hard": 1}] @@ soft limit is greater than the hard limit' \
		'.process.oomScoreAdj = 1001 @@ /process/oomScoreAdj: must be between -1000 and 1000' \
		'.process.capabilities.bounding += ["CAP_BOGUS"] @@ unknown capability "CAP_BOGUS"' \
		'.linux.rootfsPropagation = "sideways" @@ invalid rootfsPropagation' \
		'.linux.namespaces += [{"type": "user"}] @@ user namespaces enabled, but no namespace path to join nor mappings' \
		'.linux.devices = [{"path": "dev/x", "type": "q"}] @@ device type must be one of c, b, u, p' \
		'.mounts += [{"destination": "/x", "type": "proc", "source": "proc", "uidMappings": [{"containerID": 0, "hostID": 0, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 0, "size": 1}]}] @@ id-mapped mounts are only supported for bind-mounts' \
		'.linux.sysctl = {"kernel.panic": "1"} @@ is not in a separate kernel namespace' \
		'.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network")) @@ not allowed in the host'"'"'s network namespace' \
		'.ociVersion = "2.0.0" @@ unsupported runtime-spec version' \
		'.linux.intelRdt = {"closID": "x"} @@ not supported: islet does not implement Intel RDT' \
		'.root.path = "/nonexistent-rootfs" @@ invalid rootfs: stat /nonexistent-rootfs: no such file or directory'; do
		cp good.json config.json
		update_config "${row%% @@ *}"
		create_fails_with "${row#* @@ }"
	done
}

@test "unknown fields are ignored, at the top and nested" {
	update_config '.futureField = {"x": 1} | .process.futureFlag = true | .linux.somethingNew = [1, 2]'
	set_args true
	islet run "$CID"
	assert_success
}

@test "a root.path that is a symlink is refused" {
	ln -s rootfs "$BUNDLE/rootfs-link"
	update_config '.root.path = "rootfs-link"'
	create_fails_with "not an absolute path, or a symlink"
}

@test "bad flags and ids touch nothing" {
	islet create --preserve-fds=abc "$CID"
	assert_failure 1
	islet create --bundle /nonexistent/bundle "$CID"
	assert_failure 1
	assert_output --partial "/nonexistent/bundle/config.json"
	[ ! -e "$ROOT/$CID" ]
	islet create "../escape"
	assert_failure 1
	[ ! -e "$ROOT/../escape" ]
}
