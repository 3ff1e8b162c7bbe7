// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PSCI relay as the host sees it (ARCHITECTURE.md section 10; DEN0022
 * PSCI 1.1, DEN0028 SMCCC 1.4): SMC32 calls that carry an entry point are
 * NOT_SUPPORTED and PSCI_FEATURES says so; power states that lose the SMMUs'
 * state are refused (SYSTEM_SUSPEND, power-down CPU_SUSPEND) while a standby
 * CPU_SUSPEND still sleeps and returns; malformed or unknown MPIDRs are
 * INVALID_PARAMETERS before firmware sees them; AFFINITY_INFO still answers
 * for real CPUs; SMCCC_ARCH_WORKAROUND_2 is the hypervisor's; a CPU that runs
 * without having entered through the relay is refused.
 *
 * QEMU's own PSCI refuses some of the same inputs (an MPIDR with bits outside
 * the affinity fields, at level 0), and answers NOT_SUPPORTED to every SMCCC
 * architecture call: on QEMU those tests show the contract the host gets,
 * while tests/unit/psci_test.c shows that the hypervisor's own policy
 * enforces it. The others fail on QEMU if the relay lets the call through.
 */
#include <efi.h>
#include <efilib.h>
#include <string.h>

#include <asm/cache.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

#define PSCI_CPU_SUSPEND_32 0x84000001U
#define PSCI_CPU_ON_32 0x84000003U
#define PSCI_AFFINITY_INFO_32 0x84000004U
#define PSCI_FEATURES 0x8400000AU
#define PSCI_SYSTEM_SUSPEND_32 0x8400000EU
#define PSCI_CPU_SUSPEND_64 0xC4000001U
#define PSCI_CPU_ON_64 0xC4000003U
#define PSCI_AFFINITY_INFO_64 0xC4000004U
#define PSCI_SYSTEM_SUSPEND_64 0xC400000EU
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_ARCH_WORKAROUND_2 0x80007FFFU

#define NOT_SUPPORTED (-1)
#define INVALID_PARAMETERS (-2)
#define DENIED (-3)
#define ALREADY_ON (-4)
#define AFF_ON 0
#define AFF_OFF 1

static s64 smc(u32 fn, u64 a1, u64 a2, u64 a3)
{
	struct smccc_res res;

	payload_smc(fn, a1, a2, a3, &res);
	return (s64)res.a0;
}

static u64 self_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

/* A CPU of the device tree other than this one, or ~0 if there is none. */
static u64 a_secondary(void)
{
	u64 mpidrs[16];
	int n = payload_cpus(mpidrs, 16), i;

	for (i = 0; i < n; i++)
		if (mpidrs[i] != self_mpidr())
			return mpidrs[i];
	return ~0ULL;
}

/* AFFINITY_INFO of @mpidr, level 0, once the CPU is done turning itself off (1 s). */
static s64 affinity_settled(u64 mpidr)
{
	s64 ret = 0;
	int i;

	for (i = 0; i < 100; i++) {
		ret = smc(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
		if (ret != AFF_ON)
			break;
		uefi_call_wrapper(BS->Stall, 1, 10000);
	}
	return ret;
}

/* If a CPU starts where it must not, it reports here and turns itself off. */
static u64 stray_slot[8] __attribute__((aligned(64)));

/* SMC32 CPU_ON is NOT_SUPPORTED: firmware would truncate its entry point. */
TEST(smc32_cpu_on_is_not_supported)
{
	u64 cpu = a_secondary();

	if (cpu == ~0ULL)
		SKIP(return, "one CPU: no secondary to start");
	memset(stray_slot, 0, sizeof(stray_slot));
	dcache_clean_inval_poc(stray_slot, sizeof(stray_slot));
	EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_CPU_ON_32, cpu, (u64)(uintptr_t)payload_secondary_entry,
				     (u64)(uintptr_t)stray_slot));
	EXPECT_EQ(AFF_OFF, affinity_settled(cpu));
	dcache_clean_inval_poc(stray_slot, sizeof(stray_slot));
	EXPECT_EQ(0u, stray_slot[0]);
}

