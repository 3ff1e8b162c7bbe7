/* SPDX-License-Identifier: GPL-2.0-only */
/* The Arm side of the host stage-2 (arch/arm64/hyp/host_stage2.c). */
#ifndef ISOHYP_ASM_HOST_STAGE2_H
#define ISOHYP_ASM_HOST_STAGE2_H

#include <isohyp/boot_info.h>
#include <isohyp/page_alloc.h>

struct host_s2_regs {
	u64 vtcr, vttbr;
};

/* Build the host stage-2 (carve-out already the hypervisor's); VTCR/VTTBR out. */
int host_stage2_arch_init(const struct boot_info *bi, struct hyp_pool *pool,
			  struct host_s2_regs *regs);
struct host_ctxt;
/*
 * A stage-2 data/instruction abort from the host, with ESR_EL2 @esr: map
 * what the host owns, emulate an access to a mediated device's registers,
 * or inject an external abort.
 */
void handle_host_mem_abort(struct host_ctxt *ctxt, u64 esr);

#endif /* ISOHYP_ASM_HOST_STAGE2_H */
