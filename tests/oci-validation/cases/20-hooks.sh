# shellcheck shell=bash
# Hooks (config.md: POSIX-platform Hooks; runtime.md: Lifecycle): order,
# timing, the state on stdin, failures.

# A hook running the host's sh with a script.
_hook() { jq -n --arg s "$1" '{path: "/bin/sh", args: ["sh", "-c", $s]}'; }

# Hooks MUST be called in the listed order, each phase at its point of the
# lifecycle: prestart, createRuntime, createContainer during create;
# startContainer and poststart during start; poststop after delete.
case_hooks() {
	new_bundle
	cfg '.root.readonly = false'
	set_args sleep 1000
	local log="$BUNDLE/rootfs/hooks.log" id
	# startContainer runs in the container: its path and log are the container's.
	cfg --argjson a "$(_hook "echo prestart1 >>$log")" --argjson b "$(_hook "echo prestart2 >>$log")" \
		--argjson c "$(_hook "echo createRuntime1 >>$log")" --argjson d "$(_hook "echo createRuntime2 >>$log")" \
		--argjson e "$(_hook "echo createContainer1 >>$log")" --argjson f "$(_hook "echo createContainer2 >>$log")" \
		--argjson g "$(_hook "echo poststart1 >>$log")" --argjson h "$(_hook "echo poststart2 >>$log")" \
		--argjson i "$(_hook "echo poststop1 >>$log")" --argjson j "$(_hook "echo poststop2 >>$log")" \
		'.hooks = {prestart: [$a, $b], createRuntime: [$c, $d], createContainer: [$e, $f],
		  startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer1 >>/hooks.log"]},
		                   {path: "/bin/sh", args: ["sh", "-c", "echo startContainer2 >>/hooks.log"]}],
		  poststart: [$g, $h], poststop: [$i, $j]}'
	id=$(new_id)
	create_container "$id"
	[ "$(tr '\n' ' ' <"$log")" = "prestart1 prestart2 createRuntime1 createRuntime2 createContainer1 createContainer2 " ] ||
		fail "after create: $(tr '\n' ' ' <"$log")"
	rt start "$id"
	[ "$(tr '\n' ' ' <"$log")" = "prestart1 prestart2 createRuntime1 createRuntime2 createContainer1 createContainer2 startContainer1 startContainer2 poststart1 poststart2 " ] ||
		fail "after start: $(tr '\n' ' ' <"$log")"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	[ "$(tail -n 2 "$log" | tr '\n' ' ')" = "poststop1 poststop2 " ] || fail "after delete: $(tr '\n' ' ' <"$log")"
}

# The state of the container MUST be passed to hooks over stdin: id,
# bundle, annotations; pid as seen by the runtime (runtime namespace hooks)
# or by the container (container namespace hooks); status `created` after
# step 2 of the lifecycle (prestart .. startContainer), `running` for
# poststart, `stopped` for poststop.
case_hooks_stdin() {
	new_bundle
	cfg '.root.readonly = false'
	set_args sleep 1000
	cfg '.annotations = {"org.opencontainers.runtime-tools": "hook stdin test"}'
	local d="$BUNDLE/rootfs/hookstate" id p s
	mkdir -p "$d"
	cfg --argjson a "$(_hook "cat >$d/prestart")" --argjson b "$(_hook "cat >$d/createRuntime")" \
		--argjson c "$(_hook "cat >$d/createContainer")" --argjson e "$(_hook "cat >$d/poststart")" \
		--argjson f "$(_hook "cat >$d/poststop")" \
		'.hooks = {prestart: [$a], createRuntime: [$b], createContainer: [$c],
		  startContainer: [{path: "/bin/sh", args: ["sh", "-c", "cat >/hookstate/startContainer"]}],
		  poststart: [$e], poststop: [$f]}'
	id=$(new_id)
	create_container "$id"
	local pid
	pid=$(pid_of "$id")
	rt start "$id"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	for p in prestart createRuntime createContainer startContainer poststart poststop; do
		s=$(cat "$d/$p" 2>/dev/null) || fail "$p hook got no state"
		jq -e . >/dev/null <<<"$s" || fail "$p: not JSON: $s"
		[ "$(jq -r .id <<<"$s")" = "$id" ] || fail "$p: id $(jq -r .id <<<"$s")"
		[ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ] || fail "$p: bundle $(jq -r .bundle <<<"$s")"
		[ -n "$(jq -r '.ociVersion // empty' <<<"$s")" ] || fail "$p: no ociVersion"
		[ "$(jq -r '.annotations["org.opencontainers.runtime-tools"]' <<<"$s")" = "hook stdin test" ] ||
			fail "$p: annotations $(jq -c .annotations <<<"$s")"
	done
	for p in prestart createRuntime poststart; do
		[ "$(jq -r .pid "$d/$p")" = "$pid" ] || fail "$p: pid $(jq -r .pid "$d/$p"), state said $pid"
	done
	# In the container's pid namespace, the container process is 1.
	for p in createContainer startContainer; do
		[ "$(jq -r .pid "$d/$p")" = 1 ] || fail "$p: pid $(jq -r .pid "$d/$p") (container namespace: 1)"
	done
	for p in prestart createRuntime createContainer startContainer; do
		[ "$(jq -r .status "$d/$p")" = created ] || fail "$p: status $(jq -r .status "$d/$p"), expected created"
	done
	[ "$(jq -r .status "$d/poststart")" = running ] || fail "poststart: status $(jq -r .status "$d/poststart")"
	[ "$(jq -r .status "$d/poststop")" = stopped ] || fail "poststop: status $(jq -r .status "$d/poststop")"
}

