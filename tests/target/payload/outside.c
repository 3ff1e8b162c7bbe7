// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checks from outside the machine. What the payload cannot read -- a page
 * it donated, the carve-out -- is read by QEMU itself: the payload prints
 * "isohyp-check: phys 0xADDR LEN TAG" and waits for a key on its console;
 * scripts/qemu-expect (run-qemu --phys-reads) reads the bytes through QEMU's
 * monitor, logs them as "qemu-expect: phys TAG 0xADDR HEX" and types a
 * newline. What the bytes must be, when the payload knows, it prints before
 * as "isohyp-check: expect TAG HEX"; the suite compares the two
 * (tests/lib/ktap.sh).
 */
#include <efi.h>
#include <efilib.h>

#include "payload.h"

#define EXPECT_MAX 256

void phys_expect(const char *tag, u64 pa, UINTN len)
{
	static const char hex[] = "0123456789abcdef";
	static CHAR8 buf[2 * EXPECT_MAX + 1];
	const volatile u8 *p = (const volatile u8 *)(uintptr_t)pa;
	UINTN i;

	if (len > EXPECT_MAX)
		len = EXPECT_MAX;
	for (i = 0; i < len; i++) {
		buf[2 * i] = hex[p[i] >> 4];
		buf[2 * i + 1] = hex[p[i] & 15];
	}
	buf[2 * len] = 0;
	Print(L"isohyp-check: expect %a %a\n", tag, buf);
}

/* Up to @ms for a key; keys typed before the request were dropped. */
static bool wait_key(UINTN ms)
{
	EFI_EVENT ev[2];
	EFI_INPUT_KEY key;
	UINTN idx = 1;

	if (EFI_ERROR(uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL, &ev[1])))
		return false;
	uefi_call_wrapper(BS->SetTimer, 3, ev[1], TimerRelative, (UINT64)ms * 10000);
	ev[0] = ST->ConIn->WaitForKey;
	uefi_call_wrapper(BS->WaitForEvent, 3, 2, ev, &idx);
	uefi_call_wrapper(BS->CloseEvent, 1, ev[1]);
	if (idx != 0)
		return false;
	uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key);
	return true;
}

bool phys_check(const char *tag, u64 pa, UINTN len)
{
	EFI_INPUT_KEY key;

	while (!EFI_ERROR(uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key)))
		;
	Print(L"isohyp-check: phys 0x%lx %d %a\n", pa, (int)len, tag);
	/* A handshake, not a delay: however slow the host, the read is done. */
	return wait_key(120 * 1000);
}

void phys_at_stop(const char *tag, u64 pa, UINTN len)
{
	Print(L"isohyp-check: phys-at-stop 0x%lx %d %a\n", pa, (int)len, tag);
}
