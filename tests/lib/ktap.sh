# SPDX-License-Identifier: GPL-2.0-only
# KTAP helpers for the shell-driven (QEMU) test suites. Source it, then:
#
#   ktap_plan 3
#   ktap_ok "name" test -f file          # runs the command; ok when it succeeds
#   ktap_marker "name" LOG 'regex'       # ok when LOG has a line matching regex
#   ktap_no_line "name" LOG 'regex'      # ok when LOG exists and no line matches
#   ktap_phys_expect "name" LOG TAG      # memory read from outside holds what the guest expected
#   ktap_phys_same "name" LOG TAG1 TAG2  # two reads from outside found the same bytes
#   ktap_done                            # prints totals; exit status 1 on failure
#
# The phys checks need a run with `run-qemu --phys-reads`: the guest prints
# "isohyp-check: phys 0xADDR LEN TAG" and qemu-expect logs
# "qemu-expect: phys TAG 0xADDR HEX" (scripts/qemu-expect); a guest that knows
# what must be there prints "isohyp-check: expect TAG HEX" beforehand.
#
# A failed check prints the log's last lines as "# " diagnostics.

KTAP_N=0 KTAP_PASS=0 KTAP_FAIL=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_result() { # ktap_result OK NAME
	KTAP_N=$((KTAP_N + 1))
	if [ "$1" = 0 ]; then
		KTAP_PASS=$((KTAP_PASS + 1))
		echo "ok $KTAP_N $2"
	else
		KTAP_FAIL=$((KTAP_FAIL + 1))
		echo "not ok $KTAP_N $2"
	fi
}

ktap_ok() {
	local name=$1; shift
	"$@" >/dev/null 2>&1
	ktap_result $? "$name"
}

ktap_marker() {
	local name=$1 log=$2 re=$3
	if grep -qE -- "$re" "$log" 2>/dev/null; then
		ktap_result 0 "$name"
	else
		ktap_result 1 "$name"
		echo "# no line matching /$re/ in $log; its last lines:"
		tail -n 15 "$log" 2>/dev/null | sed 's/^/#   /'
	fi
}

ktap_no_line() {
	local name=$1 log=$2 re=$3
	if [ -f "$log" ] && ! grep -qE -- "$re" "$log"; then
		ktap_result 0 "$name"
	else
		ktap_result 1 "$name"
		echo "# a line matches /$re/ in $log (or it is missing):"
		grep -E -- "$re" "$log" 2>/dev/null | head -n 5 | sed 's/^/#   /'
	fi
}

# The bytes qemu-expect read for TAG (empty when missing or failed).
ktap_phys_bytes() { # ktap_phys_bytes LOG TAG
	sed -n "s/^qemu-expect: phys $2 0x[0-9a-f]* \([0-9a-f]*\)\$/\1/p" "$1" 2>/dev/null | head -n1
}

ktap_phys_expect() {
	local name=$1 log=$2 tag=$3 want got
	want=$(sed -n "s/^isohyp-check: expect $tag \([0-9a-f]*\)\$/\1/p" "$log" 2>/dev/null | head -n1)
	got=$(ktap_phys_bytes "$log" "$tag")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ktap_result 0 "$name"
	else
		ktap_result 1 "$name"
		echo "# $tag: the guest expected '${want:-?}'"
		echo "# $tag: QEMU's monitor read '${got:-?}'"
		grep -E "^(qemu-expect: phys $tag |isohyp-check: (phys .* $tag$|expect $tag ))" "$log" 2>/dev/null |
			head -n 4 | sed 's/^/#   /'
	fi
}

ktap_phys_same() {
	local name=$1 log=$2 a b
	a=$(ktap_phys_bytes "$log" "$3")
	b=$(ktap_phys_bytes "$log" "$4")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		ktap_result 0 "$name"
	else
		ktap_result 1 "$name"
		echo "# $3: '${a:-?}'"
		echo "# $4: '${b:-?}'"
	fi
}

ktap_done() {
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:0 xpass:0 skip:${KTAP_SKIP:-0} error:0"
	echo "$KTAP_PASS passed, $KTAP_FAIL failed"
	[ $KTAP_FAIL -eq 0 ]
}
