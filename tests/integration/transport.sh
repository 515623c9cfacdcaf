#!/usr/bin/env bash
# transport: picosign's net + http layers against real peers on loopback (testing.md §2, §4,
# §5, §9), through `picosign debug http-get`:
#   - nginx over TLS 1.2 with an ECDSA and an RSA certificate from test CAs made here;
#   - openssl s_server for handshake failures: unknown CA, wrong name, expired certificate,
#     TLS 1.3 only, no ECDHE+AEAD suite;
#   - tests/integration/servers/misbehave.js for broken HTTP: truncation, bad chunks, endless
#     headers, a stall, a slow drip, huge lengths, redirect loops, cross-host redirects, 5xx,
#     and as a CONNECT / absolute-form proxy.
# Every failure must be a clear message, exit status 1 (never a crash) and bounded in time.
# Env: SG_BIN (the picosign binary). Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
set -u
SG_BIN=${SG_BIN:?SG_BIN must name the picosign binary}
cd "$(dirname "$0")"
source ../lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
HERE=$PWD


for tool in openssl nginx node timeout; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skipped: $tool is not installed"
		echo "0 passed, 0 failed"
		exit 0
	fi
done

T=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
# Nothing from the caller's environment may steer these requests.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SSL_CERT_FILE SSL_CERT_DIR \
	PICOSIGN_TIMEOUT

# ---- test PKI (testing.md §2) ----
mkdir -p "$T/tls" && cd "$T/tls" || exit 1
cat > leaf.ext <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
sed 's/DNS:localhost,IP:127.0.0.1/DNS:wrong.example/' leaf.ext > wrong.ext
caext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")
ecnew=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
{
	openssl req -x509 -new -nodes "${ecnew[@]}" -sha256 -days 3650 -subj "/CN=Test EC Root CA" \
		-keyout ca.key -out ca.pem "${caext[@]}"
	openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 \
		-subj "/CN=Test RSA Root CA" -keyout ca-rsa.key -out ca-rsa.pem "${caext[@]}"
	openssl req -x509 -new -nodes "${ecnew[@]}" -sha256 -days 3650 -subj "/CN=Other Root CA" \
		-keyout other.key -out other.pem "${caext[@]}"
	leaf() { # name keyopts ca cakey ext
		openssl req -new -nodes $2 -subj "/CN=localhost" -keyout "$1.key" -out "$1.csr"
		openssl x509 -req -in "$1.csr" -CA "$3" -CAkey "$4" -CAcreateserial -days 3650 \
			-sha256 -extfile "$5" -out "$1.pem"
		cat "$1.pem" "$3" > "$1-chain.pem"
	}
	leaf server-ec "-newkey ec -pkeyopt ec_paramgen_curve:P-256" ca.pem ca.key leaf.ext
	leaf server-rsa "-newkey rsa:2048" ca-rsa.pem ca-rsa.key leaf.ext
	leaf untrusted "-newkey ec -pkeyopt ec_paramgen_curve:P-256" other.pem other.key leaf.ext
	leaf wrongname "-newkey ec -pkeyopt ec_paramgen_curve:P-256" ca.pem ca.key wrong.ext
	# An expired leaf: `openssl ca` can set past validity dates.
	mkdir -p newcerts && : > index.txt && echo 1000 > serial
	cat > ca.cnf <<EOF
[ca]
default_ca = CA_default
[CA_default]
dir = $T/tls
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
default_md = sha256
policy = policy_any
copy_extensions = none
[policy_any]
commonName = supplied
EOF
	openssl req -new -nodes "${ecnew[@]}" -subj "/CN=localhost" -keyout expired.key -out expired.csr
	openssl ca -batch -config ca.cnf -in expired.csr -out expired.pem -notext \
		-startdate 20200101000000Z -enddate 20200102000000Z -extfile leaf.ext
	cat expired.pem ca.pem > expired-chain.pem
	cat ca.pem ca-rsa.pem > both-cas.pem
} >"$T/pki.log" 2>&1
if ! openssl verify -CAfile ca.pem server-ec.pem >/dev/null 2>&1 || [ ! -s expired.pem ]; then
	notok "test PKI could not be made"
	tail -n 20 "$T/pki.log"
	echo "$pass passed, $fail failed"
	exit 1
fi
cd "$HERE" || exit 1

