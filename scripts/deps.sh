#!/usr/bin/env bash
# Install what picosign's build and tests need, when it is missing (make deps; make check calls
# it). Idempotent and quick when everything is present: it asks dpkg first and runs apt-get only
# for what is absent. Without root or apt-get it says what is missing and goes on; tests whose
# peers are absent skip with a message.
set -u
pkgs=(gcc make libbearssl-dev musl-tools clang libclang-rt-14-dev file
	openssl nginx curl jq docker-registry apache2-utils faketime strace
	bats man-db groff-base zsh fish python3-yaml)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
			>/tmp/picosign-apt.log 2>&1; then
			echo "deps: apt-get failed (log: /tmp/picosign-apt.log); continuing with what is present"
			tail -n 5 /tmp/picosign-apt.log
		fi
	else
		echo "deps: missing ${missing[*]}; run as root with apt-get, or install them yourself"
	fi
fi
# npm test peers (sigstore-js), pinned by tests/npm/package-lock.json.
if [ -f tests/npm/package-lock.json ] && command -v npm >/dev/null 2>&1; then
	if [ ! -d tests/npm/node_modules ] || [ tests/npm/package-lock.json -nt tests/npm/node_modules ]; then
		echo "deps: npm ci in tests/npm"
		(cd tests/npm && npm ci --no-audit --no-fund --loglevel=error >/tmp/picosign-npm.log 2>&1) \
			|| { echo "deps: npm ci failed (log: /tmp/picosign-npm.log)"; tail -n 5 /tmp/picosign-npm.log; }
	fi
fi
exit 0
