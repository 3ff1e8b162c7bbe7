/* SPDX-License-Identifier: GPL-2.0-only */
/* Reflecting exceptions into the host at EL1 (arch/arm64/hyp/inject.c). */
#ifndef ISOHYP_ASM_INJECT_H
#define ISOHYP_ASM_INJECT_H

#include <isohyp/types.h>

/* A synchronous external abort for the access that trapped with @esr at @far. */
void inject_host_sea(u64 esr, u64 far);
/* An Undefined Instruction exception for the instruction that trapped. */
void inject_host_undef(void);
/*
 * The trapped instruction was emulated (an MMIO access, an SMC): return past
 * it, with PSTATE.BTYPE 0 as after any non-branch instruction.
 */
void host_skip_instr(void);

#endif /* ISOHYP_ASM_INJECT_H */
