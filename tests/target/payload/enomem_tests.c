// SPDX-License-Identifier: GPL-2.0-only
/*
 * -ENOMEM through the real HVC path (ARCHITECTURE.md section 4): the suite
 * runs with a small carve-out (EFI/BOOT/isohyp.conf: carveout_mb=4) and more
 * RAM than its page pool can split, so donating one page in every 2 MiB of
 * free RAM runs the hypervisor out of page-table memory. The call that does
 * must change nothing. Linked last: the pool stays used up afterwards (table
 * pages are not given back yet).
 */
#include <efi.h>
#include <efilib.h>

#include <isohyp/bits.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

#define ABI_ENOMEM (-12)
#define MAX_DONATED 8192

static u64 donated[MAX_DONATED];

TEST(donation_past_the_page_pool_is_enomem)
{
	u64 lo, hi, pa, victim = 0;
	unsigned int n = 0, i;
	s64 ret = 0;

	ASSERT_EQ(0, ram_bounds(&lo, &hi));
	for (pa = (lo + SZ_2M - 1) & ~(SZ_2M - 1); pa < hi && n < MAX_DONATED; pa += SZ_2M) {
		EFI_PHYSICAL_ADDRESS at = pa;

		if (EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress,
						EfiLoaderData, 1, &at)))
			continue;
		ret = hcall(ISOHYP_FN_HOST_DONATE_HYP, pa >> 12, 1);
		if (ret) {
			victim = pa;
			break;
		}
		donated[n++] = pa;
	}
	TH_LOG("%u pages donated, one per 2 MiB, before the call that failed", n);
	ASSERT_NE(0u, victim);
	EXPECT_EQ(ABI_ENOMEM, ret);
	/*
	 * Nothing changed, not even the pool: the same call right away fails
	 * the same way. (Before the host touches the page: a stage-2 fault
	 * may map it with a block and free an empty table.)
	 */
	EXPECT_EQ(ABI_ENOMEM, hcall(ISOHYP_FN_HOST_DONATE_HYP, victim >> 12, 1));
	/* The page is the host's, and usable. */
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(victim >> 12));
	EXPECT_EQ(0u, reads_faulting(victim));
	*(volatile u64 *)victim = 0x1234;
	EXPECT_EQ(0x1234u, *(volatile u64 *)victim);
	/*
	 * Sharing needs CPU stage-2 memory only, which the failed donation may
	 * have left (it gave back the SMMU table it had split): all or nothing.
	 */
	ret = hcall(ISOHYP_FN_HOST_SHARE_HYP, victim >> 12, 1);
	TH_LOG("sharing it then: %lld", (long long)ret);
	if (ret == 0) {
		EXPECT_EQ(ISOHYP_PAGE_SHARED_HYP, page_state(victim >> 12));
		EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, victim >> 12, 1));
	} else {
		EXPECT_EQ(ABI_ENOMEM, ret);
	}
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(victim >> 12));
	EXPECT_EQ(0x1234u, *(volatile u64 *)victim);
	/* Giving pages back needs no new memory. */
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, donated[i] >> 12, 1));
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(donated[i] >> 12));
		EXPECT_TRUE(page_is_zero(donated[i]));
		uefi_call_wrapper(BS->FreePages, 2, donated[i], 1);
	}
	uefi_call_wrapper(BS->FreePages, 2, victim, 1);
}
