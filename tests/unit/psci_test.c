// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch/arm64/hyp/psci_policy.c: which host SMCs the PSCI relay forwards,
 * re-targets, answers or refuses, which MPIDRs it accepts, and which
 * CPU_SUSPEND power states it lets through in either power_state format
 * (DEN0022, DEN0028).
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
	{ 0x84000012, PSCI_RELAY_SYSTEM_OFF },		/* SYSTEM_RESET2 */
	{ 0xC4000012, PSCI_RELAY_SYSTEM_OFF },
	{ 0x80000000, PSCI_RELAY_FORWARD },		/* SMCCC_VERSION */
	{ 0x80000001, PSCI_RELAY_FEATURES },		/* SMCCC_ARCH_FEATURES */
	{ 0x80000002, PSCI_RELAY_FORWARD },		/* SMCCC_ARCH_SOC_ID */
	{ 0x80008000, PSCI_RELAY_FORWARD },		/* WORKAROUND_1 */
	{ 0x80007FFF, PSCI_RELAY_SSBD },		/* WORKAROUND_2 */
	{ 0x80003FFF, PSCI_RELAY_FORWARD },		/* WORKAROUND_3 */
};

/*
 * SYSTEM_SUSPEND loses the SMMUs' and the GIC's state, and nothing would
 * restore them: refused in both forms, so firmware never sees it.
 */
TEST(system_suspend_is_refused)
{
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0xC400000E));
	EXPECT_EQ(PSCI_RELAY_REFUSE, psci_relay_action(0x8400000E));
}

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

/* power_state values and what they ask for, in one format. */
struct power_state_case {
	u32 power_state;
	enum psci_power_state_kind kind;
	const char *what;
};

static const struct power_state_case original_format[] = {
	{ 0x00000000, PSCI_POWER_STATE_STANDBY, "standby, StateID 0, level 0" },
	{ 0x0000ffff, PSCI_POWER_STATE_STANDBY, "standby, StateID 0xffff" },
	{ 0x03000001, PSCI_POWER_STATE_STANDBY, "standby at PowerLevel 3" },
	{ 0x00010000, PSCI_POWER_STATE_POWER_DOWN, "power-down, level 0" },
	{ 0x01010000, PSCI_POWER_STATE_POWER_DOWN, "power-down of the cluster" },
	{ 0x0301ffff, PSCI_POWER_STATE_POWER_DOWN, "power-down, every field set" },
	/* The extended format's StateType is a reserved bit here. */
	{ 0x40000000, PSCI_POWER_STATE_MALFORMED, "bit 30 (extended StateType)" },
	{ 0x40010000, PSCI_POWER_STATE_MALFORMED, "power-down and bit 30" },
	{ 0x00020000, PSCI_POWER_STATE_MALFORMED, "bit 17" },
	{ 0x00800000, PSCI_POWER_STATE_MALFORMED, "bit 23" },
	{ 0x04000000, PSCI_POWER_STATE_MALFORMED, "bit 26" },
	{ 0x80000000, PSCI_POWER_STATE_MALFORMED, "bit 31" },
};

static const struct power_state_case extended_format[] = {
	{ 0x00000000, PSCI_POWER_STATE_STANDBY, "standby, StateID 0" },
	{ 0x0fffffff, PSCI_POWER_STATE_STANDBY, "standby, StateID 0xfffffff" },
	/* The original format's StateType is a StateID bit here. */
	{ 0x00010000, PSCI_POWER_STATE_STANDBY, "standby, StateID bit 16" },
	{ 0x01010000, PSCI_POWER_STATE_STANDBY, "standby, StateID bits 24 and 16" },
	{ 0x40000000, PSCI_POWER_STATE_POWER_DOWN, "power-down, StateID 0" },
	{ 0x4fffffff, PSCI_POWER_STATE_POWER_DOWN, "power-down, StateID 0xfffffff" },
	{ 0x10000000, PSCI_POWER_STATE_MALFORMED, "bit 28" },
	{ 0x20000000, PSCI_POWER_STATE_MALFORMED, "bit 29" },
	{ 0x80000000, PSCI_POWER_STATE_MALFORMED, "bit 31" },
	{ 0xc0000000, PSCI_POWER_STATE_MALFORMED, "power-down and bit 31" },
};

