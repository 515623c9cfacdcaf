#!/usr/bin/env bash
# make deps-check: the include rule of src/README.md, enforced over the sources.
#
#   deps-check.sh [SRC_DIR]      (default: src; tests/integration/deps_check.sh runs it on
#                                 scratch copies with a planted violation of each rule)
#
# Rules, each reported with its name:
#   folder      every src/<folder>/ is in the rank table below, and every project include is
#               written "<folder>/<file>.h" (or "vfj.h") and names a file that exists
#   rank        a file includes only folders of a lower rank, or its own folder
#   same-rank   no include of a different folder of the same rank (sigstore/ and oci/ stay
#               independent; verify/siglayer adapts between them)
#   cycle       inside a folder the include edges between modules are acyclic
#   signing     ranks 0-5 (the offline set) include none of the signing side's headers
#               (crypto/drbg.h, crypto/p256.h, crypto/nacl.h)
#   syshdr      system headers: ranks 0-5, online/ and sign/ only pure libc headers (a short
#               list below); <bearssl.h> only in crypto/ and sys/net.c; <sys/random.h> only in
#               crypto/drbg.c; ranks 6-9 add <stdlib.h> (getenv, exit, the CLI's one arena
#               allocation)
#   effect      clock, file and process functions are called only in sys/os.c, socket and DNS
#               functions only in sys/net.c, descriptor I/O (read, write, poll, close) only in
#               those two, getrandom only in crypto/drbg.c
#   must-use    every function returning sg_err (static ones too) is declared SG_MUST_USE
# Prints one line per violation ("FAIL deps-check <rule> <file>: ...") and, last,
# "N passed, N failed" counting files checked.
set -u
cd "$(dirname "$0")/.."
SRC=${1:-src}

# The one table: folder -> rank (layout.md §3.3).
declare -A rank=(
	[base]=0 [parse]=1 [crypto]=2 [pki]=3 [sigstore]=4 [oci]=4 [verify]=5
	[sys]=6 [online]=7 [sign]=8 [cli]=9
)
OFFLINE_MAX=5
SIGNING_SIDE='crypto/(drbg|p256|nacl)\.h'
PURE_LIBC='stdarg|stdbool|stddef|stdint|stdio|string|limits'

# Function names, as called ("name(" not preceded by an identifier character, "." or "->").
CLOCK_FILE_PROC='time|clock_gettime|gettimeofday|fopen|freopen|open|openat|creat|fdopen|'\
'opendir|readdir|mkstemp|mkdir|rename|renameat|unlink|unlinkat|fsync|fstat|stat|lstat|'\
'access|realpath|readlink|symlink|chmod|fchmod|ftruncate|fork|vfork|posix_spawn|posix_spawnp|'\
'execl|execlp|execle|execv|execvp|execve|waitpid|wait|pipe|pipe2|kill|tcgetattr|tcsetattr|'\
'sigaction|isatty|getpid|nanosleep|sleep|usleep|dup2|fcntl'
# Descriptor I/O: files in sys/os.c, sockets in sys/net.c.
FD_IO='poll|close|read|write'
SOCKET_DNS='socket|connect|getaddrinfo|freeaddrinfo|gai_strerror|setsockopt|getsockopt|'\
'send|recv|sendto|recvfrom|shutdown|bind|listen|accept'
RANDOM_FN='getrandom|getentropy|rand|random|arc4random'

pass=0 fail=0
declare -a problems
note() { problems+=("$1"); }

# Source lines with comments and string literals blanked, so a word in a comment or a message
# is not taken for a call. Line numbers are kept.
code_of() {
	awk '
	BEGIN { inc = 0 }
	{
		line = $0; out = ""; i = 1; n = length(line)
		while (i <= n) {
			c = substr(line, i, 1); c2 = substr(line, i, 2)
			if (inc) { if (c2 == "*/") { inc = 0; i += 2 } else i++; continue }
			if (c2 == "/*") { inc = 1; i += 2; continue }
			if (c2 == "//") break
			if (c == "\"" || c == "\047") {
				q = c; out = out " "; i++
				while (i <= n) {
					d = substr(line, i, 1)
					if (d == "\\") { i += 2; continue }
					i++
					if (d == q) break
				}
				continue
			}
			out = out c; i++
		}
		print out
	}' "$1"
}

# Project includes of a file: "folder/file" per line.
includes_of() { sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)\.h".*/\1/p' "$1"; }

