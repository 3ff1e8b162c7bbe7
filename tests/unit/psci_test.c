// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch/arm64/hyp/psci_policy.c: which host SMCs the PSCI relay forwards,
 * re-targets, answers or refuses, and which MPIDRs it accepts (DEN0022,
 * DEN0028).
 */
#include "harness.h"
#include <asm/psci.h>
#include <isohyp/bits.h>

/* Every SMCCC function ID that is not refused, and what happens to it. */
static const struct {
	u32 fn;
	enum psci_relay_action action;
} relayed[] = {
	{ 0x84000000, PSCI_RELAY_FORWARD },		/* PSCI_VERSION */
	{ 0xC4000001, PSCI_RELAY_CPU_SUSPEND },		/* CPU_SUSPEND, SMC64 */
	{ 0x84000002, PSCI_RELAY_CPU_OFF },
	{ 0xC4000003, PSCI_RELAY_CPU_ON },		/* CPU_ON, SMC64 */
	{ 0x84000004, PSCI_RELAY_AFFINITY_INFO },
	{ 0xC4000004, PSCI_RELAY_AFFINITY_INFO },
	{ 0x84000006, PSCI_RELAY_FORWARD },		/* MIGRATE_INFO_TYPE */
	{ 0x84000008, PSCI_RELAY_SYSTEM_OFF },
	{ 0x84000009, PSCI_RELAY_SYSTEM_OFF },		/* SYSTEM_RESET */
	{ 0x8400000A, PSCI_RELAY_FEATURES },		/* PSCI_FEATURES */
	{ 0xC400000E, PSCI_RELAY_SYSTEM_SUSPEND },	/* SYSTEM_SUSPEND, SMC64 */
	{ 0x84000012, PSCI_RELAY_SYSTEM_OFF },		/* SYSTEM_RESET2 */
	{ 0xC4000012, PSCI_RELAY_SYSTEM_OFF },
	{ 0x80000000, PSCI_RELAY_FORWARD },		/* SMCCC_VERSION */
	{ 0x80000001, PSCI_RELAY_FEATURES },		/* SMCCC_ARCH_FEATURES */
	{ 0x80000002, PSCI_RELAY_FORWARD },		/* SMCCC_ARCH_SOC_ID */
	{ 0x80008000, PSCI_RELAY_FORWARD },		/* WORKAROUND_1 */
	{ 0x80007FFF, PSCI_RELAY_SSBD },		/* WORKAROUND_2 */
	{ 0x80003FFF, PSCI_RELAY_FORWARD },		/* WORKAROUND_3 */
};

/* The SMC32 forms of the calls that carry an entry point are refused. */
TEST(smc32_entry_point_calls_are_refused)
{
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0x84000003)); /* CPU_ON */
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0x84000001)); /* CPU_SUSPEND */
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0x8400000E)); /* SYSTEM_SUSPEND */
}

/* Each call the relay knows gets its own treatment; WORKAROUND_2 is never forwarded. */
TEST(known_calls_get_their_action)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(relayed); i++) {
		if (psci_relay_action(relayed[i].fn) != relayed[i].action)
			TH_LOG("function %x", relayed[i].fn);
		EXPECT_EQ(relayed[i].action, psci_relay_action(relayed[i].fn));
	}
	EXPECT_NE(PSCI_RELAY_FORWARD, psci_relay_action(0x80007FFF));
}

/*
 * Nothing else gets through: every ID of the PSCI range (0x84000000..0x8400001F
 * and its SMC64 twin) and of the Arm architecture service range
 * (0x80000000..0x8000FFFF) that is not in the table is refused.
 */
TEST(every_other_call_is_refused)
{
	static const u32 bases[] = { 0x84000000, 0xC4000000, 0x80000000, 0xC0000000 };
	static const u32 counts[] = { 0x20, 0x20, 0x10000, 0x10000 };
	unsigned int b, not_refused = 0;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		u32 fn;

		for (fn = bases[b]; fn < bases[b] + counts[b]; fn++)
			not_refused += psci_relay_action(fn) != PSCI_RELAY_REFUSE;
	}
	EXPECT_EQ(ARRAY_SIZE(relayed), not_refused);
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0xC4000002)); /* no SMC64 CPU_OFF */
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0x84000005)); /* MIGRATE */
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0xC6000001)); /* a hypercall ID */
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0xFFFFFFFF));
}

/* An MPIDR is valid only with no bit set outside Aff3 [39:32] and Aff2..Aff0 [23:0]. */
TEST(mpidr_valid_only_with_affinity_bits)
{
	unsigned int bit;

	EXPECT_TRUE(psci_mpidr_valid(0));
	EXPECT_TRUE(psci_mpidr_valid(0xff00ffffffULL));
	EXPECT_TRUE(psci_mpidr_valid(0x0100020304ULL));
	for (bit = 0; bit < 64; bit++) {
		bool affinity = bit < 24 || (bit >= 32 && bit < 40);

		if (psci_mpidr_valid(1ULL << bit) != affinity)
			TH_LOG("bit %u", bit);
		EXPECT_EQ(affinity, psci_mpidr_valid(1ULL << bit));
		EXPECT_EQ(affinity, psci_mpidr_valid(0x0100000001ULL | (1ULL << bit)));
	}
}

/* AFFINITY_INFO's lowest_affinity_level: the fields that count, none past level 3. */
TEST(affinity_level_masks)
{
	EXPECT_EQ(0xff00ffffffULL, psci_affinity_level_mask(0));
	EXPECT_EQ(0xff00ffff00ULL, psci_affinity_level_mask(1));
	EXPECT_EQ(0xff00ff0000ULL, psci_affinity_level_mask(2));
	EXPECT_EQ(0xff00000000ULL, psci_affinity_level_mask(3));
	EXPECT_EQ(0u, psci_affinity_level_mask(4));
	EXPECT_EQ(0u, psci_affinity_level_mask(1ULL << 32));
	EXPECT_EQ(0u, psci_affinity_level_mask(~0ULL));
}

TEST_HARNESS_MAIN
