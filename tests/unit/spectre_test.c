// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch/arm64/hyp/spectre_policy.c: what each CPU runs on entry to EL2 from
 * the host. MIDRs are built from the implementer and part numbers Arm's
 * and vendors' TRMs give; ID register fields from the Arm ARM
 * (ID_AA64PFR0_EL1.CSV2 [59:56], ID_AA64MMFR1_EL1.ECBHB [63:60],
 * ID_AA64ISAR2_EL1.CLRBHB [31:28]); firmware's answers as given.
 */
#include "harness.h"
#include <asm/spectre.h>
#include <isohyp/bits.h>

#define WA1 0x80008000U
#define WA3 0x80003FFFU

static u32 midr(u32 impl, u32 part, u32 variant, u32 rev)
{
	return impl << 24 | variant << 20 | 0xf << 16 | part << 4 | rev;
}

static struct spectre_mitigation choose(u32 m, u64 pfr0, u64 mmfr1, u64 isar2, bool wa1, bool wa3)
{
	struct spectre_cpu_id id = { m, pfr0, mmfr1, isar2, wa1, wa3 };
	struct spectre_mitigation out;

	spectre_choose(&id, &out);
	return out;
}

/* Cortex-A72 (QEMU's cortex-a72): 8 branches; Spectre-v2 by firmware's WORKAROUND_1. */
TEST(cortex_a72_loops_8_and_calls_workaround_1)
{
	struct spectre_mitigation m = choose(midr(0x41, 0xd08, 0, 3), 0, 0, 0, true, false);

	EXPECT_EQ((u32)(VEC_MIT_BHB_LOOP | VEC_MIT_FW), m.vec);
	EXPECT_EQ(8u, m.bhb_loops);
	EXPECT_EQ(WA1, m.fw_fn);
	EXPECT_FALSE(m.v2_vulnerable);
	EXPECT_FALSE(m.bhb_vulnerable);
	/* Without firmware help the loop stays and Spectre-v2 is reported. */
	m = choose(midr(0x41, 0xd08, 0, 3), 0, 0, 0, false, false);
	EXPECT_EQ((u32)VEC_MIT_BHB_LOOP, m.vec);
	EXPECT_TRUE(m.v2_vulnerable);
}

/* The loop length follows the core, whatever its variant and revision. */
TEST(loop_length_per_core)
{
	static const struct {
		u32 impl, part, k;
	} cores[] = {
		{ 0x41, 0xd07, 8 }, { 0x41, 0xd0b, 24 }, { 0x41, 0xd0c, 24 }, { 0x41, 0xd0d, 24 },
		{ 0x51, 0x804, 24 }, { 0x41, 0xd41, 32 }, { 0x41, 0xd40, 32 }, { 0x41, 0xd49, 32 },
		{ 0x41, 0xd4d, 38 }, { 0x41, 0xd81, 38 }, { 0x41, 0xd4e, 132 }, { 0x41, 0xd4f, 132 },
		{ 0xc0, 0xac3, 11 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cores); i++) {
		/* CSV2 = 1: not affected by Spectre-v2, only the loop. */
		struct spectre_mitigation m =
			choose(midr(cores[i].impl, cores[i].part, 1, 2), 1ULL << 56, 0, 0, true, true);

		EXPECT_EQ((u32)VEC_MIT_BHB_LOOP, m.vec);
		EXPECT_EQ(cores[i].k, m.bhb_loops);
	}
}

/* Hardware first: CSV2 = 3 and safe cores need nothing, ECBHB nothing, CLRBHB the insn. */
TEST(hardware_mitigations_win)
{
	struct spectre_mitigation m;

	m = choose(midr(0x41, 0xd08, 0, 0), 3ULL << 56, 0, 0, true, true); /* CSV2_3 */
	EXPECT_EQ(0u, m.vec);
	m = choose(midr(0x41, 0xd03, 0, 4), 0, 0, 0, false, false); /* Cortex-A53 */
	EXPECT_EQ(0u, m.vec);
	EXPECT_FALSE(m.v2_vulnerable || m.bhb_vulnerable);
	m = choose(midr(0x41, 0xd0c, 4, 1), 1ULL << 56, 1ULL << 60, 0, true, true); /* ECBHB */
	EXPECT_EQ(0u, m.vec);
	m = choose(midr(0x41, 0xd0c, 4, 1), 1ULL << 56, 0, 1ULL << 28, true, true); /* CLRBHB */
	EXPECT_EQ((u32)VEC_MIT_CLRBHB, m.vec);
	EXPECT_EQ(0u, m.bhb_loops);
}

/* An unknown affected core: firmware's WORKAROUND_3, which covers Spectre-v2 too. */
TEST(unknown_core_uses_workaround_3)
{
	struct spectre_mitigation m = choose(midr(0x61, 0x123, 0, 0), 0, 0, 0, true, true);

	EXPECT_EQ((u32)VEC_MIT_FW, m.vec);
	EXPECT_EQ(WA3, m.fw_fn);
	EXPECT_FALSE(m.v2_vulnerable);
	EXPECT_FALSE(m.bhb_vulnerable);
}

/* Nothing to mitigate with: both reported, never silently "fine". */
TEST(nothing_available_is_reported)
{
	struct spectre_mitigation m = choose(midr(0x61, 0x123, 0, 0), 0, 0, 0, false, false);

	EXPECT_EQ(0u, m.vec);
	EXPECT_TRUE(m.v2_vulnerable);
	EXPECT_TRUE(m.bhb_vulnerable);
	m = choose(midr(0x61, 0x123, 0, 0), 1ULL << 56, 0, 0, false, false); /* CSV2 = 1 */
	EXPECT_FALSE(m.v2_vulnerable);
	EXPECT_TRUE(m.bhb_vulnerable);
}

TEST_HARNESS_MAIN
