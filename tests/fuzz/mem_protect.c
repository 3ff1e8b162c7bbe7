// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "mem_protect": random sequences of the host's ownership calls
 * (share, unshare, donate, reclaim, page state), pins and stage-2 faults on
 * hyp/mem_protect.c with the real page-table engine and iommu core, against
 * a model written here from the ABI (ARCHITECTURE.md section 4,
 * include/uapi/isohyp.h), not from the code: after every call the return
 * value, PAGE_STATE of every page of the machine, and what a fake IOMMU
 * driver was told (DMA must reach exactly the pages the host owns or
 * shares) agree with the model; a reclaimed page reads as zero.
 *
 * The input may also make the next call run out of memory -- its page-table
 * allocations fail from the Kth on, or the IOMMU's calls from the Kth on say
 * -ENOMEM -- and may fill the hypervisor's pin table. A call that was refused
 * memory must return -ENOMEM and change nothing; a pin beyond the table's
 * capacity (learnt when it first said -ENOSPC) must return -ENOSPC.
 *
 * Input: 4 bytes per call -- operation, region and offset, page count.
 */
#include <stdlib.h>
#include <string.h>

#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

#include "../unit/lib/heap_pages.h"
#include "fuzz.h"

#define RAM0 0x40000000ULL
#define RAM0_PAGES 512
#define RAM1 0x100000000ULL
#define RAM1_PAGES 128
#define CARVE_PAGE 256 /* in RAM0: 64 pages of hypervisor memory */
#define CARVE_PAGES 64
#define NR_PAGES (RAM0_PAGES + RAM1_PAGES)
#define IA_BITS 40
#define MAX_PINS 512 /* above the hypervisor's table: -ENOSPC is observed, not assumed */

enum { OWNED, SHARED, DONATED, HYP };

static u8 state[NR_PAGES], content[NR_PAGES], dma[NR_PAGES];
static struct {
	u64 start, end; /* page indexes */
} pins[MAX_PINS];
static unsigned int nr_pins;
/* Distinct pinned ranges, and how many the hypervisor holds (0: not known yet). */
static unsigned int nr_pin_ranges, pin_capacity;

/*
 * Running out, for one call: allocations from the alloc_fail_at'th on fail,
 * IOMMU calls from the iommu_fail_at'th on return -ENOMEM (0: never).
 * refused: some were.
 */
static long alloc_fail_at, nr_allocs;
static int iommu_fail_at, nr_iommu_calls;
static bool refused;
static struct kvm_pgtable_mm_ops fuzz_mm_ops;

static void *fuzz_zalloc(void *arg)
{
	if (alloc_fail_at && ++nr_allocs >= alloc_fail_at) {
		refused = true;
		return NULL;
	}
	return heap_zalloc_page(arg);
}

static u64 page_pa(u64 i)
{
	return i < RAM0_PAGES ? RAM0 + (i << 12) : RAM1 + ((i - RAM0_PAGES) << 12);
}

/* The page index of @pa, or -1 outside RAM. */
static long page_of(u64 pa)
{
	if (pa >= RAM0 && pa < RAM0 + RAM0_PAGES * 4096ULL)
		return (pa - RAM0) >> 12;
	if (pa >= RAM1 && pa < RAM1 + RAM1_PAGES * 4096ULL)
		return RAM0_PAGES + ((pa - RAM1) >> 12);
	return -1;
}

