#!/usr/bin/env bash
# tuf_peer: self-test of picosign's TUF test peers (tests/tuf/) before picosign's TUF client
# (issue #11) relies on them. Needs no picosign binary.
#   1. gen-repos.mjs writes the attack matrix into $T (shape of every case.json, trusted/,
#      repo/, expected/ checked);
#   2. serve.mjs serves every case under /<case>/ and the real public-good vector under
#      /public-good/ from one process (GET-only, 404, 405, traversal, faults checked with curl);
#   3. tuf-js 5.0.1 (tufjs-client.mjs) runs on every case and must reach the case's verdict
#      (or the documented tuf-js verdict where tuf-js is known to differ), refuse for the
#      pinned reason (tufjs_error), and on accepted cases end at the expected versions with
#      the expected target bytes; the server log shows what it fetched (and did not);
#   4. where tuf-js differs from the spec, an independent check shows the case means what it
#      says (one key under two ids; non-hex signatures; 5.3.11 deletion makes the fast-forward
#      case succeed);
#   5. the public-good vector: tuf-js refuses it at the real clock (root v15 expired
#      2026-11-20), accepts it with the clock pinned to 2026-08-22 (in-process, and under
#      faketime when installed), and refuses it one second after the timestamp's expiry;
#   6. serve.mjs over TLS (openssl test CA) with tuf-js, and its request/lifetime limits.
# Prints "ok - ..." / "not ok - ..." and "N passed, N failed"; skips when node < 20.17, the
# tests/npm/node_modules tuf-js packages, jq or curl are missing. See docs/test-peers.md.
# shellcheck disable=SC2016 # single quotes hold jq, node and bash -c programs on purpose
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
jqe() { jq -e "$@" >/dev/null; }

for tool in jq curl timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# shellcheck source=tests/tuf/lib.sh
source "$ROOT/tests/tuf/lib.sh"
tuf_available || skip "$TUF_SKIP_REASON"
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy

