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
#   syshdr      system headers: ranks 0-5 only pure libc headers (a short list below); ranks
#               6-9 add <stdlib.h> (getenv, exit, the CLI's one arena allocation); sys/ may use
#               any; <bearssl.h> only in crypto/ and sys/net.c; <sys/random.h> only in
#               crypto/drbg.c
#   effect      clock, file and process functions are called only in sys/os.c, socket and DNS
#               functions only in sys/net.c, descriptor I/O (read, write, poll, close) only in
#               those two, getrandom only in crypto/drbg.c
#   must-use    every function returning sg_err (static ones too) is declared SG_MUST_USE
# Prints one line per violation ("FAIL deps-check <rule> <file>: ...") and, last,
# "N passed, N failed" counting files checked. One awk pass reads every file (comments and
# string literals blanked first, so a word in a comment is not a call); the rules run on what
# it reports.
set -u
cd "$(dirname "$0")/.."
SRC=${1:-src}

# The one table: folder -> rank (layout.md §3.3).
declare -A rank=(
	[base]=0 [parse]=1 [crypto]=2 [pki]=3 [sigstore]=4 [oci]=4 [verify]=5
	[sys]=6 [online]=7 [sign]=8 [cli]=9
)
OFFLINE_MAX=5
SIGNING_SIDE='crypto/(drbg|p256|nacl)'
PURE_LIBC='stdarg|stdbool|stddef|stdint|stdio|string|limits'
# Function names, as called ("name(" not preceded by an identifier character, "." or "->").
CLOCK_FILE_PROC='time|clock_gettime|gettimeofday|fopen|freopen|open|openat|creat|fdopen|'\
'opendir|readdir|mkstemp|mkdir|rename|renameat|unlink|unlinkat|fsync|fstat|stat|lstat|'\
'access|realpath|readlink|symlink|chmod|fchmod|ftruncate|fork|vfork|posix_spawn|posix_spawnp|'\
'execl|execlp|execle|execv|execvp|execve|waitpid|wait|pipe|pipe2|kill|tcgetattr|tcsetattr|'\
'sigaction|isatty|getpid|nanosleep|sleep|usleep|dup2|fcntl'
FD_IO='poll|close|read|write'
SOCKET_DNS='socket|connect|getaddrinfo|freeaddrinfo|gai_strerror|setsockopt|getsockopt|'\
'send|recv|sendto|recvfrom|shutdown|bind|listen|accept'
RANDOM_FN='getrandom|getentropy|rand|random|arc4random'

files=$(find "$SRC" -mindepth 2 -maxdepth 2 -type f \( -name '*.c' -o -name '*.h' \) | sort)
[ -n "$files" ] || { echo "FAIL deps-check folder $SRC: no sources"; echo "0 passed, 1 failed"; exit 1; }

