#!/usr/bin/env bash
# Key files against independent implementations (no network): picosign's generate-key-pair
# output decrypted by Node's scrypt + tweetnacl's secretbox (tests/integration/keys_peer.js),
# keys encrypted by that peer loaded by picosign, and openssl-made PKCS#8 / SEC1 keys loaded by
# picosign with the same public key as `openssl pkey -pubout`. Plus the CLI's file handling:
# modes, refusing to overwrite, -f never following a symlink, echo restored when a signal
# interrupts the password prompt (python3 pty), password errors. Inputs: SG_BIN.
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$(pwd)
BIN=${SG_BIN:-$ROOT/build/release/picosign}

if [ ! -x "$BIN" ]; then
	echo "skipped: no picosign binary at $BIN"
	echo "0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
unset COSIGN_PASSWORD

# ---- generate-key-pair and the CLI's file handling ----
COSIGN_PASSWORD=s3cret timeout 60 "$BIN" generate-key-pair >out.txt 2>err.txt
check "generate-key-pair exits 0" test $? -eq 0
check "generate-key-pair messages" grep -qx "Private key written to cosign.key" err.txt
check "generate-key-pair public message" grep -qx "Public key written to cosign.pub" err.txt
check "cosign.key mode 0600" test "$(stat -c %a cosign.key)" = 600
check "cosign.pub mode 0644" test "$(stat -c %a cosign.pub)" = 644
check "cosign.key label" grep -qx -- "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----" cosign.key
check "cosign.pub label" grep -qx -- "-----BEGIN PUBLIC KEY-----" cosign.pub

cp cosign.key before.key
COSIGN_PASSWORD=other timeout 60 "$BIN" generate-key-pair >/dev/null 2>err.txt
check "refuses to overwrite" test $? -ne 0
check "overwrite message" grep -q "cosign.key already exists" err.txt
check "key unchanged after refusal" cmp -s cosign.key before.key
chmod 0644 cosign.key
COSIGN_PASSWORD=s3cret timeout 60 "$BIN" generate-key-pair -f >/dev/null 2>&1
check "-f overwrites" test $? -eq 0
check "-f overwrites the key" test "$(cat cosign.key)" != "$(cat before.key)"
check "-f restores mode 0600" test "$(stat -c %a cosign.key)" = 600

# -f replaces files, never what a symbolic link planted in a shared directory points to.
mkdir shared
printf 'victim\n' >victim.txt
chmod 0644 victim.txt
ln -s ../victim.txt shared/cosign.key
COSIGN_PASSWORD=s3cret timeout 60 "$BIN" generate-key-pair --output-key-prefix shared/cosign \
	-f >/dev/null 2>err.txt
check "-f refuses a symlinked key path" test $? -ne 0
check "-f symlink message" grep -q "shared/cosign.key is a symbolic link" err.txt
check "-f leaves the link target alone" test "$(cat victim.txt)" = victim
check "-f leaves the link target's mode" test "$(stat -c %a victim.txt)" = 644
check "-f writes neither file of the pair" test ! -e shared/cosign.pub
rm shared/cosign.key
ln -s ../victim.txt shared/cosign.pub
COSIGN_PASSWORD=s3cret timeout 60 "$BIN" generate-key-pair --output-key-prefix shared/cosign \
	-f >/dev/null 2>err.txt
check "-f refuses a symlinked public key path" test $? -ne 0
check "-f: no key written when the .pub is a link" test ! -e shared/cosign.key
check "-f leaves the .pub link target alone" test "$(cat victim.txt)" = victim

COSIGN_PASSWORD=s3cret timeout 60 "$BIN" generate-key-pair --output-key-prefix sub-key \
	>/dev/null 2>&1
check "--output-key-prefix" test -f sub-key.key -a -f sub-key.pub

timeout 60 "$BIN" generate-key-pair --output-key-prefix nopw </dev/null >/dev/null 2>err.txt
check "no password and no terminal fails" test $? -ne 0
check "no password message" grep -q "COSIGN_PASSWORD is not set and stdin is not a terminal" \
	err.txt
check "nothing written without a password" test ! -e nopw.key

# The password prompt turns echo off; a signal during the prompt must turn it back on (and
# still end the program by that signal). Needs a pseudo-terminal: python3's pty module.
if command -v python3 >/dev/null 2>&1; then
	cat >tty.py <<'PY'
import os, select, signal, subprocess, sys, termios, time
binary, sig = sys.argv[1], getattr(signal, sys.argv[2])
m, s = os.openpty()
env = dict(os.environ)
env.pop("COSIGN_PASSWORD", None)
p = subprocess.Popen([binary, "generate-key-pair", "--output-key-prefix", "tty"], stdin=s,
                     stdout=s, stderr=s, env=env, start_new_session=True)
buf, end = b"", time.time() + 20
while b"password" not in buf and time.time() < end:
    if select.select([m], [], [], 0.2)[0]:
        buf += os.read(m, 1024)
time.sleep(0.3)  # the prompt is printed just before echo goes off
quiet = not termios.tcgetattr(s)[3] & termios.ECHO
p.send_signal(sig)
try:
    rc = p.wait(20)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "hung"
