#!/usr/bin/env bash
# batch: many images in one process (issue #15 item 2), against Debian's docker-registry on
# loopback: `verify -` reads the references from standard input, --output jsonl prints one
# line per image in input order, --max-workers 4 verifies them in parallel, and the peak RSS of
# 100 images stays within a small margin of 10 (the worker arenas are handed back per image).
# 10 distinct images (signed with key 1 in cosign v3's bundle form or the legacy .sig form,
# unsigned, signed with key 2) are each pushed under 10 tags: 100 references, 8 signatures
# (each signing decrypts the key with scrypt: the slow part of the script).
# Key signatures without a transparency log (--tlog-upload=false, --insecure-ignore-tlog), so
# no Sigstore peer is needed. Inputs: SG_BIN, SG_BUILD. Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh
ROOT=$PWD
BIN=${SG_BIN:-$ROOT/build/release/picosign}
[ -x "$BIN" ] || skip "no picosign binary at $BIN"
for tool in docker-registry curl jq timeout sha256sum tar gzip cc; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy DOCKER_CONFIG \
	REGISTRY_AUTH_FILE XDG_RUNTIME_DIR XDG_CONFIG_HOME
for v in $(env | sed -n 's/^\(COSIGN_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
source tests/lib/oci.sh
oci_scratch
start_registry reg || { bad "registry starts"; finish; exit 1; }
R=127.0.0.1:$PORT
BASE=http://$R
cd "$T" || exit 1
PS() { timeout 120 "$BIN" "$@"; }
cc -O2 -o rss "$ROOT/bench/rss.c" || { bad "bench/rss.c builds"; finish; exit 1; }
V=(verify --key k1.pub --insecure-ignore-tlog)

COSIGN_PASSWORD=pw1 PS generate-key-pair --output-key-prefix k1 >/dev/null 2>&1
COSIGN_PASSWORD=pw2 PS generate-key-pair --output-key-prefix k2 >/dev/null 2>&1
check "two key pairs" test -s k1.key -a -s k2.pub

echo "# 10 images, 10 tags each"
t0=$(date +%s%N)
D=() kind=()
for i in $(seq 1 10); do
	make_image "$T/i$i" "batch $i" && push_image "$BASE" batch "t$i-1" "$T/i$i" >/dev/null ||
		{ bad "push image $i"; finish; exit 1; }
	d=$(digest_of "$T/i$i/manifest.json")
	for k in $(seq 2 10); do
		put_manifest "$BASE" batch "t$i-$k" "$T/i$i/manifest.json" \
			application/vnd.oci.image.manifest.v1+json || bad "tag t$i-$k"
	done
	D+=("$d")
	case $((i % 4)) in
	1) COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=true --key k1.key --tlog-upload=false \
		-y "$R/batch@$d" >/dev/null 2>&1; kind+=(ok) ;;
	2) COSIGN_PASSWORD=pw1 PS sign --new-bundle-format=false --key k1.key --tlog-upload=false \
		-y "$R/batch@$d" >/dev/null 2>&1; kind+=(ok) ;;
	3) kind+=(none) ;;
	0) COSIGN_PASSWORD=pw2 PS sign --new-bundle-format=false --key k2.key --tlog-upload=false \
		-y "$R/batch@$d" >/dev/null 2>&1; kind+=(wrong) ;;
	esac
done
echo "pushed 10 images under 100 tags and signed 8 in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# The list: image j of 100 is tag k of image i, the images interleaved (i = j mod 10), with
# comments, blank lines and blanks around references that the reader skips and trims.
: >list100
: >exp100
{
	echo "# batch audit list"
	echo
} >>list100
for j in $(seq 0 99); do
	i=$((j % 10 + 1))
	k=$((j / 10 + 1))
	[ $((j % 17)) = 5 ] && printf '\n   # a comment\n' >>list100
	if [ $((j % 13)) = 7 ]; then printf '  %s\t\r\n' "$R/batch:t$i-$k" >>list100
	else echo "$R/batch:t$i-$k" >>list100; fi
	echo "$R/batch:t$i-$k ${D[$((i - 1))]} ${kind[$((i - 1))]}" >>exp100
done
head -n 10 exp100 | cut -d' ' -f1 >list10
check "100 references in the list, 10 in the short one" test "$(wc -l <exp100)" = 100 -a \
	"$(wc -l <list10)" = 10

echo "# verify - --output jsonl --max-workers 4"
t0=$(date +%s%N)
./rss "$BIN" "${V[@]}" --max-workers 4 --output jsonl - <list100 >out100 2>err100
rc=$?
ms100=$(( ($(date +%s%N) - t0) / 1000000 ))
# Image 3 of the list (i = 3) is the first failure: unsigned, exit 10.
check "100 images: the exit code of the first failing image (unsigned: 10, got $rc)" \
	test "$rc" -eq 10
check "stderr: no line per image (only --insecure-ignore-tlog's warning and the measurement)" \
	test "$(grep -v '^rss_kib=' err100 | grep -vc '^WARNING: Skipping tlog')" = 0
