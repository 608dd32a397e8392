#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths, observed from inside (runc's
# mask.bats; SECURITY.md #14). The /dev/null substitution: regressions.bats.

load helpers

@test "masked paths read empty and refuse writes; directories are an empty tmpfs" {
	update_config '.linux.maskedPaths += ["/etc/hostname-mask", "/sys/kernel"] | .root.readonly = false'
	echo secret >"$BUNDLE/rootfs/etc/hostname-mask"
	set_args sh -c 'cat /proc/keys | wc -c; cat /etc/hostname-mask | wc -c; echo x >/etc/hostname-mask 2>&1; ls -A /sys/kernel | wc -l; touch /sys/kernel/x 2>&1; stat -c "%t:%T" /proc/keys /etc/hostname-mask'
	islet run "$CID"
	assert_success
	assert_line --index 0 0
	assert_line --index 1 0
	assert_output --partial "Read-only file system"
	assert_line "1:3"
	[ "$(echo "$output" | grep -c '^0$')" -ge 3 ]
	# The file on disk is untouched.
	[ "$(cat "$BUNDLE/rootfs/etc/hostname-mask")" = secret ]
}

@test "read-only paths refuse writes and cannot be remounted read-write" {
	set_args sh -c 'echo 1 >/proc/sys/kernel/domainname 2>&1; mount -o remount,rw /proc/sys 2>&1; echo done'
	islet run "$CID"
	assert_output --partial "Read-only file system"
	assert_output --regexp "[Pp]ermission denied"
	assert_line "done"
}
