#!/usr/bin/env bats
# linux.sysctl: values inside, the host's untouched, and the keys refused.
# A mount over /proc/sys (CVE-2019-16884 class): regressions.bats.

load helpers

@test "sysctl: values are read back inside; the host keeps its own" {
	host_shmmax=$(cat /proc/sys/kernel/shmmax)
	host_somaxconn=$(cat /proc/sys/net/core/somaxconn)
	update_config '.linux.sysctl = {"kernel.shmmax": "12345678", "net.core.somaxconn": "321",
		"net/ipv4/ip_forward": "1", "kernel.domainname": "islet.test"}'
	set_args sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname'
	islet run "$CID"
	assert_success
	assert_output "$(printf '12345678\n321\n1\nislet.test')"
	[ "$(cat /proc/sys/kernel/shmmax)" = "$host_shmmax" ]
	[ "$(cat /proc/sys/net/core/somaxconn)" = "$host_somaxconn" ]
}

@test "sysctl: an unknown key or one outside the container's namespaces fails create and leaves nothing" {
	update_config '.linux.sysctl = {"net.ipv4.islet_bogus": "1"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "net.ipv4.islet_bogus" = "1": open /proc/sys/net/ipv4/islet_bogus: no such file or directory'
	[ ! -e "$ROOT/$CID" ]
	update_config '.linux.sysctl = {"vm.swappiness": "10", "kernel.hostname": "x"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "vm.swappiness" is not in a separate kernel namespace'
	assert_output --partial 'sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'
	update_config '.linux.sysctl = {"net.core.somaxconn": "1"} | .linux.namespaces |= map(select(.type != "network"))'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "net.core.somaxconn" is not allowed in the host'"'"'s network namespace'
	update_config '.linux.namespaces += [{"type": "network", "path": "/proc/self/ns/net"}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'sysctl "net.core.somaxconn" is not allowed in the host'"'"'s network namespace'
	[ ! -e "$ROOT/$CID" ]
}