# A hook's environment is exactly its `env`; its argv is `args`.
case_hooks_env_args() {
	new_bundle
	local out="$CASE_DIR/hookenv" id
	cfg --arg o "$out" '.hooks.prestart = [{path: "/bin/sh", args: ["first-arg", "-c", "echo \"$0\" >\($o); env | sort >>\($o)"], env: ["HOOKVAR=1", "PATH=/bin:/usr/bin"]}]'
	id=$(new_id)
	create_container "$id"
	rt delete --force "$id"
	[ "$(head -1 "$out")" = first-arg ] || fail "argv[0]: $(head -1 "$out")"
	grep -qx HOOKVAR=1 "$out" || fail "env: $(tail -n +2 "$out" | tr '\n' ' ')"
	# Nothing of the runtime's own environment leaks in (sh adds PWD, SHLVL).
	! grep -v -e '^HOOKVAR=' -e '^PATH=' -e '^PWD=' -e '^SHLVL=' -e '^_=' -e '^first-arg$' "$out" ||
		fail "unexpected variables in the hook's environment"
}

# A hook that outlives its timeout is an error (create fails, nothing left).
case_hooks_timeout() {
	new_bundle
	cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
	local id start
	id=$(new_id)
	start=$(date +%s)
	rt_fails create --bundle "$BUNDLE" "$id"
	[ $(($(date +%s) - start)) -lt 20 ] || fail "the timeout was not enforced"
	rt_fails state "$id"
}

# prestart fails: create MUST generate an error and stop the container; the
# process never runs; the lifecycle continues with destroy (no container).
case_prestart_fail() {
	new_bundle
	cfg '.root.readonly = false'
	set_args sh -c 'touch /output'
	cfg --argjson a "$(_hook "echo ran >>$CASE_DIR/createRuntime")" \
		'.hooks = {prestart: [{path: "/bin/false", args: ["false"]}], createRuntime: [$a]}'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt start "$id" >/dev/null 2>&1 || true
	sleep 0.2
	[ ! -e "$BUNDLE/rootfs/output" ] || fail "the process ran"
	rt_fails state "$id"
	[ ! -e "$CASE_DIR/createRuntime" ] || fail "later hooks ran after a failed prestart hook"
}

# ... and "continue the lifecycle at step 12": destroy, then poststop hooks.
case_prestart_fail_poststop() {
	new_bundle
	cfg --argjson a "$(_hook "echo ran >>$CASE_DIR/poststop")" \
		'.hooks = {prestart: [{path: "/bin/false", args: ["false"]}], poststop: [$a]}'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
	[ -e "$CASE_DIR/poststop" ] || fail "poststop hooks did not run after the failed prestart hook"
}

# A failing createContainer hook: the same as prestart.
case_create_container_fail() {
	new_bundle
	cfg '.hooks = {createContainer: [{path: "/bin/false", args: ["false"]}]}'
	local id
	id=$(new_id)
	rt_fails create --bundle "$BUNDLE" "$id"
	rt_fails state "$id"
}

# poststart fails: the runtime logs a warning; the remaining hooks and the
# lifecycle continue as if it had succeeded (CONFORMANCE.md's reading, and
# runtime-tools' poststart_fail).
case_poststart_fail() {
	new_bundle
	set_args sleep 1000
	cfg --argjson a "$(_hook "echo 'post-start called' >>$CASE_DIR/output")" \
		'.hooks.poststart = [{path: "/bin/false", args: ["false"]}, $a]'
	local id
	id=$(new_id)
	create_container "$id"
	rt start "$id" || fail "start failed because of a poststart hook"
	[ "$(status_of "$id")" = running ] || fail "status after start: $(status_of "$id")"
	[ "$(cat "$CASE_DIR/output")" = "post-start called" ] || fail "the next poststart hook did not run"
	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
}

# poststop fails: a warning; the remaining hooks run and delete succeeds.
case_poststop_fail() {
	new_bundle
	set_args true
	cfg --argjson a "$(_hook "echo 'post-stop called' >>$CASE_DIR/output")" \
		'.hooks.poststop = [{path: "/bin/false", args: ["false"]}, $a]'
	local id
	id=$(new_id)
	create_container "$id"
	rt start "$id"
	wait_status "$id" stopped
	rt delete "$id" || fail "delete failed because of a poststop hook"
	rt_fails state "$id"
	[ "$(cat "$CASE_DIR/output")" = "post-stop called" ] || fail "the next poststop hook did not run"
}

# A failing startContainer hook: start MUST generate an error and stop the
# container; the program never runs.
case_start_container_fail() {
	new_bundle
	cfg '.root.readonly = false | .hooks.startContainer = [{path: "/bin/false", args: ["false"]}]'
	set_args sh -c 'touch /output; sleep 1000'
	local id
	id=$(new_id)
	create_container "$id"
	rt_fails start "$id"
	sleep 0.2
	[ ! -e "$BUNDLE/rootfs/output" ] || fail "the program ran"
	[ "$(status_of "$id")" = stopped ] || fail "status after the failed start: $(status_of "$id")"
	rt delete "$id"
}
