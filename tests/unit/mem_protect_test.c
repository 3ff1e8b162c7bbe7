// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/mem_protect.c (with the real pgtable engine and iommu core) against a
 * reference model: a plain array of page states. Every host call is checked
 * for its return value, and after every call the model must agree with
 * PAGE_STATE, with the host stage-2 descriptors decoded independently
 * (lib/s2_decode.h), and with what a fake IOMMU driver was told.
 *
 * The machine: RAM at [RAM0, RAM0 + 64 MiB) and [RAM1, RAM1 + 8 MiB), the
 * carve-out at CARVE (2 MiB) inside the first, MMIO everywhere else.
 */
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "lib/s2_decode.h"
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

#include "lib/machine_layout.h"

/* Pages of both RAM ranges, indexed 0..RAM_PAGES-1. */
#define RAM0_PAGES (RAM0_SIZE >> 12)
#define RAM_PAGES ((RAM0_SIZE + RAM1_SIZE) >> 12)

static u8 *ram_bytes; /* the contents of RAM, for zeroing checks */
static long pool_allocated, pool_freed, pool_fail_after = -1;

static u64 page_pa(u64 i)
{
	return i < RAM0_PAGES ? RAM0 + (i << 12) : RAM1 + ((i - RAM0_PAGES) << 12);
}

static u8 *page_bytes(u64 pa)
{
	return ram_bytes + (pa >= RAM1 ? RAM0_SIZE + (pa - RAM1) : pa - RAM0);
}

static void *zalloc(void *arg)
{
	void *p;

	if (pool_fail_after == 0)
		return NULL;
	if (pool_fail_after > 0)
		pool_fail_after--;
	p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	pool_allocated++;
	return p;
}

static void put(void *p)
{
	pool_freed++;
	free(p);
}

