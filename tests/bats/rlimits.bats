#!/usr/bin/env bats
# process.rlimits and process.oomScoreAdj, read back inside; bad values.

load helpers

@test "rlimits and oomScoreAdj are read back inside; bad values fail create" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_NPROC", "soft": 77, "hard": 88}]
		| .process.oomScoreAdj = 500'
	set_args sh -c 'grep -E "^Max (open files|core file size|processes)" /proc/self/limits; cat /proc/self/oom_score_adj'
	islet run "$CID"
	assert_success
	assert_line --regexp "^Max open files +123 +456 +files"
	assert_line --regexp "^Max core file size +0 +0 +bytes"
	assert_line --regexp "^Max processes +77 +88 +processes"
	assert_line 500
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 9, "hard": 8}, {"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]
		| .process.oomScoreAdj = 1001'
	islet create "$CID"
	assert_failure 1
	assert_output --partial "/process/rlimits/0: soft limit is greater than the hard limit"
	assert_output --partial '/process/rlimits/1/type: unknown rlimit type "RLIMIT_BOGUS"'
	assert_output --partial "/process/oomScoreAdj: must be between -1000 and 1000"
	[ ! -e "$ROOT/$CID" ]
}
