# SPDX-License-Identifier: GPL-2.0-only
# Sourced by payload.test (so by every suite that runs the EL1 payload): the
# lines the hypervisor prints when it refuses what tests/target/payload/
# gic_tests.c asks of the ITS and the redistributors. Each is printed after
# the refusal took effect (the command was dropped, the queue stalled, the
# enable was not forwarded); the payload checks the behaviour, these check
# the reason. The values are QEMU virt's: ITS at 8080000, 16-bit DeviceIDs,
# EventIDs and INTIDs, 512 collections, 4 CPUs (RDbase 4 is one too many),
# 12-byte ITEs; DeviceIDs 7f00..7f03 are the payload's.
its='^isohyp: warning: its@8080000: host command'
# RDbase one past the last redistributor: the payload's CPU count.
cpus=${PAYLOAD_CPUS:-4}
mapc_rd=$(printf '%016x' $(( (1 << 63) | (cpus << 16) | 2 )))
sync_rd=$(printf '%016x' $(( cpus << 16 )))
x='[0-9a-f]{16}'
PAYLOAD_MARKERS+=(
	"its: MAPD with the ITT in a donated page refused"
	"$its 08 \\(00007f0100000008 0000000000000004 8[0-9a-f]{15} 0{16}\\) refused: ITT is not host RAM\$"
	"its: MAPD with the ITT in the carve-out refused"
	"$its 08 \\(00007f0200000008 0000000000000004 8[0-9a-f]{15} 0{16}\\) refused: ITT is not host RAM\$"
	"its: MAPTI for the device whose MAPD was refused: not mapped"
	"$its 0a \\(00007f010000000a 0000200200000000 0{16} 0{16}\\) refused: DeviceID not mapped\$"
	"its: INT for the device whose MAPD was refused: not mapped"
	"$its 03 \\(00007f0100000003 0{16} 0{16} 0{16}\\) refused: DeviceID not mapped\$"
	"its: a command queue in a donated page stalls"
	'^isohyp: warning: its@8080000: the host'"'"'s command queue at [0-9a-f]+ is not host RAM: stalled$'
	"its: MAPD of DeviceID 2^16 refused"
	"$its 08 \\(0001000000000008 $x $x 0{16}\\) refused: DeviceID outside the ITS's DeviceID bits\$"
	"its: MAPD Size 16 (17 EventID bits) refused"
	"$its 08 \\(00007f0300000008 0000000000000010 $x 0{16}\\) refused: MAPD Size larger than the ITS's EventID bits\$"
	"its: MAPTI for an unmapped device refused"
	"$its 0a \\(00007f030000000a 0000200700000000 0{16} 0{16}\\) refused: DeviceID not mapped\$"
	"its: MAPTI of EventID 32 (the device has 32) refused"
	"$its 0a \\(00007f000000000a 0000200700000020 0{16} 0{16}\\) refused: EventID outside the device's ITT\$"
	"its: INT of EventID 32 refused"
	"$its 03 \\(00007f0000000003 0000000000000020 0{16} 0{16}\\) refused: EventID outside the device's ITT\$"
	"its: MAPTI of pINTID 8191 refused"
	"$its 0a \\(00007f000000000a 00001fff00000002 0{16} 0{16}\\) refused: pINTID is not an LPI the GIC implements\$"
	"its: MAPTI of pINTID 2^16 refused"
	"$its 0a \\(00007f000000000a 0001000000000003 0{16} 0{16}\\) refused: pINTID is not an LPI the GIC implements\$"
	"its: MAPC of ICID 512 refused"
	"$its 09 \\(0{14}09 0{16} 8000000000000200 0{16}\\) refused: ICID outside the collection table\$"
	"its: MAPTI to ICID 512 refused"
	"$its 0a \\(00007f000000000a 0000200700000004 0000000000000200 0{16}\\) refused: ICID outside the collection table\$"
	"its: MAPC to RDbase $cpus refused"
	"$its 09 \\(0{14}09 0{16} $mapc_rd 0{16}\\) refused: RDbase names no redistributor\$"
	"its: SYNC of RDbase $cpus refused"
	"$its 05 \\(0{14}05 0{16} $sync_rd 0{16}\\) refused: RDbase names no redistributor\$"
	"its: unknown opcode ff refused"
	"$its ff \\(0{14}ff 0{16} 0{16} 0{16}\\) refused: unknown or GICv4 command\$"
)
# Another CPU's redistributor is attacked only when there is one.
[ "$cpus" -gt 1 ] && PAYLOAD_MARKERS+=(
	"gicr: EnableLPIs with a pending table in a donated page refused"
	'^isohyp: warning: gicr@[0-9a-f]+: LPIs not enabled: tables at [0-9a-f]+ \(2000 bytes\) and [0-9a-f]+ \(800 bytes\) are not all host RAM$'
)
for op in 21 22 23 25 29 2a 2b 2d 2e; do
	PAYLOAD_MARKERS+=("its: GICv4 command $op refused"
		"$its $op \\(0{14}$op 0{16} 0{16} 0{16}\\) refused: unknown or GICv4 command\$")
done
unset its x op
