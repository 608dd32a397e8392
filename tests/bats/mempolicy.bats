#!/usr/bin/env bats
# linux.memoryPolicy.

load helpers

setup() {
	setup_common
	install_helper security_probe
}

@test "memoryPolicy: MPOL_BIND to node 0 is the process's policy; bad modes fail create" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	set_args /bin/security_probe mempolicy
	islet run "$CID"
	assert_success
	# MPOL_BIND is 2, MPOL_F_STATIC_NODES 0x8000.
	assert_output "mempolicy: mode 2 flags 0x8000 nodes 0x1"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BOGUS", "nodes": "0"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'invalid memory policy mode "MPOL_BOGUS"'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "MPOL_INTERLEAVE needs nodes"
	[ ! -e "$ROOT/$CID" ]
}
