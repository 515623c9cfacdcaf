#!/usr/bin/env bash
# offline-symbols.sh ARCHIVE: the link-level proof that the offline set (libpicosign-offline.a:
# ranks 0-5 and vendor-free-json) cannot reach the world. Lists the archive's undefined symbols
# (nm -u) and fails if any is a clock, file, socket, DNS, process, randomness or environment
# function. The source rules of scripts/deps-check.sh say the same by grep; this says it for
# the object code the verifier's tests and fuzzers actually link.
# Prints one line per forbidden symbol, the symbols it found allowed, and "N passed, N failed"
# (symbols checked).
set -u
a=${1:?usage: offline-symbols.sh ARCHIVE}
[ -f "$a" ] || { echo "FAIL offline-symbols: $a not found"; echo "0 passed, 1 failed"; exit 1; }
deny='^(time|clock_gettime|clock_getres|gettimeofday|clock|times|ftime|timespec_get|localtime.*|gmtime.*|mktime|'\
'open|open64|openat|openat64|creat|fopen|fopen64|freopen|fdopen|opendir|fdopendir|read|write|pread.*|pwrite.*|readv|writev|'\
'close|lseek.*|stat.*|fstat.*|lstat.*|access|faccessat|mkdir|rename|unlink|remove|fsync|fdatasync|mkstemp.*|tmpfile|'\
'fread|fwrite|fgets|fputs|fprintf|printf|puts|putchar|getchar|fflush|fclose|'\
'socket|connect|bind|listen|accept.*|send|sendto|sendmsg|recv|recvfrom|recvmsg|getaddrinfo|freeaddrinfo|'\
'gethostbyname.*|poll|select|epoll_.*|setsockopt|getsockopt|shutdown|'\
'fork|vfork|clone|posix_spawn.*|exec[lv].*|system|popen|pclose|wait|waitpid|kill|raise|signal|sigaction|'\
'getrandom|getentropy|rand|random|srand|srandom|arc4random.*|'\
'getenv|secure_getenv|setenv|putenv|malloc|calloc|realloc|free|exit|_exit|abort_handler_s)(@.*)?$'
# Undefined in some member and defined in none: what the archive needs from outside.
defined=$(nm --defined-only "$a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
syms=$(nm -u "$a" 2>/dev/null | awk 'NF >= 2 && $1 == "U" { print $2 } NF == 1 { print $1 }' |
	grep -v ':$' | sed 's/@.*//' | sort -u | comm -23 - <(printf '%s\n' "$defined"))
pass=0 fail=0
for s in $syms; do
	if [[ $s =~ $deny ]]; then
		echo "FAIL offline-symbols: $a references $s"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "offline-symbols: allowed undefined symbols: $(echo $syms | tr ' ' '\n' | grep -vE "$deny" | tr '\n' ' ')"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
