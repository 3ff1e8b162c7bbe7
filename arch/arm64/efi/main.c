// SPDX-License-Identifier: GPL-2.0-only
/*
 * isohyp.efi: the UEFI application that installs isohyp.
 *
 * Today it reports where the firmware started it (CurrentEL) and which device
 * tree the firmware offers, then returns. Installing the hypervisor follows
 * ARCHITECTURE.md section 2.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>

#include <asm/sysreg.h>
#include <isohyp/version.h>

/* EFI_DTB_TABLE_GUID (UEFI spec, "Devicetree Tables"). */
static EFI_GUID fdt_table_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
				   { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };

static EFI_HANDLE loader_image;

/* The device tree the firmware installed as a configuration table, or NULL. */
static const void *efi_find_fdt(void)
{
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &fdt_table_guid))
			return t->VendorTable;
	}
	return NULL;
}

/* libfdt is built with -fstack-protector-strong: it needs these two. */
unsigned long __stack_chk_guard = 0x595e9fbd94fda766ul;

void __stack_chk_fail(void)
{
	Print(L"isohyp: stack smashing detected, aborting\n");
	uefi_call_wrapper(BS->Exit, 4, loader_image, EFI_ABORTED, 0, NULL);
	for (;;)
		__asm__ __volatile__("wfi");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	const void *fdt;
	const char *model = NULL;
	int err;

	InitializeLib(image, systab);
	loader_image = image;

	Print(L"isohyp %a: loader running at EL%d\n", ISOHYP_VERSION_STRING, current_el());

	fdt = efi_find_fdt();
	if (!fdt) {
		Print(L"isohyp: error: the firmware offers no device tree\n");
		return EFI_UNSUPPORTED;
	}
	err = fdt_check_header(fdt);
	if (err) {
		Print(L"isohyp: error: bad device tree: %a\n", fdt_strerror(err));
		return EFI_LOAD_ERROR;
	}
	model = fdt_getprop(fdt, 0, "compatible", NULL);
	Print(L"isohyp: device tree at %lx, %d bytes, compatible \"%a\"\n", (UINT64)fdt,
	      fdt_totalsize(fdt), model ? model : "?");
	return EFI_SUCCESS;
}
