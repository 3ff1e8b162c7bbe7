/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI and SMCCC function IDs and return codes (Arm DEN0022 "Power State
 * Coordination Interface", DEN0028 "SMC Calling Convention").
 */
#ifndef ISOHYP_ASM_PSCI_H
#define ISOHYP_ASM_PSCI_H

#include <isohyp/bits.h>
#include <isohyp/types.h>

#define PSCI_0_2_FN_BASE 0x84000000U
#define PSCI_0_2_FN64_BASE 0xC4000000U
#define PSCI_FN(n) (PSCI_0_2_FN_BASE + (n))
#define PSCI_FN64(n) (PSCI_0_2_FN64_BASE + (n))

#define PSCI_VERSION PSCI_FN(0)
#define PSCI_CPU_SUSPEND PSCI_FN(1)
#define PSCI_CPU_OFF PSCI_FN(2)
#define PSCI_CPU_ON PSCI_FN(3)
#define PSCI_AFFINITY_INFO PSCI_FN(4)
#define PSCI_MIGRATE_INFO_TYPE PSCI_FN(6)
#define PSCI_SYSTEM_OFF PSCI_FN(8)
#define PSCI_SYSTEM_RESET PSCI_FN(9)
#define PSCI_FEATURES PSCI_FN(10)
#define PSCI_SYSTEM_SUSPEND PSCI_FN(14)
#define PSCI_SYSTEM_RESET2 PSCI_FN(18)
#define PSCI_MEM_PROTECT PSCI_FN(19)
/* The SMC64 forms, whose arguments are 64-bit (addresses, MPIDRs with Aff3). */
#define PSCI_CPU_SUSPEND_64 PSCI_FN64(1)
#define PSCI_CPU_ON_64 PSCI_FN64(3)
#define PSCI_AFFINITY_INFO_64 PSCI_FN64(4)
#define PSCI_SYSTEM_SUSPEND_64 PSCI_FN64(14)
#define PSCI_SYSTEM_RESET2_64 PSCI_FN64(18)

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)

/*
 * PSCI_FEATURES(CPU_SUSPEND) flags (DEN0022, PSCI_FEATURES): bit 1 says which
 * power_state format firmware takes, bit 0 that it offers OS-initiated
 * mode; bits [31:2] are reserved, zero.
 */
#define PSCI_FEATURES_CPU_SUSPEND_OSI BIT(0)
#define PSCI_FEATURES_CPU_SUSPEND_EXTENDED BIT(1)

/*
 * CPU_SUSPEND's power_state (DEN0022, CPU_SUSPEND: the
 * power_state parameter, original and extended StateID formats). Original
 * format: StateID [15:0], StateType [16], PowerLevel [25:24], bits [23:17]
 * and [31:26] reserved. Extended format: StateID [27:0], StateType [30],
 * bits [29:28] and [31] reserved. StateType 1 is a power-down state.
 */
#define PSCI_POWER_STATE_TYPE BIT(16)
#define PSCI_POWER_STATE_RESERVED (GENMASK(31, 26) | GENMASK(23, 17))
#define PSCI_POWER_STATE_EXT_TYPE BIT(30)
#define PSCI_POWER_STATE_EXT_RESERVED (BIT(31) | GENMASK(29, 28))

/* AFFINITY_INFO results (DEN0022 5.1.5). */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_ARCH_SOC_ID 0x80000002U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007FFFU
#define SMCCC_ARCH_WORKAROUND_3 0x80003FFFU
#define SMCCC_RET_NOT_SUPPORTED (-1)
#define SMCCC_RET_NOT_REQUIRED (-2)

/*
 * MPIDR_EL1's affinity fields: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8],
 * Aff0 [7:0] (the same definition as isohyp/cpu.h's).
 */
#define MPIDR_AFFINITY_MASK 0xff00ffffffULL

/*
 * What the PSCI relay does with a host SMC (arch/arm64/hyp/psci_policy.c):
 * the policy, apart from the mechanism in psci.c, so host unit tests can
 * check it.
 */
enum psci_relay_action {
	PSCI_RELAY_REFUSE = 0,		/* NOT_SUPPORTED; firmware never sees it */
	PSCI_RELAY_FORWARD,		/* to firmware as it is */
	PSCI_RELAY_CPU_ON,		/* validated target, our entry point */
	PSCI_RELAY_CPU_OFF,
	PSCI_RELAY_CPU_SUSPEND,		/* standby states only, our entry point */
	PSCI_RELAY_AFFINITY_INFO,	/* validated target */
	PSCI_RELAY_SYSTEM_OFF,		/* and the resets: report, then forward */
	PSCI_RELAY_FEATURES,		/* answered by the relay's own policy */
	PSCI_RELAY_SSBD,		/* SMCCC_ARCH_WORKAROUND_2: answered here */
};

/* What a CPU_SUSPEND power_state asks for (psci_power_state_kind()). */
enum psci_power_state_kind {
	PSCI_POWER_STATE_STANDBY,	/* standby or retention: context kept */
	PSCI_POWER_STATE_POWER_DOWN,	/* context lost, SMMUs' and GIC's too */
	PSCI_POWER_STATE_MALFORMED,	/* a reserved bit set */
};

enum psci_relay_action psci_relay_action(u32 fn);
bool psci_mpidr_valid(u64 mpidr);
u64 psci_affinity_level_mask(u64 level);
bool psci_suspend_format_extended(s64 fw_features);
enum psci_power_state_kind psci_power_state_kind(u32 power_state, bool extended);
s64 psci_cpu_suspend_features_host(s64 fw_features);

struct smccc_res {
	u64 a0, a1, a2, a3;
};

/* An SMC to firmware from EL2 with SMCCC 1.1 registers (arch/arm64/hyp/psci.c). */
void smccc_smc(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7,
	       struct smccc_res *res);

struct host_ctxt;
/* The host's trapped SMC (HCR_EL2.TSC): the PSCI/SMCCC proxy. */
void handle_host_smc(struct host_ctxt *ctxt);
/*
 * Ask firmware once, on the boot CPU, what the relay needs to know: its
 * CPU_SUSPEND power_state format and its SSBD mitigation
 * (SMCCC_ARCH_WORKAROUND_2), which the hypervisor then keeps on for every
 * CPU that enters EL2 (psci_ssbd_cpu_setup() from el2_cpu_setup).
 */
void psci_init(void);
/* Firmware's SMCCC_ARCH_FEATURES(@fn), or NOT_SUPPORTED without SMCCC 1.1. */
s32 smccc_arch_features(u32 fn);
void psci_ssbd_cpu_setup(void);
/*
 * TEST_HOOK (test_hooks=1 only, test builds only): record the CPU @mpidr as
 * off; 0 or -EINVAL.
 */
int psci_test_forget_cpu(u64 mpidr);
/* Power the machine off through firmware (panic path); returns only on failure. */
void psci_system_off(void);

#endif /* ISOHYP_ASM_PSCI_H */
