// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page-pool exhaustion at every allocation point (issue 13, section 2): each
 * host call either completes or changes nothing -- checked page by page, on
 * the CPU side (PAGE_STATE and the host stage-2 descriptors, decoded by
 * lib/s2_decode.h) and on the DMA side (the SMMU's identity map decoded, and
 * DMA through the software SMMU) -- over ranges that straddle block
 * boundaries at unaligned pages, for SHARE, UNSHARE, DONATE and RECLAIM.
 *
 * The real hyp/mem_protect, pgtable, iommu core, SMMUv3 driver and page pool;
 * as in the hypervisor, the host stage-2 and the SMMU's tables come from one
 * pool. Every table page is taken through hyp_alloc_page(), which this test
 * wraps (the link's --wrap, tests/unit/smmu_enomem_test.mk) to count the
 * allocations and fail chosen ones. Three ways to run out, each repeated
 * with N = 1, 2, 3, ... until the call succeeds:
 *   - POOL:  the pool really holds N - 1 free pages (what is freed during
 *            the call can be taken again, as in the hypervisor);
 *   - ONE:   only the Nth allocation fails (a transient failure);
 *   - FROM:  every allocation from the Nth on fails.
 * A failing call must return -ENOMEM and leave every page as it was, leak no
 * page, and leave no range stale; the call that succeeds must do all of it.
 *
 * Pins take no memory: a full pin table is -ENOSPC with nothing pinned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lib/s2_decode.h"
#include "lib/smmu_machine.h"
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <smmuv3/arm_smmu_v3.h>
#include <uapi/isohyp.h>

extern struct kvm_pgtable smmu_idmap;

/* ---- fault injection ------------------------------------------------------ */

enum exhaust { POOL, ONE, FROM };
static const char *const exhaust_names[] = { "pool holds N-1 pages", "only the Nth fails",
					     "all from the Nth fail" };

static long nr_allocs; /* hyp_alloc_page() calls since the knob was armed */
static long fail_first, fail_last; /* fail calls [first, last]; 0: none */

void *__real_hyp_alloc_page(struct hyp_pool *pool);

void *__wrap_hyp_alloc_page(struct hyp_pool *pool)
{
	nr_allocs++;
	if (fail_first && nr_allocs >= fail_first && nr_allocs <= fail_last)
		return NULL;
	return __real_hyp_alloc_page(pool);
}

/* Pages taken out of the pool so that it holds exactly what a POOL run allows. */
static void *held;
static u64 nr_held;

static void pool_hold_all_but(u64 keep)
{
	void *p;

	while ((p = __real_hyp_alloc_page(&pool))) {
		*(void **)p = held;
		held = p;
		nr_held++;
	}
	while (keep-- && held) {
		p = held;
		held = *(void **)p;
		nr_held--;
		hyp_free_page(&pool, p);
	}
}

static void pool_release(void)
{
	while (held) {
		void *p = held;

		held = *(void **)p;
		hyp_free_page(&pool, p);
	}
	nr_held = 0;
}

/* Arm the knob for one call: run @n of mode @mode. */
static void exhaust_arm(enum exhaust mode, long n)
{
	nr_allocs = 0;
	fail_first = fail_last = 0;
	if (mode == POOL)
		pool_hold_all_but(n - 1);
	else
		fail_first = n, fail_last = mode == ONE ? n : 1L << 40;
}

static void exhaust_disarm(void)
{
	fail_first = fail_last = 0;
	pool_release();
}

/* ---- the machine: host stage-2 and SMMU tables from one pool -------------- */

static void *pool_zalloc(void *arg)
{
	return hyp_alloc_page(arg);
}

static void pool_put(void *p)
{
	hyp_free_page(&pool, p);
}

static void *p2v(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static phys_addr_t v2p(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

static void no_tlb_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
}

static const struct kvm_pgtable_mm_ops pool_mm_ops = {
	.zalloc_page = pool_zalloc, .put_page = pool_put, .phys_to_virt = p2v,
	.virt_to_phys = v2p, .tlb_flush = no_tlb_flush,
};

static void zero_pages(phys_addr_t pa, u64 size)
{
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

/* ---- what a page looks like to the CPUs and to DMA ------------------------ */

struct view {
	int state; /* PAGE_STATE */
	struct xlate cpu, smmu; /* host stage-2, SMMU identity map */
	bool dma_probed, dma_ok; /* DMA (read and write) through the SMMU model */
	u64 dma_pa;
};

/* Blocks of 2 MiB around the calls below; DMA probed near the call's range. */
#define BASE (RAM0 + (8ull << 20))
#define WINDOW (8ull << 20)
#define NR_WIN (WINDOW >> 12)
#define PG(n) ((u64)(n) << 12)

static struct view before[NR_WIN], now[NR_WIN];

static void view_take(struct view *v, u64 call_start, u64 call_end)
{
	u64 i;

	for (i = 0; i < NR_WIN; i++) {
		u64 pa = BASE + PG(i);

		v[i] = (struct view){ 0 };
		v[i].state = __pkvm_host_page_state(pa >> 12);
		v[i].cpu = ref_walk(&host_mmu.pgt, pa);
		v[i].smmu = ref_walk(&smmu_idmap, pa);
		v[i].dma_probed = pa + PG(16) >= call_start && pa < call_end + PG(16);
		if (v[i].dma_probed) {
			struct smmu_dma r = dma(0, pa, false), w = dma(0x1234, pa, true);

			v[i].dma_ok = r.ok && w.ok;
			v[i].dma_pa = r.ok ? r.pa : ~0ull;
			if (r.ok != w.ok)
				v[i].dma_pa = 1; /* read and write differ: never expected */
		}
	}
}

static bool view_same(const struct view *a, const struct view *b)
{
	return a->state == b->state && same_xlate(a->cpu, b->cpu) &&
	       same_xlate(a->smmu, b->smmu) && a->dma_probed == b->dma_probed &&
	       a->dma_ok == b->dma_ok && a->dma_pa == b->dma_pa;
}

static void view_log(struct __test_metadata *_metadata, const char *what, u64 i,
		     const struct view *v)
{
	TH_LOG("%s page %llx: state %d, cpu valid %d owner %u sw0 %d s2ap %u, smmu valid %d "
	       "s2ap %u memattr %x, dma %d ok %d pa %llx", what,
	       (unsigned long long)(BASE + PG(i)), v->state, v->cpu.valid, v->cpu.owner,
	       v->cpu.sw0, v->cpu.s2ap, v->smmu.valid, v->smmu.s2ap, v->smmu.memattr,
	       v->dma_probed, v->dma_ok, (unsigned long long)v->dma_pa);
}

/* ---- the calls ------------------------------------------------------------ */

enum op { SHARE, UNSHARE, DONATE, RECLAIM };
static const char *const op_names[] = { "share", "unshare", "donate", "reclaim" };

static int call(enum op op, u64 start, u64 end)
{
	u64 pfn = start >> 12, n = (end - start) >> 12;

	switch (op) {
	case SHARE:
		return __pkvm_host_share_hyp(pfn, n);
	case UNSHARE:
		return __pkvm_host_unshare_hyp(pfn, n);
	case DONATE:
		return __pkvm_host_donate_hyp(pfn, n);
	default:
		return __pkvm_host_reclaim(pfn, n);
	}
}

/* What a page of the call's range is once the call succeeded. */
static bool view_after(const struct view *v, enum op op)
{
	static const int state[] = { ISOHYP_PAGE_SHARED_HYP, ISOHYP_PAGE_HOST_OWNED,
				     ISOHYP_PAGE_HYP_OWNED, ISOHYP_PAGE_HOST_OWNED };
	bool host = op != DONATE;

	if (v->state != state[op] || v->smmu.valid != host || v->cpu.sw0 != (op == SHARE))
		return false;
	if (!host)
		return !v->cpu.valid && v->cpu.owner == PKVM_ID_DONATED && !v->dma_ok;
	/* The CPU side may still be unmapped (the lazy fault path); DMA may not. */
	return (!v->cpu.valid || v->cpu.pa == v->smmu.pa) && v->smmu.s2ap == 3 &&
	       v->smmu.memattr == ATTR_NORMAL_WB && v->dma_ok && v->dma_pa == v->smmu.pa;
}

struct step {
	enum op op;
	u64 start, end;
};

/*
 * Run @s with every way and place of running out: each failing call
 * changes nothing, the one that succeeds does what it should. Adds the
 * number of failing calls (the allocation points found) to @fails.
 */
static void run_exhausted(struct __test_metadata *_metadata, const struct step *s,
			  enum exhaust mode, unsigned int *fails)
{
	u64 pool_used;
	long n;
	int ret = -ENOMEM;
	u64 i;

	view_take(before, s->start, s->end);
	for (n = 1; ret == -ENOMEM && n < 64; n++) {
		pool_used = pool.nr_used;
		exhaust_arm(mode, n);
		ret = call(s->op, s->start, s->end);
		exhaust_disarm();
		view_take(now, s->start, s->end);
		if (ret != -ENOMEM)
			break;
		(*fails)++;
		EXPECT_FALSE(kvm_iommu_idmap_stale());
		EXPECT_EQ(pool_used, pool.nr_used); /* no page leaked or kept */
		for (i = 0; i < NR_WIN; i++)
			if (!view_same(&before[i], &now[i])) {
				TH_LOG("%s %llx-%llx, %s, N = %ld: -ENOMEM changed a page",
				       op_names[s->op], (unsigned long long)s->start,
				       (unsigned long long)s->end, exhaust_names[mode], n);
				view_log(_metadata, "before", i, &before[i]);
				view_log(_metadata, "after ", i, &now[i]);
				ASSERT_TRUE(false);
			}
	}
	ASSERT_EQ(0, ret);
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	for (i = 0; i < NR_WIN; i++) {
		u64 pa = BASE + PG(i);
		bool in = pa >= s->start && pa < s->end;

		if (in ? !view_after(&now[i], s->op) : !view_same(&before[i], &now[i])) {
			TH_LOG("%s %llx-%llx, %s, succeeded at N = %ld: page %s the range wrong",
			       op_names[s->op], (unsigned long long)s->start,
			       (unsigned long long)s->end, exhaust_names[mode], n,
			       in ? "in" : "outside");
			view_log(_metadata, "before", i, &before[i]);
			view_log(_metadata, "after ", i, &now[i]);
			ASSERT_TRUE(false);
		}
	}
}

FIXTURE(enomem)
{
	int unused;
};

FIXTURE_VARIANT(enomem)
{
	enum smmu_map_policy policy;
	bool fault_in; /* the host touched the RAM first: CPU blocks mapped */
	enum exhaust mode;
};

FIXTURE_VARIANT_ADD(enomem, blocks_pool){ SMMU_MAP_BLOCKS, false, POOL };
FIXTURE_VARIANT_ADD(enomem, blocks_one){ SMMU_MAP_BLOCKS, false, ONE };
FIXTURE_VARIANT_ADD(enomem, blocks_from){ SMMU_MAP_BLOCKS, false, FROM };
FIXTURE_VARIANT_ADD(enomem, faulted_in_pool){ SMMU_MAP_BLOCKS, true, POOL };
FIXTURE_VARIANT_ADD(enomem, faulted_in_one){ SMMU_MAP_BLOCKS, true, ONE };
FIXTURE_VARIANT_ADD(enomem, faulted_in_from){ SMMU_MAP_BLOCKS, true, FROM };
FIXTURE_VARIANT_ADD(enomem, ram_4k_pool){ SMMU_MAP_RAM_PAGES, true, POOL };
FIXTURE_VARIANT_ADD(enomem, ram_4k_from){ SMMU_MAP_RAM_PAGES, true, FROM };

static const struct boot_mem_range ram_ranges[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

FIXTURE_SETUP(enomem)
{
	struct boot_smmu b = { .base = SMMU_PA, .size = SMMU_SIZE, .coherent = true };
	u64 pa;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, kvm_arm_smmu_v3_set_policy(variant->policy));
	ASSERT_EQ(0, host_stage2_init(ram_ranges, 2, IA_BITS, &pool_mm_ops, &pool, &mp_ops));
	ASSERT_EQ(0, host_stage2_protect_hyp(CARVE, CARVE_SIZE));
	ASSERT_EQ(0, host_stage2_protect_hyp(SMMU_PA, SMMU_SIZE));
	ASSERT_EQ(0, kvm_arm_smmu_v3_register(&b, 1, &pool, IA_BITS));
	ASSERT_EQ(0, kvm_iommu_init());
	/*
	 * Merges at once on both sides, so that "no page leaked" is exact: with
	 * the idle-table policy a failed call may leave tables idle (counted
	 * in the pool until they are due). The policy's own -ENOMEM paths are
	 * in unit-pgtable_test's idle fixture.
	 */
	machine_smmu_merge_at_once();
	ASSERT_EQ(0, kvm_pgtable_stage2_set_idle_policy(&host_mmu.pgt, 0, 1));
	for (pa = BASE; variant->fault_in && pa < BASE + WINDOW; pa += SZ_2M)
		ASSERT_EQ(0, host_stage2_idmap(pa));
}

FIXTURE_TEARDOWN(enomem)
{
	exhaust_disarm();
	machine_down();
	kvm_arm_smmu_v3_set_policy(SMMU_MAP_BLOCKS);
}

/* Run @steps in order, each with every way of running out; report the points found. */
static void run_steps(struct __test_metadata *_metadata, const struct step *steps,
		      unsigned int nr, enum exhaust mode)
{
	unsigned int k, fails = 0;

	for (k = 0; k < nr && !_metadata->failed; k++)
		run_exhausted(_metadata, &steps[k], mode, &fails);
	TH_LOG("%u failing calls, each changing nothing", fails);
	/*
	 * A transient failure (ONE) may be absorbed: a table that ran dry with
	 * idle tables held merges them and counts again (hyp/pgtable.c), and
	 * the retry gets its page -- then the call must simply be right.
	 */
	if (mode != ONE)
		EXPECT_GT(fails, 0u);
}

#define M2 SZ_2M
/* Seven pages across the 2 MiB boundary at BASE + 2 MiB. */
#define STRADDLE BASE + M2 - PG(3), BASE + M2 + PG(4)

/* Donate, then reclaim, pages across a block boundary. */
TEST_F(enomem, donate_and_reclaim_across_a_block)
{
	const struct step steps[] = {
		{ DONATE, STRADDLE },
		{ RECLAIM, STRADDLE },
	};

	run_steps(_metadata, steps, 2, variant->mode);
}

/* Share and unshare across a block boundary. */
TEST_F(enomem, share_and_unshare_across_a_block)
{
	const struct step steps[] = {
		{ SHARE, STRADDLE },
		{ UNSHARE, STRADDLE },
	};

	run_steps(_metadata, steps, 2, variant->mode);
}

/* A part taken out of the middle of a larger range splits blocks on both sides. */
TEST_F(enomem, middle_of_a_larger_range)
{
	const struct step steps[] = {
		{ DONATE, BASE, BASE + 2 * M2 },
		{ RECLAIM, STRADDLE },
		{ SHARE, BASE + M2 - PG(1), BASE + M2 + PG(2) },
		{ UNSHARE, BASE + M2 - PG(1), BASE + M2 + PG(2) },
		{ DONATE, BASE + M2 - PG(1), BASE + M2 + PG(2) },
	};

	run_steps(_metadata, steps, 5, variant->mode);
}

/*
 * The last host pages of a block leave it (the DMA side merges that block
 * into one invalid entry, freeing its table) while the same call splits the
 * next block: a rollback then needs a table again.
 */
TEST_F(enomem, donation_that_merges_one_block_and_splits_the_next)
{
	const struct step steps[] = {
		{ DONATE, BASE, BASE + M2 - PG(3) },
		{ DONATE, STRADDLE },
		{ RECLAIM, BASE + PG(1), BASE + M2 + PG(1) },
	};

	run_steps(_metadata, steps, 3, variant->mode);
}

/*
 * The mirror image: a reclaim whose CPU step merges one block back (the
 * host's pages there were never mapped: all empty again) and splits the
 * next, then the DMA step runs out: the CPU's undo needs that table again.
 */
TEST_F(enomem, reclaim_that_merges_one_block_and_splits_the_next)
{
	const struct step steps[] = {
		{ DONATE, BASE + M2 - PG(4), BASE + M2 },
		{ DONATE, BASE + M2, BASE + 2 * M2 },
		{ RECLAIM, BASE + M2 - PG(4), BASE + M2 + PG(3) },
	};

	run_steps(_metadata, steps, 3, variant->mode);
}

/* A range covering a whole block plus unaligned pages on either side. */
TEST_F(enomem, a_whole_block_and_ragged_ends)
{
	const struct step steps[] = {
		{ DONATE, BASE + M2 - PG(3), BASE + 2 * M2 + PG(5) },
		{ RECLAIM, BASE + M2 - PG(3), BASE + 2 * M2 + PG(5) },
		{ SHARE, BASE + PG(7), BASE + 3 * M2 + PG(1) },
	};

	run_steps(_metadata, steps, 3, variant->mode);
}

/* A full pin table: -ENOSPC, nothing pinned, nothing else changed; a free slot works again. */
TEST(full_pin_table_enospc_changes_nothing)
{
	struct boot_smmu b = { .base = SMMU_PA, .size = SMMU_SIZE, .coherent = true };
	u64 pa = BASE, i, nr = 0, victim = BASE + M2 + PG(100);

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, host_stage2_init(ram_ranges, 2, IA_BITS, &pool_mm_ops, &pool, &mp_ops));
	ASSERT_EQ(0, host_stage2_protect_hyp(CARVE, CARVE_SIZE));
	ASSERT_EQ(0, kvm_arm_smmu_v3_register(&b, 1, &pool, IA_BITS));
	ASSERT_EQ(0, kvm_iommu_init());
	/* Fill the table with one-page pins. */
	for (;; pa += PG(1), nr++) {
		int ret = host_stage2_pin(pa, PG(1));

		if (ret == -ENOSPC)
			break;
		ASSERT_EQ(0, ret);
		ASSERT_LT(nr, 4096u);
	}
	TH_LOG("%llu pins fit", (unsigned long long)nr);
	view_take(before, victim, victim + PG(4));
	EXPECT_EQ(-ENOSPC, host_stage2_pin(victim, PG(4)));
	view_take(now, victim, victim + PG(4));
	for (i = 0; i < NR_WIN; i++)
		ASSERT_TRUE(view_same(&before[i], &now[i]));
	/* Not pinned: donating it works (and takes it from DMA). */
	EXPECT_EQ(0, __pkvm_host_donate_hyp(victim >> 12, 4));
	EXPECT_FALSE(dma(0, victim, false).ok);
	EXPECT_EQ(0, __pkvm_host_reclaim(victim >> 12, 4));
	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, host_stage2_unpin(BASE + PG(i), PG(1)));
	EXPECT_EQ(0, host_stage2_pin(victim, PG(4)));
	EXPECT_EQ(0, host_stage2_unpin(victim, PG(4)));
	machine_down();
}

TEST_HARNESS_MAIN
