#!/bin/bash
# Where islet's time goes: per phase of the runtime process and of the init,
# the median wall time and the mean CPU time over N lifecycles.
#
# Usage: bench/profile.sh [-n RUNS] [-m run|split|exec] [-k]   (as root; see bench/README.md)
#   ISLET  islet binary with symbols (default ./build/islet, else <repo>/build/islet)
#   RUNC   runc binary, for `runc spec` (default: runc on PATH)
#   -m run    `run` in the foreground (default); split: create, start, delete;
#             exec: `exec` of /bin/true into a running container
#   -k        keep perf.data (its path is printed)
#
# perf uprobes at the entry of islet's step functions (found by symbol name,
# so the binary must not be stripped), tracepoints at exec, clone3 and exit,
# and cpu-clock samples (software events only): a phase runs from one event
# of a process to its next (bench/phases.py). Same bundle and private mount
# namespace as bench/compare.sh. Uprobes add a few microseconds per event.
self=$(realpath -e "${BASH_SOURCE[0]}")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"  # also: set -euo pipefail, LC_ALL=C
bench_enter_namespace "$self" "$@"

n=20
mode=run
keep=
while getopts "n:m:kh" opt; do
    case $opt in
    n) n=$OPTARG ;;
    m) mode=$OPTARG ;;
    k) keep=1 ;;
    h) bench_usage "$self"; exit 0 ;;
    *) bench_usage "$self" >&2; exit 2 ;;
    esac
