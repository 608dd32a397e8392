#!/usr/bin/env bats
# hostname and domainname, and the UTS namespace they need.

load helpers

@test "hostname and domainname" {
	update_config '.hostname = "box-one" | .domainname = "example.test"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	islet run "$CID"
	assert_success
	assert_output "$(printf 'box-one\nexample.test')"
	update_config '.linux.namespaces |= map(select(.type != "uts"))'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "unable to set hostname without a private UTS namespace"
}
