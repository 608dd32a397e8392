#!/usr/bin/env python3
"""Reads `perf script -F comm,pid,tid,time,event,trace` output of bench/profile.sh and
prints, per phase of each process, the median wall time and the mean CPU time.

A phase starts at an event (a uprobe on one of islet's step functions, or a tracepoint:
exec, clone3, exit) and ends at the next event of the same process. The CPU time of a
phase is the cpu-clock samples of that process between its two events. Processes are
told apart by role: the runtime (the first islet process of a lifecycle), the init (its
clone3 child), the container (after the init's final execve). Phases are keyed by role
and label, so one label seen twice in a process (sync recv) gets an ordinal."""
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


def main():
    runs_wall = collections.defaultdict(list)   # (role, label) -> [ms]
    runs_cpu = collections.defaultdict(list)
    first_seen = {}                             # (role, label) -> order
    period_ms = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2  # one cpu-clock sample
    role = {}                                   # pid -> role
    last = {}                                   # pid -> (label, t, samples)
    counts = collections.defaultdict(collections.Counter)
    runtime_started = {}

    def close(pid, t):
        if pid not in last:
            return
        label, t0, samples = last[pid]
        key = (role[pid], label)
        runs_wall[key].append((t - t0) * 1000.0)
        runs_cpu[key].append(samples * period_ms)
        first_seen.setdefault(key, len(first_seen))

    for pid, t, event, rest in parse(sys.stdin):
        label = label_of(event, rest)
        if label is None:
            if pid in last:
                l, t0, s = last[pid]
                last[pid] = (l, t0, s + 1)
            continue
        if pid not in role:
            # The runtime is born by exec, the init (or exec's joining
            # process) by clone3: its first event is clone3's return.
            if label.startswith("exec islet"):
                role[pid] = "runtime"
            elif label == "clone3 returns" and pid not in counts:
                role[pid] = "init"
            else:
                continue
        close(pid, t)
        n = counts[pid][label]
        counts[pid][label] += 1
        name = label if n == 0 else f"{label} #{n + 1}"
        if label == "exit":
            last.pop(pid, None)
            continue
        last[pid] = (name, t, 0)
        runtime_started.setdefault(pid, t)

    order = sorted(runs_wall, key=lambda k: (0 if k[0] == "runtime" else 1, first_seen[k]))
    print(f"{'process':8} {'phase (from this event to the next)':44} {'wall ms':>8} {'CPU ms':>7} {'n':>4}")
    for role_name in ("runtime", "init"):
        tw = tc = 0.0
        for key in order:
            if key[0] != role_name:
                continue
            w = statistics.median(runs_wall[key])
            c = statistics.mean(runs_cpu[key])
            tw += w
            tc += c
            print(f"{role_name:8} {key[1][:44]:44} {w:8.2f} {c:7.2f} {len(runs_wall[key]):4d}")
        print(f"{role_name:8} {'(sum of medians)':44} {tw:8.2f} {tc:7.2f}")


if __name__ == "__main__":
    main()