static void *p2v(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static phys_addr_t v2p(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

static int nr_tlb_flushes;

static void tlb_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	nr_tlb_flushes++;
}

static const struct kvm_pgtable_mm_ops mm_ops = {
	.zalloc_page = zalloc, .put_page = put, .phys_to_virt = p2v, .virt_to_phys = v2p,
	.tlb_flush = tlb_flush,
};

static void zero_pages(phys_addr_t pa, u64 size)
{
	memset(page_bytes(pa), 0, size);
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

/* ---- a fake IOMMU driver: what DMA may reach, per RAM page ----------------- */

static int iommu_prot[RAM_PAGES];
static int iommu_mmio_prot; /* what it was told for the UART page */
static int iommu_calls;
/*
 * Failure injection: calls on [iommu_fail_start, iommu_fail_end) that map
 * (prot != 0) fail with iommu_map_err, those that unmap with
 * iommu_unmap_err (0: they work). With iommu_fail_writes a failing call
 * wrote part of its range first (an invalidation that was not confirmed):
 * DMA's view of it is unknown (IOMMU_UNKNOWN) until a call that works
 * covers it again; -ENOMEM writes nothing.
 */
#define IOMMU_UNKNOWN (-1)
static int iommu_map_err, iommu_unmap_err;
static bool iommu_fail_writes;
static u64 iommu_fail_start, iommu_fail_end;

static int fake_iommu_init(void)
{
	return 0;
}

static int fake_iommu_idmap(phys_addr_t start, phys_addr_t end, int prot)
{
	int err = prot ? iommu_map_err : iommu_unmap_err;
	u64 i;

	iommu_calls++;
	if (start >= iommu_fail_end || end <= iommu_fail_start)
		err = 0;
	if (err && (!iommu_fail_writes || err == -ENOMEM))
		return err;
	for (i = 0; i < RAM_PAGES; i++)
		if (page_pa(i) >= start && page_pa(i) < end)
			iommu_prot[i] = err ? IOMMU_UNKNOWN : prot;
	if (0x9000000 >= start && 0x9000000 < end)
		iommu_mmio_prot = prot;
	return err;
}

static void fake_iommu_info(struct kvm_iommu_info *info)
{
	*info = (struct kvm_iommu_info){ .nr_iommus = 1 };
}

static const struct kvm_iommu_ops fake_iommu = {
	.init = fake_iommu_init, .host_stage2_idmap = fake_iommu_idmap, .info = fake_iommu_info,
};

/* ---- the reference model ---------------------------------------------------- */

enum model_state { M_OWNED, M_SHARED, M_DONATED, M_HYP };
static u8 model[RAM_PAGES];
static u8 model_pins[RAM_PAGES]; /* pins held on each page */

static const struct boot_mem_range ram_ranges[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

static void machine_setup(void)
{
	u64 i;

	free(ram_bytes);
	ram_bytes = malloc(RAM0_SIZE + RAM1_SIZE);
	memset(ram_bytes, 0xa5, RAM0_SIZE + RAM1_SIZE);
	pool_fail_after = -1;
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	pool_allocated = pool_freed = 0;
	memset(iommu_prot, 0, sizeof(iommu_prot));
	iommu_map_err = iommu_unmap_err = 0;
	iommu_fail_writes = false;
	iommu_fail_start = 0, iommu_fail_end = ~0ull;
	if (!kvm_iommu_ops)
		kvm_iommu_register(&fake_iommu);
	memset(model_pins, 0, sizeof(model_pins));
	for (i = 0; i < RAM_PAGES; i++)
		model[i] = page_pa(i) >= CARVE && page_pa(i) < CARVE + CARVE_SIZE ? M_HYP : M_OWNED;
}

FIXTURE(mp)
{
	int unused;
};

FIXTURE_VARIANT(mp)
{
	bool fault_in; /* map RAM through the fault path first (blocks), or leave it empty */
	bool pages; /* host_stage2_map_pages(): RAM and MMIO at 4 KiB, 2 MiB per fault */
};

FIXTURE_VARIANT_ADD(mp, lazy){ .fault_in = false };
FIXTURE_VARIANT_ADD(mp, faulted_in){ .fault_in = true };
FIXTURE_VARIANT_ADD(mp, pages){ .fault_in = true, .pages = true };

FIXTURE_SETUP(mp)
{
	machine_setup();
	ASSERT_EQ(0, host_stage2_init(ram_ranges, 2, IA_BITS, &mm_ops, NULL, &mp_ops));
	if (variant->pages)
		host_stage2_map_pages();
	ASSERT_EQ(0, host_stage2_protect_hyp(CARVE, CARVE_SIZE));
	ASSERT_EQ(0, kvm_iommu_init());
	if (variant->fault_in) {
		ASSERT_EQ(0, host_stage2_idmap(RAM0));
		ASSERT_EQ(0, host_stage2_idmap(RAM0 + RAM0_SIZE - 4096));
		ASSERT_EQ(0, host_stage2_idmap(RAM1 + 4096));
		ASSERT_EQ(0, host_stage2_idmap(0x9000000));
	}
}

FIXTURE_TEARDOWN(mp)
{
	kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	EXPECT_EQ(pool_allocated, pool_freed);
}

static int expected_page_state(u64 i)
{
	static const int map[] = { ISOHYP_PAGE_HOST_OWNED, ISOHYP_PAGE_SHARED_HYP,
				   ISOHYP_PAGE_HYP_OWNED, ISOHYP_PAGE_HYP_OWNED };

	if (model_pins[i])
		return ISOHYP_PAGE_HOST_PINNED; /* only host pages can be pinned */
	return map[model[i]];
}

/* The model, PAGE_STATE, the decoded descriptors and the IOMMU agree on page i. */
static bool page_agrees(u64 i, char *why, size_t len)
{
	struct xlate x = ref_walk(&host_mmu.pgt, page_pa(i));
	int dma = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	int state = __pkvm_host_page_state(page_pa(i) >> 12);
	bool desc_ok;

	switch (model[i]) {
	case M_OWNED:
		desc_ok = (!x.valid && !x.owner) || (x.valid && !x.sw0 && x.pa == page_pa(i));
		break;
	case M_SHARED:
		desc_ok = x.valid && x.sw0 && x.pa == page_pa(i) && x.s2ap == 3;
		break;
	case M_DONATED:
		desc_ok = !x.valid && x.owner == PKVM_ID_DONATED;
		break;
	default:
		desc_ok = !x.valid && x.owner == PKVM_ID_HYP;
		break;
	}
	if (model[i] >= M_DONATED)
		dma = 0;
	harness_snprintf(why, len, "page %llx: model %d, PAGE_STATE %d, desc valid %d owner %u sw0 %d, iommu %x",
			 (unsigned long long)page_pa(i), model[i], state, x.valid, x.owner, x.sw0,
			 iommu_prot[i]);
	return desc_ok && state == expected_page_state(i) && iommu_prot[i] == dma;
}

/* What the reference model says a call on [first, first + n) returns. */
static int model_call(int op, u64 pfn, u64 n, bool commit)
{
	static const u8 need[] = { M_OWNED, M_SHARED, M_OWNED, M_DONATED };
	static const u8 next[] = { M_SHARED, M_OWNED, M_DONATED, M_OWNED };
	u64 first, i, p;

	if (!n || pfn + n < pfn || pfn + n > (1ull << (IA_BITS - 12)))
		return -EINVAL;
	/* Wholly inside one RAM range? */
	if (pfn >= (RAM0 >> 12) && pfn + n <= ((RAM0 + RAM0_SIZE) >> 12))
		first = pfn - (RAM0 >> 12);
	else if (pfn >= (RAM1 >> 12) && pfn + n <= ((RAM1 + RAM1_SIZE) >> 12))
		first = RAM0_PAGES + pfn - (RAM1 >> 12);
	else
		return -EINVAL;
	for (i = first; i < first + n; i++)
		if (model[i] != need[op])
			return -EPERM;
	if (commit)
		for (p = first; p < first + n; p++)
			model[p] = next[op];
	return 0;
}

static int real_call(int op, u64 pfn, u64 n)
{
	switch (op) {
	case 0:
		return __pkvm_host_share_hyp(pfn, n);
	case 1:
		return __pkvm_host_unshare_hyp(pfn, n);
	case 2:
		return __pkvm_host_donate_hyp(pfn, n);
	default:
		return __pkvm_host_reclaim(pfn, n);
	}
}

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char *const op_names[] = { "share", "unshare", "donate", "reclaim" };

/* Long seeded random sequences of host calls agree with the page-array model. */
TEST_F(mp, random_calls_match_model)
{
	u64 seed = 0xC0FFEE ^ variant->fault_in, step, i;
	u64 rs = seed;
	char why[200];

	for (step = 0; step < 4000; step++) {
		int op = rnd(&rs) % 4, want, got;
		u64 pfn, n = 1 + rnd(&rs) % 40;

		switch (rnd(&rs) % 8) {
		case 0: /* anywhere in the IPA space, mostly MMIO */
			pfn = rnd(&rs) % (1ull << (IA_BITS - 12));
			break;
		case 1: /* straddling the end of RAM0 or the carve-out */
			pfn = (rnd(&rs) & 1 ? (RAM0 + RAM0_SIZE) >> 12 : CARVE >> 12) - rnd(&rs) % 8;
			break;
		case 2: /* degenerate */
			pfn = (RAM0 >> 12) + rnd(&rs) % 64;
			if (rnd(&rs) & 1)
				n = 0;
			else
				n = ~0ull - pfn + 1 + rnd(&rs) % 4;
			break;
		case 3:
			pfn = (RAM1 >> 12) + rnd(&rs) % (RAM1_SIZE >> 12);
			break;
		default: /* a small window of RAM0, so states pile up */
			pfn = (RAM0 >> 12) + rnd(&rs) % 256;
			break;
		}
		want = model_call(op, pfn, n, false);
		got = real_call(op, pfn, n);
		if (got != want) {
			TH_LOG("seed %llx step %llu: %s(%llx, %llu) = %d, model says %d",
			       (unsigned long long)seed, (unsigned long long)step, op_names[op],
			       (unsigned long long)pfn, (unsigned long long)n, got, want);
			ASSERT_EQ(want, got);
		}
		if (!got)
			model_call(op, pfn, n, true);
		/* Reclaimed pages read as zero. */
		if (!got && op == 3)
			for (i = 0; i < n; i++)
				ASSERT_EQ(0, page_bytes((pfn + i) << 12)[rnd(&rs) % 4096]);
		for (i = 0; i < 300; i++) {
			u64 p = i < 260 ? i : rnd(&rs) % RAM_PAGES;

			if (!page_agrees(p, why, sizeof(why))) {
				TH_LOG("seed %llx step %llu after %s: %s", (unsigned long long)seed,
				       (unsigned long long)step, op_names[op], why);
				ASSERT_TRUE(false);
			}
		}
	}
	for (i = 0; i < RAM_PAGES; i++) {
		if (!page_agrees(i, why, sizeof(why))) {
			TH_LOG("seed %llx final: %s", (unsigned long long)seed, why);
			ASSERT_TRUE(false);
		}
	}
}

/* Set every page of the model and the machine to "owned by the host" and check one call. */
#define EXPECT_CALL(op, pfn, n, want)                                                     \
	do {                                                                              \
		u64 __pfn = (pfn), __n = (n);                                             \
		EXPECT_EQ((want), model_call(op, __pfn, __n, false));                     \
		EXPECT_EQ((want), real_call(op, __pfn, __n));                             \
	} while (0)

static void expect_unchanged(struct __test_metadata *_metadata)
{
	char why[200];
	u64 i;

	for (i = 0; i < RAM_PAGES; i++)
		if (!page_agrees(i, why, sizeof(why))) {
			TH_LOG("%s", why);
			ASSERT_TRUE(false);
		}
}

/* nr_pages == 0 is -EINVAL for every range call. */
TEST_F(mp, zero_pages_einval)
{
	int op;

	for (op = 0; op < 4; op++)
		EXPECT_CALL(op, RAM0 >> 12, 0, -EINVAL);
	expect_unchanged(_metadata);
}

/* A range that wraps around is -EINVAL. */
TEST_F(mp, wrapping_range_einval)
{
	EXPECT_CALL(2, RAM0 >> 12, ~0ull, -EINVAL);
	EXPECT_CALL(0, ~0ull - 1, 4, -EINVAL);
	expect_unchanged(_metadata);
}

/* A range past the physical address space is -EINVAL, as is PAGE_STATE there. */
TEST_F(mp, past_pa_space_einval)
{
	EXPECT_CALL(2, (1ull << (IA_BITS - 12)) - 1, 2, -EINVAL);
	EXPECT_CALL(0, 1ull << (IA_BITS - 12), 1, -EINVAL);
	EXPECT_EQ(-EINVAL, __pkvm_host_page_state(1ull << (IA_BITS - 12)));
	EXPECT_EQ(-EINVAL, __pkvm_host_page_state(~0ull));
	expect_unchanged(_metadata);
}

/* A range not wholly RAM (MMIO, or straddling RAM's end) is -EINVAL. */
TEST_F(mp, not_ram_einval)
{
	EXPECT_CALL(2, 0x9000, 1, -EINVAL);
	EXPECT_CALL(0, ((RAM0 + RAM0_SIZE) >> 12) - 1, 2, -EINVAL);
	EXPECT_CALL(2, (RAM1 >> 12) - 1, 2, -EINVAL);
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, __pkvm_host_page_state(0x9000));
	expect_unchanged(_metadata);
}

/* Donating a shared page is -EPERM. */
TEST_F(mp, donate_shared_eperm)
{
	u64 pfn = RAM0 >> 12;

	EXPECT_CALL(0, pfn + 1, 1, 0);
	model_call(0, pfn + 1, 1, true);
	EXPECT_CALL(2, pfn, 3, -EPERM);
	expect_unchanged(_metadata);
}

/* Donating a hypervisor-owned page (donated before) is -EPERM. */
TEST_F(mp, donate_donated_eperm)
{
	u64 pfn = (RAM0 >> 12) + 10;

	EXPECT_CALL(2, pfn, 1, 0);
	model_call(2, pfn, 1, true);
	EXPECT_CALL(2, pfn - 1, 2, -EPERM);
	expect_unchanged(_metadata);
}

/* Sharing a page that is not host-owned is -EPERM. */
TEST_F(mp, share_not_owned_eperm)
{
	u64 pfn = (RAM0 >> 12) + 20;

	EXPECT_CALL(2, pfn, 1, 0);
	model_call(2, pfn, 1, true);
	EXPECT_CALL(0, pfn, 1, -EPERM);
	EXPECT_CALL(0, pfn + 1, 1, 0);
	model_call(0, pfn + 1, 1, true);
	EXPECT_CALL(0, pfn + 1, 1, -EPERM); /* already shared */
	expect_unchanged(_metadata);
}

/* Reclaiming a page the host never donated is -EPERM. */
TEST_F(mp, reclaim_never_donated_eperm)
{
	EXPECT_CALL(3, (RAM0 >> 12) + 30, 1, -EPERM);
	EXPECT_CALL(0, (RAM0 >> 12) + 31, 1, 0);
	model_call(0, (RAM0 >> 12) + 31, 1, true);
	EXPECT_CALL(3, (RAM0 >> 12) + 31, 1, -EPERM);
	expect_unchanged(_metadata);
}

/* Unsharing a page that is not shared is -EPERM. */
TEST_F(mp, unshare_not_shared_eperm)
{
	EXPECT_CALL(1, (RAM0 >> 12) + 40, 1, -EPERM);
	expect_unchanged(_metadata);
}

/* The carve-out can never be donated, shared, unshared or reclaimed. */
TEST_F(mp, carveout_eperm)
{
	int op;

	for (op = 0; op < 4; op++) {
		EXPECT_CALL(op, CARVE >> 12, 1, -EPERM);
		EXPECT_CALL(op, (CARVE >> 12) - 1, 2, -EPERM);
	}
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(CARVE >> 12));
	EXPECT_EQ(-EPERM, host_stage2_idmap(CARVE + 4096));
	expect_unchanged(_metadata);
}

/* No page-table memory: -ENOMEM, and nothing changed, CPU or IOMMU side. */
TEST_F(mp, enomem_changes_nothing)
{
	u64 pfn = (RAM0 >> 12) + 0x1234;

	pool_fail_after = 0;
	EXPECT_EQ(-ENOMEM, __pkvm_host_donate_hyp(pfn, 1));
	EXPECT_EQ(-ENOMEM, __pkvm_host_share_hyp(pfn, 3));
	pool_fail_after = -1;
	expect_unchanged(_metadata);
	EXPECT_CALL(2, pfn, 1, 0);
}

/*
 * Out of memory at each allocation in turn (the 1st, 2nd, ... and every one
 * after it fail), over ranges that straddle 2 MiB blocks at unaligned pages:
 * -ENOMEM with every page as it was, until the call that has enough works.
 */
TEST_F(mp, enomem_at_every_allocation_changes_nothing)
{
	static const struct {
		int op;
		u64 pfn, n;
	} steps[] = {
		{ 2, (RAM0 >> 12) + 0x1fd, 0x208 }, /* donate: a block and ragged ends */
		{ 3, (RAM0 >> 12) + 0x3fe, 3 }, /* reclaim from its middle */
		{ 0, (RAM0 >> 12) + 0x5fe, 5 }, /* share across the next boundary */
		{ 1, (RAM0 >> 12) + 0x5ff, 2 }, /* unshare part of it */
		{ 3, (RAM0 >> 12) + 0x1fd, 0x201 }, /* reclaim what is left of the first */
	};
	unsigned int k, fails = 0;
	long n;

	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		int ret = -ENOMEM;

		for (n = 0; ret == -ENOMEM && n < 32; n++) {
			ASSERT_EQ(0, model_call(steps[k].op, steps[k].pfn, steps[k].n, false));
			pool_fail_after = n;
			ret = real_call(steps[k].op, steps[k].pfn, steps[k].n);
			pool_fail_after = -1;
			if (ret == -ENOMEM) {
				fails++;
				expect_unchanged(_metadata);
			}
		}
		ASSERT_EQ(0, ret);
		model_call(steps[k].op, steps[k].pfn, steps[k].n, true);
		expect_unchanged(_metadata);
	}
	TH_LOG("%u calls ran out of memory and changed nothing", fails);
	EXPECT_GT(fails, 0u);
}

