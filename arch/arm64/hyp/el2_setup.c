// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 register setup for the host (Arm ARM D23; ARCHITECTURE.md section 2).
 * The architectural reset values of most EL2 registers are UNKNOWN, so every
 * trap and enable register the CPU implements is written, found from the ID
 * registers. The host gets everything it would have without us: no FP, SVE,
 * SME, timer, PMU or fine-grained traps; only SMC (for the PSCI proxy) and
 * stage-2 translation reach EL2. What the host must not get is a view of EL2:
 * the PMU does not count there, and statistical profiling, self-hosted trace
 * and branch records are off at EL2 (ARCHITECTURE.md section 10).
 */
#include <asm/cpufeature.h>
#include <asm/el2_setup.h>
#include <asm/psci.h>
#include <asm/spectre.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>

struct el2_cfg {
	u64 hcr, hcrx, cptr, mdcr, zcr, smcr;
	u64 hfgxtr, hfgitr, hdfgxtr;
	u64 vtcr, vttbr;
	bool has_hcx, has_fgt, has_sve, has_sme;
	bool has_spe, has_trf, has_brbe;
};

static struct el2_cfg el2_cfg;

extern char __hyp_vectors[];

unsigned int cpu_pa_bits(void)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	u64 r = FIELD_GET(ID_AA64MMFR0_PARANGE, read_sysreg(id_aa64mmfr0_el1));

	/* 52-bit output needs LPA/LPA2 descriptors: not used, cap at 48. */
	return r < 5 ? bits[r] : 48;
}

bool cpu_has_4k_granule(void)
{
	return id_mmfr0_has_4k_granule(read_sysreg(id_aa64mmfr0_el1));
}

static unsigned int ps_field(unsigned int pa_bits)
{
	return pa_bits >= 48 ? 5 : pa_bits >= 44 ? 4 : pa_bits >= 42 ? 3 :
	       pa_bits >= 40 ? 2 : pa_bits >= 36 ? 1 : 0;
}

u64 el2_vtcr(unsigned int ia_bits, unsigned int start_level)
{
	/* SL0 for the 4 KiB granule: 2 = start at level 0, 1 = level 1 (D23.2.200). */
	return VTCR_EL2_RES1 | FIELD_PREP(VTCR_EL2_T0SZ, 64 - ia_bits) |
	       FIELD_PREP(VTCR_EL2_SL0, start_level == 0 ? 2 : 1) |
	       FIELD_PREP(VTCR_EL2_IRGN0, TCR_RGN_WBWA) | FIELD_PREP(VTCR_EL2_ORGN0, TCR_RGN_WBWA) |
	       FIELD_PREP(VTCR_EL2_SH0, TCR_SH_INNER) | FIELD_PREP(VTCR_EL2_TG0, 0) |
	       FIELD_PREP(VTCR_EL2_PS, ps_field(cpu_pa_bits()));
}

/*
 * Nothing the host programs may observe EL2 (Arm ARM: MDCR_EL2, and the EL2
 * controls of SPE, TRF and BRBE): event counters do not count at EL2 (HPMD,
 * PMUv3p1), nor does the cycle counter (HCCD, PMUv3p5); PMSCR_EL2,
 * TRFCR_EL2 and BRBCR_EL2 are all 0, so their EL2 and EL0-in-EL2 enables
 * (E2SPE/E0HSPE, E2TRE/E0HTRE, E2BRE/E0HBRE) are off: no profiling sample,
 * trace or branch record of EL2. Each register only where it exists.
 */
static void el2_cfg_debug(struct el2_cfg *c, u64 dfr0)
{
	if (id_dfr0_pmuv3_at_least(dfr0, ID_DFR0_PMUVER_V3P1))
		c->mdcr |= MDCR_EL2_HPMD;
	if (id_dfr0_pmuv3_at_least(dfr0, ID_DFR0_PMUVER_V3P5))
		c->mdcr |= MDCR_EL2_HCCD;
	c->has_spe = FIELD_GET(ID_AA64DFR0_PMSVER, dfr0) != 0;
	c->has_trf = FIELD_GET(ID_AA64DFR0_TRACEFILT, dfr0) != 0;
	c->has_brbe = FIELD_GET(ID_AA64DFR0_BRBE, dfr0) != 0;
}

