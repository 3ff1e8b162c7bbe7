# SPDX-License-Identifier: GPL-2.0-only
# Linux under isohyp, sourced by the tests/linux/boot*.test suites with CPU
# (QEMU CPU model) and NAME set: the Debian arm64 kernel, started by
# isohyp.efi through its EFI stub, boots at EL1 on 4 CPUs with a busybox
# initramfs whose /init (tests/linux/init) checks the machine from inside
# and powers off.
set -u
. tests/lib/ktap.sh
BUILD=${BUILD:-build}
log=$BUILD/results/linux-$NAME.log
data=$BUILD/linux/data.img
want=$(sha256sum "$data" | cut -d' ' -f1)

ktap_plan 9
scripts/run-qemu --esp "$BUILD/linux/esp.img" --cpus 4 --cpu "$CPU" --timeout 600 --log "$log" \
	--fail-on 'Kernel panic|PANIC|Synchronous Exception' -- \
	-no-reboot \
	-drive "if=none,id=data,file=$data,format=raw,readonly=on" \
	-device virtio-blk-pci,drive=data,serial=isohyp-data
rc=$?
ktap_marker "isohyp installed and started the kernel" "$log" '^isohyp: starting \\vmlinuz '
ktap_marker "every CPU started at EL1" "$log" 'CPU: All CPU\(s\) started at EL1$'
ktap_marker "the initramfs ran its checks" "$log" '^ISOHYP-LINUX-TEST: end$'
ktap_marker "4 CPUs online" "$log" '^ISOHYP-CHECK: cpus-online: ok 0-3 4$'
ktap_marker "the carve-out is reserved in /proc/device-tree" "$log" \
	'^ISOHYP-CHECK: reserved-memory: ok hypervisor@[0-9a-f]+$'
ktap_marker "the /isohyp node is there" "$log" '^ISOHYP-CHECK: isohyp-node: ok '
ktap_marker "a virtio-blk disk on PCI reads back the right data" "$log" \
	"^ISOHYP-CHECK: virtio-blk-data: ok sha256=$want\$"
ktap_marker "Linux powered off through PSCI" "$log" 'reboot: Power down'
ktap_result $rc "QEMU exited by itself after the power-off (exit $rc)"
ktap_done