/*
 * Donation, DMA step failing: the host keeps the range. Out of memory
 * changed nothing; an unconfirmed unmap left it unmapped for DMA only (never
 * wider than the CPUs), until the iommu core re-applies it from the host
 * stage-2 once the IOMMU works again.
 */
TEST_F(mp, donate_whose_dma_unmap_fails_stays_the_hosts)
{
	u64 pfn = (RAM0 >> 12) + 0x2345, i;

	iommu_unmap_err = -ENOMEM;
	EXPECT_EQ(-ENOMEM, __pkvm_host_donate_hyp(pfn, 3));
	expect_unchanged(_metadata);
	iommu_unmap_err = -ETIMEDOUT;
	iommu_fail_writes = true;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(pfn, 3));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pfn + i));
	EXPECT_TRUE(kvm_iommu_idmap_stale());
	iommu_unmap_err = 0;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	expect_unchanged(_metadata);
	EXPECT_CALL(2, pfn, 3, 0);
	model_call(2, pfn, 3, true);
	expect_unchanged(_metadata);
}

/*
 * Donation, CPU step failing (no table memory) after DMA lost the range:
 * DMA gets every page of it back, with the host's prot.
 */
TEST_F(mp, donate_whose_cpu_step_fails_gives_dma_back)
{
	u64 pfn = (RAM0 >> 12) + 0x3401;

	pool_fail_after = 0;
	EXPECT_EQ(-ENOMEM, __pkvm_host_donate_hyp(pfn, 5));
	pool_fail_after = -1;
	expect_unchanged(_metadata);
}

/*
 * Reclaim, DMA step failing after the CPU step: the range goes back to the
 * hypervisor on the CPU side (donated, as it was) and stays unmapped for
 * DMA, however the map failed; a later reclaim, with the IOMMU working
 * again, succeeds.
 */
