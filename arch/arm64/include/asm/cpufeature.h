/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding the ID registers isohyp depends on, as pure functions of the
 * register value (Arm ARM: ID_AA64MMFR0_EL1 and ID_AA64DFR0_EL1), so the
 * loader, the hypervisor and the host unit tests share one reading of them.
 * Reading the registers is the caller's business (asm/sysreg.h).
 */
#ifndef ISOHYP_ASM_CPUFEATURE_H
#define ISOHYP_ASM_CPUFEATURE_H

#include <asm/sysreg.h>
#include <isohyp/bits.h>

/*
 * ID_AA64MMFR0_EL1.TGran4: 0b0000 4 KiB granule supported, 0b0001 also with
 * 52-bit addresses, 0b1111 not supported (the field is signed: any negative
 * value means no 4 KiB granule at stage 1).
 */
static inline bool id_mmfr0_tgran4_s1(u64 mmfr0)
{
	return FIELD_GET(ID_AA64MMFR0_TGRAN4, mmfr0) < 8;
}

/*
 * ID_AA64MMFR0_EL1.TGran4_2: 0b0000 "as TGran4", 0b0001 not supported at
 * stage 2, 0b0010 supported, 0b0011 supported with 52-bit addresses.
 */
static inline bool id_mmfr0_tgran4_s2(u64 mmfr0)
{
	u64 t = FIELD_GET(ID_AA64MMFR0_TGRAN4_2, mmfr0);

	return t == 0 ? id_mmfr0_tgran4_s1(mmfr0) : t >= 2;
}

/* isohyp's EL2 tables and both stage-2s (CPU and SMMU) use the 4 KiB granule. */
static inline bool id_mmfr0_has_4k_granule(u64 mmfr0)
{
	return id_mmfr0_tgran4_s1(mmfr0) && id_mmfr0_tgran4_s2(mmfr0);
}

/*
 * ID_AA64DFR0_EL1.PMUVer: 0 no PMU, 1 PMUv3, 4 PMUv3p1, 5 PMUv3p4, 6 PMUv3p5,
 * ... 0b1111 an IMPLEMENTATION DEFINED PMU (not PMUv3: none of its EL2
 * controls exist). True when PMUv3 of at least version @ver is there.
 */
static inline bool id_dfr0_pmuv3_at_least(u64 dfr0, unsigned int ver)
{
	u64 v = FIELD_GET(ID_AA64DFR0_PMUVER, dfr0);

	return v != 0xf && v >= ver;
}

#define ID_DFR0_PMUVER_V3P1 4 /* FEAT_PMUv3p1: MDCR_EL2.HPMD */
#define ID_DFR0_PMUVER_V3P5 6 /* FEAT_PMUv3p5: MDCR_EL2.HCCD */

#endif /* ISOHYP_ASM_CPUFEATURE_H */
