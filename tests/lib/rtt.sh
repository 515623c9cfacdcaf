# shellcheck shell=bash
# shellcheck disable=SC2034 # D, REGP, FRONTP, KEYPUB... are for the caller
# rtt.sh: the peers and signed images that tests/integration/roundtrips.sh and bench/rtt.sh
# count `picosign verify IMAGE`'s round trips against (docs/performance.md, "Round trips").
# Source it after tests/lib/check.sh, tests/lib/oci.sh and tests/registry/lib.sh, in the
# caller's own shell, after oci_scratch; the caller sets BIN and stops the front at exit.
#
#   rtt_setup   Debian's docker-registry (Basic auth tester/secret; no referrers API), the
#               referrers front before it (the OCI 1.1 API), a counting proxy before each
#               (servers/faultproxy.js, FAULTPROXY_LOG_CONNECTIONS=1, no faults), one image
#               pushed three times and signed with a fresh key and no log: rtt/legacy (the .sig
#               tag) and rtt/fallback (a v3 bundle on the fallback tag) on the registry, rtt/api
#               (a v3 bundle through the API) on the front. Sets D (the image digest), RP and FP
#               (the registry's and the front's ports), REGP and FRONTP (their proxies' ports,
#               logging to $T/regp.log and $T/frontp.log), RF (verify's registry flags) and
#               KEYPUB. Returns 1 (after `bad`) when something does not start.
#   PS ARGS     picosign with a 60 s limit; SIGN ARGS: sign with rtt_setup's key
# Needs ROOT (the repository), BIN, T and pids (oci_scratch).

PS() { timeout 60 "$BIN" "$@"; }
# SIGN ARGS...: picosign sign with rtt_setup's key and registry flags, no log (after rtt_setup)
SIGN() {
	PS sign -y "${RF[@]}" --key "$T/k.key" --tlog-upload=false "$@" >/dev/null 2>>"$T/sign.err"
}

# start_proxy NAME UPSTREAM_PORT: the counting proxy in front of a peer; sets PPORT.
start_proxy() {
	FAULTPROXY_LOG_CONNECTIONS=1 timeout -k 5 "$PEER_LIFETIME" node \
		"$ROOT/tests/integration/servers/faultproxy.js" "$T/$1.ready" "$T/$1.log" \
		$((PEER_LIFETIME - 10)) 5000 \
		"$2" >"$T/$1.out" 2>&1 &
	pids+=($!)
	PPORT=
	for _ in $(seq 200); do
		[ -s "$T/$1.ready" ] && PPORT=$(cat "$T/$1.ready") && break
		sleep 0.05
	done
	[ -n "$PPORT" ] || { echo "proxy $1 did not start:"; cat "$T/$1.out"; return 1; }
}

rtt_setup() {
	htpasswd -Bbn -C 4 tester secret >"$T/users.htpasswd" 2>/dev/null
	start_registry reg "auth:" "  htpasswd: {realm: test-registry, path: $T/users.htpasswd}" ||
		{ bad "registry starts"; return 1; }
	REG=http://127.0.0.1:$PORT
	RP=$PORT
	FRONT_LIFETIME=300 front_start "$REG" "$T/front" || { bad "front starts"; return 1; }
	FP=${FRONT_HOSTPORT#127.0.0.1:}
	start_proxy regp "$RP" || { bad "proxy before the registry starts"; return 1; }
	REGP=$PPORT
	start_proxy frontp "$FP" || { bad "proxy before the front starts"; return 1; }
	FRONTP=$PPORT

	CURL_AUTH=(-u tester:secret)
	make_image "$T/img" "round trips"
	D=$(digest_of "$T/img/manifest.json")
	for r in legacy fallback; do push_image "$REG" "rtt/$r" v1 "$T/img" || bad "push rtt/$r"; done
	push_image "$FRONT_URL" rtt/api v1 "$T/img" || bad "push rtt/api"

	RF=(--allow-http-registry --registry-username tester --registry-password secret)
	export COSIGN_PASSWORD=pw
	PS generate-key-pair --output-key-prefix "$T/k" >/dev/null 2>&1 || bad "generate-key-pair"
	SIGN --new-bundle-format=false "127.0.0.1:$RP/rtt/legacy@$D" || bad "sign legacy"
	SIGN "127.0.0.1:$RP/rtt/fallback@$D" || bad "sign v3 (fallback tag)"
	SIGN "127.0.0.1:$FP/rtt/api@$D" || bad "sign v3 (referrers API)"
	KEYPUB=$T/k.pub
}