TEST_F(mp, reclaim_whose_dma_map_fails_stays_donated)
{
	static const int errs[] = { -ENOMEM, -ETIMEDOUT, -EIO };
	u64 pfn = (RAM0 >> 12) + 0x1801;
	unsigned int k;

	EXPECT_CALL(2, pfn, 6, 0);
	model_call(2, pfn, 6, true);
	for (k = 0; k < 3; k++) {
		TH_LOG("map fails with %d", errs[k]);
		iommu_map_err = errs[k];
		iommu_fail_writes = errs[k] != -ENOMEM;
		EXPECT_EQ(errs[k], __pkvm_host_reclaim(pfn, 6));
		expect_unchanged(_metadata);
		iommu_map_err = 0;
		kvm_iommu_poll();
		EXPECT_FALSE(kvm_iommu_idmap_stale());
		expect_unchanged(_metadata);
	}
	EXPECT_CALL(3, pfn, 6, 0);
	model_call(3, pfn, 6, true);
	expect_unchanged(_metadata);
}

/*
 * Two failed changes, the later one below the earlier: the iommu core
 * re-applies both ranges once the IOMMU works again, not just the last.
 */
TEST_F(mp, every_stale_range_is_reapplied)
{
	u64 a = (RAM0 >> 12) + 0x2801, b = (RAM0 >> 12) + 0x1402;

	iommu_map_err = iommu_unmap_err = -ETIMEDOUT;
	iommu_fail_writes = true;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(a, 4));
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(b, 2));
	iommu_map_err = iommu_unmap_err = 0;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	expect_unchanged(_metadata);
}

/*
 * A stale range that cannot be re-applied for want of memory does not block
 * a change (a reclaim may be what frees memory): the change is made and the
 * range stays recorded until it can be.
 */
TEST_F(mp, stale_range_without_memory_does_not_block_a_change)
{
	u64 a = (RAM0 >> 12) + 0x2801, b = (RAM0 >> 12) + 0x1402;

	EXPECT_CALL(2, b, 3, 0);
	model_call(2, b, 3, true);
	iommu_unmap_err = -ETIMEDOUT;
	iommu_fail_writes = true;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(a, 4));
	iommu_unmap_err = 0;
	iommu_map_err = -ENOMEM;
	iommu_fail_start = a << 12, iommu_fail_end = (a + 4) << 12;
	EXPECT_CALL(3, b, 3, 0);
	model_call(3, b, 3, true);
	EXPECT_TRUE(kvm_iommu_idmap_stale());
	iommu_map_err = 0;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	expect_unchanged(_metadata);
}

/* Reclaim zeroes the pages before the host may see them again. */
TEST_F(mp, reclaim_zeroes)
{
	u64 pa = RAM0 + 0x50000;

	memset(page_bytes(pa), 0x77, 8192);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(pa >> 12, 2));
	EXPECT_EQ(0x77, page_bytes(pa)[100]);
	ASSERT_EQ(0, __pkvm_host_reclaim(pa >> 12, 2));
	EXPECT_EQ(0, page_bytes(pa)[100]);
	EXPECT_EQ(0, page_bytes(pa)[8191]);
	EXPECT_EQ(0xa5, page_bytes(pa + 8192)[0]);
}

/* A donation that unmaps a valid mapping invalidates the TLB before returning. */
TEST_F(mp, donate_flushes_tlb_of_valid_mapping)
{
	u64 pa = RAM0 + 0x80000;

	ASSERT_EQ(0, host_stage2_idmap(pa));
	nr_tlb_flushes = 0;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(pa >> 12, 1));
	EXPECT_GE(nr_tlb_flushes, 1);
	EXPECT_FALSE(ref_walk(&host_mmu.pgt, pa).valid);
	EXPECT_TRUE(ref_walk(&host_mmu.pgt, pa + 4096).valid);
}

/* The fault path never maps a page the host does not own; it maps big blocks otherwise. */
TEST_F(mp, fault_path_respects_ownership)
{
	u64 pa = RAM0 + (16ull << 20);

	ASSERT_EQ(0, __pkvm_host_donate_hyp(pa >> 12, 1));
	EXPECT_EQ(-EPERM, host_stage2_idmap(pa));
	EXPECT_FALSE(ref_walk(&host_mmu.pgt, pa).valid);
	EXPECT_EQ(0, host_stage2_idmap(pa + 4096));
	EXPECT_TRUE(ref_walk(&host_mmu.pgt, pa + 4096).valid);
	EXPECT_EQ(0, host_stage2_idmap(RAM0 + (40ull << 20)));
	EXPECT_EQ(variant->pages ? 3 : 2, ref_walk(&host_mmu.pgt, RAM0 + (40ull << 20)).level);
	EXPECT_EQ(-EPERM, host_stage2_idmap(1ull << IA_BITS));
}

/*
 * The fault path's block stays inside one memory type (the file's rule) when
 * one empty entry spans both (RAM1 and the MMIO after it share a gigabyte):
 * a first fault on MMIO maps no RAM, a first fault on RAM no MMIO.
 */
TEST_F(mp, fault_path_stops_at_ram_boundaries)
{
	if (!variant->fault_in) {
		ASSERT_EQ(0, host_stage2_idmap(RAM1 + RAM1_SIZE + 4096));
		EXPECT_FALSE(ref_walk(&host_mmu.pgt, RAM1 + RAM1_SIZE - 4096).valid);
		EXPECT_TRUE(ref_walk(&host_mmu.pgt, RAM1 + RAM1_SIZE).valid);
	} else {
		/* The fixture faulted RAM1 + 4 KiB in first (its 2 MiB with pages). */
		EXPECT_NE(variant->pages, ref_walk(&host_mmu.pgt, RAM1 + RAM1_SIZE - 4096).valid);
		EXPECT_FALSE(ref_walk(&host_mmu.pgt, RAM1 + RAM1_SIZE).valid);
	}
}

/*
 * host_stage2_map_pages(): a fault maps the 2 MiB around it in 4 KiB pages,
 * RAM and MMIO alike, and nothing beyond; pages given away and back, shared
 * and unshared, never merge into a block again, however many changes later.
 */
TEST_F(mp, pages_fault_in_two_mib_and_never_merge)
{
	u64 pa = RAM0 + (8ull << 20) + 0x5000, mmio = 0x9100000, i;

	if (!variant->pages)
		SKIP(return, "block mapping: fault_path_* cover it");
	ASSERT_EQ(0, host_stage2_idmap(pa));
	EXPECT_EQ(3, ref_walk(&host_mmu.pgt, pa).level);
	EXPECT_TRUE(ref_walk(&host_mmu.pgt, RAM0 + (8ull << 20)).valid);
	EXPECT_TRUE(ref_walk(&host_mmu.pgt, RAM0 + (10ull << 20) - 4096).valid);
	EXPECT_FALSE(ref_walk(&host_mmu.pgt, RAM0 + (10ull << 20)).valid);
	EXPECT_FALSE(ref_walk(&host_mmu.pgt, RAM0 + (8ull << 20) - 4096).valid);
	ASSERT_EQ(0, host_stage2_idmap(mmio));
	EXPECT_EQ(3, ref_walk(&host_mmu.pgt, mmio).level);
	EXPECT_FALSE(ref_walk(&host_mmu.pgt, mmio + SZ_2M).valid);
	for (i = 0; i < 2 * KVM_PGTABLE_IDLE_AGE; i++) {
		ASSERT_EQ(0, __pkvm_host_donate_hyp(pa >> 12, 1));
		ASSERT_EQ(0, __pkvm_host_reclaim(pa >> 12, 1));
		ASSERT_EQ(0, host_stage2_idmap(pa));
		ASSERT_EQ(0, __pkvm_host_share_hyp((pa >> 12) + 1, 1));
		ASSERT_EQ(0, __pkvm_host_unshare_hyp((pa >> 12) + 1, 1));
	}
	for (i = 0; i < 512; i++)
		ASSERT_EQ(3, ref_walk(&host_mmu.pgt, RAM0 + (8ull << 20) + i * 4096).level);
	/* A whole 2 MiB donated and reclaimed comes back as pages too. */
	ASSERT_EQ(0, __pkvm_host_donate_hyp((RAM0 + (8ull << 20)) >> 12, 512));
	ASSERT_EQ(0, __pkvm_host_reclaim((RAM0 + (8ull << 20)) >> 12, 512));
	ASSERT_EQ(0, host_stage2_idmap(pa));
	EXPECT_EQ(3, ref_walk(&host_mmu.pgt, pa).level);
}

