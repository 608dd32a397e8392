#!/usr/bin/env bats
# The runtime-spec's idmapped mounts: mounts[].uidMappings/gidMappings and
# the idmap/ridmap options, with and without a user namespace (the cases of
# runc's idmap.bats).

load helpers

setup() {
	setup_common
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC/one" "$SRC/multi" "$SRC/one/sub"
	touch "$SRC/one/foo.txt" "$SRC/multi/foo.txt" "$SRC/multi/bar.txt"
	chown 100:211 "$SRC/multi/foo.txt"
	chown 101:222 "$SRC/multi/bar.txt"
	# In a user namespace the container's root cannot write the root-owned
	# image, so the mount points exist beforehand.
	mkdir -p "$BUNDLE/rootfs/mnt/one" "$BUNDLE/rootfs/mnt/multi" "$BUNDLE/rootfs/mnt/multi-alt" \
		"$BUNDLE/rootfs/mnt/flat" "$BUNDLE/rootfs/mnt/rec"
	update_config '.mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)
		| .mounts |= map(select(.type != "cgroup"))
		| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)'
}

userns() {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# idmount SOURCE DEST UID_C:H:S GID_C:H:S [extra options as JSON array]
idmount() {
	local uc uh us gc gh gs
	IFS=: read -r uc uh us <<<"$3"
	IFS=: read -r gc gh gs <<<"$4"
	update_config --arg s "$1" --arg d "$2" --argjson o "${5:-[\"bind\"]}" \
		--argjson uc "$uc" --argjson uh "$uh" --argjson us "$us" --argjson gc "$gc" --argjson gh "$gh" --argjson gs "$gs" \
		'.mounts += [{source: $s, destination: $d, options: $o,
			uidMappings: [{containerID: $uc, hostID: $uh, size: $us}],
			gidMappings: [{containerID: $gc, hostID: $gh, size: $gs}]}]'
}

@test "mappings equal to the container's: on-disk 0 is 0 inside, and writes land as 0" {
	userns
	idmount "$SRC/one" /mnt/one 0:100000:65536 0:100000:65536
	set_args sh -c 'stat -c =%u=%g= /mnt/one/foo.txt; touch /mnt/one/new; grep " /mnt/one " /proc/self/mountinfo'
	islet run "$CID"
	assert_success
	assert_line "=0=0="
	assert_output --regexp ' /mnt/one [^ ]*idmapped'
	[ "$(stat -c %u:%g "$SRC/one/new")" = 0:0 ]
}

@test "mappings without a user namespace: the host view is mapped" {
	idmount "$SRC/one" /mnt/one 0:100000:65536 0:100000:65536
	set_args sh -c 'stat -c =%u=%g= /mnt/one/foo.txt; touch /mnt/one/x 2>&1; true'
	islet run "$CID"
	assert_success
	assert_line "=100000=100000="
	# Root is unmapped on that mount: it cannot create files there.
	assert_output --partial "Value too large for defined data type"
}

@test "mismatched mappings use a helper namespace; uid and gid maps differ" {
	userns
	idmount "$SRC/multi" /mnt/multi 100:100000:100 200:100000:100
	idmount "$SRC/multi" /mnt/multi-alt 100:101000:100 200:102000:100
	set_args sh -c 'for f in /mnt/multi/foo.txt /mnt/multi/bar.txt /mnt/multi-alt/foo.txt /mnt/multi-alt/bar.txt; do stat -c "=%n:%u=%g=" $f; done'
	islet run "$CID"
	assert_success
	assert_line "=/mnt/multi/foo.txt:0=11="
	assert_line "=/mnt/multi/bar.txt:1=22="
	assert_line "=/mnt/multi-alt/foo.txt:1000=2011="
	assert_line "=/mnt/multi-alt/bar.txt:1001=2022="
}

@test "idmap without mappings takes the container's; ridmap applies to submounts too" {
	requires idmap_tmpfs
	userns
	mount -t tmpfs -o mode=755 tmpfs "$SRC/one/sub"
	touch "$SRC/one/sub/inner.txt"
	update_config --arg s "$SRC/one" '.mounts += [
		{source: $s, destination: "/mnt/flat", options: ["rbind", "idmap"]},
		{source: $s, destination: "/mnt/rec", options: ["rbind", "ridmap"]}]'
	set_args sh -c 'stat -c "=%n:%u=" /mnt/flat/foo.txt /mnt/flat/sub/inner.txt /mnt/rec/foo.txt /mnt/rec/sub/inner.txt'
	islet run "$CID"
	status_run=$status
	output_run=$output
	umount "$SRC/one/sub"
	[ "$status_run" -eq 0 ] || { echo "$output_run"; return 1; }
	output=$output_run
	assert_line "=/mnt/flat/foo.txt:0="
	# idmap is not recursive: the submount shows the unmapped owner.
	assert_line "=/mnt/flat/sub/inner.txt:65534="
	assert_line "=/mnt/rec/foo.txt:0="
	assert_line "=/mnt/rec/sub/inner.txt:0="
}

@test "idmap errors: not a bind mount, one-sided mappings, idmap without a user namespace or mappings" {
	update_config '.mounts += [{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "id-mapped mounts are only supported for bind-mounts"
	update_config 'del(.mounts[-1]) | .mounts += [{"destination": "/x", "source": "/tmp", "options": ["bind"], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "must have both uid and gid mappings specified"
	update_config --arg s "$SRC/one" 'del(.mounts[-1]) | .mounts += [{"destination": "/x", "source": $s, "options": ["bind", "idmap"]}]'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "idmap without uidMappings/gidMappings needs a user namespace"
	[ ! -e "$ROOT/$CID" ]
}
