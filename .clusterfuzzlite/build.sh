#!/bin/bash -eu
# build.sh: the fuzz build OSS-Fuzz and ClusterFuzzLite run (docs/fuzzing.md), from the
# repository root or $SRC/picosign. It uses only what the services set: $CC and $CFLAGS
# (sanitizers and coverage), $LIB_FUZZING_ENGINE (libFuzzer or another engine's driver), $OUT
# (the fuzzers and their files), $WORK (scratch; objects are kept there and rebuilt only when a
# source or header is newer, so a rerun with the same $WORK only links). Optional: $JOBS
# (parallel compiles, default nproc), $BEARSSL_LIB (the BearSSL archive or -l flag, default
# -lbearssl), $BEARSSL_INC (default /usr/include/bearssl when it exists).
#
# For each harness fuzz/fuzz_<t>.c it writes $OUT/fuzz_<t>, $OUT/fuzz_<t>_seed_corpus.zip
# (fuzz/corpus/<t>/ and fuzz/regress/<t>/), $OUT/fuzz_<t>.dict and $OUT/fuzz_<t>.options (with
# its dict line pointing at that copy), as the services expect.
# In the repository (.clusterfuzzlite/build.sh), or copied to $SRC/build.sh by the Dockerfile
# with the sources in $SRC/picosign (the services' layout), or run from the root.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -d "$ROOT/fuzz" ] || ROOT=${SRC:-.}/picosign
[ -d "$ROOT/fuzz" ] || ROOT=$PWD
cd "$ROOT"
: "${CC:?}" "${OUT:?}" "${LIB_FUZZING_ENGINE:?}"
WORK=${WORK:-$(mktemp -d)}
CFLAGS=${CFLAGS:-}
JOBS=${JOBS:-$(nproc)}
BEARSSL_LIB=${BEARSSL_LIB:--lbearssl}
if [ -z "${BEARSSL_INC:-}" ] && [ -d /usr/include/bearssl ]; then BEARSSL_INC=/usr/include/bearssl; fi
# The Makefile's language flags; the services' $CFLAGS bring optimisation and sanitizers.
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 -Isrc \
	-Ivendor-free-json ${BEARSSL_INC:+-isystem $BEARSSL_INC} $CFLAGS"
mkdir -p "$OUT" "$WORK/obj"

# The embedded trusted roots (cli/trust.c): empty arrays when the vectors are not here.
EMBED_NO_DOWNLOAD=1 bash scripts/embed-trust-root.sh "$WORK/gen/embedded_root.c" >/dev/null

# Compile every module but main.c once (only what is out of date), then one archive; each
# harness takes from it only what it references.
newest_header=$(find src vendor-free-json -name '*.h' -printf '%T@\n' | sort -n | tail -n 1)
newest_fuzz_header=$(find src vendor-free-json fuzz -name '*.h' -printf '%T@\n' | sort -n | tail -n 1)
srcs=$(ls src/*/*.c vendor-free-json/vfj.c "$WORK/gen/embedded_root.c" | grep -v '^src/cli/main\.c$')
printf '%s\n' $srcs | xargs -P "$JOBS" -I{} sh -c '
	o="$1/obj/$(echo "$2" | tr / _ | sed "s/\.c$/.o/")"
	if [ ! -f "$o" ] || [ "$2" -nt "$o" ] ||
		[ "$(stat -c %Y "$o")" -lt "${3%.*}" ]; then
		$4 $5 -c -o "$o" "$2"
	fi' _ "$WORK" {} "$newest_header" "$CC" "$FLAGS"
rm -f "$WORK/libpicosign-fuzz.a"
ar rcs "$WORK/libpicosign-fuzz.a" "$WORK"/obj/*.o

for src in fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	o="$WORK/harness_$t.o"
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$(stat -c %Y "$o")" -lt "${newest_fuzz_header%.*}" ]; then
		$CC $FLAGS -c -o "$o" "$src"
	fi
	$CC $CFLAGS -o "$OUT/fuzz_$t" "$o" "$WORK/libpicosign-fuzz.a" $LIB_FUZZING_ENGINE $BEARSSL_LIB
	# Seeds: the corpus and the regression inputs (prefixed, so names cannot collide).
	rm -rf "$WORK/seeds/$t" "$OUT/fuzz_${t}_seed_corpus.zip"
	mkdir -p "$WORK/seeds/$t"
	if [ -d "fuzz/corpus/$t" ]; then cp fuzz/corpus/"$t"/* "$WORK/seeds/$t/"; fi
	if [ -d "fuzz/regress/$t" ]; then
		for f in fuzz/regress/"$t"/*; do cp "$f" "$WORK/seeds/$t/regress-$(basename "$f")"; done
	fi
	if [ -n "$(ls -A "$WORK/seeds/$t")" ]; then
		(cd "$WORK/seeds/$t" && zip -q -r "$OUT/fuzz_${t}_seed_corpus.zip" .)
	fi
	# The dictionary its .options names (several harnesses share one), else fuzz/dict/<t>.dict.
	dict=fuzz/dict/$t.dict
	if [ -f "fuzz/$t.options" ]; then
		d=$(sed -n 's/^dict *= *//p' "fuzz/$t.options")
		if [ -n "$d" ]; then dict=fuzz/$d; fi
		sed "s|^dict *= *.*|dict = fuzz_$t.dict|" "fuzz/$t.options" >"$OUT/fuzz_$t.options"
	fi
	if [ -f "$dict" ]; then cp "$dict" "$OUT/fuzz_$t.dict"; fi
done