/* host_stage2_pages_cost(): an upper bound of what mapping all RAM in pages takes, and close. */
TEST_F(mp, pages_cost_bounds_mapping_all_ram)
{
	long before = pool_allocated;
	u64 pa;

	if (!variant->pages)
		SKIP(return, "the cost of pages is measured with pages");
	for (pa = RAM0; pa < RAM0 + RAM0_SIZE; pa += SZ_2M)
		if (pa < CARVE || pa >= CARVE + CARVE_SIZE)
			ASSERT_EQ(0, host_stage2_idmap(pa));
	for (pa = RAM1; pa < RAM1 + RAM1_SIZE; pa += SZ_2M)
		ASSERT_EQ(0, host_stage2_idmap(pa));
	/* The fixture's faults and the carve-out took some before; count from an empty table. */
	EXPECT_LE((u64)(pool_allocated - before), host_stage2_pages_cost());
	EXPECT_LE(host_stage2_pages_cost(), (u64)pool_allocated + 2);
}

/* Blocks or pages (isohyp.conf host_stage2=): pages only where they fit twice over. */
TEST_F(mp, pick_pages)
{
	u64 cost = host_stage2_pages_cost();

	ASSERT_LT(0ull, cost);
	EXPECT_EQ(0, host_stage2_pick_pages(BOOT_HOST_S2_BLOCKS, true, ~0ull));
	EXPECT_EQ(1, host_stage2_pick_pages(BOOT_HOST_S2_PAGES, false, 2 * cost));
	EXPECT_EQ(-ENOMEM, host_stage2_pick_pages(BOOT_HOST_S2_PAGES, true, 2 * cost - 1));
	EXPECT_EQ(1, host_stage2_pick_pages(BOOT_HOST_S2_AUTO, true, 2 * cost));
	EXPECT_EQ(0, host_stage2_pick_pages(BOOT_HOST_S2_AUTO, true, 2 * cost - 1));
	EXPECT_EQ(0, host_stage2_pick_pages(BOOT_HOST_S2_AUTO, false, ~0ull));
}

/* After the snapshot, donations and reclaims reach the IOMMU (the !!ret slip). */
TEST_F(mp, ownership_changes_reach_iommu)
{
	u64 pa = RAM0 + 0x90000, i = (pa - RAM0) >> 12;
	int calls = iommu_calls;

	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, iommu_prot[i]);
	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO, iommu_mmio_prot);
	EXPECT_EQ(0, iommu_prot[(CARVE - RAM0) >> 12]);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(pa >> 12, 1));
	EXPECT_EQ(0, iommu_prot[i]);
	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, iommu_prot[i + 1]);
	ASSERT_EQ(0, __pkvm_host_reclaim(pa >> 12, 1));
	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, iommu_prot[i]);
	/* Sharing keeps the page the host's: DMA-able, nothing to tell the IOMMU. */
	calls = iommu_calls;
	ASSERT_EQ(0, __pkvm_host_share_hyp(pa >> 12, 1));
	EXPECT_EQ(calls, iommu_calls);
	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, iommu_prot[i]);
}

/* ---- pins: host pages a mediated device may write ------------------------ */

/* Pin or unpin [pa, pa + size) in the hypervisor and the model; the result. */
static int model_pin(u64 pa, u64 size, int delta)
{
	u64 p, i;
	int ret = delta > 0 ? host_stage2_pin(pa, size) : host_stage2_unpin(pa, size);

	for (p = pa & ~0xfffULL; !ret && p < pa + size; p += 0x1000) {
		i = p >= RAM1 ? RAM0_PAGES + ((p - RAM1) >> 12) : (p - RAM0) >> 12;
		model_pins[i] += delta;
	}
	return ret;
}

/* Every page of [pa, pa + n pages) agrees with the model. */
static void expect_pages(struct __test_metadata *_metadata, u64 pa, u64 n)
{
	char why[200];
	u64 i = pa >= RAM1 ? RAM0_PAGES + ((pa - RAM1) >> 12) : (pa - RAM0) >> 12;

	for (; n--; i++)
		if (!page_agrees(i, why, sizeof(why))) {
			TH_LOG("%s", why);
			ASSERT_TRUE(false);
		}
}

/* A pinned page stays the host's: PAGE_STATE 5, donation -EBUSY, nothing changes. */
TEST_F(mp, pinned_pages_cannot_be_donated)
{
	u64 pa = RAM0 + 0x123000, pfn = pa >> 12;

	ASSERT_EQ(0, model_pin(pa + 0x100, 0x2000, 1)); /* covers pfn .. pfn + 2 */
	expect_pages(_metadata, pa - 0x4000, 8);
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(pfn));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(pfn + 2));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pfn + 3));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pfn - 1));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(pfn + 2, 1));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(pfn - 4, 5)); /* overlaps the first page */
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pfn - 4));
	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, iommu_prot[(pa - RAM0) >> 12]);
	expect_pages(_metadata, pa - 0x4000, 8);
	expect_unchanged(_metadata);
	/* Pinned pages may still be shared and unshared: they stay the host's. */
	EXPECT_EQ(0, __pkvm_host_share_hyp(pfn, 1));
	EXPECT_EQ(0, __pkvm_host_unshare_hyp(pfn, 1));
	EXPECT_EQ(0, __pkvm_host_donate_hyp(pfn + 3, 1));
	model_call(2, pfn + 3, 1, true);
	EXPECT_EQ(0, model_pin(pa + 0x100, 0x2000, -1));
	expect_pages(_metadata, pa - 0x4000, 8);
	EXPECT_EQ(0, __pkvm_host_donate_hyp(pfn, 3));
	model_call(2, pfn, 3, true);
	expect_pages(_metadata, pa - 0x4000, 8);
	expect_unchanged(_metadata);
}

/* Pins count: the page is free again only when every user let go. */
TEST_F(mp, pins_are_counted)
{
	u64 pa = RAM1 + 0x40000, pfn = pa >> 12;

	ASSERT_EQ(0, model_pin(pa, 0x1000, 1));
	ASSERT_EQ(0, model_pin(pa, 0x1000, 1));
	ASSERT_EQ(0, model_pin(pa, 0x800, 1)); /* the same page range */
	EXPECT_EQ(0, model_pin(pa, 0x1000, -1));
	EXPECT_EQ(0, model_pin(pa, 0x1000, -1));
	expect_pages(_metadata, pa - 0x1000, 3);
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(pfn, 1));
	EXPECT_EQ(0, model_pin(pa, 0x1000, -1));
	EXPECT_EQ(-ENOENT, host_stage2_unpin(pa, 0x1000));
	EXPECT_EQ(-ENOENT, host_stage2_unpin(pa + 0x1000, 0x1000));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pfn));
	EXPECT_EQ(0, __pkvm_host_donate_hyp(pfn, 1));
	model_call(2, pfn, 1, true);
	expect_unchanged(_metadata);
}

