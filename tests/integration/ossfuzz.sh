#!/usr/bin/env bash
# ossfuzz: .clusterfuzzlite/build.sh builds every harness the way OSS-Fuzz and ClusterFuzzLite
# run it (docs/fuzzing.md): clang, sanitizers and fuzzer coverage in $CFLAGS,
# LIB_FUZZING_ENGINE=-fsanitize=fuzzer, a temporary $OUT, from another working directory. Then
# for every fuzz/fuzz_<t>.c: $OUT/fuzz_<t> exists and runs five of its seed inputs and 200
# mutations with its dictionary, its seed corpus zip holds the corpus and the regression inputs,
# and its .options names a dictionary that is there. $WORK is build/ossfuzz-work, kept between
# runs, so only the links are redone after the first build (about 30 s the first time on two
# cores, then about 15 s). Last line "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/check.sh # pass/fail bookkeeping (ok, bad, check, skip, finish)
ROOT=$PWD
for tool in clang zip unzip timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
# libFuzzer comes with clang's runtime package; without it nothing links.
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' |
	clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null || skip "clang has no libFuzzer"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/out" build/ossfuzz-work
t0=$(date +%s%N)
(cd "$T" && CC=clang CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only \
	-fsanitize=address,undefined -fsanitize=fuzzer-no-link" \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$T/out" WORK="$ROOT/build/ossfuzz-work" JOBS=2 \
	timeout -k 10 600 bash "$ROOT/.clusterfuzzlite/build.sh") >"$T/build.log" 2>&1
rc=$?
echo "build.sh took $((($(date +%s%N) - t0) / 1000000)) ms"
check "build.sh succeeds ($(tail -n 1 "$T/build.log"))" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail -n 20 "$T/build.log"; finish; exit 1; }

n=0
for src in fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	bin=$T/out/fuzz_$t
	n=$((n + 1))
	if [ ! -x "$bin" ]; then bad "$t: no fuzzer in \$OUT"; continue; fi
	zip=$T/out/fuzz_${t}_seed_corpus.zip
	want=$(( $(find "fuzz/corpus/$t" -type f 2>/dev/null | wc -l) +
		$(find "fuzz/regress/$t" -type f 2>/dev/null | wc -l) ))
	mkdir -p "$T/seeds/$t"
	unzip -q "$zip" -d "$T/seeds/$t" 2>/dev/null
	got=$(find "$T/seeds/$t" -type f | wc -l)
	[ "$got" = "$want" ] || bad "$t: seed corpus has $got inputs, want $want"
	dict=()
	if [ -f "fuzz/$t.options" ]; then
		d=$(sed -n 's/^dict *= *//p' "$T/out/fuzz_$t.options" 2>/dev/null)
		if [ -n "$d" ] && [ ! -f "$T/out/$d" ]; then bad "$t: .options names $d, not in \$OUT"; fi
		[ -n "$d" ] && dict=("-dict=$T/out/$d")
	fi
	mapfile -t five < <(find "$T/seeds/$t" -type f | sort | head -n 5)
	if ! timeout 60 "$bin" -timeout=10 "${five[@]}" >"$T/$t.run" 2>&1; then
		bad "$t: replaying seeds failed"; tail -n 5 "$T/$t.run"; continue
	fi
	mkdir -p "$T/new/$t"
	if ! timeout 60 "$bin" -runs=200 -seed=1 -max_len=4096 "${dict[@]}" "$T/new/$t" \
		>"$T/$t.fuzz" 2>&1; then
		bad "$t: 200 mutations failed"; tail -n 5 "$T/$t.fuzz"; continue
	fi
	rm -rf "$T/new/$t" "$T/seeds/$t"
done
ok "every harness ($n) built, with seeds, options and dictionary, and runs"
check "as many fuzzers as harnesses" test "$(find "$T/out" -maxdepth 1 -name 'fuzz_*' -type f \
	-executable | wc -l)" = "$n"
finish
