// SPDX-License-Identifier: GPL-2.0-only
/*
 * The payload as a pre-loader (tests/target/refusals.test): started by the
 * firmware itself at EL2, before any hypervisor, it makes the two machines
 * the loader must refuse to install on (ARCHITECTURE.md section 10) and
 * starts \EFI\isohyp\isohyp.efi on each:
 *  1. the device tree says a secondary CPU is started by "spin-table": the
 *     host could release it behind the hypervisor's back;
 *  2. a secondary CPU already runs (started here through PSCI CPU_ON into a
 *     WFE loop): it would run outside the hypervisor.
 * Each time the loader must return an error having installed nothing; the
 * suite checks its messages. Then the machine is powered off.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>

#include <asm/sysreg.h>

#include "payload.h"

static EFI_GUID fdt_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
			     { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };

extern char payload_spin_entry[];

static EFI_STATUS start_isohyp(EFI_HANDLE image, const char *what)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_DEVICE_PATH *path;
	EFI_HANDLE h = NULL;
	EFI_STATUS status;

	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	path = li ? FileDevicePath(li->DeviceHandle, L"\\EFI\\isohyp\\isohyp.efi") : NULL;
	if (!path)
		return EFI_NOT_FOUND;
	Print(L"isohyp-payload: preload: %a: starting isohyp.efi\n", what);
	status = uefi_call_wrapper(BS->LoadImage, 6, FALSE, image, path, NULL, 0, &h);
	if (!EFI_ERROR(status))
		status = uefi_call_wrapper(BS->StartImage, 3, h, NULL, NULL);
	Print(L"isohyp-payload: preload: %a: isohyp.efi returned %r at EL%d\n", what, status,
	      current_el());
	FreePool(path);
	return status;
}

/* A copy of the firmware's tree whose first secondary CPU says "spin-table". */
static void *fdt_with_spin_table(const void *fdt, u64 self)
{
	UINTN size = fdt_totalsize(fdt) + 0x1000;
	void *copy = AllocatePool(size);
	int cpus, node;

	if (!copy || fdt_open_into(fdt, copy, size))
		return NULL;
	cpus = fdt_path_offset(copy, "/cpus");
	fdt_for_each_subnode(node, copy, cpus) {
		const fdt32_t *reg = fdt_getprop(copy, node, "reg", NULL);

		if (!reg || !fdt_getprop(copy, node, "enable-method", NULL) ||
		    fdt32_to_cpu(reg[0]) == self)
			continue;
		if (fdt_setprop_string(copy, node, "enable-method", "spin-table"))
			break;
		return copy;
	}
	FreePool(copy);
	return NULL;
}

static void refuse_spin_table(EFI_HANDLE image, const void *fdt, u64 self)
{
	void *patched = fdt_with_spin_table(fdt, self);

	if (!patched) {
		Print(L"isohyp-payload: preload: cannot patch the device tree\n");
		return;
	}
	uefi_call_wrapper(BS->InstallConfigurationTable, 2, &fdt_guid, patched);
	start_isohyp(image, "spin-table CPU");
	uefi_call_wrapper(BS->InstallConfigurationTable, 2, &fdt_guid, (void *)fdt);
	FreePool(patched);
}

static void refuse_running_cpu(EFI_HANDLE image, u64 self)
{
	u64 mpidrs[16];
	int n = payload_cpus(mpidrs, 16), i;
	struct smccc_res res;

	for (i = 0; i < n && mpidrs[i] == self; i++)
		;
	if (i == n) {
		Print(L"isohyp-payload: preload: no secondary CPU\n");
		return;
	}
	/* PSCI CPU_ON, SMC64: the CPU spins in WFE at EL2 from now on. */
	payload_smc(0xC4000003, mpidrs[i], (u64)(uintptr_t)payload_spin_entry, 0, &res);
	Print(L"isohyp-payload: preload: CPU_ON %lx into a loop: %ld\n", mpidrs[i], (s64)res.a0);
	start_isohyp(image, "running CPU");
}

EFI_STATUS payload_preload(EFI_HANDLE image)
{
	const void *fdt = host_fdt();
	u64 self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;

	Print(L"isohyp-payload: preload at EL%d\n", current_el());
	if (fdt) {
		refuse_spin_table(image, fdt, self);
		refuse_running_cpu(image, self);
	}
	Print(L"isohyp-payload: preload done, powering off\n");
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