/* Only RAM the host owns or shares can be pinned; a refusal pins nothing. */
TEST_F(mp, only_host_ram_can_be_pinned)
{
	u64 pfn = (RAM0 >> 12) + 40;

	ASSERT_EQ(0, __pkvm_host_donate_hyp(pfn, 1));
	model_call(2, pfn, 1, true);
	EXPECT_EQ(-EPERM, host_stage2_pin(pfn << 12, 0x1000));
	EXPECT_EQ(-EPERM, host_stage2_pin((pfn - 1) << 12, 0x2000)); /* half donated */
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pfn - 1));
	EXPECT_EQ(-EPERM, host_stage2_pin(CARVE, 0x1000));
	EXPECT_EQ(-EPERM, host_stage2_pin(CARVE - 0x1000, 0x2000));
	EXPECT_EQ(-EINVAL, host_stage2_pin(0x9000000, 0x1000)); /* MMIO */
	EXPECT_EQ(-EINVAL, host_stage2_pin(RAM0 + RAM0_SIZE - 0x1000, 0x2000)); /* leaves RAM */
	EXPECT_EQ(-EINVAL, host_stage2_pin(RAM0, 0));
	EXPECT_EQ(-EINVAL, host_stage2_pin(~0xfffULL, 0x2000)); /* wraps */
	ASSERT_EQ(0, __pkvm_host_share_hyp(pfn + 1, 1));
	model_call(0, pfn + 1, 1, true);
	EXPECT_EQ(0, model_pin((pfn + 1) << 12, 0x1000, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(pfn + 1));
	expect_pages(_metadata, (pfn - 2) << 12, 5);
	EXPECT_EQ(0, model_pin((pfn + 1) << 12, 0x1000, -1));
	expect_pages(_metadata, (pfn - 2) << 12, 5);
	expect_unchanged(_metadata);
}

/* Going down: every donated page is zeroed, nothing else is touched. */
TEST_F(mp, scrub_zeroes_donated_pages_only)
{
	u64 a = RAM0 + 0x200000, b = RAM1 + 0x7000, shared = RAM0 + 0x400000;
	u64 bytes;

	ASSERT_EQ(0, __pkvm_host_donate_hyp(a >> 12, 3));
	ASSERT_EQ(0, __pkvm_host_donate_hyp(b >> 12, 1));
	ASSERT_EQ(0, __pkvm_host_share_hyp(shared >> 12, 1));
	memset(page_bytes(a), 0x5a, 3 * 4096);
	memset(page_bytes(b), 0x5a, 4096);
	hyp_spin_lock(&host_mmu.lock);
	bytes = host_stage2_scrub_donated_locked();
	hyp_spin_unlock(&host_mmu.lock);
	EXPECT_EQ(4u * 4096, bytes);
	for (u64 i = 0; i < 3 * 4096; i++)
		ASSERT_EQ(0, page_bytes(a)[i]);
	for (u64 i = 0; i < 4096; i++)
		ASSERT_EQ(0, page_bytes(b)[i]);
	/* Host pages, shared ones and the neighbours keep their bytes. */
	EXPECT_EQ(0xa5, page_bytes(a - 1)[0]);
	EXPECT_EQ(0xa5, page_bytes(a + 3 * 4096)[0]);
	EXPECT_EQ(0xa5, page_bytes(shared)[100]);
	EXPECT_EQ(0xa5, page_bytes(b + 4096)[0]);
}

/* Unknown prot bits warn and never widen access. */
TEST(prot_translation)
{
	unsigned long warnings = kvm_iommu_prot_warnings;

	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, pkvm_to_iommu_prot(PKVM_HOST_MEM_PROT, true));
	EXPECT_EQ(IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO, pkvm_to_iommu_prot(PKVM_HOST_MMIO_PROT, false));
	EXPECT_EQ(IOMMU_READ | IOMMU_CACHE, pkvm_to_iommu_prot(KVM_PGTABLE_PROT_R, true));
	EXPECT_EQ(0, pkvm_to_iommu_prot(0, true));
	EXPECT_EQ(warnings, kvm_iommu_prot_warnings);
	EXPECT_EQ(IOMMU_READ | IOMMU_CACHE, pkvm_to_iommu_prot(KVM_PGTABLE_PROT_R | BIT(9), true));
	EXPECT_EQ(warnings + 1, kvm_iommu_prot_warnings);
	EXPECT_EQ(0, pkvm_to_iommu_prot(BIT(9), true));
}

/* ---- HOST_BATCH: a list of ranges in a host page ------------------------------ */

/*
 * The list lives in host RAM at LIST_PA, which this process maps at that
 * very address (tests/unit/lib/host_mem.c reads host RAM there).
 */
#define LIST_PA (RAM0 + (48ull << 20))
#define LIST_PAGE ((LIST_PA - RAM0) >> 12)

static struct isohyp_batch_range *batch_list_page(void)
{
	static void *page;

	if (!page) {
		page = mmap((void *)(uintptr_t)LIST_PA, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (page != (void *)(uintptr_t)LIST_PA)
			abort(); /* the address is taken in this process: no test can run */
	}
	return page;
}

/* Pages of a range as model indices; false if not wholly in one RAM range. */
static bool model_span(u64 pfn, u64 n, u64 *first)
{
	if (!n || pfn + n < pfn)
		return false;
	if (pfn >= (RAM0 >> 12) && pfn + n <= ((RAM0 + RAM0_SIZE) >> 12))
		*first = pfn - (RAM0 >> 12);
	else if (pfn >= (RAM1 >> 12) && pfn + n <= ((RAM1 + RAM1_SIZE) >> 12))
		*first = RAM0_PAGES + pfn - (RAM1 >> 12);
	else
		return false;
	return true;
}

/*
 * What the reference model says HOST_BATCH @op (1..4) returns for the list
 * @l of @n ranges at @list_pa; with @commit, apply it to the model. Checked
 * in the ABI's order: call and list, ranges, overlaps, states, pins.
 */
static int model_batch(u64 op, const struct isohyp_batch_range *l, u64 n, u64 list_pa,
		       bool commit)
{
	static const u8 need[] = { 0, M_OWNED, M_SHARED, M_OWNED, M_DONATED };
	static const u8 next[] = { 0, M_SHARED, M_OWNED, M_DONATED, M_OWNED };
	u64 i, j, p, first, list_first;

	if (op < 1 || op > 4 || !n || n > ISOHYP_BATCH_MAX || list_pa % 16 ||
	    (list_pa & 4095) + n * 16 > 4096)
		return -EINVAL;
	if (!model_span(list_pa >> 12, 1, &list_first))
		return -EINVAL;
	if (model[list_first] != M_OWNED && model[list_first] != M_SHARED)
		return -EPERM;
	for (i = 0; i < n; i++)
		if (!model_span(l[i].pfn, l[i].nr_pages, &first))
			return -EINVAL;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (l[i].pfn < l[j].pfn + l[j].nr_pages && l[j].pfn < l[i].pfn + l[i].nr_pages)
				return -EINVAL;
	for (i = 0; i < n; i++) {
		model_span(l[i].pfn, l[i].nr_pages, &first);
		for (p = first; p < first + l[i].nr_pages; p++)
			if (model[p] != need[op])
				return -EPERM;
	}
	for (i = 0; op == 3 && i < n; i++) {
		model_span(l[i].pfn, l[i].nr_pages, &first);
		for (p = first; p < first + l[i].nr_pages; p++)
			if (model_pins[p] || p == list_first)
				return -EBUSY;
	}
	for (i = 0; commit && i < n; i++) {
		model_span(l[i].pfn, l[i].nr_pages, &first);
		for (p = first; p < first + l[i].nr_pages; p++)
			model[p] = next[op];
	}
	return 0;
}

static const char *const batch_names[] = { "?", "share", "unshare", "donate", "reclaim" };

/*
 * Seeded random batches -- sorted or not, overlapping now and then, some
 * range malformed, the list's own page among them -- agree with the model,
 * and every page with the model after each.
 */
TEST_F(mp, random_batches_match_model)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 rs = 0xBA7C4 ^ variant->fault_in, step, i;
	char why[200];

