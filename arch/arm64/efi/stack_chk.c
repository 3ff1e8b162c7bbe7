// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debian builds libfdt with -fstack-protector-strong, so every EFI binary
 * that links it (the loader, the test payloads) needs the guard and the
 * failure handler: report and leave the application, never run on.
 */
#include <efi.h>
#include <efilib.h>

/* Set by InitializeLib(); gnu-efi 3.0.15 defines it but does not declare it. */
extern EFI_HANDLE LibImageHandle;

unsigned long __stack_chk_guard = 0x595e9fbd94fda766ul;

void __stack_chk_fail(void)
{
	Print(L"isohyp: error: stack smashing detected, aborting\n");
	uefi_call_wrapper(BS->Exit, 4, LibImageHandle, EFI_ABORTED, 0, NULL);
	for (;;)
		__asm__ __volatile__("wfi");
}
