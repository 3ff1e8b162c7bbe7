/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI and SMCCC function IDs and return codes (Arm DEN0022 "Power State
 * Coordination Interface", DEN0028 "SMC Calling Convention").
 */
#ifndef ISOHYP_ASM_PSCI_H
#define ISOHYP_ASM_PSCI_H

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

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)

#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_ARCH_SOC_ID 0x80000002U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007FFFU
#define SMCCC_ARCH_WORKAROUND_3 0x80003FFFU
#define SMCCC_RET_NOT_SUPPORTED (-1)

struct smccc_res {
	u64 a0, a1, a2, a3;
};

/* An SMC to firmware from EL2 with SMCCC 1.1 registers (arch/arm64/hyp/psci.c). */
void smccc_smc(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7,
	       struct smccc_res *res);

struct host_ctxt;
/* The host's trapped SMC (HCR_EL2.TSC): the PSCI/SMCCC proxy. */
void handle_host_smc(struct host_ctxt *ctxt);
/* Power the machine off through firmware (panic path); returns only on failure. */
void psci_system_off(void);

#endif /* ISOHYP_ASM_PSCI_H */
