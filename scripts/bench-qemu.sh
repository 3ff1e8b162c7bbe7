#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench, part 2: what isohyp costs a real Linux on QEMU. The same
# loader, kernel and initramfs boot with the hypervisor (build/bench/
# esp-hyp.img) and without it (esp-nohyp.img: install=0); each run measures
#   - boot: seconds from starting QEMU (firmware start) to Linux user space
#     (the init's "ISOHYP-BENCH: userspace" line, stamped by qemu-expect);
#   - read: MiB/s of one sequential read of a 256 MiB virtio-blk disk on PCI
#     (dd bs=1M to /dev/null, timed by /proc/uptime), which DMAs through the SMMU's stage-2 under isohyp.
# RUNS runs of each (default 5), interleaved; the medians and their ratios are
# printed as a table and as "BENCH ..." lines, with the performance targets.
set -euo pipefail

BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
out=$BUILD/bench
die() { echo "bench-qemu: $*" >&2; exit 1; }
for f in "$out/esp-hyp.img" "$out/esp-nohyp.img" "$out/data.img"; do
	[ -f "$f" ] || die "no $f (run 'make bench')"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A boots reads
for run in $(seq 1 "$RUNS"); do
	for mode in hyp nohyp; do
		log=$out/qemu-$mode-$run.log
		scripts/run-qemu --esp "$out/esp-$mode.img" --cpus 4 --timeout 600 --log "$log" \
			--until '^ISOHYP-BENCH: done' --stamp '^ISOHYP-BENCH: userspace' \
			--fail-on 'Kernel panic|PANIC' -- \
			-drive "if=none,id=bench,file=$out/data.img,format=raw,readonly=on" \
			-device virtio-blk-pci,drive=bench,serial=isohyp-bench ||
			die "run $run ($mode) failed, see $log"
		boot=$(sed -n 's/^qemu-expect: stamp \([0-9.]*\) .*/\1/p' "$log")
		# "ISOHYP-BENCH: read 268435456 bytes in 1.23 s"
		read -r bytes secs < <(sed -n 's/^ISOHYP-BENCH: read \([0-9]*\) bytes in \([0-9.]*\) s$/\1 \2/p' "$log")
		[ -n "$boot" ] && [ -n "${bytes:-}" ] || die "run $run ($mode): no figures in $log"
		[ "$mode" = hyp ] && grep -q 'running at EL2' "$log" || [ "$mode" = nohyp ] ||
			die "run $run: isohyp did not run in $log"
		boots[$mode]+="$boot "
		reads[$mode]+="$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.2f", b / 1048576 / s }') "
		echo "bench-qemu: run $run $mode: boot ${boot}s, read $(echo "${reads[$mode]}" | awk '{ print $NF }') MiB/s" >&2
	done
done

bh=$(echo "${boots[hyp]}" | tr ' ' '\n' | grep . | median)
bn=$(echo "${boots[nohyp]}" | tr ' ' '\n' | grep . | median)
rh=$(echo "${reads[hyp]}" | tr ' ' '\n' | grep . | median)
rn=$(echo "${reads[nohyp]}" | tr ' ' '\n' | grep . | median)
boot_ratio=$(awk -v a="$bh" -v b="$bn" 'BEGIN { printf "%.3f", a / b }')
read_ratio=$(awk -v a="$rh" -v b="$rn" 'BEGIN { printf "%.3f", a / b }')

echo "Linux on QEMU (TCG, 4 CPUs, 2 GiB), median of $RUNS runs"
printf '%-18s %14s %14s %8s\n' "" "with isohyp" "without" "ratio"
printf '%-18s %14s %14s %8s\n' "boot to user space" "${bh} s" "${bn} s" "$boot_ratio"
printf '%-18s %14s %14s %8s\n' "virtio-blk read" "${rh} MiB/s" "${rn} MiB/s" "$read_ratio"
echo "BENCH qemu_boot_to_userspace mode=isohyp value=$bh unit=s"
echo "BENCH qemu_boot_to_userspace mode=none value=$bn unit=s"
echo "BENCH qemu_boot_ratio value=$boot_ratio unit=ratio"
echo "BENCH qemu_virtio_blk_read mode=isohyp value=$rh unit=MiB/s"
echo "BENCH qemu_virtio_blk_read mode=none value=$rn unit=MiB/s"
echo "BENCH qemu_virtio_blk_read_ratio value=$read_ratio unit=ratio"
echo "targets:"
awk -v r="$boot_ratio" 'BEGIN { printf "  boot-time ratio <= 1.10: %s (%s)\n", (r <= 1.10) ? "met" : "MISSED", r }'
awk -v r="$read_ratio" 'BEGIN { printf "  throughput ratio >= 0.90: %s (%s)\n", (r >= 0.90) ? "met" : "MISSED", r }'