echo = bool(termios.tcgetattr(s)[3] & termios.ECHO)
print("quiet=%s echo=%s rc=%s" % (quiet, echo, rc))
PY
	for sig in SIGINT SIGTERM; do
		timeout 60 python3 tty.py "$BIN" "$sig" >tty.out 2>&1
		case $sig in SIGINT) num=2 ;; *) num=15 ;; esac
		want="quiet=True echo=True rc=-$num"
		check "$sig during the password prompt restores echo ($(cat tty.out))" \
			test "$(cat tty.out)" = "$want"
	done
	check "no key written after an interrupted prompt" test ! -e tty.key
else
	echo "skipped: python3 not installed (terminal restore checks)"
fi

COSIGN_PASSWORD=s3cret timeout 60 "$BIN" public-key --key cosign.key >pub.out 2>/dev/null
check "public-key of the generated key" cmp -s pub.out cosign.pub
COSIGN_PASSWORD=wrong timeout 60 "$BIN" public-key --key cosign.key >/dev/null 2>err.txt
check "wrong password fails" test $? -ne 0
check "wrong password message" grep -q "decrypt: encrypted: decryption failed" err.txt

# ---- openssl peers ----
if command -v openssl >/dev/null 2>&1; then
	check "openssl parses cosign.pub" openssl pkey -pubin -in cosign.pub -noout
	openssl ecparam -name prime256v1 -genkey -out sec1.pem 2>/dev/null
	openssl pkey -in sec1.pem -pubout -out sec1.pub 2>/dev/null
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p8.pem 2>/dev/null
	openssl pkey -in p8.pem -pubout -out p8.pub 2>/dev/null
	openssl ec -in sec1.pem -no_public -out sec1-nopub.pem 2>/dev/null
	"$BIN" public-key --key sec1.pem >out.pub 2>/dev/null
	check "SEC1 key (with EC PARAMETERS) matches openssl" cmp -s out.pub sec1.pub
	"$BIN" public-key --key sec1-nopub.pem >out.pub 2>/dev/null
	check "SEC1 key without public key matches openssl" cmp -s out.pub sec1.pub
	"$BIN" public-key --key p8.pem >out.pub 2>/dev/null
	check "PKCS#8 key matches openssl" cmp -s out.pub p8.pub
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null
	"$BIN" public-key --key p384.pem >/dev/null 2>err.txt
	check "P-384 key refused" test $? -ne 0
	check "P-384 message" grep -q "P-256" err.txt
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
	"$BIN" public-key --key rsa.pem >/dev/null 2>err.txt
	check "RSA key refused" test $? -ne 0
	openssl pkcs8 -topk8 -in p8.pem -passout pass:x -out enc8.pem 2>/dev/null
	"$BIN" public-key --key enc8.pem >/dev/null 2>err.txt
	check "PKCS#8-encrypted key refused by name" grep -q "ENCRYPTED PRIVATE KEY" err.txt
else
	echo "skipped: openssl not installed (openssl checks)"
fi

# ---- Node + tweetnacl peer ----
PEER=$ROOT/tests/integration/keys_peer.js
if command -v node >/dev/null 2>&1 && [ -d "$ROOT/tests/npm/node_modules/tweetnacl" ]; then
	COSIGN_PASSWORD=s3cret timeout 60 node "$PEER" decrypt cosign.key >node.pub 2>err.txt
	check "peer decrypts picosign's key" test $? -eq 0
	check "peer's public key equals cosign.pub" cmp -s node.pub cosign.pub
	COSIGN_PASSWORD=wrong timeout 60 node "$PEER" decrypt cosign.key >/dev/null 2>&1
	check "peer rejects the wrong password" test $? -ne 0
	for spec in "32768 ENCRYPTED COSIGN PRIVATE KEY" "65536 ENCRYPTED SIGSTORE PRIVATE KEY" \
		"131072 ENCRYPTED SIGSTORE PRIVATE KEY"; do
		n=${spec%% *}
		label=${spec#* }
		COSIGN_PASSWORD="pass $n" timeout 60 node "$PEER" encrypt "$n" "$label" \
			"peer$n.key" "peer$n.pub" 2>err.txt
		check "peer encrypts (N=$n)" test $? -eq 0
		COSIGN_PASSWORD="pass $n" timeout 60 "$BIN" public-key --key "peer$n.key" \
			>out.pub 2>err.txt
		check "picosign loads the peer's key (N=$n, $label)" cmp -s out.pub "peer$n.pub"
	done
	COSIGN_PASSWORD="" timeout 60 node "$PEER" encrypt 32768 "ENCRYPTED SIGSTORE PRIVATE KEY" \
		empty.key empty.pub 2>/dev/null
	COSIGN_PASSWORD="" timeout 60 "$BIN" public-key --key empty.key >out.pub 2>/dev/null
	check "empty password interoperates" cmp -s out.pub empty.pub
else
	echo "skipped: node or tests/npm/node_modules/tweetnacl missing (Node peer checks)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