T=$(mktemp -d)
PID2=
cleanup() {
	tuf_stop
	if [ -n "$PID2" ]; then kill -TERM "$PID2" 2>/dev/null; wait "$PID2" 2>/dev/null; fi
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE # through the EXIT trap: never leave the server behind
export TUF_LIFETIME=${TUF_LIFETIME:-120} # the whole test takes ~10 s
t_start=$(date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
M=$T/matrix
TJ=(timeout -k 5 120 node "$ROOT/tests/tuf/tufjs-client.mjs")

# ---- 1. the matrix ----
t0=$(date +%s%N)
if ! tuf_gen "$M"; then
	notok "gen-repos.mjs writes the matrix"
	finish
	exit 1
fi
ok "gen-repos.mjs writes the matrix ($(ms_since "$t0") ms)"
mapfile -t CASES < <(tuf_cases "$M")
check "at least 50 cases (${#CASES[@]})" test "${#CASES[@]}" -ge 50
check "index.json lists every case" test "$(jq '.cases | length' "$M/index.json")" = "${#CASES[@]}"
# one node process checks every case's shape (a jq call per file would take seconds)
shape=$(timeout 60 node --input-type=module -e '
import fs from "node:fs"; import crypto from "node:crypto"; import path from "node:path";
const m = process.argv[1]; const bad = [];
const sha = (f) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
for (const n of fs.readdirSync(m).sort()) {
	const d = path.join(m, n), cf = path.join(d, "case.json");
	if (!fs.existsSync(cf)) continue;
	const c = JSON.parse(fs.readFileSync(cf, "utf8"));
	const need = c.name === n && ["accept", "refuse"].includes(c.expect) && typeof c.role === "string" &&
		typeof c.check === "string" && typeof c.spec === "string" && (c.description || "").length > 10 &&
		Array.isArray(c.trusted_files) && c.trusted_files.includes("root.json");
	if (!need) { bad.push(`${n}:fields`); continue; }
	if (!fs.existsSync(path.join(d, "repo"))) bad.push(`${n}:repo`);
	for (const f of c.trusted_files) if (!fs.existsSync(path.join(d, "trusted", f))) bad.push(`${n}:trusted/${f}`);
	if (sha(path.join(d, "trusted", "root.json")) !== c.trusted_root_sha256) bad.push(`${n}:root-sha`);
	if (c.expect === "accept") {
		const f = c.final || {};
		if (!(f.root && f.timestamp && f.snapshot && f.targets)) bad.push(`${n}:final`);
		if (Object.keys(c.targets || {}).length !== 2) bad.push(`${n}:targets`);
		for (const [t, e] of Object.entries(c.targets || {})) {
			if (sha(path.join(d, e.file)) !== e.sha256 || fs.statSync(path.join(d, e.file)).size !== e.length) bad.push(`${n}:${t}`);
			if (!fs.existsSync(path.join(d, "repo", "targets", `${e.sha256}.${t}`))) bad.push(`${n}:repo-${t}`);
		}
	}
}
console.log(bad.join(" "));' "$M" 2>&1)
check "every case has case.json fields, trusted/, repo/, expected targets (${shape:-all fine})" test -z "$shape"
for c in good rollback-timestamp rollback-snapshot rollback-targets root-version-skip expired-timestamp \
	expired-snapshot expired-targets expired-root mix-and-match-targets-version mix-and-match-snapshot-hash \
	root-threshold threshold-distinct-key-root rotation-root-keys rotation-new-keys-only fast-forward-timestamp \
	oversize-timestamp oversize-root target-length target-hash sig-not-hex sig-der-bad-length bad-spec-version wrong-type; do
	[ -f "$M/$c/case.json" ] || notok "required case $c exists"
done
G=$M/good
check "good: keys in three forms (ecdsa+PEM, ecdsa-sha2-nistp256+PEM, ecdsa-sha2-nistp256+hex)" \
	test "$(jq -r '[.signed.keys[] | .keytype + (if (.keyval.public | startswith("-----BEGIN PUBLIC KEY-----")) then "+pem" else "+hex" end)] | unique | join(",")' "$G/repo/2.root.json")" \
	= "ecdsa+pem,ecdsa-sha2-nistp256+hex,ecdsa-sha2-nistp256+pem"
check "good: consistent_snapshot, spec_version 1.0, hex DER signatures, one empty sig in v1" \
	jqe -s '.[0].signed.consistent_snapshot == true and .[0].signed.spec_version == "1.0"
		and ([.[0].signatures[].sig | test("^30[0-9a-f]+$")] | all)
		and ([.[1].signatures[] | select(.sig == "")] | length) == 1' "$G/repo/2.root.json" "$G/repo/1.root.json"
check "good: timestamp and snapshot meta carry only version (as public-good)" \
	jqe -s '(.[0].signed.meta["snapshot.json"] | keys) == ["version"] and (.[1].signed.meta["targets.json"] | keys) == ["version"]' \
	"$G/repo/timestamp.json" "$G/repo/5.snapshot.json"

# ---- 2. the server ----
if ! tuf_serve "$M"; then
	notok "serve.mjs starts and writes its ready file"
	finish
	exit 1
fi
ok "serve.mjs ready on $TUF_URL (pid $TUF_PID)"
C=(curl -sS --max-time 5 -o /dev/null -w '%{http_code}')
check "GET /good/2.root.json -> 200 with the file's bytes" \
	test "$(curl -sS --max-time 5 "$TUF_URL/good/2.root.json" | sha256sum)" = "$(sha256sum <"$G/repo/2.root.json")"
check "GET /good/99.root.json -> 404" test "$("${C[@]}" "$TUF_URL/good/99.root.json")" = 404
check "GET /no-such-case/timestamp.json -> 404" test "$("${C[@]}" "$TUF_URL/no-such-case/timestamp.json")" = 404
check "POST -> 405" test "$("${C[@]}" -X POST "$TUF_URL/good/timestamp.json")" = 405
check "HEAD -> 405" test "$(curl -sS --max-time 5 -I -o /dev/null -w '%{http_code}' "$TUF_URL/good/timestamp.json")" = 405
check "path traversal -> 400" test "$("${C[@]}" --path-as-is "$TUF_URL/good/../../../etc/passwd")" = 400
check "GET /good/ (a directory) -> 404" test "$("${C[@]}" "$TUF_URL/good/")" = 404
check "fault status: /timestamp-unavailable/timestamp.json -> 503" \
	test "$("${C[@]}" "$TUF_URL/timestamp-unavailable/timestamp.json")" = 503
sz=$(curl -sS --max-time 1 -o /dev/null -w '%{size_download}' "$TUF_URL/oversize-timestamp/timestamp.json" 2>/dev/null)
check "fault endless: more than 1 MiB in 1 s, still going (got $sz bytes)" test "${sz:-0}" -gt 1048576
if [ -n "$(tuf_pg_dir)" ]; then
	PG=$(tuf_pg_dir)
	check "public-good vector served at /public-good/ (15.root.json, timestamp, 165.snapshot, 14.targets, trusted_root target)" \
		test "$(for p in 15.root.json timestamp.json 165.snapshot.json 14.targets.json 8.registry.npmjs.org.json \
			targets/6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json; do
			"${C[@]}" "$TUF_URL/public-good/$p"; echo; done | sort -u)" = 200
	check "public-good 16.root.json -> 404 (end of the root chain)" test "$("${C[@]}" "$TUF_URL/public-good/16.root.json")" = 404
fi
check "one log line per request" grep -qE '^tuf-serve: #[0-9]+ GET /good/2.root.json -> 200 [0-9]+ bytes' "$TUF_LOG"

# ---- 3. tuf-js on every case ----
t0=$(date +%s%N)
"${TJ[@]}" --cases "$M" --url "$TUF_URL" --cache "$T/tufjs" >"$T/tufjs.jsonl" 2>"$T/tufjs.err"
tj_ms=$(ms_since "$t0")
check "tuf-js ran on every case (${tj_ms} ms)" test "$(wc -l <"$T/tufjs.jsonl")" = "${#CASES[@]}"
# One jq program compares every result with its case: the verdict (case.tufjs.verdict where
# tuf-js is known to differ, else case.expect), the pinned refusal reason, and for accepted cases
# the final versions and the sha256 of both downloaded targets.
while IFS=$'\t' read -r st msg; do
	if [ "$st" = ok ]; then ok "$msg"; else notok "$msg"; fi
done < <(jq -r -s --slurpfile cases <(cat "$M"/*/case.json | jq -s .) '
	(map({(.case): .}) | add) as $R
	| $cases[0][] | . as $c | $R[$c.name] as $r | ($c.tufjs.verdict // $c.expect) as $want
	| (if $want != $c.expect then " (tuf-js known to differ from the spec'"'"'s \($c.expect))" else "" end) as $note
	| if $r == null then "notok\t\($c.name): no tuf-js result"
	  elif $r.verdict != $want then "notok\t\($c.name): tuf-js \($r.verdict), want \($want)\($note): \($r.error)"
	  elif $r.verdict == "refuse" and ($c.tufjs_error // "") != "" and ($r.error | test($c.tufjs_error) | not)
	    then "notok\t\($c.name): tuf-js refused for another reason: \($r.error) (want /\($c.tufjs_error)/)"
	  elif $c.expect == "accept" and $r.verdict == "accept" and ($r.versions != $c.final
	      or ($r.targets | length) != 2 or ([$r.targets | to_entries[] | .value == $c.targets[.key].sha256] | all | not))
	    then "notok\t\($c.name): tuf-js accepted but versions or targets differ: \($r | tojson)"
	  else "ok\t\($c.name): tuf-js \($r.verdict)\($note)\(if $r.error != "" then " (\($r.error))" else "" end)"
	  end' "$T/tufjs.jsonl")
summary=$(jq -r -s 'map("\(.case)=\(.verdict)") | join(" ")' "$T/tufjs.jsonl")

# what tuf-js fetched (server log) for the good case and the root gap
fetched=$(tuf_fetched good)
missing=()
for p in $(jq -r '.fetched[]' "$G/case.json"); do
	grep -q "^GET $p " <<<"$fetched" || missing+=("$p")
done
check "good: tuf-js fetched the versioned paths of case.json .fetched (${missing[*]:-all})" test ${#missing[@]} -eq 0
check "good: /3.root.json was 404 and ended the root loop" grep -q '^GET /3.root.json 404$' <<<"$fetched"
unwanted=()
for p in $(jq -r '.not_fetched[]' "$G/case.json"); do
	grep -q "^GET $p " <<<"$fetched" && unwanted+=("$p")
done
check "good: nothing of .not_fetched requested (${unwanted[*]:-none})" test ${#unwanted[@]} -eq 0
check "good: the delegated role was not fetched (trusted_root.json is top-level)" \
	bash -c '! grep -q "registry.npmjs.org" <<<"$1"' _ "$fetched"
check "root-gap: tuf-js stopped at 404 for 2.root.json, never asked for 3.root.json" \
	bash -c 'grep -q "^GET /2.root.json 404$" <<<"$1" && ! grep -q "^GET /3.root.json" <<<"$1"' _ "$(tuf_fetched root-gap)"

# ---- 4. independent evidence where tuf-js differs from the spec ----
# One key under two key ids: both ids carry the same public key, both signatures verify with it,
# threshold 2, so the distinct-key count is 1 (checked with @tufjs/models primitives and node crypto).
dupcheck() { # ROOT_FILE ROLE SIGNED_FILE
	timeout 30 node --input-type=module -e "
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire('$ROOT/tests/npm/package.json');
const { Metadata } = require('@tufjs/models');
const root = Metadata.fromJSON('root', JSON.parse(fs.readFileSync('$1')));
const kind = '$2' === 'root' ? 'root' : 'targets';
const md = Metadata.fromJSON(kind, JSON.parse(fs.readFileSync('$3')));
const role = root.signed.roles['$2'];
const pems = new Set(); let verified = 0;
for (const id of role.keyIDs) { const k = root.signed.keys[id]; pems.add(k.keyVal.public); try { k.verifySignature(md); verified++; } catch {} }
process.exit(role.threshold === 2 && role.keyIDs.length === 2 && pems.size === 1 && verified === 2 ? 0 : 1);"
}
check "threshold-distinct-key-root: v2's root role is one key under two ids, both signatures verify, threshold 2" \
	dupcheck "$M/threshold-distinct-key-root/repo/2.root.json" root "$M/threshold-distinct-key-root/repo/2.root.json"
check "threshold-distinct-key-targets: the targets role is one key under two ids, both signatures verify, threshold 2" \
	dupcheck "$M/threshold-distinct-key-targets/trusted/root.json" targets "$M/threshold-distinct-key-targets/repo/3.targets.json"
check "sig-hex-trailing-garbage / sig-hex-odd-length: the sig strings are not hex (bytes), the prefix is the valid DER" \
	jqe -s 'map(.signatures[0].sig) | (.[0] | test("^[0-9a-f]+zz$")) and (.[1] | test("^[0-9a-f]+$") and (length % 2 == 1))' \
	"$M/sig-hex-trailing-garbage/repo/timestamp.json" "$M/sig-hex-odd-length/repo/timestamp.json"
ff=$M/fast-forward-snapshot-key-only
check "fast-forward-snapshot-key-only: root v2 rotates the snapshot key, keeps the timestamp key" \
	jqe -s '.[0].signed.roles.snapshot.keyids != .[1].signed.roles.snapshot.keyids
		and .[0].signed.roles.timestamp.keyids == .[1].signed.roles.timestamp.keyids' "$ff/trusted/root.json" "$ff/repo/2.root.json"
line=$("${TJ[@]}" --case "$ff" --url "$(tuf_case_url fast-forward-snapshot-key-only)" --cache "$T/tufjs-drop" --drop timestamp.json,snapshot.json)
check "fast-forward-snapshot-key-only: with the cached timestamp and snapshot deleted (TUF 5.3.11), tuf-js accepts" \
	jqe --slurpfile cs "$ff/case.json" '.verdict == "accept" and .versions == $cs[0].final' <<<"$line"
line=$("${TJ[@]}" --case "$M/rollback-snapshot" --url "$(tuf_case_url rollback-snapshot)" --cache "$T/tufjs-drop" --drop timestamp.json,snapshot.json)
check "rollback-snapshot: the same repo is accepted without the cached metadata (so the refusal is the rollback check)" \
	jqe '.verdict == "accept"' <<<"$line"
line=$("${TJ[@]}" --case "$M/rollback-targets" --url "$(tuf_case_url rollback-targets)" --cache "$T/tufjs-drop" --drop timestamp.json,snapshot.json,targets.json)
check "rollback-targets: accepted without the cached metadata (the refusal is the rollback check)" jqe '.verdict == "accept"' <<<"$line"
# the endless bodies were not read to the end: the server sent a bounded amount before tuf-js left
for c in oversize-timestamp oversize-root oversize-target; do
	n=$(sed -n "s|^tuf-serve: #[0-9]* GET /$c/[^ ]* -> 200 \([0-9]*\) bytes \[endless\].*|\1|p" "$TUF_LOG" | tail -n 1)
	check "$c: the endless body was abandoned by the client (server sent ${n:-?} bytes)" \
		test -n "$n" -a "${n:-0}" -lt 67108864
done

# ---- 5. the public-good vector ----
if PG=$(tuf_pg_dir); then
	PGURL=$TUF_URL/public-good
	line=$("${TJ[@]}" --public-good "$PG" --url "$PGURL" --cache "$T/pg1")
	check "public-good at the real clock: tuf-js walks roots 1 -> 15 and refuses the expired root v15 ($(jq -r .error <<<"$line"))" \
		jqe '.verdict == "refuse" and (.error | test("Final root.json is expired")) and .versions.root == 15' <<<"$line"
	pg_ok='.verdict == "accept" and .versions == {"root":15,"timestamp":762,"snapshot":165,"targets":14}
		and .targets["trusted_root.json"] == "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66"
		and .targets["signing_config.v0.2.json"] == "9711a6d5375706957a4859af31c5866a4474f81f0544f9f4b76c9c4f4c8a539c"'
	line=$("${TJ[@]}" --public-good "$PG" --url "$PGURL" --cache "$T/pg2" --now 2026-08-22T00:00:00Z)
	check "public-good with the clock pinned to 2026-08-22 (in-process): accepted, root 15, timestamp 762, snapshot 165, targets 14, both targets" \
		jqe "$pg_ok" <<<"$line"
	line=$("${TJ[@]}" --public-good "$PG" --url "$PGURL" --cache "$T/pg3" --now 2026-08-28T19:25:57Z)
	check "public-good one second after the timestamp's expiry (2026-08-28T19:25:57Z): refused ($(jq -r .error <<<"$line"))" \
		jqe '.verdict == "refuse" and (.error | test("Final timestamp.json is expired"))' <<<"$line"
	if command -v faketime >/dev/null 2>&1; then
		line=$(timeout -k 5 60 faketime '2026-08-22 00:00:00' node "$ROOT/tests/tuf/tufjs-client.mjs" \
			--public-good "$PG" --url "$PGURL" --cache "$T/pg4")
		check "public-good under faketime 2026-08-22 (node wrapped by faketime): accepted" jqe "$pg_ok" <<<"$line"
	else
		echo "note: faketime not installed (apt-get install faketime): the faketime variant is not run"
	fi
else
	echo "note: public-good vector not found (SG_VECTORS): its checks are not run"
fi
tuf_stop
check "server log ends with its exit line" grep -q '^tuf-serve: exiting: SIGTERM' "$TUF_LOG"

# ---- 6. TLS and the server's own limits ----
if command -v openssl >/dev/null 2>&1; then
	mkdir -p "$T/tls"
	(
		cd "$T/tls" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj '/CN=picosign test CA' \
			-keyout ca.key -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=127.0.0.1' -keyout srv.key -out srv.csr
		printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >ext.cnf
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ext.cnf -out srv.pem
	) >/dev/null 2>&1
	timeout -k 5 30 node "$ROOT/tests/tuf/serve.mjs" --dir "$G/repo" --ready "$T/tls/ready" --max-lifetime 25 \
		--tls-cert "$T/tls/srv.pem" --tls-key "$T/tls/srv.key" 2>"$T/tls/log" &
	PID2=$!
	for ((i = 0; i < 200; i++)); do [ -s "$T/tls/ready" ] && break; sleep 0.05; done
	if [ -s "$T/tls/ready" ]; then
		line=$(NODE_EXTRA_CA_CERTS=$T/tls/ca.pem "${TJ[@]}" --case "$G" --url "https://127.0.0.1:$(cat "$T/tls/ready")" --cache "$T/tls/c")
		check "over TLS (test CA): tuf-js accepts the good case" jqe '.verdict == "accept"' <<<"$line"
	else
		notok "serve.mjs with --tls-cert starts"
	fi
	kill -TERM "$PID2" 2>/dev/null; wait "$PID2" 2>/dev/null; PID2=
fi
timeout -k 5 30 node "$ROOT/tests/tuf/serve.mjs" --dir "$G/repo" --ready "$T/lim.ready" --max-requests 2 --max-lifetime 20 2>"$T/lim.log" &
PID2=$!
for ((i = 0; i < 200; i++)); do [ -s "$T/lim.ready" ] && break; sleep 0.05; done
u=http://127.0.0.1:$(cat "$T/lim.ready" 2>/dev/null)
"${C[@]}" "$u/timestamp.json" >/dev/null 2>&1
"${C[@]}" "$u/timestamp.json" >/dev/null 2>&1
for ((i = 0; i < 100; i++)); do kill -0 "$PID2" 2>/dev/null || break; sleep 0.05; done
check "serve.mjs exits after --max-requests 2" bash -c '! kill -0 "$1" 2>/dev/null && grep -q "exiting: request limit 2 reached" "$2"' _ "$PID2" "$T/lim.log"
wait "$PID2" 2>/dev/null; PID2=
t1=$(date +%s%N)
timeout -k 5 30 node "$ROOT/tests/tuf/serve.mjs" --dir "$G/repo" --ready "$T/life.ready" --max-lifetime 1 2>"$T/life.log" &
PID2=$!
wait "$PID2" 2>/dev/null; PID2=
check "serve.mjs exits after --max-lifetime 1 ($(ms_since "$t1") ms)" grep -q 'exiting: lifetime 1 s reached' "$T/life.log"

echo "tuf-js verdicts: $summary"
echo "timing: total $(ms_since "$t_start") ms, tuf-js over ${#CASES[@]} cases ${tj_ms} ms"
finish
