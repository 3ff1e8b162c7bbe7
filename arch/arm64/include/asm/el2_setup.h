/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Programming a CPU's EL2 state for running the host at EL1 under stage-2
 * (ARCHITECTURE.md section 2, "EL2 state checklist"), and building the EL1
 * context the host starts with.
 */
#ifndef ISOHYP_ASM_EL2_SETUP_H
#define ISOHYP_ASM_EL2_SETUP_H

#include <isohyp/cpu.h>
#include <isohyp/types.h>

/* Decide every EL2 register value from the boot CPU's ID registers. */
void el2_cfg_init(u64 vtcr, u64 vttbr);
/* Program this CPU's EL2 registers (traps, stage-2, vectors, TPIDR_EL2). */
void el2_cpu_setup(struct hyp_cpu *cpu);
/* Boot CPU: turn the firmware's EL2 context into the equivalent EL1 one. */
void el2_to_el1_context(void);
/* Secondary CPU: EL1 as PSCI promises it at the entry point (MMU, caches off). */
void el1_reset_context(void);
/* The 4 KiB granule at stage 1 and stage 2 (ID_AA64MMFR0_EL1), which isohyp needs. */
bool cpu_has_4k_granule(void);
/* Physical address size from ID_AA64MMFR0_EL1.PARange, capped at 48 bits. */
unsigned int cpu_pa_bits(void);
/* VTCR_EL2 for a stage-2 of @ia_bits input bits starting at @start_level. */
u64 el2_vtcr(unsigned int ia_bits, unsigned int start_level);

#endif /* ISOHYP_ASM_EL2_SETUP_H */