static void check_cases(struct __test_metadata *_metadata, const struct power_state_case *c,
			unsigned int n, bool extended)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (psci_power_state_kind(c[i].power_state, extended) != c[i].kind)
			TH_LOG("%s: %08x", c[i].what, c[i].power_state);
		EXPECT_EQ(c[i].kind, psci_power_state_kind(c[i].power_state, extended));
	}
}

/* Original format: StateType is bit 16; bits [31:26] and [23:17] are reserved. */
TEST(power_state_original_format)
{
	check_cases(_metadata, original_format, ARRAY_SIZE(original_format), false);
}

/* Extended format: StateType is bit 30; bits 31, 29 and 28 are reserved. */
TEST(power_state_extended_format)
{
	check_cases(_metadata, extended_format, ARRAY_SIZE(extended_format), true);
}

/*
 * Every single bit, in both formats: only StateType asks for power-down,
 * only a reserved bit is malformed, everything else is standby.
 */
TEST(power_state_every_bit)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		u32 ps = 1U << bit;
		bool orig_reserved = (bit >= 17 && bit <= 23) || bit >= 26;
		bool ext_reserved = bit == 28 || bit == 29 || bit == 31;
		enum psci_power_state_kind orig = orig_reserved ? PSCI_POWER_STATE_MALFORMED :
						  bit == 16 ? PSCI_POWER_STATE_POWER_DOWN :
							      PSCI_POWER_STATE_STANDBY;
		enum psci_power_state_kind ext = ext_reserved ? PSCI_POWER_STATE_MALFORMED :
						 bit == 30 ? PSCI_POWER_STATE_POWER_DOWN :
							     PSCI_POWER_STATE_STANDBY;

		if (psci_power_state_kind(ps, false) != orig ||
		    psci_power_state_kind(ps, true) != ext)
			TH_LOG("bit %u", bit);
		EXPECT_EQ(orig, psci_power_state_kind(ps, false));
		EXPECT_EQ(ext, psci_power_state_kind(ps, true));
	}
}

/*
 * The format comes from firmware's PSCI_FEATURES(CPU_SUSPEND): bit 1 is the
 * extended format; any error (QEMU's or a PSCI 0.2 firmware's
 * NOT_SUPPORTED) is the original format.
 */
TEST(power_state_format_from_firmware)
{
	EXPECT_FALSE(psci_suspend_format_extended(0));
	EXPECT_FALSE(psci_suspend_format_extended(1));	/* OS-initiated only */
	EXPECT_TRUE(psci_suspend_format_extended(2));
	EXPECT_TRUE(psci_suspend_format_extended(3));
	EXPECT_FALSE(psci_suspend_format_extended(-1));	/* NOT_SUPPORTED */
	EXPECT_FALSE(psci_suspend_format_extended(-2));
	/* An error with bit 1 set is still an error. */
	EXPECT_FALSE(psci_suspend_format_extended((s32)0xfffffffe));
}

/*
 * The host's PSCI_FEATURES(CPU_SUSPEND): firmware's format bit and nothing
 * else (no OS-initiated mode, whose SET_SUSPEND_MODE is refused; no reserved
 * bits); firmware's error passed on.
 */
TEST(cpu_suspend_features_for_the_host)
{
	EXPECT_EQ(0, psci_cpu_suspend_features_host(0));
	EXPECT_EQ(0, psci_cpu_suspend_features_host(1));
	EXPECT_EQ(2, psci_cpu_suspend_features_host(2));
	EXPECT_EQ(2, psci_cpu_suspend_features_host(3));
	EXPECT_EQ(2, psci_cpu_suspend_features_host(0x7ffffffe));
	EXPECT_EQ(-1, psci_cpu_suspend_features_host(-1));
	EXPECT_EQ(-2, psci_cpu_suspend_features_host(-2));
	/* Consistent: the host reads power states in the relay's format. */
	EXPECT_EQ(psci_suspend_format_extended(3),
		  psci_suspend_format_extended(psci_cpu_suspend_features_host(3)));
	EXPECT_EQ(psci_suspend_format_extended(-1),
		  psci_suspend_format_extended(psci_cpu_suspend_features_host(-1)));
}

TEST_HARNESS_MAIN