	for (step = 0; step < 1500; step++) {
		u64 op = 1 + rnd(&rs) % 4, n = 1 + rnd(&rs) % 6;
		int want, got;

		if (!(rnd(&rs) % 16))
			n = 1 + rnd(&rs) % ISOHYP_BATCH_MAX;
		for (i = 0; i < n; i++) {
			l[i].pfn = (RAM0 >> 12) + rnd(&rs) % 192;
			l[i].nr_pages = 1 + rnd(&rs) % 3;
			switch (rnd(&rs) % 32) {
			case 0:
				l[i].nr_pages = 0;
				break;
			case 1:
				l[i].pfn = (RAM1 >> 12) - 1; /* MMIO, then RAM */
				break;
			case 2:
				l[i].pfn = LIST_PA >> 12;
				break;
			case 3:
				l[i].pfn = (RAM1 >> 12) + rnd(&rs) % 64;
				break;
			}
		}
		want = model_batch(op, l, n, LIST_PA, false);
		got = __pkvm_host_batch(op, LIST_PA, n);
		if (got != want) {
			TH_LOG("step %llu: %s of %llu ranges = %d, model says %d",
			       (unsigned long long)step, batch_names[op], (unsigned long long)n, got,
			       want);
			ASSERT_EQ(want, got);
		}
		if (!got)
			model_batch(op, l, n, LIST_PA, true);
		for (i = 0; i < 200; i++) {
			u64 p = i < 192 ? i : rnd(&rs) % RAM_PAGES;

			if (!page_agrees(p, why, sizeof(why))) {
				TH_LOG("step %llu after a %s batch: %s", (unsigned long long)step,
				       batch_names[op], why);
				ASSERT_TRUE(false);
			}
		}
	}
	expect_unchanged(_metadata);
}

/* Write a list of @n ranges of one page each, @stride pages apart from @pfn. */
static void batch_fill(struct isohyp_batch_range *l, u64 n, u64 pfn, u64 stride)
{
	u64 i;

	for (i = 0; i < n; i++)
		l[i] = (struct isohyp_batch_range){ pfn + i * stride, 1 };
}

#define EXPECT_BATCH(op, n, want)                                                           \
	do {                                                                                \
		EXPECT_EQ((want), model_batch(op, batch_list_page(), n, LIST_PA, false));    \
		EXPECT_EQ((want), __pkvm_host_batch(op, LIST_PA, n));                        \
		if (!(want))                                                                \
			model_batch(op, batch_list_page(), n, LIST_PA, true);                \
	} while (0)

/* A bad call, count or list address is -EINVAL, and changes nothing. */
TEST_F(mp, batch_bad_call_or_list_einval)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 100;

	batch_fill(l, 4, pfn, 3);
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(0, LIST_PA, 4));
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(5, LIST_PA, 4));
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(~0ull, LIST_PA, 4));
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA, 0));
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA, ISOHYP_BATCH_MAX + 1));
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA + 8, 4));
	/* The last entry would cross into the next page. */
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA + 4096 - 48, 4));
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, 0x9000000, 1)); /* MMIO */
	EXPECT_EQ(-EINVAL, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, 1ull << IA_BITS, 1));
	expect_unchanged(_metadata);
	/* The same list, as it should be: works. */
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 4, 0);
	expect_unchanged(_metadata);
}

/* A list in a page that is not the host's is -EPERM: the hypervisor reads none of it. */
TEST_F(mp, batch_list_not_the_hosts_eperm)
{
	EXPECT_EQ(-EPERM, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, CARVE, 1));
	batch_fill(batch_list_page(), 1, (RAM0 >> 12) + 7, 1);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(LIST_PA >> 12, 1));
	model[LIST_PAGE] = M_DONATED;
	EXPECT_EQ(-EPERM, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA, 1));
	ASSERT_EQ(0, __pkvm_host_reclaim(LIST_PA >> 12, 1));
	model[LIST_PAGE] = M_OWNED;
	/* Shared with the hypervisor is still the host's. */
	ASSERT_EQ(0, __pkvm_host_share_hyp(LIST_PA >> 12, 1));
	model[LIST_PAGE] = M_SHARED;
	batch_fill(batch_list_page(), 1, (RAM0 >> 12) + 7, 1);
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 1, 0);
	expect_unchanged(_metadata);
}

/* Malformed or overlapping ranges are -EINVAL; adjacent ones are fine. */
TEST_F(mp, batch_bad_or_overlapping_ranges_einval)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 300;

	batch_fill(l, 8, pfn, 4);
	l[5].nr_pages = 0;
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 8, -EINVAL);
	l[5] = (struct isohyp_batch_range){ ((RAM0 + RAM0_SIZE) >> 12) - 1, 2 }; /* leaves RAM */
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 8, -EINVAL);
	l[5] = (struct isohyp_batch_range){ pfn + 4 * 5, ~0ull }; /* wraps */
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 8, -EINVAL);
	l[5] = (struct isohyp_batch_range){ pfn + 1, 4 }; /* overlaps ranges 0 and 1 */
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 8, -EINVAL);
	l[5] = l[2]; /* the same range twice */
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 8, -EINVAL);
	expect_unchanged(_metadata);
	/* Unsorted and adjacent: fine. */
	batch_fill(l, 8, pfn, 1);
	l[0].pfn = pfn + 7, l[7].pfn = pfn;
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 8, 0);
	expect_unchanged(_metadata);
}

/* One page of one range in the wrong state: -EPERM, and no range changes. */
TEST_F(mp, batch_mixed_states_eperm)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 400;
	int op;

	ASSERT_EQ(0, __pkvm_host_share_hyp(pfn + 13, 1));
	model[pfn + 13 - (RAM0 >> 12)] = M_SHARED;
	batch_fill(l, 8, pfn, 3);
	l[4].nr_pages = 3; /* pfn + 12 .. pfn + 14: one shared page in it */
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 8, -EPERM);
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 8, -EPERM);
	for (op = 1; op <= 4; op++)
		EXPECT_NE(0, __pkvm_host_batch(op, LIST_PA, 8));
	expect_unchanged(_metadata);
	l[4].nr_pages = 1;
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 8, 0);
	EXPECT_BATCH(ISOHYP_BATCH_UNSHARE_HYP, 8, -EPERM);
	EXPECT_BATCH(ISOHYP_BATCH_RECLAIM, 8, 0);
	expect_unchanged(_metadata);
}

