#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every test suite and print one closing line for the whole run:
#
#   scripts/check.sh [BUILD]        (what `make check` runs after building)
#
# Suites: each host unit-test program in BUILD/tests/unit/, the fuzz targets'
# smoke run tests/fuzz/*.test, then each QEMU test script tests/target/*.test
# and tests/linux/*.test. Every suite prints KTAP; its output is kept in
# BUILD/results/<suite>.tap. A suite counts:
#   "ok N ..."          passed      "ok N ... # SKIP ..."  skipped
#   "not ok N ..."      failed
# plus one extra failure when a suite exits non-zero without reporting a
# failed test (a crash, a sanitizer abort), or when its results do not match
# its "1..N" plan. Set CHECK_ONLY=REGEX to run only the suites it matches.
set -uo pipefail

BUILD=${1:-${BUILD:-build}}
export BUILD
results=$BUILD/results
rm -rf "$results"
mkdir -p "$results"

total_pass=0 total_fail=0 total_skip=0
failed_suites=()

run_suite() {
	local name=$1; shift
	local tap=$results/$name.tap rc pass fail skip plan count
	if [ -n "${CHECK_ONLY:-}" ] && ! [[ $name =~ $CHECK_ONLY ]]; then
		return
	fi
	echo "# suite $name"
	"$@" >"$tap" 2>&1 </dev/null
	rc=$?
	sed 's/^/    /' "$tap"
	pass=$(grep -cE '^ok [0-9]+' "$tap" | head -n1)
	skip=$(grep -cE '^ok [0-9]+ .*# SKIP' "$tap" | head -n1)
	fail=$(grep -cE '^not ok [0-9]+' "$tap" | head -n1)
	pass=$((pass - skip))
	plan=$(sed -n 's/^1\.\.\([0-9]\+\)$/\1/p' "$tap" | head -n1)
	count=$((pass + skip + fail))
	if [ -z "$plan" ] || [ "$plan" -ne "$count" ]; then
		echo "not ok - $name: plan '1..${plan:-?}' but $count results"
		fail=$((fail + 1))
	elif [ $rc -ne 0 ] && [ $fail -eq 0 ]; then
		echo "not ok - $name: exited $rc without reporting a failure"
		fail=$((fail + 1))
	fi
	echo "# suite $name: $pass passed, $fail failed, $skip skipped"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	[ $fail -eq 0 ] || failed_suites+=("$name")
}

start=$(date +%s)
for t in "$BUILD"/tests/unit/*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	run_suite "unit-$(basename "$t")" "$t"
done
for t in tests/fuzz/*.test tests/target/*.test tests/linux/*.test; do
	[ -f "$t" ] || continue
	run_suite "$(basename "$(dirname "$t")")-$(basename "$t" .test)" bash "$t"
done

echo "# took $(( $(date +%s) - start ))s; results in $results"
[ ${#failed_suites[@]} -eq 0 ] || echo "# failing suites: ${failed_suites[*]}"
if [ $total_pass -eq 0 ] && [ $total_fail -eq 0 ]; then
	echo "# no test ran"
	total_fail=1
fi
if [ $total_skip -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ $total_fail -eq 0 ]