# ---- helpers ----
# run ARGS...: run picosign with a hard time limit; sets rc, ms (elapsed), out, err.
run() {
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 2 30 "$SG_BIN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# expect_ok NAME PATTERN ARGS...: exit 0 and stdout matching PATTERN (grep -E).
expect_ok() {
	local name=$1 pat=$2
	shift 2
	run debug http-get "$@"
	if [ "$rc" -eq 0 ] && grep -Eq "$pat" <<<"$out"; then
		ok "$name"
	else
		notok "$name (rc=$rc)"
		printf '   stdout: %s\n   stderr: %s\n' "$(head -c 600 <<<"$out")" "$err"
	fi
}

# expect_fail NAME PATTERN MAX_MS ARGS...: exit exactly 1 (no crash), stderr matching PATTERN,
# within MAX_MS milliseconds.
expect_fail() {
	local name=$1 pat=$2 max=$3
	shift 3
	run debug http-get "$@"
	if [ "$rc" -eq 1 ] && grep -Eq "$pat" <<<"$err" && [ "$ms" -le "$max" ]; then
		ok "$name ($ms ms): $(head -n 1 <<<"$err" | cut -c1-150)"
	else
		notok "$name (rc=$rc, $ms ms)"
		printf '   stderr: %s\n' "$err"
	fi
}

# wait_file FILE: up to ~10 s for a file to appear and be non-empty.
wait_file() {
	local i
	for i in $(seq 1 200); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# ---- nginx: EC and RSA fronts (testing.md §4.1) ----
start_nginx() {
	local base=$1 d=$T/nginx
	mkdir -p "$d/logs" "$d/tmp" "$d/html"
	printf 'nginx ok\n' > "$d/html/index.html"
	head -c 70000 /dev/zero | tr '\0' 'b' > "$d/html/big.txt"
	# nginx workers run as another user when started by root: let them reach the files.
	chmod 711 "$T" "$d"
	chmod 755 "$d/html"
	chmod 644 "$d/html/"*
	cat > "$d/nginx.conf" <<EOF
pid $d/nginx.pid;
error_log $d/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
	access_log $d/access.log;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	keepalive_timeout 10;
	server {
		listen 127.0.0.1:$base ssl;
		server_name localhost;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_certificate $T/tls/server-ec-chain.pem;
		ssl_certificate_key $T/tls/server-ec.key;
		root $d/html;
		location = /downgrade { return 302 http://127.0.0.1:$MPORT/ok; }
		location = /chunked { chunked_transfer_encoding on; return 200 "x"; }
	}
	server {
		listen 127.0.0.1:$((base + 1)) ssl;
		server_name localhost;
		ssl_protocols TLSv1.2;
		ssl_certificate $T/tls/server-rsa-chain.pem;
		ssl_certificate_key $T/tls/server-rsa.key;
		root $d/html;
	}
}
EOF
	nginx -t -p "$d" -c "$d/nginx.conf" >"$d/t.log" 2>&1 || return 1
	timeout -k 5 120 nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;' >"$d/out.log" 2>&1 &
	NGINX_PID=$!
	local i
	for i in $(seq 1 100); do
		if curl -s --max-time 1 --cacert "$T/tls/ca.pem" "https://localhost:$base/" \
			>/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$NGINX_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# ---- the misbehaving server ----
timeout -k 5 120 node "$HERE/servers/misbehave.js" "$T/mb.port" "$T/mb.log" 100 400 \
	>"$T/mb.out" 2>&1 &
pids+=($!)
if ! wait_file "$T/mb.port"; then
	notok "misbehave server did not start"
	cat "$T/mb.out"
	echo "$pass passed, $fail failed"
	exit 1
fi
MPORT=$(cat "$T/mb.port")
M=http://127.0.0.1:$MPORT

# Ports for nginx come from a fixed block below the ephemeral range, per process; one retry.
NGINX_PID=
base=$((20000 + ($$ * 13) % 12000))
if ! start_nginx "$base"; then
	[ -n "$NGINX_PID" ] && { kill -TERM "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; }
	base=$((base + 211))
	start_nginx "$base" || { notok "nginx did not start"; cat "$T/nginx/error.log" "$T/nginx/t.log"; }
fi
[ -n "$NGINX_PID" ] && pids+=("$NGINX_PID")
EC=https://localhost:$base
RSA=https://localhost:$((base + 1))
CA=$T/tls/ca.pem

# ---- TLS happy paths against nginx ----
expect_ok "nginx ECDSA certificate, --ca-file" '^HTTP/1.1 200 OK' --ca-file "$CA" "$EC/"
grep -q '^body: 9 bytes' <<<"$out" && ok "body size printed" || notok "body size printed: $out"
expect_ok "nginx RSA certificate, --ca-file" '^HTTP/1.1 200 OK' --ca-file "$T/tls/ca-rsa.pem" "$RSA/"
SSL_CERT_FILE=$T/tls/both-cas.pem expect_ok "trust anchors from SSL_CERT_FILE" '^HTTP/1.1 200' "$RSA/"
mkdir -p "$T/certdir"
cp "$CA" "$T/certdir/$(openssl x509 -noout -hash -in "$CA").0"
SSL_CERT_DIR=$T/certdir expect_ok "trust anchors from SSL_CERT_DIR" '^HTTP/1.1 200' "$EC/"
expect_ok "70000-byte body over TLS, written with -o" '^body: 70000 bytes' --ca-file "$CA" \
	-o "$T/big.out" "$EC/big.txt"
[ "$(wc -c <"$T/big.out")" -eq 70000 ] && ok "-o wrote the body" || notok "-o wrote the body"
expect_fail "404 exits 1 with the status" 'server answered 404' 5000 --ca-file "$CA" "$EC/missing"
grep -q '^HTTP/1.1 404 Not Found' <<<"$out" && ok "404 response printed" || notok "404 response printed"
expect_fail "https -> http redirect refused" 'refusing redirect from https to http' 5000 \
	--ca-file "$CA" "$EC/downgrade"
expect_fail "wrong CA for nginx" 'unknown authority' 5000 --ca-file "$T/tls/ca-rsa.pem" "$EC/"
expect_fail "IP address as TLS name" 'name mismatch' 5000 --ca-file "$CA" \
	"https://127.0.0.1:$base/"
expect_fail "missing --ca-file" 'cannot load TLS trust anchors.*no such file' 5000 \
	--ca-file "$T/nope.pem" "$EC/"
expect_fail "--ca-file without certificates" 'no usable CA certificate' 5000 \
	--ca-file "$T/tls/leaf.ext" "$EC/"

# ---- handshake failures against openssl s_server (testing.md §4.2, §5) ----
# s_server_case ok|fail NAME PATTERN S_SERVER_ARGS...: one s_server accepting one connection.
s_server_case() {
	local kind=$1 name=$2 pat=$3 i port=
	shift 3
	: > "$T/ss.out"
	timeout -k 5 15 openssl s_server -accept 127.0.0.1:0 -naccept 1 -www "$@" \
		>"$T/ss.out" 2>"$T/ss.err" &
	local sp=$!
	pids+=("$sp")
	for i in $(seq 1 200); do
		port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/ss.out")
		[ -n "$port" ] && break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		notok "$name: s_server did not start"
		cat "$T/ss.err"
	elif [ "$kind" = ok ]; then
		expect_ok "$name" "$pat" --ca-file "$CA" "https://localhost:$port/"
	else
		expect_fail "$name" "$pat" 5000 --ca-file "$CA" "https://localhost:$port/"
	fi
	kill -TERM "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
}
tdir=$T/tls
s_server_case fail "s_server: unknown CA" 'signed by unknown authority' \
	-cert "$tdir/untrusted-chain.pem" -key "$tdir/untrusted.key"
s_server_case fail "s_server: wrong name" 'certificate name mismatch' \
	-cert "$tdir/wrongname-chain.pem" -key "$tdir/wrongname.key"
s_server_case fail "s_server: expired certificate" 'expired or not yet valid' \
	-cert "$tdir/expired-chain.pem" -key "$tdir/expired.key"
s_server_case fail "s_server: TLS 1.3 only" 'protocol version not supported' \
	-tls1_3 -cert "$tdir/server-ec-chain.pem" -key "$tdir/server-ec.key"
s_server_case fail "s_server: static RSA suite only" 'no common cipher suite' \
	-tls1_2 -cipher AES128-GCM-SHA256 -cert "$tdir/server-rsa-chain.pem" \
	-key "$tdir/server-rsa.key"
s_server_case ok "s_server -www: HTTP/1.0 over TLS, close-delimited" '^HTTP/1.0 200 ok' \
	-cert "$tdir/server-ec-chain.pem" -key "$tdir/server-ec.key"

# ---- broken HTTP from the misbehaving server ----
expect_ok "plain http to loopback" '^body: 21 bytes' "$M/ok"
expect_ok "chunked body with extension and trailer" '^body: 12 bytes' "$M/chunked"
expect_ok "close-delimited HTTP/1.0 body" '^body: 17 bytes' "$M/close"
expect_fail "truncated Content-Length body" 'HTTP response truncated.*50 body bytes' 5000 \
	"$M/truncated"
expect_fail "truncated chunked body" 'HTTP response truncated' 5000 "$M/truncated-chunked"
expect_fail "bad chunk size" 'invalid HTTP chunked encoding: bad chunk size' 5000 "$M/badchunk"
expect_fail "huge chunk size" 'HTTP response body too large' 5000 "$M/hugechunk"
expect_fail "bare LF in the head" 'invalid HTTP status line' 5000 "$M/bare-lf"
expect_fail "Content-Length with Transfer-Encoding" 'both Transfer-Encoding and Content-Length' \
	5000 "$M/both"
expect_fail "endless headers" 'HTTP header block too large' 8000 "$M/endless-headers"
expect_fail "huge Content-Length" 'Content-Length 1000000000000000 exceeds the limit' 5000 \
	"$M/huge"
expect_fail "body cap chosen by the caller" 'body too large' 5000 --max-body 10 "$M/ok"
expect_fail "redirect loop" 'too many HTTP redirects: stopped after 5' 5000 "$M/loop"
expect_fail "500 response" 'server answered 500 Internal Server Error' 5000 "$M/500"
grep -q '^HTTP/1.1 500' <<<"$out" && ok "500 status line printed" || notok "500 status line printed"
expect_fail "503 response" 'server answered 503 Service Unavailable' 5000 "$M/503"
expect_fail "stalled server, --timeout 1" 'network timeout' 3500 --timeout 1 "$M/stall"
expect_fail "TLS handshake with a server that never answers, --timeout 1" 'network timeout' \
	3500 --timeout 1 "https://localhost:$MPORT/"
PICOSIGN_TIMEOUT=2 expect_fail "slow drip, PICOSIGN_TIMEOUT=2 (deadline)" \
	'network timeout.*deadline' 4500 "$M/drip"
PICOSIGN_TIMEOUT=abc expect_fail "bad PICOSIGN_TIMEOUT" 'PICOSIGN_TIMEOUT' 2000 "$M/ok"
expect_fail "plain http to a non-loopback host" 'plain http is not allowed' 2000 \
	http://192.0.2.1/
expect_fail "connection refused" 'cannot connect.*refused' 5000 "https://localhost:1/"
expect_fail "unresolvable name" 'cannot resolve host' 15000 "https://name.invalid/"
expect_fail "credentials in the URL" 'credentials in URLs are not supported' 2000 \
	"https://user:pw@localhost:$base/"
grep -q 'user:pw' <<<"$err" && notok "URL credentials echoed" || ok "URL credentials not echoed"

# Authorization follows a same-origin redirect and is dropped across origins.
: > "$T/mb.log"
expect_ok "same-host redirect keeps Authorization" '^body: 9 bytes' \
	-H "Authorization: Bearer sekrit" "$M/redirect-same"
grep -q 'GET /echo auth=yes' "$T/mb.log" && ok "Authorization sent after same-host redirect" \
	|| notok "Authorization sent after same-host redirect: $(cat "$T/mb.log")"
c1=$(sed -n 's/^conn=\([0-9]*\) GET \/redirect-same.*/\1/p' "$T/mb.log")
c2=$(sed -n 's/^conn=\([0-9]*\) GET \/echo.*/\1/p' "$T/mb.log")
[ -n "$c1" ] && [ "$c1" = "$c2" ] && ok "keep-alive: the redirect reused the connection" \
	|| notok "keep-alive: the redirect reused the connection ($c1 vs $c2)"
: > "$T/mb.log"
expect_ok "cross-host redirect" '^body: 8 bytes' -H "Authorization: Bearer sekrit" \
	"$M/redirect-cross"
grep -q 'GET /redirect-cross auth=yes' "$T/mb.log" && grep -q 'GET /echo auth=no host=localhost' \
	"$T/mb.log" && ok "Authorization not forwarded to another host" \
	|| notok "Authorization not forwarded to another host: $(cat "$T/mb.log")"
grep -q sekrit "$T/out" "$T/err" && notok "credential printed" || ok "credential never printed"

# ---- proxies ----
: > "$T/mb.log"
HTTPS_PROXY=http://127.0.0.1:$MPORT expect_ok "HTTPS_PROXY: CONNECT tunnel to nginx" \
	'^HTTP/1.1 200 OK' --ca-file "$CA" "$EC/"
grep -q "CONNECT localhost:$base" "$T/mb.log" && ok "the proxy saw CONNECT localhost:$base" \
	|| notok "the proxy saw CONNECT: $(cat "$T/mb.log")"
HTTP_PROXY=127.0.0.1:$MPORT expect_ok "HTTP_PROXY: absolute-form request" '^body: ' \
	"http://localhost:9/x"
grep -q "GET http://localhost:9/x" "$T/mb.log" && ok "the proxy saw the absolute URL" \
	|| notok "the proxy saw the absolute URL: $(cat "$T/mb.log")"
HTTPS_PROXY=http://127.0.0.1:$MPORT NO_PROXY=localhost expect_ok "NO_PROXY bypasses the proxy" \
	'^HTTP/1.1 200 OK' --ca-file "$CA" "$EC/"
HTTPS_PROXY=http://127.0.0.1:1 expect_fail "unreachable proxy" 'connecting to proxy: cannot connect.*127.0.0.1:1' 5000 \
	--ca-file "$CA" "$EC/"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
