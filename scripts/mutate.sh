#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make mutate: mutation testing of the unit tests (issue 13, section 4).
#
# Each mutant of tests/mutants/mutants.txt (the format is described at its
# top) is applied, one at a time, to a scratch copy of the tree (never to the
# working tree); the unit tests that cover the hypervisor's memory and SMMU
# code are rebuilt there (host only, a scratch BUILD) and run. A mutant that
# makes one of them fail (or time out) is KILLED; one they all pass SURVIVED.
# The tests are compiled with the Makefile's flags, one object per source.
# A mutant whose pattern does not match exactly one line, or that does not
# compile, is an error. Exit status 0 only when every mutant was killed.
#
#   scripts/mutate.sh [NAME-REGEX]     only the mutants whose name matches
#
# MUTANTS=FILE picks another list.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
list=${MUTANTS:-$root/tests/mutants/mutants.txt}
filter=${1:-.}
# Fastest first: most mutants die in the first one that looks.
tests="pgtable_test smmu_install_test smmuv3_probe_test smmuv3_test dma_policy_test smmu_robust_test mem_protect_test smmu_enomem_test mmio_test its_cmd_test fw_cfg_test smmu_nested_test smmu_nested_dma_test"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/isohyp-mutate.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
src=$scratch/src
build=$scratch/build
mkdir -p "$src"
# The working tree as it is (tracked and new files, not build output).
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -t "$src" 2>/dev/null)

# The unit tests as the Makefile builds them (its UNIT_CFLAGS and
# tests/unit/<test>.mk), but each source compiled once into an object of its
# own, so a mutant costs one compile and a few links, not a rebuild of every
# test from all its sources.
mkvar() {
	make -C "$src" --no-print-directory -s BUILD="$build" \
		--eval 'mutate-print-%: ; @echo $($*)' "mutate-print-$1"
}
cflags=$(mkvar UNIT_CFLAGS)
declare -A tsrcs tcflags tlibs
for t in $tests; do
	tsrcs[$t]="tests/unit/$t.c $(mkvar "unit_${t}_srcs")"
	tcflags[$t]=$(mkvar "unit_${t}_cflags")
	tlibs[$t]=$(mkvar "unit_${t}_ldlibs")
done

# build_tests: (re)compile what changed since its object, relink what it is in.
build_tests() {
	local t f o objs relink
	: >"$scratch/build.log"
	for t in $tests; do
		objs= relink=
		for f in ${tsrcs[$t]}; do
			o=$build/obj/$t/${f%.c}.o
			[ -z "${tcflags[$t]}" ] && o=$build/obj/common/${f%.c}.o
			if [ ! "$o" -nt "$src/$f" ]; then
				mkdir -p "$(dirname "$o")"
				(cd "$src" && ${HOSTCC:-gcc} $cflags ${tcflags[$t]} -c "$f" -o "$o") \
					>>"$scratch/build.log" 2>&1 || return 1
			fi
			[ "$o" -nt "$build/tests/unit/$t" ] && relink=1
			objs="$objs $o"
		done
		[ -n "$relink" ] || continue
		mkdir -p "$build/tests/unit"
		${HOSTCC:-gcc} $cflags $objs ${tlibs[$t]} -o "$build/tests/unit/$t" \
			>>"$scratch/build.log" 2>&1 || return 1
	done
}

# order_for FILE: the tests to run for a mutant of FILE -- those linking it
# (every test for a header), the ones named after it first (nested_ste.c:
# smmu_nested_test, smmu_nested_dma_test), then the rest in list order.
order_for() {
	local f=$1 stem t first= rest=
	stem=$(basename "${f%.c}")
	stem=${stem%%_*}
	for t in $tests; do
		case $f in *.c) [[ " ${tsrcs[$t]} " == *" $f "* ]] || continue ;; esac
		if [[ $t == *"$stem"* ]]; then first="$first $t"; else rest="$rest $t"; fi
	done
	echo $first $rest
}

# run_tests [TEST...]: the first test that fails, or nothing when all pass.
run_tests() {
	local t
	for t in ${@:-$tests}; do
		if ! timeout 120 "$build/tests/unit/$t" >"$scratch/$t.log" 2>&1; then
			echo "$t"
			return
		fi
	done
}

echo "mutate: baseline build and run in $scratch"
if ! build_tests; then
	cat "$scratch/build.log"
	echo "mutate: the unmutated unit tests do not build" >&2
	exit 2