static void el2_cfg_traps(struct el2_cfg *c)
{
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1), dfr0 = read_sysreg(id_aa64dfr0_el1);
	u64 mmfr3 = read_sysreg(SYS_ID_AA64MMFR3_EL1);

	/* Pointer authentication keys/instructions and MTE tags are the host's. */
	c->hcr = HCR_RW | HCR_VM | HCR_TSC | HCR_SWIO | HCR_API | HCR_APK;
	if (FIELD_GET(ID_AA64PFR1_MTE, pfr1) >= 2)
		c->hcr |= HCR_ATA;
	/* E2H == 0 layout: TZ, TFP, TSM, TTA, TAM, TCPAC all clear = no traps. */
	c->cptr = CPTR_EL2_RES1;
	/* All PMU counters to the host; SPE and TRBE owned by EL1 when present. */
	c->mdcr = 0;
	/* PMCR_EL0 is UNDEFINED without PMUv3 (no PMU, or an IMPDEF one). */
	if (id_dfr0_pmuv3_at_least(dfr0, 1))
		c->mdcr = FIELD_PREP(MDCR_EL2_HPMN, FIELD_GET(PMCR_N, read_sysreg(pmcr_el0)));
	if (FIELD_GET(ID_AA64DFR0_PMSVER, dfr0))
		c->mdcr |= FIELD_PREP(MDCR_EL2_E2PB, 3);
	if (FIELD_GET(ID_AA64DFR0_TRACEBUFFER, dfr0))
		c->mdcr |= FIELD_PREP(MDCR_EL2_E2TB, 3);
	el2_cfg_debug(c, dfr0);

	c->has_sve = FIELD_GET(ID_AA64PFR0_SVE, read_sysreg(id_aa64pfr0_el1));
	c->has_sme = FIELD_GET(ID_AA64PFR1_SME, pfr1);
	c->zcr = 0xf; /* LEN: the largest vector length the CPU has */
	c->smcr = 0xf;
	if (c->has_sme && (read_sysreg(SYS_ID_AA64SMFR0_EL1) & ID_AA64SMFR0_FA64))
		c->smcr |= BIT(31); /* FA64 */
	if (c->has_sme && FIELD_GET(ID_AA64PFR1_SME, pfr1) >= 2)
		c->smcr |= BIT(30); /* EZT0 */

	c->has_hcx = FIELD_GET(ID_AA64MMFR1_HCX, read_sysreg(id_aa64mmfr1_el1));
	c->hcrx = 0;
	if (FIELD_GET(ID_AA64ISAR2_MOPS, read_sysreg(id_aa64isar2_el1)))
		c->hcrx |= HCRX_MSCEN;
	if (FIELD_GET(ID_AA64MMFR3_TCRX, mmfr3))
		c->hcrx |= HCRX_TCR2EN;
	if (FIELD_GET(ID_AA64MMFR3_SCTLRX, mmfr3))
		c->hcrx |= HCRX_SCTLR2EN;

	/* Fine-grained traps: all off, which for the "n" bits means set. */
	c->has_fgt = FIELD_GET(ID_AA64MMFR0_FGT, read_sysreg(id_aa64mmfr0_el1));
	c->hfgxtr = 0;
	if (c->has_sme)
		c->hfgxtr |= HFGxTR_nSMPRI_EL1 | HFGxTR_nTPIDR2_EL0;
	if (FIELD_GET(ID_AA64MMFR3_S1PIE, mmfr3))
		c->hfgxtr |= HFGxTR_nPIRE0_EL1 | HFGxTR_nPIR_EL1;
	if (FIELD_GET(ID_AA64MMFR3_S1POE, mmfr3))
		c->hfgxtr |= HFGxTR_nPOR_EL0 | HFGxTR_nPOR_EL1;
	c->hfgitr = 0;
	c->hdfgxtr = 0;
}