/*
 * SMC32 CPU_SUSPEND is NOT_SUPPORTED. Its power_state has bits QEMU's PSCI
 * rejects (INVALID_PARAMETERS), so a relay that forwarded it fails this test
 * without putting the CPU to sleep.
 */
TEST(smc32_cpu_suspend_is_not_supported)
{
	EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_CPU_SUSPEND_32, 0x80000000,
				     (u64)(uintptr_t)payload_secondary_entry, 0));
}

/* SMC32 SYSTEM_SUSPEND is NOT_SUPPORTED. */
TEST(smc32_system_suspend_is_not_supported)
{
	EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_SYSTEM_SUSPEND_32,
				     (u64)(uintptr_t)payload_secondary_entry, 0, 0));
}

/*
 * PSCI_FEATURES and SMCCC_ARCH_FEATURES say NOT_SUPPORTED for the SMC32 forms
 * the relay refuses (QEMU's PSCI would say 0 for them) and for SYSTEM_SUSPEND,
 * and keep firmware's answer for the other SMC64 forms.
 */
TEST(features_match_what_the_relay_does)
{
	static const u32 refused[] = { PSCI_CPU_ON_32, PSCI_CPU_SUSPEND_32,
				       PSCI_SYSTEM_SUSPEND_32, PSCI_SYSTEM_SUSPEND_64 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		TH_LOG("function %x", refused[i]);
		EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_FEATURES, refused[i], 0, 0));
		EXPECT_EQ(NOT_SUPPORTED, smc(SMCCC_ARCH_FEATURES, refused[i], 0, 0));
	}
	EXPECT_EQ(0, smc(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0));
	EXPECT_GE(smc(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0), 0);
	EXPECT_EQ(0, smc(PSCI_FEATURES, PSCI_AFFINITY_INFO_64, 0, 0));
	EXPECT_EQ(0, smc(PSCI_FEATURES, PSCI_AFFINITY_INFO_32, 0, 0));
}

/*
 * SYSTEM_SUSPEND (SMC64) is NOT_SUPPORTED: it would lose the SMMUs' state.
 * QEMU's PSCI has no SYSTEM_SUSPEND either, so on QEMU this shows the
 * contract; tests/unit/psci_test.c shows the relay refuses it itself.
 */
TEST(system_suspend_is_not_supported)
{
	EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_SYSTEM_SUSPEND_64,
				     (u64)(uintptr_t)payload_secondary_entry, 0, 0));
	EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_FEATURES, PSCI_SYSTEM_SUSPEND_64, 0, 0));
}

#define CPU_SUSPEND_EXTENDED BIT(1)

/* The host's PSCI_FEATURES(CPU_SUSPEND): is power_state in the extended format? */
static bool suspend_format_extended(void)
{
	s64 f = smc(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0);

	return f >= 0 && (f & CPU_SUSPEND_EXTENDED);
}

/*
 * PSCI_FEATURES(CPU_SUSPEND) names the power_state format and nothing else:
 * no OS-initiated mode (bit 0; the relay refuses SET_SUSPEND_MODE), no
 * reserved bit. On QEMU: the original format (QEMU's PSCI answers 0).
 */
TEST(cpu_suspend_features_name_the_format)
{
	s64 f = smc(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0);

	TH_LOG("PSCI_FEATURES(CPU_SUSPEND) = %ld: %s format", (long)f,
	       suspend_format_extended() ? "extended" : "original");
	if (f >= 0)
		EXPECT_EQ(0, f & ~(s64)CPU_SUSPEND_EXTENDED);
}

/*
 * CPU_SUSPEND to a power-down state is INVALID_PARAMETERS: the CPU, its GIC
 * redistributor and, with the whole system, the SMMUs would lose their state.
 * StateType is bit 16 in the original format, 30 in the extended one; QEMU
 * takes the original format, and its PSCI would accept bit 16 and put the
 * CPU in WFI, returning SUCCESS: only the relay refuses it. (If the relay
 * let it through, the firmware's timer interrupt would end the WFI and this
 * test fail, not hang.) In the original format, the extended StateType bit
 * is a reserved bit: INVALID_PARAMETERS too.
 */
