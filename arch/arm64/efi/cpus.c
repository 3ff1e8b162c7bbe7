// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUs before the install (ARCHITECTURE.md section 10): the hypervisor
 * can only protect what runs under it, and it gets a CPU only through the
 * PSCI CPU_ON it relays. So, before anything is installed, every CPU but
 * this one must be off, as firmware's PSCI AFFINITY_INFO (DEN0022 5.1.5)
 * reports it, and this CPU must have the translation granule isohyp builds
 * all its tables with. (fdt.c already refused CPUs that are not started
 * through PSCI: a spin-table CPU could be released behind our back.)
 * The loader runs at EL2 here: its SMCs go to firmware directly.
 */
#include <asm/cpufeature.h>
#include <asm/psci.h>
#include <asm/sysreg.h>

#include "loader.h"

static INT64 psci_smc64(UINT64 fn, UINT64 a1, UINT64 a2)
{
	register UINT64 x0 __asm__("x0") = fn;
	register UINT64 x1 __asm__("x1") = a1;
	register UINT64 x2 __asm__("x2") = a2;
	register UINT64 x3 __asm__("x3") = 0;

	/* SMCCC 1.1: x4-x17 may be clobbered by firmware. */
	__asm__ __volatile__("smc #0"
			     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			     :
			     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			       "x14", "x15", "x16", "x17", "memory");
	return (INT64)x0;
}

static const char *affinity_state(INT64 ret)
{
	switch (ret) {
	case PSCI_AFFINITY_ON:
		return "ON";
	case PSCI_AFFINITY_ON_PENDING:
		return "ON_PENDING";
	case PSCI_RET_INVALID_PARAMS:
		return "INVALID_PARAMETERS: firmware does not know it";
	case PSCI_RET_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	default:
		return "an error";
	}
}

EFI_STATUS cpus_check_secondaries_off(const struct boot_info *bi)
{
	UINT32 i;

	for (i = 0; i < bi->nr_cpus; i++) {
		INT64 ret;

		if (i == bi->boot_cpu)
			continue;
		/* SMC64: Aff3 is part of the target; level 0: this very CPU. */
		ret = psci_smc64(PSCI_AFFINITY_INFO_64, bi->mpidr[i], 0);
		if (ret == PSCI_AFFINITY_OFF)
			continue;
		ERR(L"CPU %lx is not off (PSCI AFFINITY_INFO: %ld, %a): it would run outside the "
		    L"hypervisor\n", bi->mpidr[i], ret, affinity_state(ret));
		return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}

EFI_STATUS cpus_check_granule(void)
{
	UINT64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);

	if (id_mmfr0_has_4k_granule(mmfr0))
		return EFI_SUCCESS;
	ERR(L"this CPU has no 4 KiB translation granule at stage 1 and stage 2 "
	    L"(ID_AA64MMFR0_EL1 %lx): isohyp needs it\n", mmfr0);
	return EFI_UNSUPPORTED;
}
