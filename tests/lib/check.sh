# check.sh: the pass/fail bookkeeping every integration script shares (source it once).
#   ok [DESC]          count a pass (printed as "ok - DESC" when DESC is given)
#   bad DESC, notok    count a failure, printed as "not ok - DESC" (tests/run.sh shows these)
#   check DESC CMD...  ok when CMD succeeds, else bad
#   skip REASON        "skipped: REASON" and a zero count, then exit 0 (a missing peer)
#   finish             the closing "N passed, N failed" line; its status is the verdict
pass=0
fail=0
ok() {
	pass=$((pass + 1))
	[ $# -eq 0 ] || echo "ok - $*"
}
bad() {
	fail=$((fail + 1))
	echo "not ok - $*"
}
notok() { bad "$@"; }
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
skip() {
	echo "skipped: $1"
	echo "0 passed, 0 failed"
	exit 0
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
