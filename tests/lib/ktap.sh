# SPDX-License-Identifier: GPL-2.0-only
# KTAP helpers for the shell-driven (QEMU) test suites. Source it, then:
#
#   ktap_plan 3
#   ktap_ok "name" test -f file          # runs the command; ok when it succeeds
#   ktap_marker "name" LOG 'regex'       # ok when LOG has a line matching regex
#   ktap_no_line "name" LOG 'regex'      # ok when LOG exists and no line matches
#   ktap_done                            # prints totals; exit status 1 on failure
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

ktap_done() {
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:0 xpass:0 skip:0 error:0"
	echo "$KTAP_PASS passed, $KTAP_FAIL failed"
	[ $KTAP_FAIL -eq 0 ]
}
