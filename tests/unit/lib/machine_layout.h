/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: the machine the ownership and DMA-isolation tests share.
 * RAM at [RAM0, RAM0 + 64 MiB) and [RAM1, RAM1 + 8 MiB), the carve-out at
 * CARVE (2 MiB, inside RAM0), MMIO everywhere else; a 40-bit host stage-2.
 */
#ifndef ISOHYP_TEST_MACHINE_LAYOUT_H
#define ISOHYP_TEST_MACHINE_LAYOUT_H

#define RAM0 0x40000000ull
#define RAM0_SIZE (64ull << 20)
#define RAM1 0x100000000ull
#define RAM1_SIZE (8ull << 20)
#define CARVE (RAM0 + (32ull << 20))
#define CARVE_SIZE (2ull << 20)
#define IA_BITS 40

#endif
