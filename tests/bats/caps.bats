#!/usr/bin/env bats
# process.capabilities and process.noNewPrivileges, read back from
# /proc/self/status inside (SECURITY.md #15). exec --cap: exec.bats.

load helpers

# Field $1 of /proc/self/status inside the container, as printed by run.
status_field() { echo "$output" | awk -v k="$1:" '$1 == k { print $2 }'; }

@test "capabilities: exactly the configured sets; inheritable and ambient empty unless asked; NoNewPrivs" {
	set_args sh -c 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" /proc/self/status'
	islet run "$CID"
	assert_success
	# islet spec: CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10).
	[ "$(status_field CapBnd)" = 0000000020000420 ]
	[ "$(status_field CapEff)" = 0000000020000420 ]
	[ "$(status_field CapPrm)" = 0000000020000420 ]
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	[ "$(status_field NoNewPrivs)" = 1 ]
	# Asked for: inheritable and ambient CAP_KILL, a non-root user, no NNP.
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"]
		| .process.capabilities.bounding = ["CAP_KILL", "CAP_CHOWN"]'
	islet run "$CID"
	assert_success
	[ "$(status_field CapBnd)" = 0000000000000021 ]
	[ "$(status_field CapInh)" = 0000000000000020 ]
	[ "$(status_field CapAmb)" = 0000000000000020 ]
	[ "$(status_field CapEff)" = 0000000000000020 ]
	[ "$(status_field NoNewPrivs)" = 0 ]
}

@test "capabilities: a name that is no capability fails create and leaves nothing" {
	update_config '.process.capabilities.bounding += ["CAP_BOGUS"]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial '/process/capabilities/bounding/3: unknown capability "CAP_BOGUS"'
	[ ! -e "$ROOT/$CID" ]
}

@test "capabilities: the bounding set is dropped whatever the image's /proc says (no /proc mount)" {
	# Without a proc mount, /proc in the container is the image's directory:
	# a fake cap_last_cap there must not shrink the set of capabilities dropped.
	update_config '.mounts |= map(select(.destination != "/proc")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	mkdir -p "$BUNDLE/rootfs/proc/sys/kernel" "$BUNDLE/rootfs/proc/self"
	echo 0 >"$BUNDLE/rootfs/proc/sys/kernel/cap_last_cap"
	echo deny >"$BUNDLE/rootfs/proc/self/setgroups"
	set_args sleep 100
	# islet itself runs with a supplementary group the container must not get.
	setpriv --groups 4242 "$ISLET" --root "$ROOT" run -d "$CID" >"$BATS_TEST_TMPDIR/run.out" 2>&1 </dev/null
	pid=$(pid_of "$CID")
	for _ in $(seq 100); do [ "$(cat "/proc/$pid/comm")" = sleep ] && break; sleep 0.05; done
	[ "$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$pid/status")" = 0000000020000420 ]
	# The supplementary groups are the config's (none), not islet's, whatever
	# the image's /proc/self/setgroups says.
	[ "$(awk '$1 == "Groups:" { print $2 }' "/proc/$pid/status")" = "" ]
}
