/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Spectre-v2 (CVE-2017-5715) and Spectre-BHB (CVE-2022-23960) hardening of
 * the hypervisor's entry from the host (ARCHITECTURE.md section 10): what a
 * CPU needs at the host's trap vector, before EL2 takes its first indirect
 * branch, so the host cannot steer EL2's branch predictor. The choice is the
 * one Linux makes at EL1/EL2 (arch/arm64/kernel/proton-pack.c), per MIDR and
 * ID register; arch/arm64/hyp/spectre_policy.c decides (pure, unit-tested),
 * entry.S runs the sequence, arch/arm64/hyp/spectre.c reads the registers.
 */
#ifndef ISOHYP_ASM_SPECTRE_H
#define ISOHYP_ASM_SPECTRE_H

#ifndef __ASSEMBLER__
#include <isohyp/types.h>
#endif

/* struct hyp_cpu.vec_mitigation bits, read by entry.S. */
#define VEC_MIT_BHB_LOOP 0x1 /* bhb_loops taken branches, then DSB; ISB */
#define VEC_MIT_CLRBHB 0x2 /* the CLRBHB instruction (FEAT_CLRBHB), then ISB */
#define VEC_MIT_FW 0x4 /* SMC fw_workaround (SMCCC_ARCH_WORKAROUND_1 or _3) */

#ifndef __ASSEMBLER__
/* What the policy needs to know of one CPU. */
struct spectre_cpu_id {
	u32 midr; /* MIDR_EL1 */
	u64 pfr0; /* ID_AA64PFR0_EL1: CSV2 */
	u64 mmfr1; /* ID_AA64MMFR1_EL1: ECBHB */
	u64 isar2; /* ID_AA64ISAR2_EL1: CLRBHB */
	bool fw_wa1; /* SMCCC_ARCH_FEATURES(WORKAROUND_1) == 0 */
	bool fw_wa3; /* SMCCC_ARCH_FEATURES(WORKAROUND_3) == 0 */
};

struct spectre_mitigation {
	u32 vec; /* VEC_MIT_* */
	u32 bhb_loops;
	u32 fw_fn; /* the SMCCC function id with VEC_MIT_FW */
	bool v2_vulnerable; /* affected, and nothing to mitigate it with */
	bool bhb_vulnerable;
};

void spectre_choose(const struct spectre_cpu_id *id, struct spectre_mitigation *m);

struct hyp_cpu;
/* Once, on the boot CPU: ask firmware for its workarounds (spectre.c). */
void spectre_init(void);
/* On each CPU as it enters EL2: choose, and set @cpu's fields for entry.S. */
void spectre_cpu_setup(struct hyp_cpu *cpu);
#endif

#endif /* ISOHYP_ASM_SPECTRE_H */