done
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "profile.sh: -n wants a positive number" >&2; exit 2; }
[[ $mode =~ ^(run|split|exec)$ ]] || { echo "profile.sh: -m wants run, split or exec" >&2; exit 2; }
bench_tools profile.sh perf jq nm readelf busybox
tracefs=/sys/kernel/tracing
[[ -w $tracefs/uprobe_events ]] || tracefs=/sys/kernel/debug/tracing
[[ -w $tracefs/uprobe_events ]] || { echo "profile.sh: no writable uprobe_events (tracefs)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/islet-profile.XXXXXX)
group=isletbench$$
probes=()
cleanup() {
    local id p
    if [[ -d $tmp/root ]]; then
        while read -r id; do
            "$islet" --root "$tmp/root" delete --force "$id" >/dev/null 2>&1 || true
        done < <(find "$tmp/root" -mindepth 1 -maxdepth 1 -printf '%f\n')
    fi
    umount "$tmp/root" 2>/dev/null || true
    for p in "${probes[@]}"; do echo "-:$group/$p" >>"$tracefs/uprobe_events" 2>/dev/null || true; done
    if [[ -n $keep && -s $tmp/perf.data ]]; then
        mv "$tmp/perf.data" "/tmp/islet-profile-$$.data"
        echo "perf data: /tmp/islet-profile-$$.data" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- uprobes: event name -> mangled symbol (a regex on nm's output) ------------
# The init's steps and the runtime's, in the order they run.
steps=(
    run_main 'run_main'
    create_container 'runtime16create_container'
    exec_in_container 'runtime17exec_in_container'
    start_container 'runtime15start_container'
    delete_container 'runtime16delete_container'
    load_container 'runtime14load_container'
    parse_config 'spec12parse_config'
    validate_config 'spec15validate_config'
    host_checks 'host_checks'
    plan_security 'host13plan_security'
    cgroups_detect 'cgroups6detectEv'
    check_reusable 'cgroups14check_reusable'
    state_root_open 'StateRoot4open'
    state_dir_create 'ContainerDir6create'
    cgroups_create_dirs 'cgroups11create_dirs'
    cgroups_setup 'cgroups5setup'
    make_exec_stub 'host14make_exec_stub'
    open_mount_trees 'host16open_mount_trees'
    seqpacket_pair 'sys14seqpacket_pair'
    cgroups_join 'cgroups4join'
    sync_recv 'sync4recvEi'
    sync_send 'sync4send'
    read_proc_stat 'sys14read_proc_stat'
    run_foreground 'runtime14run_foreground'
    cgroups_destroy 'cgroups7destroy'
    state_dir_remove 'ContainerDir6remove'
    init_main 'runtime9init_main'
    exec_child_main 'exec_child_main'
    close_all_except 'sys16close_all_except'
    sync_expect 'sync6expect'
    prepare_rootfs 'init14prepare_rootfs'
    apply_mounts 'init12apply_mounts'
    setup_dev 'init9setup_dev'
    readonly_paths 'init14readonly_paths'
    mask_paths 'init10mask_paths'
    wait_for_cgroups 'init_wait_for_cgroups'
    enter_rootfs 'init12enter_rootfs'
    set_hostname 'init12set_hostname'
    apply_rlimits 'init13apply_rlimits'
    set_identity 'init12set_identity'
    resolve_program 'init15resolve_program'
    wait_for_start 'init14wait_for_start'
    exec_process 'init12exec_process'
)
nm "$islet" >"$tmp/nm" 2>/dev/null || true
[[ -s $tmp/nm ]] || { echo "profile.sh: $islet has no symbols (a stripped binary cannot be probed)" >&2; exit 2; }
readelf -lW "$islet" | awk '$1 == "LOAD" {print $2, $3, $5}' >"$tmp/loads"
file_offset() { # VADDR (hex) -> file offset (hex) through the PT_LOAD that maps it
    local v=$((16#$1)) off va sz
    while read -r off va sz; do
        if ((v >= va && v < va + sz)); then printf '0x%x\n' $((v - va + off)); return; fi
    done <"$tmp/loads"
}
for ((i = 0; i < ${#steps[@]}; i += 2)); do
    name=${steps[i]} rx=${steps[i + 1]}
    line=$(grep -E " [Tt] _Z.*${rx}" "$tmp/nm" | grep -v '\.cold' | head -n 1) || true
    [[ -n $line ]] || continue
    off=$(file_offset "${line%% *}")
    [[ -n $off ]] || continue
    echo "p:$group/$name $islet:$off" >>"$tracefs/uprobe_events"
    probes+=("$name")
done
echo "profile.sh: ${#probes[@]} uprobes in $islet" >&2

# --- the bundle and the loop that perf records ---------------------------------
bench_bundle "$tmp/bundle" "$islet" "$runc"
bench_exec_bundle "$tmp/exec-bundle" "$tmp/bundle"
mkdir -m 700 "$tmp/root"
mount -t tmpfs -o mode=700 profile "$tmp/root"
cat >"$tmp/loop.sh" <<EOF
#!/bin/bash
set -e
. "$repo/bench/lib.sh"
exec {bench_sleep_fd}<> <(:)
rt() { "$islet" --root "$tmp/root" "\$@" </dev/null >/dev/null; }
case $mode in
run) for ((i = 0; i < $n; i++)); do rt run --bundle "$tmp/bundle" "p\$i"; done ;;
split)
    for ((i = 0; i < $n; i++)); do
        rt create --bundle "$tmp/bundle" --pid-file "$tmp/pid" "p\$i"
        rt start "p\$i"
        read -r pid <"$tmp/pid" || [[ -n \$pid ]]
        bench_wait_stopped "\$pid"
        rt delete "p\$i"
    done ;;
exec) for ((i = 0; i < $n; i++)); do rt exec exec-target /bin/true; done ;;
esac
EOF
if [[ $mode == exec ]]; then
    "$islet" --root "$tmp/root" run -d --bundle "$tmp/exec-bundle" exec-target </dev/null >/dev/null
fi
# warm-up, untimed
"$islet" --root "$tmp/root" run --bundle "$tmp/bundle" warm </dev/null >/dev/null

# A fixed sampling period (100 us of CPU), so that samples convert to time.
events=(-e cpu-clock/period=100000/ -e sched:sched_process_exec -e sched:sched_process_exit
    -e syscalls:sys_enter_clone3 -e syscalls:sys_exit_clone3)
for p in "${probes[@]}"; do events+=(-e "$group:$p"); done
perf record -q "${events[@]}" -o "$tmp/perf.data" -- "$BASH" "$tmp/loop.sh" 2>>"$tmp/perf.log" ||
    { cat "$tmp/perf.log" >&2; exit 1; }

echo "islet: $islet ($("$islet" --version | head -n 1)); mode $mode, $n lifecycles; load $(cut -d' ' -f1-3 /proc/loadavg)"
perf script -i "$tmp/perf.data" -F comm,pid,tid,time,event,trace 2>/dev/null | python3 "$repo/bench/phases.py" 0.1
