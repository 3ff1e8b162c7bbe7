// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which mitigation a CPU needs on entry to EL2 from the host (the contract
 * is in asm/spectre.h). Pure: the ID register values and firmware's answers
 * come in, so host unit tests check every branch.
 *
 * Spectre-BHB, in Linux's order: unaffected with CSV2 = 3 (FEAT_CSV2_3) or
 * on a core known to be safe; the hardware clears the history on exception
 * entry with ECBHB; else the CLRBHB instruction; else a loop of k taken
 * branches, k per core (Arm's "Spectre-BHB" whitepaper); else firmware's
 * SMCCC_ARCH_WORKAROUND_3, which also covers Spectre-v2. Spectre-v2:
 * unaffected with CSV2 >= 1 or on a safe core; else firmware's
 * SMCCC_ARCH_WORKAROUND_1 at every entry (what KVM's hyp vectors do on
 * affected cores).
 */
#include <asm/spectre.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>

#define MIDR(impl, part) (FIELD_PREP(MIDR_IMPLEMENTER, impl) | FIELD_PREP(MIDR_PARTNUM, part))
#define ARM 0x41
#define BRCM 0x42
#define QCOM 0x51
#define AMPERE 0xc0

#define ID_PFR0_CSV2 GENMASK(59, 56)
#define ID_MMFR1_ECBHB GENMASK(63, 60)
#define ID_ISAR2_CLRBHB GENMASK(31, 28)

#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_3 0x80003FFFU

/* Cores whose branch predictors the host cannot train for EL2. */
static const u32 spectre_safe[] = {
	MIDR(ARM, 0xd04), /* Cortex-A35 */
	MIDR(ARM, 0xd03), /* Cortex-A53 */
	MIDR(ARM, 0xd05), /* Cortex-A55 */
	MIDR(BRCM, 0x100), /* Brahma-B53 */
	MIDR(QCOM, 0x801), /* Kryo 2xx Silver */
	MIDR(QCOM, 0x803), /* Kryo 3xx Silver */
	MIDR(QCOM, 0x805), /* Kryo 4xx Silver */
};

/* Cores that are also safe from Spectre-BHB (their v2 status aside). */
static const u32 bhb_safe[] = {
	MIDR(ARM, 0xd46), /* Cortex-A510 */
	MIDR(ARM, 0xd80), /* Cortex-A520 */
};

/* The branchy loop's length per core: enough taken branches to overwrite the history. */
static const struct {
	u32 midr;
	u32 k;
} bhb_loop[] = {
	{ MIDR(ARM, 0xd4e), 132 }, /* Cortex-X3 */
	{ MIDR(ARM, 0xd4f), 132 }, /* Neoverse-V2 */
	{ MIDR(ARM, 0xd4d), 38 }, /* Cortex-A715 */
	{ MIDR(ARM, 0xd81), 38 }, /* Cortex-A720 */
	{ MIDR(ARM, 0xd41), 32 }, /* Cortex-A78 */
	{ MIDR(ARM, 0xd42), 32 }, /* Cortex-A78AE */
	{ MIDR(ARM, 0xd4b), 32 }, /* Cortex-A78C */
	{ MIDR(ARM, 0xd44), 32 }, /* Cortex-X1 */
	{ MIDR(ARM, 0xd47), 32 }, /* Cortex-A710 */
	{ MIDR(ARM, 0xd48), 32 }, /* Cortex-X2 */
	{ MIDR(ARM, 0xd49), 32 }, /* Neoverse-N2 */
	{ MIDR(ARM, 0xd40), 32 }, /* Neoverse-V1 */
	{ MIDR(ARM, 0xd0b), 24 }, /* Cortex-A76 */
	{ MIDR(ARM, 0xd0e), 24 }, /* Cortex-A76AE */
	{ MIDR(ARM, 0xd0d), 24 }, /* Cortex-A77 */
	{ MIDR(ARM, 0xd0c), 24 }, /* Neoverse-N1 */
	{ MIDR(QCOM, 0x804), 24 }, /* Kryo 4xx Gold */
	{ MIDR(AMPERE, 0xac3), 11 }, /* AmpereOne */
	{ MIDR(ARM, 0xd08), 8 }, /* Cortex-A72 */
	{ MIDR(ARM, 0xd07), 8 }, /* Cortex-A57 */
};

static u32 midr_model(u32 midr)
{
	return midr & (MIDR_IMPLEMENTER | MIDR_PARTNUM);
}

static bool midr_in(u32 midr, const u32 *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (midr_model(midr) == list[i])
			return true;
	return false;
}

static u32 bhb_loop_k(u32 midr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bhb_loop); i++)
		if (midr_model(midr) == bhb_loop[i].midr)
			return bhb_loop[i].k;
	return 0;
}

static void choose_bhb(const struct spectre_cpu_id *id, struct spectre_mitigation *m)
{
	u32 k = bhb_loop_k(id->midr);

	if (FIELD_GET(ID_PFR0_CSV2, id->pfr0) >= 3 ||
	    midr_in(id->midr, spectre_safe, ARRAY_SIZE(spectre_safe)) ||
	    midr_in(id->midr, bhb_safe, ARRAY_SIZE(bhb_safe)))
		return;
	if (FIELD_GET(ID_MMFR1_ECBHB, id->mmfr1))
		return; /* the exception entry clears the history itself */
	if (FIELD_GET(ID_ISAR2_CLRBHB, id->isar2)) {
		m->vec |= VEC_MIT_CLRBHB;
	} else if (k) {
		m->vec |= VEC_MIT_BHB_LOOP;
		m->bhb_loops = k;
	} else if (id->fw_wa3) {
		m->vec |= VEC_MIT_FW;
		m->fw_fn = SMCCC_ARCH_WORKAROUND_3;
	} else {
		m->bhb_vulnerable = true;
	}
}

void spectre_choose(const struct spectre_cpu_id *id, struct spectre_mitigation *m)
{
	*m = (struct spectre_mitigation){ 0 };
	choose_bhb(id, m);
	if (FIELD_GET(ID_PFR0_CSV2, id->pfr0) >= 1 ||
	    midr_in(id->midr, spectre_safe, ARRAY_SIZE(spectre_safe)))
		return;
	if (m->fw_fn == SMCCC_ARCH_WORKAROUND_3)
		return; /* WORKAROUND_3 covers Spectre-v2 too */
	if (id->fw_wa1) {
		m->vec |= VEC_MIT_FW;
		m->fw_fn = SMCCC_ARCH_WORKAROUND_1;
	} else {
		m->v2_vulnerable = true;
	}
}
