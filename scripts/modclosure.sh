#!/bin/sh
# Print the modules that the given modules need, transitively, by following the
# `#include "x.h"` lines of src/<m>.c and src/<m>.h to every src/x.c that exists. The Makefile
# links tests and fuzz harnesses with this closure, so a "/* modules: ... */" line names only
# what a file uses directly.
cd "$(dirname "$0")/.." || exit 1
todo="$*"
seen=""
while [ -n "$todo" ]; do
	set -- $todo
	m=$1
	shift
	todo="$*"
	case " $seen " in *" $m "*) continue ;; esac
	[ -f "src/$m.c" ] || continue
	seen="$seen $m"
	for h in $(sed -n 's/^#include "\([A-Za-z0-9_]*\)\.h".*/\1/p' "src/$m.c" "src/$m.h" 2>/dev/null); do
		case " $seen " in *" $h "*) ;; *) todo="$todo $h" ;; esac
	done
done
echo $seen