# ---- per-file rules ----
declare -A edges # "folder/module" -> space-separated "folder/module" it includes (same folder)
for f in $(find "$SRC" -mindepth 2 -maxdepth 2 -type f \( -name '*.c' -o -name '*.h' \) | sort); do
	problems=()
	rel=${f#"$SRC"/}
	folder=${rel%%/*}
	base=$(basename "$rel"); mod=${base%.*}
	R=${rank[$folder]:-}
	if [ -z "$R" ]; then
		note "folder: $folder/ is not in the rank table"
	else
		for inc in $(includes_of "$f"); do
			if [ "$inc" = vfj ]; then
				[ "$R" -ge 1 ] || note "rank: includes vfj.h (rank 1) from rank $R"
				continue
			fi
			case $inc in
			*/*/* | */ | /*) note "folder: include \"$inc.h\" is not <folder>/<file>.h"; continue ;;
			*/*) ;;
			*) note "folder: include \"$inc.h\" is not written \"<folder>/$inc.h\""; continue ;;
			esac
			ifolder=${inc%%/*}
			IR=${rank[$ifolder]:-}
			if [ -z "$IR" ]; then note "folder: include \"$inc.h\": $ifolder/ is not in the rank table"; continue; fi
			[ -f "$SRC/$inc.h" ] || { note "folder: include \"$inc.h\" names no file"; continue; }
			if [ "$IR" -gt "$R" ]; then
				note "rank: $folder/ (rank $R) includes $inc.h (rank $IR)"
			elif [ "$IR" -eq "$R" ] && [ "$ifolder" != "$folder" ]; then
				note "same-rank: $folder/ includes $inc.h (both rank $R)"
			fi
			if [ "$R" -le $OFFLINE_MAX ] && [[ $inc.h =~ ^$SIGNING_SIDE$ ]] &&
				! { [ "$folder" = crypto ] && [[ $rel =~ ^$SIGNING_SIDE$|^crypto/(drbg|p256|nacl)\.c$ ]]; }; then
				note "signing: offline rank $R includes the signing side's $inc.h"
			fi
			if [ "$ifolder" = "$folder" ] && [ "${inc#*/}" != "$mod" ]; then
				edges[$folder/$mod]+=" $inc"
			fi
		done
		# System headers.
		for h in $(sed -n 's/^[ \t]*#[ \t]*include[ \t]*<\([^>]*\)>.*/\1/p' "$f"); do
			hb=${h%.h}
			case $h in
			bearssl.h)
				[ "$folder" = crypto ] || [ "$rel" = sys/net.c ] ||
					note "syshdr: <bearssl.h> outside crypto/ and sys/net.c"
				continue ;;
			sys/random.h)
				[ "$rel" = crypto/drbg.c ] || note "syshdr: <sys/random.h> outside crypto/drbg.c"
				continue ;;
			esac
			[[ $hb =~ ^($PURE_LIBC)$ ]] && continue
			[ "$folder" = sys ] && continue
			[ "$rel" = crypto/drbg.c ] && [[ $hb =~ ^(errno|stdlib)$ ]] && continue
			[ "$R" -ge 6 ] && [ "$hb" = stdlib ] && continue
			note "syshdr: <$h> in $folder/ (only sys/ reaches the system beyond pure libc)"
		done
		# Effects, by function call.
		code=$(code_of "$f")
		hits() { printf '%s\n' "$code" | grep -nE "(^|[^A-Za-z0-9_.>])($1)[ \t]*\(" | head -n 3 |
			sed -E 's/^([0-9]+):.*/\1/' | tr '\n' ' '; }
		if [ "$rel" != sys/os.c ]; then
			l=$(hits "$CLOCK_FILE_PROC"); [ -n "$l" ] &&
				note "effect: clock, file or process call outside sys/os.c (line $l)"
			if [ "$rel" != sys/net.c ]; then
				l=$(hits "$FD_IO"); [ -n "$l" ] &&
					note "effect: descriptor I/O outside sys/os.c and sys/net.c (line $l)"
			fi
		fi
		if [ "$rel" != sys/net.c ]; then
			l=$(hits "$SOCKET_DNS"); [ -n "$l" ] && note "effect: socket or DNS call outside sys/net.c (line $l)"
		fi
		if [ "$rel" != crypto/drbg.c ]; then
			l=$(hits "$RANDOM_FN"); [ -n "$l" ] && note "effect: randomness outside crypto/drbg.c (line $l)"
		fi
		# SG_MUST_USE on every sg_err function: prototypes "sg_err name(" in headers, and static
		# definitions, whose type stands on its own line above "name(" (other definitions have
		# a prototype in their header, which -Wmissing-prototypes requires).
		l=$(printf '%s\n' "$code" | awk '
			/^static[ \t]+(inline[ \t]+)?(SG_MUST_USE[ \t]+)?sg_err[ \t]*$/ { prev = NR; txt = $0; next }
			prev == NR - 1 && /^[A-Za-z_][A-Za-z0-9_]*\(/ && txt !~ /SG_MUST_USE/ { printf "%d ", NR }
			/^[ \t]*(static[ \t]+|extern[ \t]+)?sg_err[ \t]+[A-Za-z_][A-Za-z0-9_]*\(/ { printf "%d ", NR }
			{ prev = 0 }')
		[ -n "$l" ] && note "must-use: sg_err function without SG_MUST_USE (line $l)"
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		for p in "${problems[@]}"; do echo "FAIL deps-check ${p%%:*} $rel:${p#*:}"; done
	fi
done

# ---- cycles inside each folder (tsort finds them) ----
for folder in "${!rank[@]}"; do
	pairs=""
	for k in "${!edges[@]}"; do
		[ "${k%%/*}" = "$folder" ] || continue
		for t in ${edges[$k]}; do pairs+="$k $t"$'\n'; done
	done
	[ -n "$pairs" ] || continue
	if ! out=$(printf '%s' "$pairs" | tsort 2>&1 >/dev/null) || [ -n "$out" ]; then
		fail=$((fail + 1))
		loop=$(printf '%s\n' "$out" | sed -n 's/^tsort: //p' | grep -v 'input contains a loop' | tr '\n' ' ')
		echo "FAIL deps-check cycle $folder/: include cycle among: $loop"
	fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
