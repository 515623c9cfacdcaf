# oci.sh: shared shell helpers for tests and the demo that need a real OCI registry
# (Debian's docker-registry, testing.md §3) and a tiny image pushed to it with curl.
# The caller defines T (its temporary directory) and the array pids (PIDs to stop at exit);
# every server started here is bound to 127.0.0.1 with a time limit: PEER_LIFETIME seconds.

# PEER_LIFETIME: how long a test's servers live (SG_PEER_LIFETIME; 300 s unless a slow run such
# as `make valgrind` asks for more). Peers started by other scripts that source this one
# (rtt.sh, registry.sh's token server) use it too.
PEER_LIFETIME=${SG_PEER_LIFETIME:-300}
case $PEER_LIFETIME in
''|*[!0-9]*) echo "oci.sh: SG_PEER_LIFETIME must be whole seconds (got '$PEER_LIFETIME')" >&2; exit 2 ;;
esac
[ "$PEER_LIFETIME" -ge 60 ] || { echo "oci.sh: SG_PEER_LIFETIME must be at least 60 s" >&2; exit 2; }

# stop_servers: TERM every PID in pids, then wait for each (testing.md §9; the `timeout -k`
# wrappers pass TERM on and kill what is left later).
stop_servers() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	return 0
}

# ---- a test's scratch space ----
# oci_scratch: T (a new temporary directory), pids (the servers to stop), HOME=$T/home, and an
# exit trap that stops those servers (and the Sigstore peer and the referrers front, when
# tests/sigstore/lib.sh and tests/registry/lib.sh are loaded) and removes T (kept, and named,
# with SG_KEEP_TMP=1). Call it in the test's own shell.
oci_scratch() {
	T=$(mktemp -d)
	pids=()
	trap oci_scratch_cleanup EXIT
	export HOME=$T/home
	mkdir -p "$HOME"
}
oci_scratch_cleanup() {
	command -v sigstore_stop >/dev/null 2>&1 && sigstore_stop
	command -v front_stop >/dev/null 2>&1 && front_stop
	stop_servers
	if [ "${SG_KEEP_TMP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}

# ---- registries ----
# start_registry NAME [yaml lines for auth/tls...]: sets PORT
start_registry() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	{
		echo "version: 0.1"
		echo "log: {level: info, formatter: text}"
		echo "storage:"
		echo "  filesystem: {rootdirectory: $T/$name/data}"
		echo "  delete: {enabled: true}"
		echo "  maintenance: {uploadpurging: {enabled: false}}"
		echo "http:"
		echo "  addr: \"127.0.0.1:0\""
		echo "  secret: test-secret"
		for l in "$@"; do echo "$l"; done
	} >"$T/$name/reg.yml"
	timeout -k 5 "$PEER_LIFETIME" docker-registry serve "$T/$name/reg.yml" >"$T/$name/log" 2>&1 &
	pids+=($!)
	PORT=
	for _ in $(seq 200); do
		PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$T/$name/log" | head -n 1 | sed 's/.*://')
		[ -n "$PORT" ] && break
		sleep 0.05
	done
	if [ -z "$PORT" ]; then
		echo "registry $name did not start:"
		cat "$T/$name/log"
		return 1
	fi
}

# ---- pushing with curl (testing.md §3.2) ----
CURL_AUTH=()
CURL_TLS=()
# push_blob BASE REPO FILE
push_blob() {
	local d loc
	d=sha256:$(sha256sum "$3" | cut -d' ' -f1)
	loc=$(curl -s --max-time 10 "${CURL_TLS[@]}" "${CURL_AUTH[@]}" -o /dev/null -D - -X POST \
		"$1/v2/$2/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	[ -n "$loc" ] || { echo "blob POST failed for $3"; return 1; }
	curl -s -f --max-time 10 "${CURL_TLS[@]}" "${CURL_AUTH[@]}" -o /dev/null -X PUT \
		-H 'Content-Type: application/octet-stream' --data-binary @"$3" "$loc&digest=$d"
}
# put_manifest BASE REPO TAG FILE MEDIATYPE
put_manifest() {
	curl -s -f --max-time 10 "${CURL_TLS[@]}" "${CURL_AUTH[@]}" -o /dev/null -X PUT \
		-H "Content-Type: $5" --data-binary @"$4" "$1/v2/$2/manifests/$3"
}
digest_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
size_of() { wc -c <"$1" | tr -d ' '; }

# A tiny image of one layer (deterministic), built without docker: make_image DIR TEXT
make_image() {
	local dir=$1
	mkdir -p "$dir/root"
	echo "$2" >"$dir/root/hello.txt"
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir/root" \
		-cf "$dir/layer.tar" . 2>/dev/null
	gzip -n -c "$dir/layer.tar" >"$dir/layer.tar.gz"
	printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}' \
		"$(digest_of "$dir/layer.tar")" >"$dir/config.json"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%s,"digest":"%s"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":%s,"digest":"%s"}]}' \
		"$(size_of "$dir/config.json")" "$(digest_of "$dir/config.json")" \
		"$(size_of "$dir/layer.tar.gz")" "$(digest_of "$dir/layer.tar.gz")" >"$dir/manifest.json"
}
# push_image BASE REPO TAG DIR
push_image() {
	push_blob "$1" "$2" "$4/layer.tar.gz" && push_blob "$1" "$2" "$4/config.json" &&
		put_manifest "$1" "$2" "$3" "$4/manifest.json" application/vnd.oci.image.manifest.v1+json
}


# ---- a test CA and a localhost server certificate (testing.md §2) ----
# make_tls_pki DIR: DIR/ca.pem (+ ca.key), DIR/server.pem, DIR/server.key and DIR/server-chain.pem
# (leaf then CA, for the registry's tls.certificate); EC P-256, made fresh, nothing committed.
make_tls_pki() {
	local d=$1
	mkdir -p "$d"
	printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$d/leaf.ext"
	{
		openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 3650 \
			-subj "/CN=Test EC Root CA" -keyout "$d/ca.key" -out "$d/ca.pem" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
			openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj "/CN=localhost" \
				-keyout "$d/server.key" -out "$d/server.csr" &&
			openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
				-days 3650 -sha256 -extfile "$d/leaf.ext" -out "$d/server.pem"
	} >/dev/null 2>&1 || return 1
	cat "$d/server.pem" "$d/ca.pem" >"$d/server-chain.pem"
}

# A two-platform index (linux/amd64 and linux/arm64/v8) over two images made by make_image,
# pushed under TAG: push_index BASE REPO TAG DIR_AMD64 DIR_ARM64. Writes DIR_AMD64/../index.json
# (the index bytes, whose digest is the index's).
push_index() {
	local base=$1 repo=$2 tag=$3 a=$4 b=$5 idx
	idx=$(dirname "$a")/index.json
	push_image "$base" "$repo" "$(basename "$a")" "$a" && push_image "$base" "$repo" "$(basename "$b")" "$b" || return 1
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":%s,"digest":"%s","platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":%s,"digest":"%s","platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}' \
		"$(size_of "$a/manifest.json")" "$(digest_of "$a/manifest.json")" \
		"$(size_of "$b/manifest.json")" "$(digest_of "$b/manifest.json")" >"$idx"
	put_manifest "$base" "$repo" "$tag" "$idx" application/vnd.oci.image.index.v1+json
}
