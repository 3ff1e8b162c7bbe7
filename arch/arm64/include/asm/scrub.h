/* SPDX-License-Identifier: GPL-2.0-only */
/* Zeroing the carve-out as the system goes down (arch/arm64/hyp/scrub.c). */
#ifndef ISOHYP_ASM_SCRUB_H
#define ISOHYP_ASM_SCRUB_H

#include <isohyp/types.h>

/*
 * Zero [start, end) but [keep_start, keep_end) (the text) and
 * [stack_lo, stack_hi) (this CPU's stack), with the EL2 MMU off when it
 * returns: the caller may then only run text and use this stack -- the
 * hypervisor cannot go back to the host. All bounds page aligned, in order.
 */
void hyp_scrub_carveout(u64 start, u64 end, u64 keep_start, u64 keep_end, u64 stack_lo,
			u64 stack_hi);

#endif /* ISOHYP_ASM_SCRUB_H */
