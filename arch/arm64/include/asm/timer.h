/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The generic timer's physical count (Arm ARM D12, CNTPCT_EL0/CNTFRQ_EL0):
 * the clock every bounded wait in the hypervisor measures against. EL2 reads
 * it untrapped whatever CNTHCTL_EL2 says for EL1.
 */
#ifndef ISOHYP_ASM_TIMER_H
#define ISOHYP_ASM_TIMER_H

#include <asm/sysreg.h>

static inline u64 arch_timer_count(void)
{
	isb(); /* not read early, before the work it times */
	return read_sysreg(cntpct_el0);
}

static inline u64 arch_timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

#endif /* ISOHYP_ASM_TIMER_H */
