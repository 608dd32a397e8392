# shellcheck shell=bash
# Bundle and configuration handling (bundle.md, config.md): paths, versions,
# unknown properties, invalid values.

# hostname and domainname in the container's UTS namespace.
case_hostname() {
	new_bundle
	cfg '.hostname = "hostname-specific" | .domainname = "domain.specific"'
	run_checker
}

# Unknown annotation keys and unknown properties MUST NOT be errors; an
# invalid ociVersion MUST be (runtime-tools misc_props).
case_misc_props() {
	new_bundle
	cfg '.annotations = {"org.oci-validation.unknown-key": ""} | .unknownProperty = {"nested": [1, 2]}'
	run_checker
	cfg '.ociVersion = "invalid"'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
}

# A bundle given as a relative path: the state's bundle is absolute; an
# absolute root.path works as well as a relative one.
case_bundle_paths() {
	new_bundle
	local id
	id=$(new_id)
	cp "$BUNDLE/config.json" "$BUNDLE/rootfs/config.json"
	write_expect
	(cd "$CASE_DIR" && rt create --bundle bundle "$id" >"$CASE_DIR/$id.out" 2>"$CASE_DIR/$id.err") || fail "create: $(cat "$CASE_DIR/$id.err")"
	[ "$(state_of "$id" | jq -r .bundle)" = "$BUNDLE" ] || fail "bundle in state: $(state_of "$id" | jq -r .bundle)"
	rt start "$id"
	wait_status "$id" stopped
	rt delete "$id"
	verify_tap "$CASE_DIR/$id.out"
	cfg --arg r "$BUNDLE/rootfs" '.root.path = $r'
	run_checker
}

# Values the spec rules out MUST be errors, and no container is created:
# empty args, a relative cwd, an unknown namespace type, a relative hook
# path, a missing rootfs.
case_config_invalid_values() {
	new_bundle
	local id filter
	id=$(new_id)
	cp "$BUNDLE/config.json" "$CASE_DIR/good.json"
	for filter in '.process.args = []' '.process.cwd = "relative/dir"' '.linux.namespaces += [{type: "nonexistent"}]' \
		'.hooks.prestart = [{path: "relative/hook"}]' '.root.path = "no-such-rootfs"'; do
		cp "$CASE_DIR/good.json" "$BUNDLE/config.json"
		cfg "$filter"
		if rt create --bundle "$BUNDLE" "$id" >"$CASE_DIR/c.out" 2>&1; then
			rt delete --force "$id" >/dev/null 2>&1 || true
			fail "accepted: $filter"
		fi
		rt_fails state "$id"
	done
}

# Generating an error MUST leave the environment as if the operation were
# never attempted: a create that fails late leaves no state, cgroup or mount.
case_create_error_leaves_nothing() {
	new_bundle
	local cg="/oci-validation-$$-err" id m
	cfg --arg p "$cg" '.linux.cgroupsPath = $p | .process.args = ["/does-not-exist"]'
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id" --pid-file "$CASE_DIR/pid"
	rt_fails state "$id"
	[ ! -e "$CASE_DIR/pid" ] || fail "a pid file was left"
	while read -r m; do
		[ ! -d "$m$cg" ] || fail "cgroup $m$cg left"
	done < <(awk '$0 ~ / - cgroup2? / {print $5}' /proc/self/mountinfo)
	[ "$(awk -v d="$BUNDLE" 'index($5, d) == 1' /proc/self/mountinfo | wc -l)" = 0 ] || fail "mounts left under the bundle"
}
