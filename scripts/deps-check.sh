#!/usr/bin/env bash
# make deps-check: the module map of docs/architecture.md, enforced.
#  1. Every src/*.c module has a layer below; a new module must be added here.
#  2. A module includes only modules of its own layer or lower ones (includes point downward).
#  3. Layers 0-4 (everything offline verification needs) include no network, file or clock API:
#     no net.h/http.h, no socket/netdb/fcntl headers, no time(), clock_gettime(), fopen() or open().
#  4. Only crypto.c and net.c include BearSSL.
# Prints one line per violation and "N passed, N failed" (modules checked) last.
set -u
cd "$(dirname "$0")/.."
declare -A layer=(
	[err]=0 [bytes]=0 [timeutil]=0 [limits]=0 [err_list]=0
	[codec]=1 [pem]=1 [der]=1 [url]=1 [json]=1 [vfj]=1 [regex]=1
	[crypto]=2 [ed25519]=2 [nacl]=2 [x509]=2
	[trustroot]=3 [chain]=3 [sct]=3 [tlog]=3 [dsse]=3 [bundle]=3 [policy]=3 [ociref]=3
	[manifest]=3 [payload]=3 [wwwauth]=3 [dockercfg]=3 [siglayer]=3 [keys]=3 [tsa]=3
	[verify]=4
	[net]=5 [http]=5
	[registry]=6 [fulcio]=6 [rekor]=6 [oidc]=6 [cosign_sig]=6
	[sign]=7 [cli]=7 [main]=7
)
layer_of() {
	local m=$1
	case "$m" in cli_*) echo 7; return ;; esac
	echo "${layer[$m]:-}"
}
pass=0 fail=0
for c in src/*.c; do
	m=$(basename "$c" .c)
	L=$(layer_of "$m")
	files=("$c")
	[ -f "src/$m.h" ] && files+=("src/$m.h")
	problems=()
	if [ -z "$L" ]; then
		problems+=("no layer assigned in scripts/deps-check.sh")
	else
		for h in $(sed -n 's/^#include "\([A-Za-z0-9_]*\)\.h".*/\1/p' "${files[@]}" | sort -u); do
			HL=$(layer_of "$h")
			[ -z "$HL" ] && { problems+=("includes $h.h, which has no layer"); continue; }
			[ "$HL" -gt "$L" ] && problems+=("layer $L includes $h.h (layer $HL)")
		done
		if [ "$L" -le 4 ]; then
			grep -nE '#include <(sys/socket|netdb|netinet/[a-z_]+|arpa/inet|fcntl|poll)\.h>' \
				"${files[@]}" >/dev/null && problems+=("offline layer includes a socket/file header")
			grep -nE '\b(time|clock_gettime|gettimeofday|fopen|open|socket|connect)\(' "${files[@]}" \
				| grep -vE '^\s*[^:]*:[0-9]+:\s*(/?\*|\*)' >/dev/null &&
				problems+=("offline layer calls a clock, file or socket function")
		fi
	fi
	if grep -q '#include <bearssl' "${files[@]}" && [ "$m" != crypto ] && [ "$m" != net ]; then
		problems+=("includes BearSSL (only crypto and net may)")
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		for p in "${problems[@]}"; do echo "FAIL deps-check $m: $p"; done
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
