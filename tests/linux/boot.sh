# SPDX-License-Identifier: GPL-2.0-only
# Linux under isohyp, sourced by the tests/linux/boot*.test suites with CPU
# (QEMU CPU model), NAME and optionally SMMU_STAGE (QEMU's SMMU: nested by
# default, 2 for a stage-2-only SMMU), CPUS (default 4) and BOOT_MARKERS (more
# pairs of check name and log regex) set: the Debian arm64
# kernel, started by isohyp.efi through its EFI stub, boots at EL1 on every CPU with a busybox
# initramfs whose /init (tests/linux/init) checks the machine from inside
# and powers off.
set -u
. tests/lib/ktap.sh
BUILD=${BUILD:-build}
log=$BUILD/results/linux-$NAME.log
data=$BUILD/linux/data.img
want=$(sha256sum "$data" | cut -d' ' -f1)

[ -n "${BOOT_MARKERS+x}" ] || BOOT_MARKERS=() # pairs of name and regex from the suite
plan=$((35 + ${#BOOT_MARKERS[@]} / 2))
[ "${SMMU_STAGE:-nested}" = 2 ] && plan=$((plan + 1))
ktap_plan $plan
CPUS=${CPUS:-4}
rm -f "$log.smmu-trace" # QEMU writes it afresh: no witness left from an earlier run
scripts/run-qemu --esp "$BUILD/linux/esp.img" --cpus "$CPUS" --cpu "$CPU" --smmu-stage "${SMMU_STAGE:-nested}" \
	--timeout 600 --log "$log" \
	--fail-on 'Kernel panic|PANIC|Synchronous Exception' -- \
	-no-reboot \
	-drive "if=none,id=data,file=$data,format=raw,readonly=on" \
	-device virtio-blk-pci,drive=data,serial=isohyp-data \
	-netdev user,id=net0 -device virtio-net-pci,netdev=net0,romfile= \
	-drive "if=none,id=mmio-blk,file=$data,format=raw,readonly=on" \
	-device virtio-blk-device,drive=mmio-blk \
	-device virtio-rng-pci,iommu_platform=off \
	-trace "smmuv3_translate_success,file=$log.smmu-trace"
rc=$?
# The DMA policy: each device's class in the boot log. The virtio-blk device
# on virtio-mmio is removed (nothing fronts it); the firmware drove it, so
# the loader disconnected its drivers first -- else the firmware's reset of
# it at ExitBootServices, in Linux's EFI stub, would abort.
ktap_marker "the DMA policy removed the virtio-mmio transports" "$log" \
	'^isohyp: dma policy: /virtio_mmio@a000000: removed '
ktap_marker "the DMA policy mediates fw_cfg" "$log" '^isohyp: dma policy: /fw-cfg@9020000: mediated$'
ktap_marker "the firmware let go of the removed virtio-mmio device before the install" "$log" \
	"^isohyp: dma policy: the firmware's drivers let go of 32 removed virtio-mmio transports$"
ktap_marker "isohyp installed and started the kernel" "$log" '^isohyp: starting \\vmlinuz '
ktap_marker "every CPU started at EL1" "$log" 'CPU: All CPU\(s\) started at EL1$'
ktap_marker "the initramfs ran its checks" "$log" '^ISOHYP-LINUX-TEST: end$'
ktap_marker "$CPUS CPUs online" "$log" \
	"^ISOHYP-CHECK: cpus-online: ok 0$([ "$CPUS" -gt 1 ] && echo "-$((CPUS - 1))") $CPUS\$"
ktap_marker "the carve-out is reserved in /proc/device-tree" "$log" \
	'^ISOHYP-CHECK: reserved-memory: ok hypervisor@[0-9a-f]+$'
ktap_marker "the /isohyp node is there" "$log" '^ISOHYP-CHECK: isohyp-node: ok '
ktap_marker "a virtio-blk disk on PCI reads back the right data" "$log" \
	"^ISOHYP-CHECK: virtio-blk-data: ok sha256=$want\$"
ktap_marker "the SMMU is hidden from Linux (disabled, unreferenced)" "$log" \
	'^ISOHYP-CHECK: smmu-hidden: ok [0-9]+ disabled, iommu-mode=hidden$'
ktap_marker "virtio-net on PCI gets a DHCP lease through SMMU stage-2" "$log" \
	'^ISOHYP-CHECK: virtio-net: ok eth[0-9]+: lease of [0-9.]+ obtained$'
# Network (1) and the two disks (2) with it; the control, an entropy source
# (4) with iommu_platform=off, without: the check reads what was negotiated.
ktap_marker "the virtio-pci disks and network negotiated ACCESS_PLATFORM, the control did not" "$log" \
	'^ISOHYP-CHECK: virtio-platform: with: 1 2 2; without: 4$'
# Seen from outside the guest: QEMU's SMMU translated DMA into RAM (virt's RAM
# starts at 0x40000000; the MSI writes go to the ITS, below it). Without
# ACCESS_PLATFORM it translates the MSI writes alone.
ktap_marker "QEMU's SMMU translated the devices' DMA into RAM" "$log.smmu-trace" \
	'smmuv3_translate_success .* translated=0x[4-9a-f][0-9a-f]{7,} '
ktap_marker "virtio interrupts are MSI-X through the GIC ITS" "$log" \
	'^ISOHYP-CHECK: msi-its: ok [1-9][0-9]* vectors, [1-9][0-9]* interrupts$'
ktap_marker "edu DMA from user space reaches its own buffer" "$log" \
	'^edu-probe: own-buffer: ok '
ktap_marker "no carve-out byte reaches the edu device" "$log" \
	'^edu-probe: carveout-read: ok 0x[0-9a-f]+: no carve-out byte reached the device'
# The hypervisor, not Linux, sees the refused DMA: logged on a host trap or
# at the latest as the host powers off, at the address edu-probe used.
carve=$(sed -n 's/^edu-probe: carveout-read: [a-z]* 0x\([0-9a-f]*\):.*/\1/p' "$log" 2>/dev/null)
ktap_marker "isohyp logged the edu's refused read of the carve-out" "$log" \
	"^isohyp: warning: smmu@[0-9a-f]+: F_TRANSLATION \(0x10\) stream [0-9a-f]+ read addr ${carve:-none} at stage 2\$"
ktap_marker "edu DMA from user space still works after the refused ones" "$log" \
	'^edu-probe: after: ok '
ktap_marker "isohyp logged the edu's refused write of the carve-out" "$log" \
	"^isohyp: warning: smmu@[0-9a-f]+: F_TRANSLATION \(0x10\) stream [0-9a-f]+ write addr ${carve:-none} at stage 2\$"
ktap_marker "isohyp counted the refused DMA before the power-off" "$log" \
	'^isohyp: iommu: [1-9][0-9]* DMA faults at stage 2 since boot, last at [0-9a-f]+$'
# The event queue holds a whole refused transfer (QEMU: one fault per 4-byte beat).
ktap_no_line "no DMA fault was lost: no SMMU error, no event queue overflow" "$log" \
	'^isohyp: (error: smmu|warning: smmu@[0-9a-f]+: event queue overflowed)'
# The GIC's DMA: the ITS and the redistributors' LPI tables are mediated.
ktap_marker "isohyp mediates the ITS" "$log" \
	'^isohyp: its@[0-9a-f]+: mediated: [0-9]+-bit DeviceIDs.*; the host.s commands are checked, its ITTs pinned$'
ktap_marker "isohyp mediates every redistributor's LPI tables" "$log" \
	"^isohyp: gicr: $CPUS redistributors: LPI tables checked and pinned, [0-9]+-bit INTIDs\$"
ktap_marker "its-attack: an ITT in a host page is written by the ITS (control)" "$log" \
	'^its-attack: control-itt-written: ok '
ktap_marker "its-attack: the queue moves past a MAPD aimed at the carve-out" "$log" \
	'^its-attack: attack-carveout-itt: ok '
ktap_marker "isohyp refused the MAPD whose ITT is the carve-out" "$log" \
	"^isohyp: warning: its@[0-9a-f]+: host command 08 \(00007f1100000008 [0-9a-f]{16} 80*${carve:-none} [0-9a-f]{16}\) refused: ITT is not host RAM\$"
ktap_marker "isohyp refused the MAPTI for the device it did not map" "$log" \
	'^isohyp: warning: its@[0-9a-f]+: host command 0a \(00007f110000000a [0-9a-f ]+\) refused: DeviceID not mapped$'
# QEMU's fw_cfg: no SMMU fronts it; its DMA is mediated (tests/linux/fwcfg-probe.c).
ktap_marker "fw_cfg DMA from user space reaches its own buffer (both triggers)" "$log" \
	'^fwcfg-probe: own-buffer: ok '
ktap_marker "fw_cfg DMA aimed at the carve-out comes back with ERROR" "$log" \
	'^fwcfg-probe: carveout: ok 0x[0-9a-f]+: control 0x1 \(64-bit trigger\), 0x1 \(split\): refused$'
fwcarve=$(sed -n 's/^fwcfg-probe: carveout: [a-z]* 0x\([0-9a-f]*\):.*/\1/p' "$log" 2>/dev/null)
ktap_marker "isohyp logged the refused fw_cfg DMA into the carve-out" "$log" \
	"^isohyp: warning: fw_cfg: DMA of 64 bytes at ${fwcarve:-none} \\(control [0-9a-f]+\\) refused: buffer not host RAM\$"
ktap_marker "qemu_fw_cfg reads fw_cfg items through the trapped registers" "$log" \
	'^ISOHYP-CHECK: fw-cfg-sysfs: ok etc/boot-fail-wait=[0-9a-f]+ rev=3 '
# Debian's CONFIG_IO_STRICT_DEVMEM: once qemu_fw_cfg claims the registers,
# /dev/mem will not map them; the attack above ran before the driver loaded.
ktap_marker "/dev/mem refuses fw_cfg's registers once qemu_fw_cfg claimed them" "$log" \
	'^fwcfg-probe: devmem-claimed: ok '
if [ "${SMMU_STAGE:-nested}" = 2 ]; then
	# IDR0.S1P (bit 1) clear: the last hex digit is one of 0 1 4 5 8 9 c d.
	ktap_marker "the SMMU had stage 2 only (IDR0.S1P = 0)" "$log" \
		'^isohyp: smmu@[0-9a-f]+: IDR0 [0-9a-f]*[014589cd] '
fi
ktap_marker "Linux powered off through PSCI" "$log" 'reboot: Power down'
ktap_result $rc "QEMU exited by itself after the power-off (exit $rc)"
for ((i = 0; i < ${#BOOT_MARKERS[@]}; i += 2)); do
	ktap_marker "${BOOT_MARKERS[i]}" "$log" "${BOOT_MARKERS[i + 1]}"
done
ktap_done
