// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "mem_protect": the host ABI's ownership calls (share, unshare,
 * donate, reclaim: hyp/mem_protect.c with the real pgtable engine and iommu
 * core) in sequences the input chooses, against the reference model of
 * tests/unit/mem_protect_test.c (tests/unit/lib/mp_model.c): after every
 * call the return value is the model's, and around the range the model,
 * PAGE_STATE, the decoded stage-2 descriptors and the fake IOMMU agree;
 * reclaimed pages read as zero; every table page goes back to the pool.
 *
 * Input: one byte (bit 0: fault RAM in through the abort path first), then
 * 4-byte calls: op and where (byte 0), an offset (bytes 1-2), a length.
 */
#include <string.h>

#include <isohyp/errno.h>

#include "fuzz.h"
#include "../unit/lib/mp_model.h"

#define MAX_CALLS 64

static u64 call_pfn(unsigned int where, unsigned int off, u64 *n)
{
	switch (where) {
	case 0: /* anywhere in the IPA space, mostly MMIO */
		return (u64)off << 12 | (off & 0xfff);
	case 1: /* straddling the end of RAM0 */
		return ((RAM0 + RAM0_SIZE) >> 12) - off % 8;
	case 2: /* straddling the carve-out's start or end */
		return ((off & 8 ? CARVE + CARVE_SIZE : CARVE) >> 12) - off % 8;
	case 3: /* degenerate: nothing, or wrapping */
		*n = off & 1 ? 0 : ~0ULL - ((RAM0 >> 12) + off % 64) + 1 + off % 4;
		return (RAM0 >> 12) + off % 64;
	case 4:
		return (RAM1 >> 12) + off % (RAM1_SIZE >> 12);
	default: /* a small window of RAM0, so states pile up */
		return (RAM0 >> 12) + off % 256;
	}
}

/* The RAM page index of @pfn, or -1. */
static long page_index(u64 pfn)
{
	if (pfn >= (RAM0 >> 12) && pfn < ((RAM0 + RAM0_SIZE) >> 12))
		return pfn - (RAM0 >> 12);
	if (pfn >= (RAM1 >> 12) && pfn < ((RAM1 + RAM1_SIZE) >> 12))
		return RAM0_PAGES + pfn - (RAM1 >> 12);
	return -1;
}

static void check_around(u64 pfn, u64 n)
{
	char why[200];
	u64 p, last = n > 64 ? pfn + 64 : pfn + n;
	long i;

	for (p = pfn - 1; p != last + 1; p++) {
		i = page_index(p);
		if (i < 0)
			continue;
		if (!page_agrees(i, why, sizeof(why))) {
			fprintf(stderr, "%s\n", why);
			FUZZ_CHECK(!"model and machine disagree");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ram_ready;
	unsigned int calls = 0;
	u64 i;

	if (size < 1)
		return 0;
	if (!ram_ready) {
		machine_setup();
		ram_ready = true;
	} else {
		machine_reset();
	}
	FUZZ_CHECK(host_stage2_init(ram_ranges, 2, IA_BITS, &mm_ops, NULL, &mp_ops) == 0);
	FUZZ_CHECK(host_stage2_protect_hyp(CARVE, CARVE_SIZE) == 0);
	FUZZ_CHECK(kvm_iommu_init() == 0);
	if (data[0] & 1) {
		FUZZ_CHECK(host_stage2_idmap(RAM0) == 0);
		FUZZ_CHECK(host_stage2_idmap(RAM0 + RAM0_SIZE - 4096) == 0);
		FUZZ_CHECK(host_stage2_idmap(RAM1 + 4096) == 0);
	}
	data++, size--;

	for (; size >= 4 && calls < MAX_CALLS; data += 4, size -= 4, calls++) {
		int op = data[0] & 3, want, got;
		u64 n = 1 + data[3] % 40;
		u64 pfn = call_pfn((data[0] >> 2) % 7, data[1] | data[2] << 8, &n);

		want = model_call(op, pfn, n, false);
		got = real_call(op, pfn, n);
		if (got != want)
			fprintf(stderr, "op %d pfn %llx n %llu: %d, the model says %d\n", op,
				(unsigned long long)pfn, (unsigned long long)n, got, want);
		FUZZ_CHECK(got == want);
		if (got)
			continue;
		model_call(op, pfn, n, true);
		for (i = 0; i < n; i++) {
			u8 *page = page_bytes((pfn + i) << 12);

			if (op == 3) /* reclaimed: zeroed */
				FUZZ_CHECK(!memcmp(page, page + 1, 4095) && page[0] == 0);
			else if (op == 2) /* donated: what the host left there */
				memset(page, 0xa5, 4096);
		}
		check_around(pfn, n);
	}
	kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	FUZZ_CHECK(pool_allocated == pool_freed);
	return 0;
}
