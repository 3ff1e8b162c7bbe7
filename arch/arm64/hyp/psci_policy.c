// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PSCI relay's policy: which host SMCs reach firmware, which are
 * re-targeted or answered by the hypervisor, and which host-supplied MPIDRs
 * are acceptable (DEN0022 PSCI 1.1, DEN0028 SMCCC 1.4). Pure functions of
 * their arguments, no state, no system registers: arch/arm64/hyp/psci.c is
 * the mechanism, and tests/unit/psci_test.c checks this file on the host.
 *
 * The rules, as pKVM's psci-relay has them:
 *  - A call that hands firmware an entry point (CPU_ON, CPU_SUSPEND) is
 *    relayed in its SMC64 form only. The SMC32 form is refused: its entry
 *    point and context are 32-bit, and firmware such as TF-A truncates SMC32
 *    arguments to 32 bits, so with the hypervisor's entry above 4 GiB the
 *    CPU would start at EL2 somewhere in host memory.
 *  - No power state that loses the SMMUs' or the GIC's state (ARCHITECTURE.md
 *    section 10): on real hardware an SMMU that loses power comes back in its
 *    reset state -- often bypass (SMMU_GBPA) -- and the hypervisor has no
 *    resume path that re-initialises every SMMU before the host runs again.
 *    So SYSTEM_SUSPEND (either form) is NOT_SUPPORTED, which DEN0022 allows
 *    (SYSTEM_SUSPEND is optional), and CPU_SUSPEND is relayed for standby and
 *    retention states only (psci_power_state_kind()).
 *  - Calls without an address are forwarded in either form.
 *  - SMCCC_ARCH_WORKAROUND_2 (SSBD, CVE-2018-3639) never reaches firmware:
 *    with a dynamic firmware mitigation it would let the host turn off the
 *    mitigation for EL2 as well. WORKAROUND_1 and _3 only ever add
 *    mitigation, and are forwarded.
 *  - Anything not listed is NOT_SUPPORTED.
 */
#include <asm/psci.h>
#include <isohyp/bits.h>

enum psci_relay_action psci_relay_action(u32 fn)
{
	switch (fn) {
	case PSCI_CPU_ON_64:
		return PSCI_RELAY_CPU_ON;
	case PSCI_CPU_SUSPEND_64:
		return PSCI_RELAY_CPU_SUSPEND;
	case PSCI_CPU_OFF:
		return PSCI_RELAY_CPU_OFF;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
		return PSCI_RELAY_AFFINITY_INFO;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_SYSTEM_RESET2_64:
		return PSCI_RELAY_SYSTEM_OFF;
	case PSCI_FEATURES:
	case SMCCC_ARCH_FEATURES:
		return PSCI_RELAY_FEATURES;
	case SMCCC_ARCH_WORKAROUND_2:
		return PSCI_RELAY_SSBD;
	case PSCI_VERSION:
	case PSCI_MIGRATE_INFO_TYPE:
	case SMCCC_VERSION:
	case SMCCC_ARCH_SOC_ID:
	case SMCCC_ARCH_WORKAROUND_1:
	case SMCCC_ARCH_WORKAROUND_3:
		return PSCI_RELAY_FORWARD;
	case PSCI_CPU_ON:		/* SMC32 with an entry point: see above */
	case PSCI_CPU_SUSPEND:
	case PSCI_SYSTEM_SUSPEND:
	case PSCI_SYSTEM_SUSPEND_64:	/* loses SMMU and GIC state: see above */
	default:
		return PSCI_RELAY_REFUSE;
	}
}

/*
 * An MPIDR from the host names a CPU only through its affinity fields: bits
 * [63:40] and [31:24] of target_cpu must be zero (DEN0022 5.1.4, and 5.1.5
 * for target_affinity). Any of them set is a malformed argument, never a
 * value to forward: firmware might read those bits differently from us and
 * start another CPU than the one whose EL2 state we prepared.
 */
bool psci_mpidr_valid(u64 mpidr)
{
	return !(mpidr & ~MPIDR_AFFINITY_MASK);
}

/*
 * AFFINITY_INFO's lowest_affinity_level (DEN0022 5.1.5): the affinity fields
 * at or above @level are the ones that count, the lower ones are ignored.
 * Returns the mask of those fields, or 0 for a level that does not exist.
 */
u64 psci_affinity_level_mask(u64 level)
{
	static const u64 masks[] = {
		MPIDR_AFFINITY_MASK,	/* Aff3..Aff0 */
		0xff00ffff00ULL,	/* Aff3..Aff1 */
		0xff00ff0000ULL,	/* Aff3, Aff2 */
		0xff00000000ULL,	/* Aff3 */
	};

	return level < ARRAY_SIZE(masks) ? masks[level] : 0;
}

/*
 * Which power_state format firmware takes, from its answer to
 * PSCI_FEATURES(CPU_SUSPEND) (DEN0022, PSCI_FEATURES): bit 1 set is the extended
 * StateID format. Any error -- a PSCI 0.2 firmware without PSCI_FEATURES, or
 * one that answers NOT_SUPPORTED -- means the original format, the only one
 * there was before PSCI 1.0 (Linux reads it the same way).
 */
bool psci_suspend_format_extended(s64 fw_features)
{
	return fw_features >= 0 && (fw_features & PSCI_FEATURES_CPU_SUSPEND_EXTENDED);
}

/*
 * What a CPU_SUSPEND power_state asks for (DEN0022, CPU_SUSPEND), read in the
 * format firmware takes: StateType is bit 16 in the original format and bit
 * 30 in the extended one. Each format's reserved bits must be zero; a
 * power_state with one set is malformed, never forwarded: firmware of the
 * other format, or a later revision, might read such a bit as StateType.
 */
enum psci_power_state_kind psci_power_state_kind(u32 power_state, bool extended)
{
	u32 reserved = extended ? PSCI_POWER_STATE_EXT_RESERVED : PSCI_POWER_STATE_RESERVED;
	u32 type = extended ? PSCI_POWER_STATE_EXT_TYPE : PSCI_POWER_STATE_TYPE;

	if (power_state & reserved)
		return PSCI_POWER_STATE_MALFORMED;
	return power_state & type ? PSCI_POWER_STATE_POWER_DOWN : PSCI_POWER_STATE_STANDBY;
}

/*
 * The host's PSCI_FEATURES(CPU_SUSPEND): firmware's format bit, so the host
 * encodes power states as the relay reads them. OS-initiated mode (bit 0) is
 * never offered: the relay refuses PSCI_SET_SUSPEND_MODE, so the host stays
 * in platform-coordinated mode. Reserved bits are not passed on. An error
 * from firmware is passed on as it is; the host then takes the original
 * format, as the relay does.
 */
s64 psci_cpu_suspend_features_host(s64 fw_features)
{
	if (fw_features < 0)
		return fw_features;
	return fw_features & PSCI_FEATURES_CPU_SUSPEND_EXTENDED;
}
