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
	# Another id: the first container's keyring may still be listed until
	# the kernel's key garbage collector (a work item) gets to it.
	local cid2="$ID_PREFIX-b"
	set_args sh -c 'grep -c "_ses.'"$cid2"'" /proc/keys || true'
	islet run --no-new-keyring "$cid2"
	assert_success
	assert_output 0
}
