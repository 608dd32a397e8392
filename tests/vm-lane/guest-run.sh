#!/usr/bin/env bash
# Runs in the guest as /payload/run.sh (root, pure cgroup v2, every controller
# enabled at the root): the v2 bats files against the payload's islet.
cd /payload || exit 125
export PATH=/payload:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export ISLET=/payload/islet ISLET_HELPERS=/payload/helpers
echo "# $(islet --version | head -1); $(grep cgroup2 /proc/mounts)"
bats --tap tests/vm-lane/*.bats