static void zero_pages(phys_addr_t pa, u64 size)
{
	for (u64 p = pa; p < pa + size; p += 4096) {
		long i = page_of(p);

		FUZZ_CHECK(i >= 0 && state[i] == DONATED); /* only donated pages are zeroed */
		content[i] = 0;
	}
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

static int fake_init(void)
{
	return 0;
}

static int fake_idmap(phys_addr_t start, phys_addr_t end, int prot)
{
	/* Out of table memory: nothing written (the driver's contract). */
	if (iommu_fail_at && ++nr_iommu_calls >= iommu_fail_at) {
		refused = true;
		return -ENOMEM;
	}
	/* Only RAM pages are recorded: skip the rest (the snapshot spans 1 TiB). */
	for (u64 i = 0; i < NR_PAGES; i++)
		if (page_pa(i) >= start && page_pa(i) < end)
			dma[i] = prot != 0;
	return 0;
}

static void fake_info(struct kvm_iommu_info *info)
{
	*info = (struct kvm_iommu_info){ .nr_iommus = 1 };
}

static const struct kvm_iommu_ops fake_iommu = {
	.init = fake_init, .host_stage2_idmap = fake_idmap, .info = fake_info,
};

static bool pinned(u64 i)
{
	for (unsigned int k = 0; k < nr_pins; k++)
		if (i >= pins[k].start && i < pins[k].end)
			return true;
	return false;
}

static void machine_reset(void)
{
	static const struct boot_mem_range ram[] = { { RAM0, RAM0_PAGES * 4096ULL },
						     { RAM1, RAM1_PAGES * 4096ULL } };
	static bool iommu_up;

	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	FUZZ_CHECK(heap_tables == 0); /* every table page given back */
	memset(state, OWNED, sizeof(state));
	memset(content, 0xa5, sizeof(content));
	memset(dma, 1, sizeof(dma));
	fuzz_mm_ops = heap_mm_ops;
	fuzz_mm_ops.zalloc_page = fuzz_zalloc;
	FUZZ_CHECK(!host_stage2_init(ram, 2, IA_BITS, &fuzz_mm_ops, NULL, &mp_ops));
	if (!iommu_up) {
		FUZZ_CHECK(!kvm_iommu_register(&fake_iommu));
		FUZZ_CHECK(!kvm_iommu_init());
		iommu_up = true;
	}
	FUZZ_CHECK(!host_stage2_protect_hyp(page_pa(CARVE_PAGE), CARVE_PAGES * 4096ULL));
	for (u64 i = CARVE_PAGE; i < CARVE_PAGE + CARVE_PAGES; i++)
		state[i] = HYP;
}

/* The model's answer for a range call wanting @need, moving to @next. */
static int model_range(u64 pfn, u64 n, int need, int next, bool donate, bool commit)
{
	long first = page_of(pfn << 12);

	if (!n || pfn + n < pfn || pfn + n > (1ULL << (IA_BITS - 12)) || first < 0 ||
	    page_of((pfn + n - 1) << 12) != first + (long)n - 1 ||
	    (first < RAM0_PAGES) != (first + (long)n - 1 < RAM0_PAGES))
		return -EINVAL;
	for (long i = first; i < first + (long)n; i++)
		if (state[i] != need)
			return -EPERM;
	for (long i = first; donate && i < first + (long)n; i++)
		if (pinned(i))
			return -EBUSY;
	for (long i = first; commit && i < first + (long)n; i++)
		state[i] = next;
	return 0;
}

static int expected_page_state(u64 i)
{
	if (pinned(i))
		return ISOHYP_PAGE_HOST_PINNED;
	return state[i] == OWNED ? ISOHYP_PAGE_HOST_OWNED :
	       state[i] == SHARED ? ISOHYP_PAGE_SHARED_HYP : ISOHYP_PAGE_HYP_OWNED;
}

/*
 * What DMA may reach, everywhere; PAGE_STATE (a table walk each) of the
 * pages around the call's range -- all of them when @all.
 */
static void check_machine(u64 pfn, u64 n, bool all)
{
	long first = page_of(pfn << 12);

	for (u64 i = 0; i < NR_PAGES; i++) {
		FUZZ_CHECK(dma[i] == (state[i] == OWNED || state[i] == SHARED));
		if (all || (first >= 0 && i + 4 >= (u64)first && i < (u64)first + n + 4))
			FUZZ_CHECK(__pkvm_host_page_state(page_pa(i) >> 12) == expected_page_state(i));
	}
	/* Between the RAM regions: MMIO, the host's. */
	FUZZ_CHECK(__pkvm_host_page_state(0x9000) == ISOHYP_PAGE_MMIO_HOST);
}

/* The model's pin of [first, first + n): the index of one, or nr_pins. */
static unsigned int pin_find(long first, u64 n)
{
	unsigned int k;

	for (k = 0; k < nr_pins; k++)
		if (first >= 0 && pins[k].start == (u64)first && pins[k].end == (u64)first + n)
			break;
	return k;
}

/*
 * A pin wants a range inside one RAM region whose pages are all the host's,
 * and a free slot unless the same range is pinned already. The result.
 */
static int do_pin(u64 pfn, u64 n, bool unpin)
{
	long first = page_of(pfn << 12);
	int ret, want;
	unsigned int k = pin_find(first, n);

	if (!unpin) {
		if (nr_pins == MAX_PINS)
			return -ENOSPC; /* the model's own limit: not tried */
		want = model_range(pfn, n, OWNED, OWNED, false, false);
		if (want == -EPERM) {
			want = 0;
			for (long i = first; i < first + (long)n; i++)
				if (state[i] != OWNED && state[i] != SHARED)
					want = -EPERM;
		}
		if (!want && k == nr_pins && pin_capacity && nr_pin_ranges == pin_capacity)
			want = -ENOSPC;
		ret = host_stage2_pin(pfn << 12, n << 12);
		if (ret == -ENOSPC && !want && !pin_capacity && k == nr_pins) {
			pin_capacity = nr_pin_ranges; /* learnt: from now on it must hold */
			want = -ENOSPC;
		}
		FUZZ_CHECK(ret == want);
		if (!ret) {
			nr_pin_ranges += k == nr_pins;
			pins[nr_pins].start = first;
			pins[nr_pins].end = first + n;
			nr_pins++;
		}
		return ret;
	}
	ret = host_stage2_unpin(pfn << 12, n << 12);
	FUZZ_CHECK(ret == (k < nr_pins ? 0 : -ENOENT));
	if (k < nr_pins) {
		pins[k] = pins[--nr_pins];
		nr_pin_ranges -= pin_find(first, n) == nr_pins;
	}
	return ret;
}

/* Pin one page after another from @pfn until the table is full (or the model's limit). */
static void fill_pins(u64 pfn)
{
	for (u64 i = 0; i < 600 && page_of((pfn + i) << 12) >= 0; i++)
		if (do_pin(pfn + i, 1, false) == -ENOSPC)
			return;
}

/* The four range calls: the state each needs and the state it leaves. */
static const struct {
	int (*call)(u64 pfn, u64 nr_pages);
	int need, next;
} calls[4] = {
	{ __pkvm_host_share_hyp, OWNED, SHARED },
	{ __pkvm_host_unshare_hyp, SHARED, OWNED },
	{ __pkvm_host_donate_hyp, OWNED, DONATED },
	{ __pkvm_host_reclaim, DONATED, OWNED },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long arm_alloc = 0;
	int arm_iommu = 0;

	machine_reset();
	for (size_t at = 0; at + 4 <= size && at < 4 * 64; at += 4) {
		u8 op = data[at] % 10, where = data[at + 1];
		u64 off = data[at + 2] | (u64)(where & 0x3f) << 8, n = data[at + 3] % 24;
		u64 pfn = (where & 0x80 ? RAM1 : RAM0) / 4096 + off % 700 - 30; /* edges too */
		int ret, want;

		/* What the previous input asked: this call runs out of memory. */
		alloc_fail_at = arm_alloc, iommu_fail_at = arm_iommu;
		arm_alloc = arm_iommu = 0;
		nr_allocs = nr_iommu_calls = 0;
		refused = false;
		switch (op) {
		case 0 ... 3:
			want = model_range(pfn, n, calls[op].need, calls[op].next, op == 2, false);
			ret = calls[op].call(pfn, n);
			/* Refused memory: only a call that passed its checks asks for it. */
			FUZZ_CHECK(refused ? want == 0 && ret == -ENOMEM : ret == want);
			for (u64 i = page_of(pfn << 12); op == 3 && !ret && i < page_of(pfn << 12) + n; i++)
				FUZZ_CHECK(content[i] == 0); /* reclaimed pages come back zeroed */
			model_range(pfn, n, calls[op].need, calls[op].next, op == 2, !ret);
			break;
		case 4: /* the host writes a page it may write */
			if (page_of(pfn << 12) >= 0 &&
			    (state[page_of(pfn << 12)] == OWNED || state[page_of(pfn << 12)] == SHARED))
				content[page_of(pfn << 12)] = 0x5a;
			break;
		case 5: /* a stage-2 fault: mapped only what the host owns */
			ret = host_stage2_idmap(pfn << 12);
			if (refused)
				FUZZ_CHECK(ret == -ENOMEM);
			else if (page_of(pfn << 12) >= 0)
				FUZZ_CHECK(ret == ((state[page_of(pfn << 12)] == OWNED ||
						    state[page_of(pfn << 12)] == SHARED) ? 0 : -EPERM));
			break;
		case 6:
			do_pin(pfn, n, false);
			break;
		case 7:
			do_pin(pfn, n, true);
			break;
		case 8: /* the next call runs out: tables from the Kth, or the IOMMU from the Kth */
			if (where & 0x40)
				arm_iommu = 1 + n % 3;
			else
				arm_alloc = 1 + n % 4;
			break;
		default:
			fill_pins(pfn);
			break;
		}
		alloc_fail_at = iommu_fail_at = 0;
		check_machine(pfn, n, false);
	}
	check_machine(0, 0, true);
	/* The pin table outlives the machine: give back what this input took. */
	for (; nr_pins; nr_pins--)
		FUZZ_CHECK(!host_stage2_unpin(page_pa(pins[nr_pins - 1].start),
					      (pins[nr_pins - 1].end - pins[nr_pins - 1].start) << 12));
	nr_pin_ranges = pin_capacity = 0;
	return 0;
}
