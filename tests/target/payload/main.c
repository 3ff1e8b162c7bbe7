// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL1 test payload: an EFI application that isohyp.efi starts as its next
 * stage, so it runs at EL1 under the hypervisor with the firmware as its
 * host. It runs every test registered with the kselftest harness, prints KTAP
 * on the console and powers the machine off through the firmware (whose PSCI
 * SYSTEM_OFF goes through the hypervisor's proxy).
 */
#include <efi.h>
#include <efilib.h>

#include "harness.h"
#include "payload.h"

static void console_out(const char *s, void *ctx)
{
	Print(L"%a", s);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	/* The firmware's watchdog would reset a long run; these tests are bounded. */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
	Print(L"isohyp-payload: start\n");
	harness_run(console_out, NULL);
	Print(L"isohyp-payload: done, powering off\n");
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