TEST(cpu_suspend_power_down_is_refused)
{
	u64 entry = (u64)(uintptr_t)payload_secondary_entry, ctx = (u64)(uintptr_t)stray_slot;
	bool ext = suspend_format_extended();
	u64 down = ext ? BIT(30) : BIT(16);

	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_CPU_SUSPEND_64, down, entry, ctx));
	/* With a StateID, and (original format) at PowerLevel 1: the cluster. */
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_CPU_SUSPEND_64, down | 1, entry, ctx));
	if (!ext) {
		EXPECT_EQ(INVALID_PARAMETERS,
			  smc(PSCI_CPU_SUSPEND_64, down | BIT(24), entry, ctx));
		EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_CPU_SUSPEND_64, BIT(30), entry, ctx));
	}
}

/* The EL1 timer that is on and may interrupt: "v" (virtual), "p" (physical) or NULL. */
static const char *armed_timer(void)
{
	u64 v = read_sysreg(cntv_ctl_el0), p = read_sysreg(cntp_ctl_el0);

	/* CNTx_CTL_EL0: ENABLE is bit 0, IMASK bit 1. */
	if ((v & 3) == 1)
		return "virtual";
	if ((p & 3) == 1)
		return "physical";
	return NULL;
}

/*
 * A standby CPU_SUSPEND still reaches firmware and returns SUCCESS. QEMU's
 * PSCI implements every standby state as WFI, which the next interrupt ends:
 * the firmware's periodic timer tick (a pending interrupt wakes WFI whatever
 * PSTATE.I says). Without an armed EL1 timer nothing would wake this CPU,
 * so the test checks there is one first, and how long the sleep took.
 */
TEST(cpu_suspend_standby_returns)
{
	u64 entry = (u64)(uintptr_t)payload_secondary_entry, ctx = (u64)(uintptr_t)stray_slot;
	const char *timer = armed_timer();
	u64 t0, ms;
	s64 ret;

	if (!timer)
		SKIP(, "no EL1 timer armed: a standby CPU_SUSPEND could sleep forever");
	t0 = read_sysreg(cntvct_el0);
	ret = smc(PSCI_CPU_SUSPEND_64, 0, entry, ctx);
	ms = (read_sysreg(cntvct_el0) - t0) * 1000 / read_sysreg(cntfrq_el0);
	TH_LOG("standby CPU_SUSPEND returned %ld after %lu ms (the firmware's %s timer)",
	       (long)ret, (unsigned long)ms, timer);
	EXPECT_EQ(0, ret);
	EXPECT_LT(ms, 1000u);
}

/* Bits outside Aff3..Aff0 make a target INVALID_PARAMETERS, never another CPU. */
static const u64 stray_bits[] = { BIT(24), BIT(30), BIT(31), BIT(40), BIT(63) };

/* CPU_ON of a real CPU's MPIDR with any bit outside the affinity fields. */
TEST(cpu_on_refuses_bits_outside_affinity)
{
	u64 cpu = a_secondary();
	unsigned int i;

	if (cpu == ~0ULL)
		SKIP(return, "one CPU: no secondary to start");
	for (i = 0; i < ARRAY_SIZE(stray_bits); i++) {
		TH_LOG("MPIDR %lx", (unsigned long)(cpu | stray_bits[i]));
		EXPECT_EQ(INVALID_PARAMETERS,
			  smc(PSCI_CPU_ON_64, cpu | stray_bits[i],
			      (u64)(uintptr_t)payload_secondary_entry, (u64)(uintptr_t)stray_slot));
	}
	EXPECT_EQ(AFF_OFF, affinity_settled(cpu));
}

/* CPU_ON of an MPIDR that is no CPU of the machine. */
TEST(cpu_on_refuses_unknown_cpu)
{
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_CPU_ON_64, 0xfe,
					  (u64)(uintptr_t)payload_secondary_entry, 0));
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_CPU_ON_64, 0xff00000000ULL,
					  (u64)(uintptr_t)payload_secondary_entry, 0));
}

/*
 * AFFINITY_INFO validates its target at every level. At level 1 QEMU's PSCI
 * answers ON for anything ("above level 0 everything is on"): only the
 * relay's check turns a malformed or unknown cluster into INVALID_PARAMETERS.
 */
