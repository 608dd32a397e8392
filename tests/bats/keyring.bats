#!/usr/bin/env bats
# The session keyring: a new one per container unless --no-new-keyring.

load helpers

@test "--no-new-keyring keeps the caller's session keyring; the default makes one per container" {
	set_args sh -c 'cat /proc/keys | grep -c "_ses.'"$CID"'" || true'
	islet run "$CID"
	[ "$output" -ge 1 ] || skip "no keyring support visible in /proc/keys here"
	islet run --no-new-keyring "$CID"
	assert_output 0
}
