/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System register accessors and the register fields isohyp programs.
 * Arm ARM (DDI 0487) D23 "AArch64 System Register Descriptions"; names follow
 * the spec, prefixed with the register. E2H is always 0 here (nVHE), so the
 * EL2 register layouts are the non-VHE ones.
 */
#ifndef ISOHYP_ASM_SYSREG_H
#define ISOHYP_ASM_SYSREG_H

#include <isohyp/bits.h>

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#ifndef __ASSEMBLER__
#define read_sysreg(r)                                                         \
	({                                                                     \
		u64 __val;                                                     \
		__asm__ __volatile__("mrs %0, " __stringify(r) : "=r"(__val)); \
		__val;                                                         \
	})

#define write_sysreg(v, r)                                                           \
	do {                                                                         \
		u64 __val = (u64)(v);                                                \
		__asm__ __volatile__("msr " __stringify(r) ", %x0" : : "rZ"(__val)); \
	} while (0)

/* Registers newer than binutils' names, by encoding (S3_<op1>_C<n>_C<m>_<op2>). */
#define SYS_HCRX_EL2 s3_4_c1_c2_2
#define SYS_HFGRTR_EL2 s3_4_c1_c1_4
#define SYS_HFGWTR_EL2 s3_4_c1_c1_5
#define SYS_HFGITR_EL2 s3_4_c1_c1_6
#define SYS_HDFGRTR_EL2 s3_4_c3_c1_4
#define SYS_HDFGWTR_EL2 s3_4_c3_c1_5
#define SYS_ZCR_EL2 s3_4_c1_c2_0
#define SYS_SMCR_EL2 s3_4_c1_c2_6
#define SYS_ID_AA64MMFR3_EL1 s3_0_c0_c7_3
#define SYS_ID_AA64SMFR0_EL1 s3_0_c0_c4_5
/*
 * Debug and profiling controls of EL2 (Arm ARM D24.2/D24.3; binutils 2.40
 * disassembles these encodings by these names): UNDEFINED unless the feature
 * is implemented, so touch them only when ID_AA64DFR0_EL1 says so.
 */
#define SYS_PMSCR_EL2 s3_4_c9_c9_0 /* FEAT_SPE */
#define SYS_TRFCR_EL2 s3_4_c1_c2_1 /* FEAT_TRF */
#define SYS_BRBCR_EL2 s2_4_c9_c0_0 /* FEAT_BRBE */

#define isb() __asm__ __volatile__("isb" : : : "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt : : : "memory")
#define wfe() __asm__ __volatile__("wfe" : : : "memory")
#define sev() __asm__ __volatile__("sev" : : : "memory")
#endif

/* CurrentEL: the exception level is in bits [3:2]. */
#define CURRENTEL_EL GENMASK(3, 2)

/* HCR_EL2 (D23.2.48). */
#define HCR_VM BIT(0)
#define HCR_SWIO BIT(1)
#define HCR_TSC BIT(19)
#define HCR_RW BIT(31)
#define HCR_APK BIT(40)
#define HCR_API BIT(41)
#define HCR_ATA BIT(56)

/* HCRX_EL2 (FEAT_HCX). */
#define HCRX_MSCEN BIT(11)
#define HCRX_TCR2EN BIT(14)
#define HCRX_SCTLR2EN BIT(15)

/* CPTR_EL2 with E2H == 0 (D23.2.30): bits 0-7, 9 and 13 are RES1. */
#define CPTR_EL2_RES1 (GENMASK(7, 0) | BIT(9) | BIT(13))
#define CPTR_EL2_TZ BIT(8)
#define CPTR_EL2_TFP BIT(10)
#define CPTR_EL2_TSM BIT(12)

/* MDCR_EL2 (D23.3.16). */
#define MDCR_EL2_HPMN GENMASK(4, 0)
#define MDCR_EL2_E2PB GENMASK(13, 12)
#define MDCR_EL2_HPMD BIT(17) /* FEAT_PMUv3p1: no event counting at EL2 */
#define MDCR_EL2_HCCD BIT(23) /* FEAT_PMUv3p5: no cycle counting at EL2 */
#define MDCR_EL2_E2TB GENMASK(25, 24)
#define PMCR_N GENMASK(15, 11)

/* CNTHCTL_EL2 with E2H == 0: EL1 may use the physical counter and timer. */
#define CNTHCTL_EL1PCTEN BIT(0)
#define CNTHCTL_EL1PCEN BIT(1)

/* ICC_SRE_EL2 / ICC_SRE_EL1 (GICv3 system register interface). */
#define ICC_SRE_SRE BIT(0)
#define ICC_SRE_EL2_ENABLE BIT(3)

/* SCTLR_EL2 with E2H == 0 and SCTLR_EL1. */
#define SCTLR_M BIT(0)
#define SCTLR_A BIT(1)
#define SCTLR_C BIT(2)
#define SCTLR_SA BIT(3)
#define SCTLR_I BIT(12)
#define SCTLR_WXN BIT(19) /* writable means never executable */
#define SCTLR_EL2_RES1 (BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | BIT(22) | BIT(23) | \
			BIT(28) | BIT(29))
/* SCTLR_EL1 RES1 bits of Armv8.0 (later features define them; 1 keeps them off). */
#define SCTLR_EL1_RES1 (BIT(11) | BIT(20) | BIT(22) | BIT(23) | BIT(28) | BIT(29))
#define SCTLR_EL1_SPAN BIT(23)
#define SCTLR_EL1_DSSBS BIT(44)

