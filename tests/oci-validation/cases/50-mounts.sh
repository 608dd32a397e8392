# shellcheck shell=bash
# mounts (config.md: Mounts): applied in order, with their types, sources
# and options; destinations created when missing.

# A directory on the host with a marker naming it; the checker verifies it
# is what the container sees at destination $2.
_bind_source() {
	mkdir -p "$1"
	echo "$1" >"$1/.oci-bind-marker"
	expect_extra "marker=$2"
}

# Filesystems and options (runtime-tools mounts).
case_mounts() {
	new_bundle
	cfg '.mounts += [
	       {destination: "/tmpfs-ro", type: "tmpfs", source: "tmpfs", options: ["ro", "nosuid", "nodev", "noexec", "size=1m"]},
	       {destination: "/tmpfs-rw", type: "tmpfs", source: "tmpfs", options: ["rw", "mode=0700"]},
	       {destination: "/new/deep/dir", type: "tmpfs", source: "tmpfs"}]'
	run_checker
}

# Bind mounts: a directory, read-only, and a file onto a file.
case_mounts_bind() {
	new_bundle
	_bind_source "$CASE_DIR/src-rw" /bind-rw
	_bind_source "$CASE_DIR/src-ro" /bind-ro
	echo file >"$CASE_DIR/src-file"
	cfg --arg rw "$CASE_DIR/src-rw" --arg ro "$CASE_DIR/src-ro" --arg f "$CASE_DIR/src-file" '.mounts += [
	       {destination: "/bind-rw", type: "bind", source: $rw, options: ["rbind", "rw"]},
	       {destination: "/bind-ro", type: "bind", source: $ro, options: ["bind", "ro", "nosuid", "nodev"]},
	       {destination: "/etc/bound-file", type: "none", source: $f, options: ["bind", "ro"]}]'
	run_checker
}

# Mounts MUST be mounted in the listed order: a later mount on top of, or
# inside, an earlier one.
case_mounts_order() {
	new_bundle
	_bind_source "$CASE_DIR/outer" /stack
	_bind_source "$CASE_DIR/inner" /stack/inner
	cfg --arg o "$CASE_DIR/outer" --arg i "$CASE_DIR/inner" '.mounts += [
	       {destination: "/stack", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
	       {destination: "/stack", type: "bind", source: $o, options: ["bind"]},
	       {destination: "/stack/inner", type: "bind", source: $i, options: ["bind"]}]'
	mkdir -p "$CASE_DIR/outer/inner"
	run_checker
}

# A relative mount destination (runc takes it from /; 1.0 specs allowed it).
case_mounts_relative_destination() {
	new_bundle
	cfg '.mounts += [{destination: "relative-tmp", type: "tmpfs", source: "tmpfs"}]'
	run_checker
}

# The /dev tmpfs left out: /dev comes from the image, defaults still made.
case_mounts_without_dev_tmpfs() {
	new_bundle
	cfg '.root.readonly = false | .mounts |= map(select(.destination != "/dev"))'
	run_checker
}