fi
failed=$(run_tests)
if [ -n "$failed" ]; then
	tail -20 "$scratch/$failed.log"
	echo "mutate: $failed fails without any mutant" >&2
	exit 2
fi

# The list, one mutant a record: name, file, line (1-based), old, new,
# separated by \x1f; or an error line "!message".
parse() {
	python3 - "$list" "$src" "$filter" <<'PY'
import re, sys
path, src, flt = sys.argv[1:4]
recs, cur = [], None
for n, raw in enumerate(open(path), 1):
    line = raw.rstrip('\n')
    if not line.strip() or line.lstrip().startswith('#'):
        continue
    key, _, val = line.partition(':')
    key = key.strip()
    val = val[1:] if val.startswith(' ') else val
    if key == 'mutant':
        cur = {'name': val.strip(), 'at': n}
        recs.append(cur)
    elif cur is None or key not in ('file', 'after', 'from', 'to'):
        print('!%s:%d: unknown line: %s' % (path, n, line)); continue
    else:
        cur[key] = val
names = set()
for r in recs:
    name = r['name']
    if name in names:
        print('!%s: mutant %s defined twice' % (path, name))
    names.add(name)
    if not re.search(flt, name):
        continue
    if not all(k in r for k in ('file', 'from', 'to')):
        print('!%s: mutant %s needs file, from and to' % (path, name)); continue
    try:
        lines = open('%s/%s' % (src, r['file'].strip())).read().split('\n')
    except OSError as e:
        print('\x1f'.join((name, r['file'], '0', '', str(e)))); continue
    start = 0
    if 'after' in r:
        hits = [i for i, l in enumerate(lines) if r['after'] in l]
        if len(hits) != 1:
            print('\x1f'.join((name, r['file'], '0', '', 'after: %d matches' % len(hits))))
            continue
        start = hits[0] + 1
    hits = [i for i, l in enumerate(lines) if i >= start and r['from'] in l]
    if not hits or ('after' not in r and len(hits) != 1):
        print('\x1f'.join((name, r['file'], '0', '', 'from: %d matches' % len(hits))))
        continue
    print('\x1f'.join((name, r['file'].strip(), str(hits[0] + 1), r['from'], r['to'])))
PY
}

# apply FILE LINE OLD NEW: replace OLD by NEW on LINE of the scratch copy.
apply() {
	python3 - "$src/$1" "$2" "$3" "$4" <<'PY'
import sys
path, line, old, new = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = open(path).read().split('\n')
lines[line - 1] = lines[line - 1].replace(old, new, 1)
open(path, 'w').write('\n'.join(lines))
PY
}

total=0 killed=0 survived=0 errors=0
while IFS=$'\x1f' read -r name file line old new; do
	if [ "${name:0:1}" = "!" ]; then
		echo "ERROR     ${name:1}"
		errors=$((errors + 1))
		continue
	fi
	total=$((total + 1))
	if [ "$line" = 0 ]; then
		printf 'ERROR     %-40s did not apply (%s: %s)\n' "$name" "$file" "$new"
		errors=$((errors + 1))
		continue
	fi
	cp -p "$src/$file" "$scratch/orig"
	apply "$file" "$line" "$old" "$new"
	if ! build_tests; then
		printf 'ERROR     %-40s does not build (%s:%s)\n' "$name" "$file" "$line"
		grep -m3 'error' "$scratch/build.log" | sed 's/^/          /'
		errors=$((errors + 1))
	else
		failed=$(run_tests $(order_for "$file"))
		if [ -n "$failed" ]; then
			printf 'KILLED    %-40s by %s\n' "$name" "$failed"
			killed=$((killed + 1))
		else
			printf 'SURVIVED  %-40s %s:%s\n' "$name" "$file" "$line"
			survived=$((survived + 1))
		fi
	fi
	# A fresh mtime: the next build recompiles what this mutant touched.
	cp "$scratch/orig" "$src/$file"
	touch "$src/$file"
	# A header is in every object: start again from nothing.
	case $file in *.h) rm -rf "$build/obj" ;; esac
done < <(parse)

echo "mutate: $total mutants: $killed killed, $survived survived, $errors errors"
[ "$survived" = 0 ] && [ "$errors" = 0 ] && [ "$total" -gt 0 ]