/* Donating a pinned page, or the list's own page (pinned for the call), is -EBUSY. */
TEST_F(mp, batch_donating_pinned_or_list_page_ebusy)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 500;

	batch_fill(l, 4, pfn, 2);
	ASSERT_EQ(0, model_pin((pfn + 6) << 12, 4096, 1));
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 4, -EBUSY);
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 4, 0); /* sharing keeps it the host's */
	EXPECT_BATCH(ISOHYP_BATCH_UNSHARE_HYP, 4, 0);
	ASSERT_EQ(0, model_pin((pfn + 6) << 12, 4096, -1));
	l[3] = (struct isohyp_batch_range){ (LIST_PA >> 12) - 1, 2 };
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 4, -EBUSY);
	expect_unchanged(_metadata);
	EXPECT_BATCH(ISOHYP_BATCH_SHARE_HYP, 4, 0); /* the list page may be shared */
	EXPECT_BATCH(ISOHYP_BATCH_UNSHARE_HYP, 4, 0);
	l[3].nr_pages = 1;
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 4, 0);
	expect_unchanged(_metadata);
}

/*
 * No page-table memory at any point of a batch (every allocation it makes
 * failing in turn): -ENOMEM and nothing changed, CPU or IOMMU side; then
 * the same batch works.
 */
TEST_F(mp, batch_enomem_at_every_allocation_changes_nothing)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 op;
	/* Four regions 2 MiB-aligned alike, clear of the carve-out and the list. */
	static const u64 region[2][2] = { { 0x100, 0x1100 }, { 0x2500, 0x3300 } };
	long k, need;

	/*
	 * Lists of the same shape in regions a multiple of 2 MiB apart (so in
	 * blocks alike): 16 pages in a few 2 MiB blocks, none split yet. The
	 * first of each pair tells how many table pages the batch takes; the
	 * second runs out at each of them in turn.
	 */
	for (op = ISOHYP_BATCH_SHARE_HYP; op <= ISOHYP_BATCH_DONATE_HYP; op += 2) {
		const u64 *r = region[op == ISOHYP_BATCH_DONATE_HYP];

		batch_fill(l, 16, (RAM0 >> 12) + r[0], 0x97);
		need = pool_allocated;
		EXPECT_BATCH(op, 16, 0);
		need = pool_allocated - need;
		EXPECT_BATCH(op + 1, 16, 0); /* undone: unshare, reclaim */
		TH_LOG("%s: %ld table pages", batch_names[op], need);
		batch_fill(l, 16, (RAM0 >> 12) + r[1], 0x97);
		for (k = 0; k < need; k++) {
			pool_fail_after = k;
			EXPECT_EQ(-ENOMEM, __pkvm_host_batch(op, LIST_PA, 16));
			pool_fail_after = -1;
			expect_unchanged(_metadata);
		}
		EXPECT_BATCH(op, 16, 0);
		expect_unchanged(_metadata);
		EXPECT_BATCH(op + 1, 16, 0);
		expect_unchanged(_metadata);
	}
}

/*
 * A batch donation whose DMA step fails keeps every range the host's; one
 * whose CPU step fails gives DMA every range back; a batch reclaim whose DMA
 * step fails leaves every range donated and out of DMA's reach.
 */
TEST_F(mp, batch_rollbacks)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 0x2201;

	batch_fill(l, 5, pfn, 0x45);
	iommu_unmap_err = -ETIMEDOUT;
	iommu_fail_writes = true;
	iommu_fail_start = (pfn + 2 * 0x45) << 12, iommu_fail_end = iommu_fail_start + 4096;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA, 5));
	EXPECT_TRUE(kvm_iommu_idmap_stale());
	iommu_unmap_err = 0;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	expect_unchanged(_metadata);
	pool_fail_after = 0;
	EXPECT_EQ(-ENOMEM, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, LIST_PA, 5));
	pool_fail_after = -1;
	expect_unchanged(_metadata);
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 5, 0);
	iommu_map_err = -EIO;
	iommu_fail_start = 0, iommu_fail_end = ~0ull;
	EXPECT_EQ(-EIO, __pkvm_host_batch(ISOHYP_BATCH_RECLAIM, LIST_PA, 5));
	expect_unchanged(_metadata);
	iommu_map_err = 0;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	expect_unchanged(_metadata);
	EXPECT_BATCH(ISOHYP_BATCH_RECLAIM, 5, 0);
	expect_unchanged(_metadata);
}

/*
 * A batch reclaim that leaves more tables one block than the merge policy
 * may keep idle, whose DMA step then fails with no memory left: the CPU step
 * merged none of them (each would have to be split again to put its page
 * back), so every page goes back to the hypervisor and nothing changed.
 */
TEST_F(mp, batch_reclaim_undo_needs_no_memory)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 0x1001;

	batch_fill(l, 5, pfn, 0x200); /* one page in each of five 2 MiB blocks */
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 5, 0);
	expect_unchanged(_metadata);
	ASSERT_EQ(0, kvm_pgtable_stage2_set_idle_policy(&host_mmu.pgt, 2, KVM_PGTABLE_IDLE_AGE));
	iommu_map_err = -EIO;
	iommu_fail_start = 0, iommu_fail_end = ~0ull;
	pool_fail_after = 0;
	EXPECT_EQ(-EIO, __pkvm_host_batch(ISOHYP_BATCH_RECLAIM, LIST_PA, 5));
	pool_fail_after = -1;
	iommu_map_err = 0;
	expect_unchanged(_metadata);
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_BATCH(ISOHYP_BATCH_RECLAIM, 5, 0);
	expect_unchanged(_metadata);
}

/*
 * A batch donation of scattered pages the host mapped (at 4 KiB: each next
 * to a donated page, so no block needs a break-before-make split)
 * invalidates the CPU's TLB once, for all of them; reclaim zeroes them.
 */
TEST_F(mp, batch_one_tlb_flush_and_zeroed_reclaim)
{
	struct isohyp_batch_range *l = batch_list_page();
	u64 pfn = (RAM0 >> 12) + 0x801, i;

	batch_fill(l, 16, pfn, 0x103);
	for (i = 0; i < 16; i++) {
		memset(page_bytes((pfn + i * 0x103) << 12), 0x3c, 4096);
		EXPECT_CALL(2, pfn + i * 0x103 + 1, 1, 0);
		model_call(2, pfn + i * 0x103 + 1, 1, true);
		ASSERT_EQ(0, host_stage2_idmap((pfn + i * 0x103) << 12)); /* the host touched it */
		ASSERT_EQ(3, ref_walk(&host_mmu.pgt, (pfn + i * 0x103) << 12).level);
	}
	nr_tlb_flushes = 0;
	EXPECT_BATCH(ISOHYP_BATCH_DONATE_HYP, 16, 0);
	EXPECT_EQ(1, nr_tlb_flushes);
	EXPECT_EQ(0x3c, page_bytes(pfn << 12)[5]);
	EXPECT_BATCH(ISOHYP_BATCH_RECLAIM, 16, 0);
	for (i = 0; i < 16; i++) {
		EXPECT_EQ(0, page_bytes((pfn + i * 0x103) << 12)[0]);
		EXPECT_EQ(0, page_bytes((pfn + i * 0x103) << 12)[4095]);
	}
	EXPECT_EQ(0xa5, page_bytes((pfn + 1) << 12)[0]);
	expect_unchanged(_metadata);
}

TEST_HARNESS_MAIN
