#!/usr/bin/env python3
"""Reads `perf script -F comm,pid,tid,time,event,trace` output of bench/profile.sh and
prints, per phase of each process, the median wall time and the mean CPU time.

A phase starts at an event (a uprobe on one of islet's step functions, or a tracepoint:
exec, clone3, exit) and ends at the next event of the same process. The CPU time of a
phase is the cpu-clock samples of that process between its two events. A runtime
process is named by the command it ran (run, create, start, delete, exec), a clone3
child is the init (or exec's joining process); the init's last phases run the exec stub
("exec <fd>") and the container's program. Phases are keyed by process and label, in
the order they happen; a label seen twice in a process gets an ordinal. The sum of a
process's wall medians is close to its lifetime, not exactly it."""
import collections
import statistics
import sys


def parse(lines):
    """Yields (pid, time_s, kind, detail) in input order."""
    for line in lines:
        parts = line.split()
        if len(parts) < 4:
            continue
        # comm may contain spaces ("memfd:islet-exec (deleted)"): find "pid/tid" or the
        # time field by its trailing colon.
        for i, p in enumerate(parts):
            if p.endswith(":") and p[:-1].replace(".", "").isdigit():
                t_idx = i
                break
        else:
            continue
        pid = parts[t_idx - 1].split("/")[0]
        if not pid.isdigit():
            continue
        event = parts[t_idx + 1].rstrip(":")
        rest = " ".join(parts[t_idx + 2:])
        yield int(pid), float(parts[t_idx][:-1]), event, rest


def label_of(event, rest):
    if event.startswith("cpu-clock"):
        return None
    if event.startswith("isletbench"):
        return event.split(":", 1)[1]
    if event == "sched:sched_process_exec":
        name = rest.split("filename=")[1].split()[0] if "filename=" in rest else "?"
        return "exec " + name.rsplit("/", 1)[-1]
    if event == "sched:sched_process_exit":
        return "exit"
    if event.startswith("syscalls:sys_enter_"):
        return event[len("syscalls:sys_enter_"):]
    if event.startswith("syscalls:sys_exit_"):
        return event[len("syscalls:sys_exit_"):] + " returns"
    return event


COMMANDS = {"create_container": "create", "start_container": "start", "delete_container": "delete",
            "exec_in_container": "exec"}


def main():
    period_ms = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1  # one cpu-clock sample
    kind = {}                                   # pid -> "runtime" or "child"
    phases = collections.defaultdict(list)      # pid -> [(label, wall ms, cpu ms)]
    commands = collections.defaultdict(set)     # pid -> command probes seen
    last = {}                                   # pid -> (label, t, samples)
    counts = collections.defaultdict(collections.Counter)

    def close(pid, t):
        if pid in last:
            label, t0, samples = last.pop(pid)
            phases[pid].append((label, (t - t0) * 1000.0, samples * period_ms))

    for pid, t, event, rest in parse(sys.stdin):
        label = label_of(event, rest)
        if label is None:
            if pid in last:
                l, t0, s = last[pid]
                last[pid] = (l, t0, s + 1)
            continue
        if pid not in kind:
            # The runtime is born by exec, the init (or exec's joining
            # process) by clone3: its first event is clone3's return.
            if label.startswith("exec islet"):
                kind[pid] = "runtime"
                label = "exec islet"
            elif label == "clone3 returns":
                kind[pid] = "child"
            else:
                continue
        close(pid, t)
        if label in COMMANDS:
            commands[pid].add(COMMANDS[label])
        if label == "exec_child_main":
            commands[pid].add("joining")
        if label == "exit":
            continue
        n = counts[pid][label]
        counts[pid][label] += 1
        last[pid] = (label if n == 0 else f"{label} #{n + 1}", t, 0)

    def role(pid):
        c = commands[pid]
        if kind[pid] == "child":
            return "exec's child" if "joining" in c else "init"
        if {"create", "start"} <= c:
            return "run"
        return next(iter(sorted(c)), "runtime")

    wall = collections.defaultdict(list)
    cpu = collections.defaultdict(list)
    order = {}
    for pid, items in phases.items():
        r = role(pid)
        for i, (label, w, c) in enumerate(items):
            key = (r, label)
            wall[key].append(w)
            cpu[key].append(c)
            order.setdefault(key, (i, len(order)))
    roles = ["run", "create", "start", "delete", "exec", "init", "exec's child", "runtime"]
    print(f"{'process':12} {'phase (from this event to the next)':40} {'wall ms':>8} {'CPU ms':>7} {'n':>4}")
    for r in roles:
        keys = sorted((k for k in wall if k[0] == r), key=lambda k: order[k])
        if not keys:
            continue
        tw = tc = 0.0
        for k in keys:
            w, c = statistics.median(wall[k]), statistics.mean(cpu[k])
            tw += w
            tc += c
            print(f"{r:12} {k[1][:40]:40} {w:8.2f} {c:7.2f} {len(wall[k]):4d}")
        print(f"{r:12} {'(sum)':40} {tw:8.2f} {tc:7.2f}")


if __name__ == "__main__":
    main()
