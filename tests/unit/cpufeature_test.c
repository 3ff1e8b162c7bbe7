// SPDX-License-Identifier: GPL-2.0-only
/*
 * asm/cpufeature.h: the reading of the ID-register fields the loader and the
 * hypervisor decide on (Arm ARM: ID_AA64MMFR0_EL1.TGran4/TGran4_2,
 * ID_AA64DFR0_EL1.PMUVer), with every other field of the register set so a
 * decoder that reads the wrong bits fails.
 */
#include "harness.h"
#include <asm/cpufeature.h>

static u64 mmfr0(u64 tgran4, u64 tgran4_2)
{
	return FIELD_PREP(ID_AA64MMFR0_TGRAN4, tgran4) |
	       FIELD_PREP(ID_AA64MMFR0_TGRAN4_2, tgran4_2) | 0x0000f0ff0fff0f25ULL;
}

/* TGran4 0xF: no 4 KiB granule; TGran4_2 0 means "as TGran4", 1 "not at stage 2". */
TEST(granule_4k_decoding)
{
	EXPECT_TRUE(id_mmfr0_has_4k_granule(mmfr0(0, 0)));
	EXPECT_TRUE(id_mmfr0_has_4k_granule(mmfr0(1, 0)));	/* with 52-bit */
	EXPECT_TRUE(id_mmfr0_has_4k_granule(mmfr0(0, 2)));
	EXPECT_TRUE(id_mmfr0_has_4k_granule(mmfr0(1, 3)));
	EXPECT_FALSE(id_mmfr0_has_4k_granule(mmfr0(0xf, 0)));	/* none at all */
	EXPECT_FALSE(id_mmfr0_has_4k_granule(mmfr0(0xf, 2)));	/* stage 2 only */
	EXPECT_FALSE(id_mmfr0_has_4k_granule(mmfr0(0, 1)));	/* stage 1 only */
	EXPECT_TRUE(id_mmfr0_tgran4_s1(mmfr0(0, 1)));
	EXPECT_FALSE(id_mmfr0_tgran4_s2(mmfr0(0, 1)));
	EXPECT_TRUE(id_mmfr0_tgran4_s2(mmfr0(0xf, 2)));
}

/* PMUVer: 0 none, 0xF an IMPLEMENTATION DEFINED PMU (no PMUv3 controls), else a version. */
TEST(pmu_version_decoding)
{
	static const struct {
		u64 pmuver;
		bool v3, v3p1, v3p5;
	} cases[] = {
		{ 0x0, false, false, false }, { 0x1, true, false, false },
		{ 0x4, true, true, false },   { 0x5, true, true, false },
		{ 0x6, true, true, true },    { 0x8, true, true, true },
		{ 0xf, false, false, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 dfr0 = FIELD_PREP(ID_AA64DFR0_PMUVER, cases[i].pmuver) | 0xfff0f0ff000ff0ffULL;

		if (id_dfr0_pmuv3_at_least(dfr0, 1) != cases[i].v3)
			TH_LOG("PMUVer %lx", (unsigned long)cases[i].pmuver);
		EXPECT_EQ(cases[i].v3, id_dfr0_pmuv3_at_least(dfr0, 1));
		EXPECT_EQ(cases[i].v3p1, id_dfr0_pmuv3_at_least(dfr0, ID_DFR0_PMUVER_V3P1));
		EXPECT_EQ(cases[i].v3p5, id_dfr0_pmuv3_at_least(dfr0, ID_DFR0_PMUVER_V3P5));
	}
}

TEST_HARNESS_MAIN
