#!/usr/bin/env bats
# linux.personality.

load helpers

setup() {
	setup_common
	install_helper security_probe
}

@test "personality LINUX32: uname -m says i686 inside" {
	requires x86_64
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args sh -c 'uname -m; /bin/security_probe personality'
	islet run "$CID"
	assert_success
	assert_output "$(printf 'i686\npersonality: 0x8')"
	update_config '.linux.personality = {"domain": "LINUX64"}'
	islet create "$CID"
	assert_failure 1
	assert_output --partial 'personality domain "LINUX64" is not LINUX or LINUX32'
}