void el2_cfg_init(u64 vtcr, u64 vttbr)
{
	el2_cfg_traps(&el2_cfg);
	psci_init();
	spectre_init();
	el2_cfg.vtcr = vtcr;
	el2_cfg.vttbr = vttbr;
}

void el2_cpu_setup(struct hyp_cpu *cpu)
{
	const struct el2_cfg *c = &el2_cfg;

	write_sysreg((u64)(uintptr_t)cpu, tpidr_el2);
	write_sysreg((u64)(uintptr_t)__hyp_vectors, vbar_el2);
	write_sysreg(c->cptr, cptr_el2);
	isb();
	if (c->has_sve)
		write_sysreg(c->zcr, SYS_ZCR_EL2);
	if (c->has_sme)
		write_sysreg(c->smcr, SYS_SMCR_EL2);
	if (c->has_hcx)
		write_sysreg(c->hcrx, SYS_HCRX_EL2);
	if (c->has_fgt) {
		write_sysreg(c->hfgxtr, SYS_HFGRTR_EL2);
		write_sysreg(c->hfgxtr, SYS_HFGWTR_EL2);
		write_sysreg(c->hfgitr, SYS_HFGITR_EL2);
		write_sysreg(c->hdfgxtr, SYS_HDFGRTR_EL2);
		write_sysreg(c->hdfgxtr, SYS_HDFGWTR_EL2);
	}
	write_sysreg(c->mdcr, mdcr_el2);
	if (c->has_spe)
		write_sysreg(0, SYS_PMSCR_EL2);
	if (c->has_trf)
		write_sysreg(0, SYS_TRFCR_EL2);
	if (c->has_brbe)
		write_sysreg(0, SYS_BRBCR_EL2);
	write_sysreg(0, hstr_el2);
	write_sysreg(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	/* GICv3: system registers at EL2 and EL1; no virtual interface. */
	write_sysreg(ICC_SRE_SRE | ICC_SRE_EL2_ENABLE | BIT(1) | BIT(2), icc_sre_el2);
	isb();
	write_sysreg(0, ich_hcr_el2);
	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	write_sysreg(c->vtcr, vtcr_el2);
	write_sysreg(c->vttbr, vttbr_el2);
	isb();
	/* Stage-2 may hold stale entries for VMID 0 from the firmware's era. */
	__asm__ __volatile__("tlbi vmalls12e1\n dsb nsh" ::: "memory");
	write_sysreg(c->hcr, hcr_el2);
	isb();
	psci_ssbd_cpu_setup();
	spectre_cpu_setup(cpu);
}

void el2_to_el1_context(void)
{
	u64 sctlr = read_sysreg(sctlr_el2), tcr = read_sysreg(tcr_el2);
	u64 tcr1;

	tcr1 = (tcr & (TCR_EL1_T0SZ | TCR_EL1_IRGN0 | TCR_EL1_ORGN0 | TCR_EL1_SH0 | TCR_EL1_TG0)) |
	       FIELD_PREP(TCR_EL1_IPS, FIELD_GET(TCR_EL2_PS, tcr)) | TCR_EL1_EPD1 |
	       FIELD_PREP(GENMASK(31, 30), 2); /* TG1 = 4 KiB, valid though unused */
	if (tcr & TCR_EL2_TBI)
		tcr1 |= TCR_EL1_TBI0;
	write_sysreg(read_sysreg(mair_el2), mair_el1);
	write_sysreg(tcr1, tcr_el1);
	write_sysreg(read_sysreg(ttbr0_el2), ttbr0_el1);
	write_sysreg(read_sysreg(vbar_el2), vbar_el1);
	write_sysreg(3ULL << 20, cpacr_el1); /* FPEN: the firmware may use FP/SIMD */
	write_sysreg(ICC_SRE_SRE, icc_sre_el1);
	write_sysreg(SCTLR_EL1_RES1 | (sctlr & (SCTLR_M | SCTLR_A | SCTLR_C | SCTLR_SA | SCTLR_I)),
		     sctlr_el1);
	isb();
}

void el1_reset_context(void)
{
	write_sysreg(SCTLR_EL1_RES1, sctlr_el1);
	isb();
}