/* TCR_EL2 with E2H == 0 (D23.2.178). */
#define TCR_EL2_T0SZ GENMASK(5, 0)
#define TCR_EL2_IRGN0 GENMASK(9, 8)
#define TCR_EL2_ORGN0 GENMASK(11, 10)
#define TCR_EL2_SH0 GENMASK(13, 12)
#define TCR_EL2_TG0 GENMASK(15, 14)
#define TCR_EL2_PS GENMASK(18, 16)
#define TCR_EL2_TBI BIT(20)
#define TCR_EL2_RES1 (BIT(23) | BIT(31))

/* TCR_EL1 fields the EL2 -> EL1 conversion writes. */
#define TCR_EL1_T0SZ GENMASK(5, 0)
#define TCR_EL1_IRGN0 GENMASK(9, 8)
#define TCR_EL1_ORGN0 GENMASK(11, 10)
#define TCR_EL1_SH0 GENMASK(13, 12)
#define TCR_EL1_TG0 GENMASK(15, 14)
#define TCR_EL1_EPD1 BIT(23)
#define TCR_EL1_IPS GENMASK(34, 32)
#define TCR_EL1_TBI0 BIT(37)

/* VTCR_EL2 (D23.2.200). */
#define VTCR_EL2_T0SZ GENMASK(5, 0)
#define VTCR_EL2_SL0 GENMASK(7, 6)
#define VTCR_EL2_IRGN0 GENMASK(9, 8)
#define VTCR_EL2_ORGN0 GENMASK(11, 10)
#define VTCR_EL2_SH0 GENMASK(13, 12)
#define VTCR_EL2_TG0 GENMASK(15, 14)
#define VTCR_EL2_PS GENMASK(18, 16)
#define VTCR_EL2_RES1 BIT(31)

/* Cacheability/shareability encodings shared by TCR and VTCR. */
#define TCR_RGN_WBWA 1
#define TCR_SH_INNER 3

/* MAIR attribute encodings (D23.2.100). */
#define MAIR_ATTR_NORMAL_WB 0xffULL
#define MAIR_ATTR_DEVICE_nGnRE 0x04ULL
#define MAIR_ATTR_DEVICE_nGnRnE 0x00ULL

/* MIDR_EL1 (D23.2.122): implementer 0 is "reserved for software use" (QEMU's "max"). */
#define MIDR_IMPLEMENTER GENMASK(31, 24)
#define MIDR_PARTNUM GENMASK(15, 4)

/* ID registers (D23.2.64 onwards). */
#define ID_AA64MMFR0_PARANGE GENMASK(3, 0)
#define ID_AA64MMFR0_TGRAN4 GENMASK(31, 28)
#define ID_AA64MMFR0_TGRAN4_2 GENMASK(43, 40)
#define ID_AA64MMFR0_FGT GENMASK(59, 56)
#define ID_AA64MMFR1_HCX GENMASK(43, 40)
#define ID_AA64MMFR3_TCRX GENMASK(3, 0)
#define ID_AA64MMFR3_SCTLRX GENMASK(7, 4)
#define ID_AA64MMFR3_S1PIE GENMASK(11, 8)
#define ID_AA64MMFR3_S1POE GENMASK(19, 16)
#define ID_AA64PFR0_SVE GENMASK(35, 32)
#define ID_AA64PFR1_MTE GENMASK(11, 8)
#define ID_AA64PFR1_SME GENMASK(27, 24)
#define ID_AA64SMFR0_FA64 BIT(63)
#define ID_AA64ISAR2_MOPS GENMASK(19, 16)
#define ID_AA64DFR0_PMUVER GENMASK(11, 8)
#define ID_AA64DFR0_PMSVER GENMASK(35, 32)
#define ID_AA64DFR0_TRACEFILT GENMASK(43, 40)
#define ID_AA64DFR0_TRACEBUFFER GENMASK(47, 44)
#define ID_AA64DFR0_BRBE GENMASK(55, 52)

/* HFGRTR_EL2/HFGWTR_EL2 "n" bits: 0 traps, so they are set for features present. */
#define HFGxTR_nSMPRI_EL1 BIT(54)
#define HFGxTR_nTPIDR2_EL0 BIT(55)
#define HFGxTR_nPIRE0_EL1 BIT(57)
#define HFGxTR_nPIR_EL1 BIT(58)
#define HFGxTR_nPOR_EL0 BIT(59)
#define HFGxTR_nPOR_EL1 BIT(60)

/* SPSR / PSTATE. */
#define PSR_MODE_MASK GENMASK(3, 0)
#define PSR_MODE_EL0t 0x0
#define PSR_MODE_EL1t 0x4
#define PSR_MODE_EL1h 0x5
#define PSR_MODE_EL2h 0x9
#define PSR_MODE_32BIT BIT(4)
#define PSR_F_BIT BIT(6)
#define PSR_I_BIT BIT(7)
#define PSR_A_BIT BIT(8)
#define PSR_D_BIT BIT(9)
#define PSR_BTYPE GENMASK(11, 10) /* FEAT_BTI: branch type of the next instruction */
#define PSR_DAIF (PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)
#define PSR_BTYPE GENMASK(11, 10)
#define PSR_SSBS BIT(12)
#define PSR_PAN BIT(22)
#define PSR_UAO BIT(23)
#define PSR_TCO BIT(25)
#define PSR_IL BIT(20)
#define PSR_SS BIT(21)

/* HPFAR_EL2: FIPA holds IPA[51:12] for a stage-2 fault. */
#define HPFAR_FIPA GENMASK(43, 4)

#ifndef __ASSEMBLER__
static inline unsigned int current_el(void)
{
	return FIELD_GET(CURRENTEL_EL, read_sysreg(CurrentEL));
}
#endif

#endif /* ISOHYP_ASM_SYSREG_H */
