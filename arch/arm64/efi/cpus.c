// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUs before the install (ARCHITECTURE.md section 10): this CPU must
 * have the translation granule isohyp builds all its tables with, checked
 * before anything is installed.
 */
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "loader.h"

EFI_STATUS cpus_check_granule(void)
{
	UINT64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);

	if (id_mmfr0_has_4k_granule(mmfr0))
		return EFI_SUCCESS;
	ERR(L"this CPU has no 4 KiB translation granule at stage 1 and stage 2 "
	    L"(ID_AA64MMFR0_EL1 %lx): isohyp needs it\n", mmfr0);
	return EFI_UNSUPPORTED;
}