# One pass over every file: "INC f target", "SYS f header", "CALL f line kind", "MU f line".
facts=$(awk -v clock="^($CLOCK_FILE_PROC)\$" -v fdio="^($FD_IO)\$" -v sock="^($SOCKET_DNS)\$" \
	-v rnd="^($RANDOM_FN)\$" '
FNR == 1 { inc = 0; prevstatic = 0 }
{
	raw = $0
	if (match(raw, /^[ \t]*#[ \t]*include[ \t]*"[^"]*"/)) {
		s = raw; sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", s); sub(/".*/, "", s)
		print "INC", FILENAME, s
	} else if (match(raw, /^[ \t]*#[ \t]*include[ \t]*<[^>]*>/)) {
		s = raw; sub(/^[ \t]*#[ \t]*include[ \t]*</, "", s); sub(/>.*/, "", s)
		print "SYS", FILENAME, s
	}
	# blank comments and string/char literals
	line = raw; out = ""; i = 1; n = length(line)
	while (i <= n) {
		c = substr(line, i, 1); c2 = substr(line, i, 2)
		if (inc) { if (c2 == "*/") { inc = 0; i += 2 } else i++; continue }
		if (c2 == "/*") { inc = 1; i += 2; continue }
		if (c2 == "//") break
		if (c == "\"" || c == "\047") {
			q = c; out = out " "; i++
			while (i <= n) { d = substr(line, i, 1); if (d == "\\") { i += 2; continue } i++; if (d == q) break }
			continue
		}
		out = out c; i++
	}
	code = out
	if (code ~ /^[ \t]*#/) { prevstatic = 0; next }
	rest = code
	while (match(rest, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
		name = substr(rest, RSTART, RLENGTH); sub(/[ \t]*\($/, "", name)
		before = RSTART > 1 ? substr(rest, RSTART - 1, 1) : ""
		arrow = RSTART > 2 ? substr(rest, RSTART - 2, 2) : ""
		if (before != "." && arrow != "->") {
			if (name ~ clock) print "CALL", FILENAME, FNR, "clock"
			else if (name ~ fdio) print "CALL", FILENAME, FNR, "fdio"
			else if (name ~ sock) print "CALL", FILENAME, FNR, "socket"
			else if (name ~ rnd) print "CALL", FILENAME, FNR, "random"
		}
		rest = substr(rest, RSTART + RLENGTH)
	}
	# SG_MUST_USE: prototypes "sg_err name(" anywhere; static definitions whose type line
	# ("static sg_err") stands above the name.
	if (code ~ /^[ \t]*(static[ \t]+|extern[ \t]+)?sg_err[ \t]+[A-Za-z_][A-Za-z0-9_]*\(/) print "MU", FILENAME, FNR
	if (prevstatic && code ~ /^[A-Za-z_][A-Za-z0-9_]*\(/) print "MU", FILENAME, FNR
	prevstatic = code ~ /^static[ \t]+(inline[ \t]+)?sg_err[ \t]*$/
}' $files)

declare -A problems edges
pass=0 fail=0
note() { problems[$1]+="$2"$'\n'; }
folder_of() { local rel=${1#"$SRC"/}; echo "${rel%%/*}"; }

# Folders.
for f in $files; do
	fo=$(folder_of "$f")
	[ -n "${rank[$fo]:-}" ] || note "$f" "folder: $fo/ is not in the rank table"
done

while read -r kind f a b; do
	[ -n "$kind" ] || continue
	rel=${f#"$SRC"/}
	folder=${rel%%/*}
	base=${rel##*/}; mod=${base%.*}
	R=${rank[$folder]:-}
	[ -n "$R" ] || continue
	case $kind in
	INC)
		inc=${a%.h}
		if [ "$inc" = vfj ]; then
			[ "$R" -ge 1 ] || note "$f" "rank: includes vfj.h (rank 1) from rank $R"
			continue
		fi
		case $inc in
		*/*/* | */ | /*) note "$f" "folder: include \"$a\" is not <folder>/<file>.h"; continue ;;
		*/*) ;;
		*) note "$f" "folder: include \"$a\" is not written \"<folder>/$a\""; continue ;;
		esac
		ifolder=${inc%%/*}
		IR=${rank[$ifolder]:-}
		if [ -z "$IR" ]; then note "$f" "folder: include \"$a\": $ifolder/ is not in the rank table"; continue; fi
		[ -f "$SRC/$a" ] || { note "$f" "folder: include \"$a\" names no file"; continue; }
		if [ "$IR" -gt "$R" ]; then
			note "$f" "rank: $folder/ (rank $R) includes $a (rank $IR)"
		elif [ "$IR" -eq "$R" ] && [ "$ifolder" != "$folder" ]; then
			note "$f" "same-rank: $folder/ includes $a (both rank $R)"
		fi
		if [ "$R" -le $OFFLINE_MAX ] && [[ $inc =~ ^$SIGNING_SIDE$ ]] &&
			! [[ $folder/$mod =~ ^$SIGNING_SIDE$ ]]; then
			note "$f" "signing: offline rank $R includes the signing side's $a"
		fi
		if [ "$ifolder" = "$folder" ] && [ "${inc#*/}" != "$mod" ]; then
			edges[$folder/$mod]+=" $inc"
		fi
		;;
	SYS)
		h=$a; hb=${h%.h}
		case $h in
		bearssl.h)
			[ "$folder" = crypto ] || [ "$rel" = sys/net.c ] ||
				note "$f" "syshdr: <bearssl.h> outside crypto/ and sys/net.c"
			continue ;;
		sys/random.h)
			[ "$rel" = crypto/drbg.c ] || note "$f" "syshdr: <sys/random.h> outside crypto/drbg.c"
			continue ;;
		esac
		[[ $hb =~ ^($PURE_LIBC)$ ]] && continue
		[ "$folder" = sys ] && continue
		[ "$rel" = crypto/drbg.c ] && [[ $hb =~ ^(errno|stdlib)$ ]] && continue
		[ "$R" -ge 6 ] && [ "$hb" = stdlib ] && continue
		note "$f" "syshdr: <$h> in $folder/ (only sys/ reaches the system beyond pure libc)"
		;;
	CALL)
		case $b in
		clock) [ "$rel" = sys/os.c ] ||
			note "$f" "effect: clock, file or process call outside sys/os.c (line $a)" ;;
		fdio) [ "$rel" = sys/os.c ] || [ "$rel" = sys/net.c ] ||
			note "$f" "effect: descriptor I/O outside sys/os.c and sys/net.c (line $a)" ;;
		socket) [ "$rel" = sys/net.c ] ||
			note "$f" "effect: socket or DNS call outside sys/net.c (line $a)" ;;
		random) [ "$rel" = crypto/drbg.c ] ||
			note "$f" "effect: randomness outside crypto/drbg.c (line $a)" ;;
		esac
		;;
	MU)
		note "$f" "must-use: sg_err function without SG_MUST_USE (line $a)"
		;;
	esac
done <<<"$facts"

for f in $files; do
	if [ -z "${problems[$f]:-}" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		rel=${f#"$SRC"/}
		while IFS= read -r p; do
			[ -n "$p" ] && echo "FAIL deps-check ${p%%:*} $rel:${p#*:}"
		done <<<"${problems[$f]}"
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
