#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make soak: boot BUILD/soak/esp.img (the EL1 payload in soak mode,
# tests/target/payload/soak.c) on SOAK_CPUS CPUs (default 8, QEMU's `max`
# CPU under TCG) for SOAK_SECONDS (default 300) of random host ABI calls on
# every CPU at once. SOAK_TCG picks QEMU's TCG threading: "multi" (default:
# one host thread per CPU, so CPUs really run at the same time; on a small
# host every broadcast TLBI stops them all, and the call rate is low) or
# "single" (one thread runs the CPUs in turns, switching at WFE and every
# 100 ms: many more calls, interleaved rather than simultaneous). Extra QEMU
# arguments: SOAK_QEMU_ARGS. Prints the payload's "soak:" lines as they come and
# exits non-zero on any divergence, on a hypervisor panic or EL2 exception,
# on a missing end line (a hang, a timeout) or when fewer CPUs ran than asked.
# The console log is BUILD/soak/soak.log. Not part of make check.
set -uo pipefail

BUILD=${BUILD:-build}
secs=${SOAK_SECONDS:-300}
cpus=${SOAK_CPUS:-8}
tcg=${SOAK_TCG:-multi}
log=$BUILD/soak/soak.log
here=$(dirname "$0")

case $tcg in
multi) accel=() ;;
single) accel=(-accel tcg,thread=single) ;;
*) echo "soak: SOAK_TCG must be multi or single, not '$tcg'" >&2; exit 2 ;;
esac
mkdir -p "$BUILD/soak"
: >"$log"
echo "soak: $cpus CPUs for $secs s, TCG $tcg-threaded; console log in $log"
# Follow the log while QEMU runs (and a second after): the payload's
# progress, the hypervisor's errors. (Its warnings are mostly the DMA faults
# the soak provokes: in the log.)
tail -n +1 -F --pid=$$ "$log" 2>/dev/null |
	grep --line-buffered -E '^soak: |PANIC|Synchronous Exception|^isohyp: error' &
# Boot takes a minute or two under TCG on a loaded machine; barriers add a few seconds each.
"$here/run-qemu" --esp "$BUILD/soak/esp.img" --cpus "$cpus" --mem 2G \
	--timeout $((secs * 2 + 600)) --log "$log" --fail-on 'Synchronous Exception|PANIC' -- \
	"${accel[@]}" ${SOAK_QEMU_ARGS:-}
rc=$?
sleep 2 # the follower prints the last lines

end=$(grep -aE '^soak: [0-9]+ calls on [0-9]+ CPUs in [0-9]+ s \([0-9]+ calls/s\), [0-9]+ divergences' \
	"$log" | tail -n1 | tr -d '\r')
fail=0
if [ $rc -ne 0 ]; then
	echo "soak: FAIL: QEMU exited $rc (3: a panic or EL2 exception, 124: timeout)"
	fail=1
fi
if [ -z "$end" ]; then
	echo "soak: FAIL: no end line (the run hung or stopped early)"
	fail=1
else
	ran=$(sed -E 's/.* on ([0-9]+) CPUs .*/\1/' <<<"$end")
	divs=$(sed -E 's/.*, ([0-9]+) divergences.*/\1/' <<<"$end")
	[ "$ran" -eq "$cpus" ] || { echo "soak: FAIL: $ran CPUs ran, $cpus asked"; fail=1; }
	[ "$divs" -eq 0 ] || { echo "soak: FAIL: $divs divergences (see $log)"; fail=1; }
fi
grep -aq '^isohyp-payload: done, powering off' "$log" ||
	{ echo "soak: FAIL: the payload did not finish"; fail=1; }
[ $fail -eq 0 ] && echo "soak: PASS: $end"
exit $fail