check "one line per image" test "$(wc -l <out100)" = 100
check "every line is one JSON object" test "$(jq -c 'type' out100 | grep -c object)" = 100
good=1 okn=0 nonen=0 wrongn=0
exec 3<exp100
while read -r line; do
	read -r ref dg want <&3
	img=$(jq -r .image <<<"$line")
	[ "$img" = "$ref" ] || { good=0; echo "order: $img, want $ref"; continue; }
	[ "$(jq -r .digest <<<"$line")" = "$dg" ] || { good=0; echo "digest: $line"; }
	case $want in
	ok) jq -e '.verified == true and .exit == 0 and .error == null and .check == null' \
		<<<"$line" >/dev/null && okn=$((okn + 1)) || { good=0; echo "want ok: $line"; } ;;
	none) jq -e '.verified == false and .exit == 10 and .check == "signatures-found" and
		.error == "no signatures found"' <<<"$line" >/dev/null &&
		nonen=$((nonen + 1)) || { good=0; echo "want none: $line"; } ;;
	wrong) jq -e '.verified == false and .exit == 12 and .check == "verify" and
		(.error | startswith("no matching signatures: "))' <<<"$line" >/dev/null &&
		wrongn=$((wrongn + 1)) || { good=0; echo "want wrong: $line"; } ;;
	esac
done <out100
exec 3<&-
check "each line has its verdict, in list order: $okn verified, $nonen unsigned, $wrongn by another key" \
	test "$good" = 1 -a "$okn" = 60 -a "$nonen" = 20 -a "$wrongn" = 20
check "both forms verified (v3 bundle and legacy .sig images among the passes)" test \
	"$(grep -c "\"$R/batch:t1-.*\"verified\":true" out100)" = 10 -a \
	"$(grep -c "\"$R/batch:t2-.*\"verified\":true" out100)" = 10

./rss "$BIN" "${V[@]}" --max-workers 4 --output jsonl - <list10 >out10 2>err10
check "10 images: exit 10 as well" test $? -eq 10
check "10 images: the same lines as the first 10 of 100" cmp -s out10 <(head -n 10 out100)
rss100=$(sed -n 's/^rss_kib=\([0-9]*\).*/\1/p' err100)
rss10=$(sed -n 's/^rss_kib=\([0-9]*\).*/\1/p' err10)
echo "peak RSS: 10 images ${rss10:-?} KiB, 100 images ${rss100:-?} KiB; 100 images in $ms100 ms"
# The margin: 100 JSON lines (about 20 KiB) and the jobs; anything that grew per image would
# show as megabytes (each image touches over 5 MiB of its worker's arena).
check "flat memory: 100 images within 1 MiB of 10 ($rss10 -> $rss100 KiB)" \
	test -n "$rss10" -a -n "$rss100" -a "$((rss100 - rss10))" -le 1024

PS "${V[@]}" --max-workers 1 --output jsonl - <list100 >one100 2>/dev/null
check "--max-workers 1: the same lines" cmp -s out100 one100

echo "# the list form and cosign's output"
mapfile -t ten <list10
PS "${V[@]}" --max-workers 4 "${ten[@]}" >args.out 2>args.err
rca=$?
PS "${V[@]}" --max-workers 4 - <list10 >stdin.out 2>stdin.err
rcs=$?
check "verify - without jsonl prints what verify IMAGE... prints (exit $rcs)" \
	test "$rca" = "$rcs" -a "$rcs" = 10
check "the same stdout" cmp -s args.out stdin.out
check "the same stderr" cmp -s args.err stdin.err
printf '%s\n' "$R/batch:t1-1" | PS "${V[@]}" -o jsonl - >single.out 2>single.err
check "one image from stdin: one line, exit 0" test $? -eq 0 -a "$(wc -l <single.out)" = 1
printf '%s\n' "$R/batch:nope" | PS "${V[@]}" -o jsonl - >nope.out 2>/dev/null
check "a missing tag: exit 11, check resolve, no digest" test $? -eq 11 -a \
	"$(jq -c '[.verified, .check, .digest, .exit]' nope.out)" = '[false,"resolve",null,11]'
check "its error says so" test "$(jq '.error | startswith("image tag not found: ")' nope.out)" = true

echo "# --local-image: layouts listed on stdin"
PS save "$R/batch:t1-1" --dir lay1 >/dev/null 2>&1 && PS save "$R/batch:t3-1" --dir lay3 >/dev/null 2>&1
printf 'lay1\nlay3\n' | PS "${V[@]}" --local-image -o jsonl - >lay.out 2>/dev/null
check "two saved layouts: one verified, one unsigned (exit 10)" test $? -eq 10 -a \
	"$(jq -c '[.image, .verified, .exit]' lay.out | tr -d '\n')" = '["lay1",true,0]["lay3",false,10]'
check "their digests are the images'" test "$(jq -r .digest lay.out | tr '\n' ' ')" = "${D[0]} ${D[2]} "

echo "# refusals"
printf '# nothing\n\n' | PS "${V[@]}" - >/dev/null 2>e1
check "no references: refused ($(head -n 1 e1))" grep -q "no image references on standard input" e1
printf '%s\n%s\n' "$R/batch:t1-1" "$R/batch:t1-1 $R/batch:t1-2" | PS "${V[@]}" - >/dev/null 2>e2
check "two references on a line: refused by line ($(head -n 1 e2))" grep -q "line 2: byte 0x20" e2
{ echo "$R/batch:t1-1"; printf '%s\n' "$R/batch:$(head -c 1100 /dev/zero | tr '\0' a)"; } |
	PS "${V[@]}" - >/dev/null 2>e3
check "a line over 1024 bytes: refused ($(head -n 1 e3 | cut -c 1-80))" grep -q "line 2: longer than 1024 bytes" e3
for _ in $(seq 1 257); do echo "$R/batch:t1-1"; done >list257
PS "${V[@]}" - <list257 >/dev/null 2>e4
check "257 images without jsonl: refused ($(head -n 1 e4))" grep -q "more than 256 images" e4
for _ in $(seq 1 4097); do echo "$R/batch:t1-1"; done >list4097
PS "${V[@]}" -o jsonl - <list4097 >/dev/null 2>e5
check "4097 images with jsonl: refused" grep -q "more than 4096 images" e5

finish
