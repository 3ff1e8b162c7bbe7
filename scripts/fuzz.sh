#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the libFuzzer targets built in BUILD/tests/fuzz/ (tests/fuzz/fuzz.mk).
#
#   scripts/fuzz.sh run SECONDS TARGET...   fuzz each target for SECONDS from its
#                                           committed corpus; print per target
#                                           executions, coverage and crashes
#   scripts/fuzz.sh smoke SECONDS TARGET... KTAP for make check: per target, every
#                                           committed input once, then SECONDS of
#                                           fuzzing; a crash or sanitizer report
#                                           is "not ok"
#
# Committed inputs: tests/fuzz/corpus/<target>/ (seeds, and every input that
# once crashed a target). Inputs a run finds go to BUILD/fuzz/corpus/<target>/,
# crashing inputs to BUILD/fuzz/crashes/<target>/ (crash-*, leak-*, timeout-*).
set -uo pipefail

BUILD=${BUILD:-build}
mode=${1:?usage: fuzz.sh run|smoke SECONDS TARGET...}
secs=${2:?seconds}
shift 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# fuzz TARGET SECONDS LOG [WORK]: fuzz from the committed corpus, new inputs
# into WORK (default BUILD/fuzz/corpus/TARGET); exit status of libFuzzer.
fuzz() {
	local t=$1 s=$2 log=$3 work=${4:-$BUILD/fuzz/corpus/$1} crashes=$BUILD/fuzz/crashes/$1
	mkdir -p "$work" "$crashes"
	"$BUILD/tests/fuzz/$t" -max_total_time="$s" -timeout=10 -print_final_stats=1 \
		${FUZZ_SEED:+-seed=$FUZZ_SEED} \
		-artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
}

# The final "#N DONE cov: C ft: F ..." line, and the stats libFuzzer prints at exit.
stat_of() { sed -n "s/^stat::$2: *\([0-9]*\)$/\1/p" "$1" | tail -n1; }
cov_of() { grep -oE ' cov: [0-9]+ ft: [0-9]+' "$1" | tail -n1 | sed 's/^ //'; }

run() {
	local t log rc status failed=0 crashes before
	printf '%-12s %12s %-22s %s\n' target executions coverage crashes
	for t in "$@"; do
		log=$BUILD/fuzz/$t.log
		mkdir -p "$BUILD/fuzz/crashes/$t"
		before=$(find "$BUILD/fuzz/crashes/$t" -type f | wc -l)
		fuzz "$t" "$secs" "$log"
		rc=$?
		crashes=$(($(find "$BUILD/fuzz/crashes/$t" -type f | wc -l) - before))
		status=$crashes
		if [ $rc -ne 0 ]; then
			status="$crashes (libFuzzer exited $rc: see $log)"
			failed=1
		fi
		printf '%-12s %12s %-22s %s\n' "$t" "$(stat_of "$log" number_of_executed_units)" \
			"$(cov_of "$log")" "$status"
	done
	[ $failed -eq 0 ] && echo "no crash; inputs found: $BUILD/fuzz/corpus/<target>/" ||
		echo "crashing inputs: $BUILD/fuzz/crashes/<target>/ (README: Fuzzing)"
	return $failed
}

smoke() {
	local t log n=0 pass=0 fail=0 corpus
	echo "TAP version 13"
	echo "1..$(($# * 2))"
	mkdir -p "$BUILD/fuzz"
	for t in "$@"; do
		corpus=tests/fuzz/corpus/$t
		log=$BUILD/fuzz/$t.replay.log
		n=$((n + 1))
		# -runs=0: execute every committed input once, fuzz nothing.
		if [ -n "$(ls -A "$corpus" 2>/dev/null)" ] &&
		   "$BUILD/tests/fuzz/$t" -runs=0 "$corpus" >"$log" 2>&1; then
			pass=$((pass + 1))
			echo "ok $n $t: $(ls "$corpus" | wc -l) committed inputs run cleanly"
		else
			fail=$((fail + 1))
			echo "not ok $n $t: committed inputs (or none in $corpus)"
			tail -n 20 "$log" 2>/dev/null | sed 's/^/# /'
		fi
		n=$((n + 1))
		log=$BUILD/fuzz/$t.smoke.log
		# From the committed corpus alone and a fixed seed, so that each run
		# follows the same sequence (only how far it gets in the time varies).
		rm -rf "$BUILD/fuzz/smoke/$t"
		if FUZZ_SEED=1 fuzz "$t" "$secs" "$log" "$BUILD/fuzz/smoke/$t"; then
			pass=$((pass + 1))
			echo "ok $n $t: ${secs}s of fuzzing, $(stat_of "$log" number_of_executed_units) executions, $(cov_of "$log")"
		else
			fail=$((fail + 1))
			echo "not ok $n $t: ${secs}s of fuzzing found a crash (in $BUILD/fuzz/crashes/$t/)"
			grep -E 'invariant broken|runtime error|ERROR:|SUMMARY|Test unit written' "$log" |
				head -n 12 | sed 's/^/# /'
		fi
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
	[ $fail -eq 0 ]
}

case $mode in
run) run "$@" ;;
smoke) smoke "$@" ;;
*) echo "usage: fuzz.sh run|smoke SECONDS TARGET..." >&2; exit 2 ;;
esac
