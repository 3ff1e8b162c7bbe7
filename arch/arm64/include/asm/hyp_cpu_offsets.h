/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offsets in struct hyp_cpu (include/isohyp/cpu.h, which checks them) that
 * the EL2 vectors read (arch/arm64/hyp/entry.S).
 */
#ifndef ISOHYP_ASM_HYP_CPU_OFFSETS_H
#define ISOHYP_ASM_HYP_CPU_OFFSETS_H

#define HYP_CPU_STACK_TOP 0
#define HYP_CPU_PANIC_STACK_TOP 8
#define HYP_CPU_VEC_MITIGATION 16
#define HYP_CPU_BHB_LOOPS 20
#define HYP_CPU_FW_WORKAROUND 24

#endif /* ISOHYP_ASM_HYP_CPU_OFFSETS_H */
