#!/usr/bin/env bats
# The session keyring: a new one per container unless --no-new-keyring.

load helpers

@test "--no-new-keyring keeps the caller's session keyring; the default makes one per container" {
	requires keyring
	# /proc/keys is masked by default; unmasked, it lists the keyrings the
	# container's process possesses. runc names the new one _ses.<id> too.
	update_config '.linux.maskedPaths -= ["/proc/keys"]'
	set_args sh -c 'grep -c "_ses.'"$CID"'" /proc/keys || true'
	islet run "$CID"
	assert_success
	assert_output 1
	islet run --no-new-keyring "$CID"
	assert_success
	assert_output 0
}