TEST(affinity_info_refuses_bad_targets)
{
	u64 cpu = a_secondary();
	unsigned int i;

	if (cpu == ~0ULL)
		SKIP(return, "one CPU: no secondary to start");
	for (i = 0; i < ARRAY_SIZE(stray_bits); i++) {
		TH_LOG("target %lx", (unsigned long)(cpu | stray_bits[i]));
		EXPECT_EQ(INVALID_PARAMETERS,
			  smc(PSCI_AFFINITY_INFO_64, cpu | stray_bits[i], 0, 0));
		EXPECT_EQ(INVALID_PARAMETERS,
			  smc(PSCI_AFFINITY_INFO_64, cpu | stray_bits[i], 1, 0));
	}
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_AFFINITY_INFO_64, 0xfe, 0, 0));
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_AFFINITY_INFO_64, 0x5500, 1, 0));
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_AFFINITY_INFO_64, 0x550000, 2, 0));
	EXPECT_EQ(INVALID_PARAMETERS, smc(PSCI_AFFINITY_INFO_64, self_mpidr(), 4, 0));
}

/* AFFINITY_INFO of real CPUs still reaches firmware, in both forms. */
TEST(affinity_info_of_real_cpus_works)
{
	u64 cpu = a_secondary();

	if (cpu == ~0ULL)
		SKIP(return, "one CPU: no secondary to start");
	EXPECT_EQ(AFF_OFF, affinity_settled(cpu));
	EXPECT_EQ(AFF_OFF, smc(PSCI_AFFINITY_INFO_32, cpu, 0, 0));
	EXPECT_EQ(AFF_ON, smc(PSCI_AFFINITY_INFO_64, self_mpidr(), 0, 0));
	EXPECT_EQ(AFF_ON, smc(PSCI_AFFINITY_INFO_32, self_mpidr(), 0, 0));
	/* Level 1: this CPU's cluster, lower fields ignored. */
	EXPECT_EQ(AFF_ON, smc(PSCI_AFFINITY_INFO_64, self_mpidr() | 0x3f, 1, 0));
}

/*
 * SMCCC_ARCH_WORKAROUND_2 never reaches firmware (the host may not turn SSBD
 * mitigation off for EL2), and discovery never answers 0, which would invite
 * the host to call it. (QEMU has no SMCCC architecture calls at all: it
 * answers NOT_SUPPORTED too.)
 */
TEST(workaround_2_is_answered_by_the_hypervisor)
{
	s64 feat = smc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0);

	EXPECT_NE(0, feat);
	EXPECT_TRUE(feat == NOT_SUPPORTED || feat == -2 || feat == 1);
	EXPECT_EQ(NOT_SUPPORTED, smc(SMCCC_ARCH_WORKAROUND_2, 0, 0, 0));
	EXPECT_EQ(NOT_SUPPORTED, smc(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0));
	EXPECT_EQ(NOT_SUPPORTED, smc(PSCI_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0));
}

/*
 * A CPU that runs but never entered through the relay is refused. With test
 * hooks, the hypervisor is made to forget that this CPU is on: firmware then
 * answers CPU_ON with ALREADY_ON, which the relay must not take for a CPU it
 * started -- DENIED, and DENIED again without asking firmware. Without test
 * hooks, the hook is refused and the hypervisor knows this CPU is on.
 */
TEST(cpu_running_outside_the_hypervisor_is_denied)
{
	u64 self = self_mpidr(), entry = (u64)(uintptr_t)payload_secondary_entry;
	struct smccc_res res;

	payload_hvc(ISOHYP_FN_TEST_HOOK, ISOHYP_TEST_HOOK_FORGET_CPU, self, 0, &res);
	if (!payload_test_hooks) {
		EXPECT_EQ((u64)-1, res.a0);
		EXPECT_EQ(ALREADY_ON, smc(PSCI_CPU_ON_64, self, entry, 0));
		return;
	}
	ASSERT_EQ(0u, res.a0);
	ASSERT_EQ(0u, res.a1);
	EXPECT_EQ(DENIED, smc(PSCI_CPU_ON_64, self, entry, 0));
	EXPECT_EQ(DENIED, smc(PSCI_CPU_ON_64, self, entry, 0));
	/* Still running, as firmware says. */
	EXPECT_EQ(AFF_ON, smc(PSCI_AFFINITY_INFO_64, self, 0, 0));
}
