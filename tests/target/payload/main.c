// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EL1 test payload: an EFI application that isohyp.efi starts as its next
 * stage, so it runs at EL1 under the hypervisor with the firmware as its
 * host. It runs every test registered with the kselftest harness, prints KTAP
 * on the console and powers the machine off through the firmware (whose PSCI
 * SYSTEM_OFF goes through the hypervisor's proxy). Load options pick other
 * runs instead: el2-crash and its kin, reset-scrub, soak (make soak, soak.c).
 */
#include <efi.h>
#include <efilib.h>

#include <string.h>

#include <asm/cache.h>
#include <asm/sysreg.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

bool payload_test_hooks;

static void console_out(const char *s, void *ctx)
{
	Print(L"%a", s);
}

/* Is @word one of the words of our load options (the loader's cmdline=)? */
static bool load_option(EFI_HANDLE image, const CHAR16 *word)
{
	EFI_LOADED_IMAGE *li;
	const CHAR16 *o;
	UINTN n, i, wl = StrLen(word);

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
					(void **)&li)) || !li->LoadOptions)
		return false;
	o = li->LoadOptions;
	n = li->LoadOptionsSize / sizeof(CHAR16);
	for (i = 0; i + wl <= n; i++)
		if ((i == 0 || o[i - 1] == L' ') && !CompareMem(o + i, word, wl * sizeof(CHAR16)) &&
		    (i + wl == n || o[i + wl] == L' ' || o[i + wl] == 0))
			return true;
	return false;
}

/*
 * The number after @prefix ("soak-seconds=") in our load options, decimal or
 * 0x-prefixed hex, into @val; false if there is none.
 */
static bool load_option_u64(EFI_HANDLE image, const CHAR16 *prefix, u64 *val)
{
	EFI_LOADED_IMAGE *li;
	const CHAR16 *o;
	UINTN n, i, j, pl = StrLen(prefix);
	u64 v = 0;
	bool hex, digits = false;

	if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
					(void **)&li)) || !li->LoadOptions)
		return false;
	o = li->LoadOptions;
	n = li->LoadOptionsSize / sizeof(CHAR16);
	for (i = 0; i + pl <= n; i++) {
		if ((i && o[i - 1] != L' ') || CompareMem(o + i, prefix, pl * sizeof(CHAR16)))
			continue;
		j = i + pl;
		hex = j + 2 <= n && o[j] == L'0' && (o[j + 1] == L'x' || o[j + 1] == L'X');
		for (j += hex ? 2 : 0; j < n; j++, digits = true) {
			CHAR16 ch = o[j];

			if (ch >= L'0' && ch <= L'9')
				v = v * (hex ? 16 : 10) + (ch - L'0');
			else if (hex && ch >= L'a' && ch <= L'f')
				v = v * 16 + (ch - L'a' + 10);
			else if (hex && ch >= L'A' && ch <= L'F')
				v = v * 16 + (ch - L'A' + 10);
			else
				break;
		}
		if (digits)
			*val = v;
		return digits;
	}
	return false;
}

/*
 * el2-crash (tests/target/el2-crash.test): instead of the tests, ask the
 * hypervisor (booted with test_hooks=1) to take an exception at EL2 -- a
 * data abort, a write to its text, an instruction fetch from its data, a
 * stack overflow, as the load option says. It must print its dump and power
 * the machine off; returning is a failure.
 */
static const struct {
	const CHAR16 *option;
	const CHAR16 *what;
	u64 hook;
} el2_crashes[] = {
	{ L"el2-crash", L"an EL2 abort", ISOHYP_TEST_HOOK_EL2_ABORT },
	{ L"el2-write-text", L"a write to the EL2 text", ISOHYP_TEST_HOOK_WRITE_TEXT },
	{ L"el2-exec-data", L"an EL2 fetch from data", ISOHYP_TEST_HOOK_EXEC_DATA },
	{ L"el2-stack-overflow", L"an EL2 stack overflow", ISOHYP_TEST_HOOK_STACK_OVERFLOW },
	{ L"el2-read-host", L"an EL2 load from host RAM", ISOHYP_TEST_HOOK_READ_HOST },
};

/* What el2-read-host asks EL2 to load: a page of ours, host RAM. */
static u64 host_word[512] __attribute__((aligned(4096))) = { 0x1234 };

/*
 * reset-scrub (tests/target/reset-scrub.test): a page filled and kept by the
 * host and a page filled and donated, then PSCI SYSTEM_RESET. QEMU pauses
 * at the reset and reads both, and a page of the hypervisor's identity map
 * (IOMMU_INFO x7: test hooks are on), from outside: the donated page and the
 * hypervisor's must be zero, the host's unchanged (the reset itself clears
 * nothing).
 */
static void reset_scrub(void)
{
	EFI_PHYSICAL_ADDRESS pages;
	struct smccc_res res;
	u64 r[8];

	if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData, 2,
					&pages))) {
		Print(L"isohyp-payload: reset-scrub: no pages\n");
		return;
	}
	memset((void *)(uintptr_t)pages, 0x5a, 2 * 4096);
	dcache_clean_poc((void *)(uintptr_t)pages, 2 * 4096);
	payload_hvc(ISOHYP_FN_HOST_DONATE_HYP, (pages + 4096) >> 12, 1, 0, &res);
	Print(L"isohyp-payload: reset-scrub: donated %lx: %ld\n", pages + 4096, (s64)res.a1);
	payload_hvc8(ISOHYP_FN_IOMMU_INFO, r);
	Print(L"isohyp-payload: reset-scrub: identity-map root %lx\n", r[7]);
	phys_check("scrub-root-before", r[7], 64);
	phys_at_stop("scrub-host", pages, 64);
	phys_at_stop("scrub-donated", pages + 4096, 64);
	phys_at_stop("scrub-root", r[7], 64);
	Print(L"isohyp-payload: reset-scrub: SYSTEM_RESET\n");
	payload_smc(0x84000009, 0, 0, 0, &res); /* PSCI SYSTEM_RESET */
	Print(L"isohyp-payload: reset-scrub: the reset returned %lx\n", res.a0);
}

static bool el2_crash(EFI_HANDLE image)
{
	struct smccc_res res;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(el2_crashes); i++) {
		if (!load_option(image, el2_crashes[i].option))
			continue;
		Print(L"isohyp-payload: asking for %s\n", el2_crashes[i].what);
		payload_hvc(ISOHYP_FN_TEST_HOOK, el2_crashes[i].hook, (u64)(uintptr_t)host_word, 0,
			    &res);
		Print(L"isohyp-payload: the hypervisor returned (x0 %lx x1 %lx): no crash\n",
		      res.a0, res.a1);
		return true;
	}
	return false;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	if (current_el() == 2)
		return payload_preload(image);
	if (el2_crash(image))
		return EFI_ABORTED;
	if (load_option(image, L"reset-scrub")) {
		reset_scrub();
		return EFI_ABORTED;
	}
	if (load_option(image, L"soak")) {
		u64 seconds = 300, seed = 0;

		load_option_u64(image, L"soak-seconds=", &seconds);
		load_option_u64(image, L"soak-seed=", &seed);
		uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
		payload_soak(seconds, seed);
		Print(L"isohyp-payload: done, powering off\n");
		uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
		return EFI_SUCCESS;
	}
	payload_test_hooks = load_option(image, L"test-hooks");
	/* The firmware's watchdog would reset a long run; these tests are bounded. */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);
	Print(L"isohyp-payload: start\n");
	harness_run(console_out, NULL);
	Print(L"isohyp-payload: done, powering off\n");
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
