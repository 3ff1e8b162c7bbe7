/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's general-purpose registers as the EL2 vectors save them on a
 * trap (arch/arm64/hyp/entry.S). Handlers read arguments from and write
 * results into regs[]; entry.S restores all of them before the eret.
 */
#ifndef ISOHYP_HOST_CTXT_H
#define ISOHYP_HOST_CTXT_H

#define HOST_CTXT_SIZE 256 /* 31 registers, padded to 16 bytes */

#ifndef __ASSEMBLER__
#include <isohyp/types.h>

struct host_ctxt {
	u64 regs[31]; /* x0..x30 */
	u64 pad;
};

_Static_assert(sizeof(struct host_ctxt) == HOST_CTXT_SIZE, "entry.S frame size");
#endif

#endif /* ISOHYP_HOST_CTXT_H */
