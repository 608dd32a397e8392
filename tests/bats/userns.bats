#!/usr/bin/env bats
# A user namespace with linux.uidMappings/gidMappings, and the mapping
# errors. Isolated user namespaces: isolation.bats; idmapped mounts: idmap.bats.

load helpers

@test "a user namespace with mappings: ids are mapped as configured" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)
		| .mounts |= map(select(.type != "cgroup"))
		| .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)'
	set_args sleep 1000
	islet run -d "$CID"
	assert_success
	pid=$(pid_of "$CID")
	run cat "/proc/$pid/uid_map"
	assert_output --regexp '^ +0 +100000 +65536$'
	run cat "/proc/$pid/gid_map"
	assert_output --regexp '^ +0 +200000 +65536$'
	# Container root is host 100000; it is root inside.
	[ "$(stat -c %u "/proc/$pid")" = 100000 ]
	islet exec "$CID" id -u
	assert_output 0
	islet exec "$CID" sh -c 'ls -ln /dev/null | awk "{print \$3}"'
	assert_success
}

@test "mapping errors are caught before anything is made" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 10}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "user namespace mappings specified, but user namespace isn't enabled in the config"
	update_config '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings)'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "user namespaces enabled, but no namespace path to join nor mappings to apply specified"
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 10}, {"containerID": 5, "hostID": 5000, "size": 10}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 0}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/linux/uidMappings/1: containerID range overlaps mapping 0"
	assert_output --partial "/linux/gidMappings/0/size: size must be greater than zero"
	[ ! -e "$ROOT/$CID" ]
}
