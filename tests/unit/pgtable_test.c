// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/pgtable.c against an independent reading of the descriptors: this file
 * decodes stage-2 tables by itself (Arm ARM D8.3, 4 KiB granule) instead of
 * using the engine's helpers, so a level mix-up, a wrong attribute bit or a
 * lost entry in the engine shows up here as a wrong translation.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <isohyp/errno.h>
#include <isohyp/pgtable.h>

/* ---- a fake page pool and TLB -------------------------------------------- */

#define MAX_FLUSHES 4096

static int nr_flushes;

static struct pool {
	long allocated, freed;
	long fail_after; /* -1: never fail */
	long put_unflushed; /* pages put back while nr_flushes was 0 */
	long limit; /* > 0: at most this many pages out at once */
} pool;

static struct flush {
	u64 addr, size;
} flushes[MAX_FLUSHES];

static void *pool_zalloc(void *arg)
{
	void *p;

	if (pool.fail_after == 0)
		return NULL;
	if (pool.fail_after > 0)
		pool.fail_after--;
	if (pool.limit && pool.allocated - pool.freed >= pool.limit)
		return NULL;
	p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	pool.allocated++;
	return p;
}

static void pool_put(void *addr)
{
	pool.put_unflushed += !nr_flushes;
	pool.freed++;
	free(addr);
}

static void *p2v(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static phys_addr_t v2p(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

static void record_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	if (nr_flushes < MAX_FLUSHES)
		flushes[nr_flushes++] = (struct flush){ addr, size };
}

static const struct kvm_pgtable_mm_ops mm_ops = {
	.zalloc_page = pool_zalloc, .put_page = pool_put,
	.phys_to_virt = p2v, .virt_to_phys = v2p, .tlb_flush = record_flush,
};

#include "lib/s2_decode.h"

FIXTURE(s2)
{
	struct kvm_pgtable pgt;
};

FIXTURE_VARIANT(s2)
{
	u32 ia_bits;
	u32 flags;
};

FIXTURE_VARIANT_ADD(s2, ia48){ .ia_bits = 48 };
FIXTURE_VARIANT_ADD(s2, ia39){ .ia_bits = 39 };
/* An SMMU with BBML 2: splits and merges in place. */
FIXTURE_VARIANT_ADD(s2, ia44_inplace){ .ia_bits = 44, .flags = KVM_PGTABLE_S2_INPLACE_RESIZE };

FIXTURE_SETUP(s2)
{
	memset(&pool, 0, sizeof(pool));
	pool.fail_after = -1;
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_init(&self->pgt, variant->ia_bits, &mm_ops, NULL));
	self->pgt.flags = variant->flags;
}

FIXTURE_TEARDOWN(s2)
{
	kvm_pgtable_stage2_destroy(&self->pgt);
	/* Every table page the engine took came back. */
	EXPECT_EQ(pool.allocated, pool.freed);
}

#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define KiB (1ull << 10)

/* A 1 GiB-aligned gigabyte maps as one level-1 block: no table below the root's path. */
TEST_F(s2, aligned_gigabyte_is_one_block)
{
	long before = pool.allocated;
	struct xlate x;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, GiB, GiB, KVM_PGTABLE_PROT_RWX));
	x = ref_walk(&self->pgt, GiB + 12345 * 4096 + 7);
	ASSERT_TRUE(x.valid);
	EXPECT_EQ(1, x.level);
	EXPECT_EQ(GiB + 12345 * 4096 + 7, x.pa);
	/* 48-bit: the level-0 entry needs one level-1 table; 39-bit starts at level 1. */
	EXPECT_EQ(variant->ia_bits > 39 ? 1 : 0, pool.allocated - before);
}

/* An unaligned range uses 2 MiB blocks inside and 4 KiB pages at the edges. */
TEST_F(s2, unaligned_range_uses_largest_blocks)
{
	u64 start = GiB + 2 * MiB - 8 * KiB, end = GiB + 8 * MiB + 12 * KiB;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, start, end - start, start,
					    KVM_PGTABLE_PROT_RW));
	EXPECT_EQ(3, ref_walk(&self->pgt, start).level);
	EXPECT_EQ(2, ref_walk(&self->pgt, GiB + 2 * MiB).level);
	EXPECT_EQ(2, ref_walk(&self->pgt, GiB + 6 * MiB + 4096).level);
	EXPECT_EQ(3, ref_walk(&self->pgt, GiB + 8 * MiB).level);
	EXPECT_TRUE(ref_walk(&self->pgt, end - 4096).valid);
	EXPECT_FALSE(ref_walk(&self->pgt, end).valid);
	EXPECT_FALSE(ref_walk(&self->pgt, start - 4096).valid);
}

/* Normal memory: WB inner+outer, inner shareable, AF set, S2AP and XN from prot. */
TEST_F(s2, normal_attributes)
{
	struct xlate x;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 0x40000000, 2 * MiB, 0x40000000,
					    KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X));
	x = ref_walk(&self->pgt, 0x40001000);
	ASSERT_TRUE(x.valid);
	EXPECT_EQ(0xfu, x.memattr);
	EXPECT_EQ(3u, x.sh);
	EXPECT_EQ(1u, x.s2ap); /* read only */
	EXPECT_TRUE(x.af);
	EXPECT_FALSE(x.xn);
}

/* Device memory: Device-nGnRE, never executable; prot decodes back. */
TEST_F(s2, device_attributes_and_prot_roundtrip)
{
	kvm_pte_t pte;
	u32 level;
	struct xlate x;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 0x9000000, 4096, 0x9000000,
					    KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE));
	x = ref_walk(&self->pgt, 0x9000010);
	ASSERT_TRUE(x.valid);
	EXPECT_EQ(3, x.level);
	EXPECT_EQ(1u, x.memattr);
	EXPECT_EQ(3u, x.s2ap);
	EXPECT_TRUE(x.xn);
	ASSERT_EQ(0, kvm_pgtable_get_leaf(&self->pgt, 0x9000000, &pte, &level));
	EXPECT_EQ(3u, level);
	EXPECT_EQ((u64)(KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE),
		  (u64)kvm_pgtable_stage2_pte_prot(pte));
}

/* Unmapping one page of a 1 GiB block splits it; every other page translates as before. */
TEST_F(s2, unmap_splits_block_and_keeps_the_rest)
{
	u64 hole = GiB + 300 * MiB + 5 * 4096, a;
	struct xlate before;
	int i, block_flushed = 0;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, GiB, GiB, KVM_PGTABLE_PROT_RWX));
	before = ref_walk(&self->pgt, GiB);
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, hole, 4096));
	EXPECT_FALSE(ref_walk(&self->pgt, hole).valid);
	for (a = GiB; a < 2 * GiB; a += 4096 * 97) {
		struct xlate x = ref_walk(&self->pgt, a);

		if (a == hole)
			continue;
		before.pa = a;
		ASSERT_TRUE(same_xlate(before, x));
	}
	EXPECT_TRUE(ref_walk(&self->pgt, hole - 4096).valid);
	EXPECT_TRUE(ref_walk(&self->pgt, hole + 4096).valid);
	EXPECT_EQ(2, ref_walk(&self->pgt, GiB).level);
	EXPECT_EQ(3, ref_walk(&self->pgt, hole + 4096).level);
	for (i = 0; i < nr_flushes; i++)
		block_flushed |= flushes[i].addr == GiB && flushes[i].size == GiB;
	if (variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE) {
		/* In place: no invalid window, one invalidation of just the page. */
		EXPECT_FALSE(block_flushed);
		ASSERT_EQ(1, nr_flushes);
		EXPECT_EQ(hole, flushes[0].addr);
		EXPECT_EQ(4096u, flushes[0].size);
	} else {
		/* Break-before-make: the old blocks were flushed whole, then the page. */
		EXPECT_TRUE(block_flushed);
		EXPECT_GE(nr_flushes, 2);
	}
}

/* Tables in use: what the engine took from the pool and did not give back. */
static long tables_in_use(void)
{
	return pool.allocated - pool.freed;
}

/*
 * A block that becomes whole again is merged back: mapping the hole of a
 * split gigabyte restores the 1 GiB block and returns both tables.
 */
TEST_F(s2, remapped_hole_merges_back_into_the_block)
{
	u64 hole = GiB + 300 * MiB + 5 * 4096;
	long base;
	struct xlate before;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, GiB, GiB, KVM_PGTABLE_PROT_RWX));
	base = tables_in_use();
	before = ref_walk(&self->pgt, GiB + 12345 * 4096);
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, hole, 4096));
	EXPECT_EQ(base + 2, tables_in_use());
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, hole, 4096, hole, KVM_PGTABLE_PROT_RWX));
	EXPECT_EQ(base, tables_in_use());
	EXPECT_EQ(1, ref_walk(&self->pgt, hole).level);
	EXPECT_TRUE(same_xlate(before, ref_walk(&self->pgt, GiB + 12345 * 4096)));
	/* The merged tables' range was invalidated before they were freed. */
	EXPECT_GE(nr_flushes, 1);
}

/* A block-sized run annotated page by page merges into one annotated block. */
TEST_F(s2, uniform_annotations_merge)
{
	u64 a;
	long base = tables_in_use();

	for (a = 0; a < 2 * MiB; a += 4096)
		ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, GiB + a, 4096, 2));
	EXPECT_EQ(2, ref_walk(&self->pgt, GiB).level);
	EXPECT_EQ(2u, ref_walk(&self->pgt, GiB + MiB).owner);
	/* Only the level-1 (and level-0 pointer) tables remain. */
	EXPECT_LE(tables_in_use(), base + 2);
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, GiB, 2 * MiB));
	EXPECT_EQ(base, tables_in_use());
}

/*
 * keep_tables splits but never merges, so setting the range back needs no
 * memory; merge() then folds what became one block, translations unchanged.
 */
TEST_F(s2, keep_tables_undo_needs_no_memory_and_merge_folds_later)
{
	long base;
	u64 a;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, 4 * MiB, GiB, KVM_PGTABLE_PROT_RW));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, GiB + 2 * MiB - 4096, 4096, 2));
	base = tables_in_use();
	/* The last mapped pages of the first block and the first of the second go. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, GiB, 2 * MiB - 4096,
								2));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, GiB + 2 * MiB, 8192,
								2));
	EXPECT_EQ(3, ref_walk(&self->pgt, GiB).level); /* all one owner, not merged */
	EXPECT_EQ(base + 1, tables_in_use());
	/* The undo of each: no memory at all. */
	pool.fail_after = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB + 2 * MiB, 8192, GiB + 2 * MiB,
					    KVM_PGTABLE_PROT_RW));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, GiB + 2 * MiB - 4096, 4096, 2));
	pool.fail_after = -1;
	/* merge() folds the all-invalid table and the restored block; no leaf changes. */
	ASSERT_EQ(0, kvm_pgtable_stage2_merge(&self->pgt, GiB, 4 * MiB));
	EXPECT_EQ(2, ref_walk(&self->pgt, GiB).level);
	EXPECT_EQ(2u, ref_walk(&self->pgt, GiB + 4096).owner);
	EXPECT_EQ(2, ref_walk(&self->pgt, GiB + 2 * MiB).level);
	for (a = 2 * MiB; a < 4 * MiB; a += 4096)
		ASSERT_EQ(GiB + a, ref_walk(&self->pgt, GiB + a).pa);
	EXPECT_EQ(base - 1, tables_in_use());
}

/* Normal memory at 4 KiB only, Device still in blocks; and no merging. */
TEST_F(s2, fixed_small_granule_for_normal_memory)
{
	self->pgt.flags |= KVM_PGTABLE_S2_NORMAL_PAGES | KVM_PGTABLE_S2_NO_MERGE;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, 4 * MiB, GiB, KVM_PGTABLE_PROT_RW));
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 2 * GiB, GiB, 2 * GiB,
					    KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE));
	EXPECT_EQ(3, ref_walk(&self->pgt, GiB).level);
	EXPECT_EQ(3, ref_walk(&self->pgt, GiB + 4 * MiB - 4096).level);
	EXPECT_EQ(1, ref_walk(&self->pgt, 2 * GiB + 5 * MiB).level);
	/* Unmapping a page needs no table and splits nothing. */
	nr_flushes = 0;
	pool.fail_after = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, GiB + MiB, 4096));
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB + MiB, 4096, GiB + MiB,
					    KVM_PGTABLE_PROT_RW));
	pool.fail_after = -1;
	EXPECT_EQ(3, ref_walk(&self->pgt, GiB + MiB).level);
	EXPECT_EQ(1, nr_flushes);
}

/* set_owner annotates invalid entries; get_leaf and a walk see the owner. */
TEST_F(s2, set_owner_annotates)
{
	kvm_pte_t pte;
	u32 level;

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, 0x80000000, 32 * MiB, 1));
	ASSERT_EQ(0, kvm_pgtable_get_leaf(&self->pgt, 0x80000000 + 31 * MiB, &pte, &level));
	EXPECT_FALSE(kvm_pte_valid(pte));
	EXPECT_EQ(1u, kvm_invalid_pte_owner(pte));
	EXPECT_EQ(2u, level);
	EXPECT_EQ(1u, ref_walk(&self->pgt, 0x80000000).owner);
	EXPECT_EQ(0u, ref_walk(&self->pgt, 0x80000000 + 32 * MiB).owner);
	ASSERT_EQ(0, kvm_pgtable_get_leaf(&self->pgt, 0x80000000 + 32 * MiB, &pte, &level));
	EXPECT_EQ(0u, pte);
}

/* Mapping over an annotated range replaces it; unmapping then clears it. */
TEST_F(s2, remap_after_owner_and_unmap)
{
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, GiB, 4 * MiB, 1));
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB + MiB, 4096, GiB + MiB,
					    KVM_PGTABLE_PROT_RW));
	EXPECT_TRUE(ref_walk(&self->pgt, GiB + MiB).valid);
	EXPECT_EQ(1u, ref_walk(&self->pgt, GiB + MiB + 4096).owner);
	EXPECT_EQ(1u, ref_walk(&self->pgt, GiB + MiB - 4096).owner);
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, GiB, 4 * MiB));
	EXPECT_FALSE(ref_walk(&self->pgt, GiB + MiB).valid);
	EXPECT_EQ(0u, ref_walk(&self->pgt, GiB + MiB + 4096).owner);
}

static int count_leaf(const struct kvm_pgtable_visit_ctx *ctx, enum kvm_pgtable_walk_flags v)
{
	u64 *state = ctx->arg; /* [0] next expected address, [1] leaves, [2] errors */

	if (ctx->addr > state[0] && state[1])
		state[2]++; /* a gap: the walk skipped part of the range */
	if (ctx->addr < state[0] && state[1])
		state[2]++; /* out of order */
	state[0] = ctx->end;
	state[1]++;
	return 0;
}

/* A walk visits leaves in address order, without gaps, covering the range. */
TEST_F(s2, walk_covers_range_in_order)
{
	u64 state[3] = { 0, 0, 0 };
	struct kvm_pgtable_walker w = { count_leaf, state, KVM_PGTABLE_WALK_LEAF };

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB + 4096, 3 * MiB, GiB + 4096,
					    KVM_PGTABLE_PROT_RW));
	ASSERT_EQ(0, kvm_pgtable_walk(&self->pgt, GiB, 8 * MiB, &w));
	EXPECT_EQ(0u, state[2]);
	EXPECT_GE(state[0], GiB + 8 * MiB);
	EXPECT_GT(state[1], 512u);
}

/* Bad arguments: -EINVAL and nothing changes. */
TEST_F(s2, bad_arguments_rejected)
{
	long pages = pool.allocated;
	u64 top = 1ull << variant->ia_bits;

	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_map(&self->pgt, 4096, 0, 4096, KVM_PGTABLE_PROT_R));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_map(&self->pgt, 4095, 4096, 4096, KVM_PGTABLE_PROT_R));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_map(&self->pgt, 4096, 4096, 4097, KVM_PGTABLE_PROT_R));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_map(&self->pgt, top - 4096, 8192, 0, KVM_PGTABLE_PROT_R));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_unmap(&self->pgt, ~0ull - 4095, 8192));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_set_owner(&self->pgt, 0, 100, 1));
	EXPECT_EQ(pages, pool.allocated);
	EXPECT_FALSE(ref_walk(&self->pgt, 4096).valid);
	EXPECT_EQ(0u, ref_walk(&self->pgt, 0).owner);
}

/* -ENOMEM in the middle of a split changes nothing: every address translates as before. */
TEST_F(s2, enomem_changes_nothing)
{
	struct xlate before[64];
	u64 a;
	int i;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, GiB, GiB, KVM_PGTABLE_PROT_RWX));
	for (i = 0; i < 64; i++)
		before[i] = ref_walk(&self->pgt, GiB + i * (16 * MiB + 4096));
	for (i = 0; i < 2; i++) {
		pool.fail_after = i; /* the split needs 2 pages: fail the 1st, then the 2nd */
		EXPECT_EQ(-ENOMEM, kvm_pgtable_stage2_unmap(&self->pgt, GiB + 17 * MiB, 4096));
		for (a = 0; a < 64; a++)
			ASSERT_TRUE(same_xlate(before[a], ref_walk(&self->pgt, GiB + a * (16 * MiB + 4096))));
		EXPECT_EQ(1, ref_walk(&self->pgt, GiB + 17 * MiB).level);
	}
	pool.fail_after = -1;
	EXPECT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, GiB + 17 * MiB, 4096));
	EXPECT_FALSE(ref_walk(&self->pgt, GiB + 17 * MiB).valid);
}

/* Reference model: one state per 4 KiB page in a 4 GiB window. */
#define WIN_PAGES (4ull * GiB / 4096)
static u8 model[WIN_PAGES]; /* 0 empty, 1 normal RWX, 2 device RW, 2 + owner id */

static u64 rnd_state;
static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static bool model_matches(const struct kvm_pgtable *pgt, u64 page)
{
	struct xlate x = ref_walk(pgt, page * 4096);
	u8 m = model[page];

	switch (m) {
	case 0:
		return !x.valid && !x.owner;
	case 1:
		return x.valid && x.pa == page * 4096 && x.memattr == 0xf && x.s2ap == 3 && !x.xn;
	case 2:
		return x.valid && x.pa == page * 4096 && x.memattr == 1 && x.s2ap == 3 && x.xn;
	default:
		return !x.valid && x.owner == (unsigned int)(m - 2);
	}
}

/* Seeded random map/unmap/set_owner sequences agree with a page-array model. */
TEST_F(s2, random_sequences_match_model)
{
	u64 seed = 0x1234567 + variant->ia_bits, step, p, checked = 0;

	memset(model, 0, sizeof(model));
	rnd_state = seed;
	for (step = 0; step < 1500; step++) {
		u64 sizes[] = { 1, 3, 512, 512 * 512, 700, 1 + rnd() % 2048 };
		u64 n = sizes[rnd() % 6], first;
		unsigned int op = rnd() % 4;
		u8 owner = 1 + rnd() % 3;
		int ret;

		if (n == 512 || n == 512 * 512)
			first = (rnd() % (WIN_PAGES / n)) * n; /* block-aligned */
		else
			first = rnd() % WIN_PAGES;
		if (first + n > WIN_PAGES)
			n = WIN_PAGES - first;
		if (op == 0)
			ret = kvm_pgtable_stage2_map(&self->pgt, first * 4096, n * 4096, first * 4096,
						     KVM_PGTABLE_PROT_RWX);
		else if (op == 1)
			ret = kvm_pgtable_stage2_map(&self->pgt, first * 4096, n * 4096, first * 4096,
						     KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE);
		else if (op == 2)
			ret = kvm_pgtable_stage2_unmap(&self->pgt, first * 4096, n * 4096);
		else
			ret = kvm_pgtable_stage2_set_owner(&self->pgt, first * 4096, n * 4096, owner);
		if (ret) {
			TH_LOG("seed %llu step %llu: op %u failed %d", (unsigned long long)seed,
			       (unsigned long long)step, op, ret);
			ASSERT_EQ(0, ret);
		}
		for (p = first; p < first + n; p++)
			model[p] = op == 0 ? 1 : op == 1 ? 2 : op == 2 ? 0 : 2 + owner;
		/* Check the touched range, its edges, and a random sample elsewhere. */
		for (p = first ? first - 1 : 0; p < first + n + 1 && p < WIN_PAGES; p += 1 + n / 64) {
			if (!model_matches(&self->pgt, p)) {
				TH_LOG("seed %llu step %llu: page %llx disagrees (model %u)",
				       (unsigned long long)seed, (unsigned long long)step,
				       (unsigned long long)p, model[p]);
				ASSERT_TRUE(false);
			}
			checked++;
		}
		for (int k = 0; k < 16; k++) {
			p = rnd() % WIN_PAGES;
			if (!model_matches(&self->pgt, p)) {
				TH_LOG("seed %llu step %llu: page %llx disagrees (model %u)",
				       (unsigned long long)seed, (unsigned long long)step,
				       (unsigned long long)p, model[p]);
				ASSERT_TRUE(false);
			}
		}
	}
	/* Finally every page of the window. */
	for (p = 0; p < WIN_PAGES; p += 1) {
		if (!model_matches(&self->pgt, p)) {
			TH_LOG("seed %llu final: page %llx disagrees (model %u)",
			       (unsigned long long)seed, (unsigned long long)p, model[p]);
			ASSERT_TRUE(false);
		}
	}
	TH_LOG("seed %llu: %llu pages checked during the run", (unsigned long long)seed,
	       (unsigned long long)checked);
}

/* Did one recorded invalidation cover [addr, addr + 4 KiB)? */
static bool flushed(u64 addr)
{
	int i;

	for (i = 0; i < nr_flushes; i++)
		if (flushes[i].addr <= addr && addr + 4096 <= flushes[i].addr + flushes[i].size)
			return true;
	return false;
}

/* Output not aligned to a block: every page translates to its own address, no block. */
TEST_F(s2, unaligned_output_stays_in_pages)
{
	u64 ipa = 2 * MiB, pa = 64 * MiB + 4096, i;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, ipa, 2 * MiB, pa,
					    KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W));
	for (i = 0; i < 512; i++) {
		struct xlate x = ref_walk(&self->pgt, ipa + i * 4096 + 8);

		ASSERT_TRUE(x.valid);
		ASSERT_EQ(pa + i * 4096 + 8, x.pa);
		ASSERT_EQ(3, x.level);
	}
}

/* Leaves with equal attributes but not contiguous output never merge into a block. */
TEST_F(s2, discontiguous_leaves_do_not_merge)
{
	u64 ipa = 2 * MiB, i;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, ipa, 2 * MiB, 64 * MiB, KVM_PGTABLE_PROT_RWX));
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, ipa + 5 * 4096, 4096, 128 * MiB,
					    KVM_PGTABLE_PROT_RWX));
	for (i = 0; i < 512; i++) {
		struct xlate x = ref_walk(&self->pgt, ipa + i * 4096);

		ASSERT_TRUE(x.valid);
		ASSERT_EQ(i == 5 ? 128 * MiB : 64 * MiB + i * 4096, x.pa);
	}
}

/* A range one page short of a block never maps, unmaps or annotates its last page. */
TEST_F(s2, range_one_page_short_of_a_block)
{
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 2 * MiB, 2 * MiB - 4096, 2 * MiB,
					    KVM_PGTABLE_PROT_RWX));
	EXPECT_TRUE(ref_walk(&self->pgt, 4 * MiB - 8192).valid);
	EXPECT_FALSE(ref_walk(&self->pgt, 4 * MiB - 4096).valid);
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 6 * MiB, 2 * MiB, 6 * MiB,
					    KVM_PGTABLE_PROT_RWX));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, 6 * MiB, 2 * MiB - 4096, 5));
	EXPECT_EQ(5u, ref_walk(&self->pgt, 8 * MiB - 8192).owner);
	EXPECT_TRUE(ref_walk(&self->pgt, 8 * MiB - 4096).valid);
}

/* Changing permissions is invalidated (only a change of software bits is not). */
TEST_F(s2, permission_change_is_invalidated)
{
	u64 ipa = 10 * MiB + 3 * 4096;

	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, ipa, 4096, ipa,
					    KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W));
	nr_flushes = 0;
	/* Only S2AP.W changes. */
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, ipa, 4096, ipa, KVM_PGTABLE_PROT_R));
	EXPECT_TRUE(flushed(ipa));
	EXPECT_EQ(1u, ref_walk(&self->pgt, ipa).s2ap);
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, ipa, 4096, ipa,
					    KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_SW0));
	EXPECT_EQ(0, nr_flushes);
}

/* A table page a merge unlinks returns to the pool only after its invalidation. */
TEST_F(s2, merged_table_is_freed_after_the_flush)
{
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 2 * MiB, 2 * MiB, 2 * MiB, KVM_PGTABLE_PROT_RWX));
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, 3 * MiB, 4096));
	nr_flushes = 0;
	pool.put_unflushed = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 3 * MiB, 4096, 3 * MiB, KVM_PGTABLE_PROT_RWX));
	EXPECT_EQ(2, ref_walk(&self->pgt, 3 * MiB).level); /* merged */
	EXPECT_TRUE(flushed(3 * MiB));
	EXPECT_EQ(0, pool.put_unflushed);
}

/* ---- the merge policy: idle tables (hyp/pgtable.c) ----------------------------- */

FIXTURE(idle)
{
	struct kvm_pgtable pgt;
};

FIXTURE_VARIANT(idle)
{
	u32 flags;
};

/* An SMMU with BBML 2: every merge may wait. */
FIXTURE_VARIANT_ADD(idle, inplace){ .flags = KVM_PGTABLE_S2_INPLACE_RESIZE };
/* A CPU stage-2 without FEAT_BBM 2: only merges into an invalid block wait. */
FIXTURE_VARIANT_ADD(idle, bbm){ .flags = 0 };

#define IDLE_MAX 4
#define IDLE_AGE 8

FIXTURE_SETUP(idle)
{
	memset(&pool, 0, sizeof(pool));
	pool.fail_after = -1;
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_init(&self->pgt, 44, &mm_ops, NULL));
	self->pgt.flags = variant->flags;
	ASSERT_EQ(0, kvm_pgtable_stage2_set_idle_policy(&self->pgt, IDLE_MAX, IDLE_AGE));
	/* RAM-like: 4 GiB of 1 GiB blocks, then a hole in the first one. */
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, 4 * GiB, GiB, KVM_PGTABLE_PROT_RWX));
}

FIXTURE_TEARDOWN(idle)
{
	kvm_pgtable_stage2_destroy(&self->pgt);
	EXPECT_EQ(pool.allocated, pool.freed);
}

/* One change elsewhere that needs and leaves no table: a whole 1 GiB block annotated and back. */
static void change_elsewhere(struct __test_metadata *_metadata, struct kvm_pgtable *pgt)
{
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(pgt, 4 * GiB, GiB, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_map(pgt, 4 * GiB, GiB, 4 * GiB, KVM_PGTABLE_PROT_RWX));
}

/*
 * A table whose hole was mapped again waits as an idle table (BBM 2), or
 * merges at once (break-before-make, valid block); an idle one merges after
 * IDLE_AGE further changes elsewhere, inside that change's invalidation and
 * before its page goes back, translating exactly as before throughout.
 */
TEST_F(idle, idle_table_merges_after_its_age)
{
	u64 hole = GiB + 300 * MiB + 5 * 4096, i;
	long base = tables_in_use();
	bool waits = variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE;
	struct xlate before = ref_walk(&self->pgt, GiB + 12345 * 4096);

	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, hole, 4096));
	EXPECT_EQ(base + 2, tables_in_use());
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, hole, 4096, hole, KVM_PGTABLE_PROT_RWX));
	EXPECT_TRUE(same_xlate(before, ref_walk(&self->pgt, GiB + 12345 * 4096)));
	EXPECT_TRUE(ref_walk(&self->pgt, hole).valid);
	if (!waits) {
		EXPECT_EQ(base, tables_in_use());
		EXPECT_EQ(1, ref_walk(&self->pgt, hole).level);
		EXPECT_EQ(0u, self->pgt.nr_idle);
		return;
	}
	EXPECT_EQ(base + 2, tables_in_use());
	EXPECT_EQ(1u, self->pgt.nr_idle);
	EXPECT_EQ(3, ref_walk(&self->pgt, hole).level);
	for (i = 0; i + 1 < IDLE_AGE / 2; i++)
		change_elsewhere(_metadata, &self->pgt);
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, 4 * GiB, GiB, 2));
	EXPECT_EQ(base + 2, tables_in_use()); /* IDLE_AGE - 1 changes: still kept */
	nr_flushes = 0;
	pool.put_unflushed = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 4 * GiB, GiB, 4 * GiB, KVM_PGTABLE_PROT_RWX));
	EXPECT_EQ(base, tables_in_use()); /* both tables: the idle one and the one above */
	EXPECT_EQ(0u, self->pgt.nr_idle);
	EXPECT_EQ(1, ref_walk(&self->pgt, hole).level);
	EXPECT_TRUE(same_xlate(before, ref_walk(&self->pgt, GiB + 12345 * 4096)));
	EXPECT_EQ(1, nr_flushes); /* one invalidation for the change and the merge */
	EXPECT_TRUE(flushed(hole));
	EXPECT_EQ(0, pool.put_unflushed);
}

/* A page taken and given back again and again: one descriptor each time, no table. */
TEST_F(idle, repeated_change_of_one_page_splits_nothing)
{
	u64 p = 2 * GiB + 7 * MiB + 3 * 4096, writes;
	long allocated;
	int i;

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, p, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, p, 4096, p, KVM_PGTABLE_PROT_RWX));
	allocated = pool.allocated;
	writes = self->pgt.nr_pte_writes;
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, p, 4096, 2));
		EXPECT_EQ(2u, ref_walk(&self->pgt, p).owner);
		ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, p, 4096, p, KVM_PGTABLE_PROT_RWX));
		EXPECT_TRUE(ref_walk(&self->pgt, p).valid);
	}
	if (variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE) {
		EXPECT_EQ(allocated, pool.allocated);
		EXPECT_EQ(200u, self->pgt.nr_pte_writes - writes);
	} else {
		EXPECT_EQ(allocated + 200, pool.allocated); /* split and merged each time */
	}
}

/*
 * An update that keeps its tables merges no idle table, even one that falls
 * due in it and that the update itself made one block: its undo must need
 * no memory. Here a table kept idle while one of its entries still differed
 * (a candidate, never read whole) falls due in the very update that makes
 * it uniform; merging it there would make the undo split it again.
 */
TEST_F(idle, keep_tables_update_merges_no_due_idle_table)
{
	u64 r = 6 * GiB; /* beyond the mapping: invalid, so its tables wait in both variants */
	long tables;
	int i;

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 2 * MiB, 3));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 0));
	/* Entry 5 changed and back: the table is kept idle, entry 1 still 0. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 5 * 4096, 4096, 0));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 5 * 4096, 4096, 3));
	EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
	/* Another one kept after it: the update below does not write the newest. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 2 * MiB, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 2 * MiB, 4096, 0));
	EXPECT_EQ(2u, self->pgt.nr_idle);
	/* IDLE_AGE - 1 further updates in all: the next one finds it due. */
	for (i = 0; i < IDLE_AGE / 2 - 2; i++)
		change_elsewhere(_metadata, &self->pgt);
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, 4 * GiB, GiB, 2));
	EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
	tables = tables_in_use();
	/* The first step of a change: the table becomes uniform (all owner 3). */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, r + 4096, 4096, 3));
	EXPECT_EQ(tables, tables_in_use());
	EXPECT_EQ(3, ref_walk(&self->pgt, r + 4096).level);
	/* Its undo, with no memory at all. */
	pool.fail_after = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 0));
	pool.fail_after = -1;
	EXPECT_EQ(0u, ref_walk(&self->pgt, r + 4096).owner);
	EXPECT_EQ(3u, ref_walk(&self->pgt, r).owner);
	EXPECT_EQ(3u, ref_walk(&self->pgt, r + 2 * MiB - 4096).owner);
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 4 * GiB, GiB, 4 * GiB, KVM_PGTABLE_PROT_RWX));
}

/*
 * A page given back and forth whose change is undone-able (the host's
 * reclaim, the SMMU's unmap: keep-tables updates): the newest idle table,
 * written by such an update, stays idle, its age counted from that update,
 * so the change after it finds it in place; none merges before the undo,
 * which needs no memory; and it merges once due, as any other.
 */
TEST_F(idle, keep_tables_update_keeps_the_newest_idle_table)
{
	u64 r = 6 * GiB + 8 * MiB;
	long tables;
	int i;

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 4096, 0));
	ASSERT_EQ(1u, self->pgt.nr_idle);
	tables = tables_in_use();
	/* IDLE_AGE - 1 further updates: the next one would find it due. */
	for (i = 0; i < IDLE_AGE / 2 - 1; i++)
		change_elsewhere(_metadata, &self->pgt);
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, 4 * GiB, GiB, 2));
	/* The first step of a change, into it: it stays, uniform, and is not due. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, r, 4096, 3));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, r, 4096, 0));
	EXPECT_EQ(1u, self->pgt.nr_idle);
	EXPECT_EQ(tables, tables_in_use());
	EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
	/* The undo, with no memory at all, and the next change: no table moves. */
	pool.fail_after = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 4096, 3));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 4096, 0));
	pool.fail_after = -1;
	EXPECT_EQ(1u, self->pgt.nr_idle);
	EXPECT_EQ(tables, tables_in_use());
	/* Due IDLE_AGE updates after the last one that wrote it: merged. */
	for (i = 0; i < IDLE_AGE / 2; i++)
		change_elsewhere(_metadata, &self->pgt);
	EXPECT_EQ(0u, self->pgt.nr_idle);
	EXPECT_EQ(0u, ref_walk(&self->pgt, r).owner);
	EXPECT_FALSE(ref_walk(&self->pgt, r).valid);
	EXPECT_GT(3, ref_walk(&self->pgt, r).level);
}

/*
 * The newest idle table, of invalid entries, mapped piece by piece: once
 * valid, without BBM 2 it may not wait any more and merges into a valid
 * block in the update that completes it, as with no policy; with BBM 2 it
 * stays idle.
 */
TEST_F(idle, newest_idle_table_mapped_valid_waits_only_with_bbm2)
{
	u64 r = 6 * GiB + 10 * MiB;

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 0));
	ASSERT_EQ(1u, self->pgt.nr_idle);
	ASSERT_EQ(0,
		  kvm_pgtable_stage2_map(&self->pgt, r, 2 * MiB - 4096, r, KVM_PGTABLE_PROT_RWX));
	EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, r + 2 * MiB - 4096, 4096,
					    r + 2 * MiB - 4096, KVM_PGTABLE_PROT_RWX));
	EXPECT_TRUE(ref_walk(&self->pgt, r + 2 * MiB - 4096).valid);
	if (variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE) {
		EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
		EXPECT_EQ(1u, self->pgt.nr_idle);
	} else {
		EXPECT_EQ(2, ref_walk(&self->pgt, r).level);
		EXPECT_EQ(0u, self->pgt.nr_idle);
	}
}

/*
 * A table that sees only updates keeping their tables (an SMMU while the host
 * only donates: every unmap is the first step of a change) still ages its
 * idle tables out: they merge IDLE_AGE updates after they were last written,
 * inside one of those updates.
 */
TEST_F(idle, idle_tables_age_out_under_keep_tables_updates)
{
	u64 r = 6 * GiB + 12 * MiB, i;
	long base = tables_in_use();

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 4096, 0));
	ASSERT_EQ(1u, self->pgt.nr_idle);
	/* Whole 1 GiB blocks annotated in turn: keep-tables updates that need no table. */
	for (i = 0; i < IDLE_AGE - 1; i++)
		ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, 4 * GiB, GiB,
								      i & 1 ? 2 : 3));
	EXPECT_EQ(1u, self->pgt.nr_idle);
	EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_keep_tables(&self->pgt, 4 * GiB, GiB, 2));
	EXPECT_EQ(0u, self->pgt.nr_idle);
	EXPECT_GT(3, ref_walk(&self->pgt, r).level);
	EXPECT_FALSE(ref_walk(&self->pgt, r).valid);
	EXPECT_GT(base + 2, tables_in_use());
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, 4 * GiB, GiB, 4 * GiB, KVM_PGTABLE_PROT_RWX));
}

/* More than IDLE_MAX idle tables: the oldest merge first. */
TEST_F(idle, oldest_idle_tables_merge_beyond_the_limit)
{
	u64 i;

	/* None grows old here: only the limit can merge them. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_idle_policy(&self->pgt, IDLE_MAX, 1000));
	/* Unmapped space: the tables merge into invalid blocks, which wait in both variants. */
	for (i = 0; i < IDLE_MAX + 2; i++) {
		u64 p = 6 * GiB + i * 2 * MiB + 4096;

		ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, p, 4096, 2));
		ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, p, 4096));
	}
	EXPECT_EQ((u32)IDLE_MAX, self->pgt.nr_idle);
	for (i = 0; i < IDLE_MAX + 2; i++)
		EXPECT_EQ(i < 2 ? 2 : 3, ref_walk(&self->pgt, 6 * GiB + i * 2 * MiB + 4096).level);
}

/*
 * The pool ran dry: idle tables are merged first (their own invalidation,
 * before their pages are reused), then the change gets its tables.
 */
TEST_F(idle, a_dry_pool_takes_idle_tables_back)
{
	u64 a = 6 * GiB + 4096, b = 3 * GiB + 5 * 4096;
	long base;

	/* Beyond the mapping: tables of empty entries, which merge into an invalid block. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, a, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_unmap(&self->pgt, a, 4096));
	base = tables_in_use();
	pool.limit = base; /* not one page more */
	nr_flushes = 0;
	pool.put_unflushed = 0;
	if (!self->pgt.nr_idle) {
		/* Merged at once (invalid block: waits in both variants, so never here). */
		EXPECT_TRUE(false);
		return;
	}
	EXPECT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, b, 4096, 2));
	EXPECT_EQ(2u, ref_walk(&self->pgt, b).owner);
	EXPECT_EQ(0u, ref_walk(&self->pgt, a).owner);
	EXPECT_FALSE(ref_walk(&self->pgt, a).valid);
	EXPECT_EQ(0u, self->pgt.nr_idle);
	/* The documented exception: the merge's, then the change's (and a break's). */
	if (variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE)
		EXPECT_EQ(2, nr_flushes);
	else
		EXPECT_GE(nr_flushes, 2);
	EXPECT_EQ(0, pool.put_unflushed);
	/* With no idle table left, a dry pool is -ENOMEM and changes nothing. */
	pool.limit = tables_in_use();
	EXPECT_EQ(-ENOMEM, kvm_pgtable_stage2_set_owner(&self->pgt, 3 * GiB + 600 * MiB, 4096, 2));
	EXPECT_TRUE(ref_walk(&self->pgt, 3 * GiB + 600 * MiB).valid);
	pool.limit = 0;
}

/*
 * Several ranges in one update: one invalidation for all of them, and
 * all or nothing when the pool fails at any of the tables they need.
 */
TEST_F(idle, ranges_in_one_update)
{
	static const struct kvm_pgtable_range r[] = {
		{ GiB + 4096, 4096 }, { GiB + 3 * MiB, 8192 }, { 3 * GiB + 0x5000, 4096 },
	};
	static const struct kvm_pgtable_range unsorted[] = { { 2 * GiB, 4096 }, { GiB, 4096 } };
	static const struct kvm_pgtable_range overlapping[] = { { GiB, 8192 }, { GiB + 4096, 4096 } };
	long k, need;
	unsigned int i;

	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_set_owner_ranges(&self->pgt, unsorted, 2, 2));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_set_owner_ranges(&self->pgt, overlapping, 2, 2));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_set_owner_ranges(&self->pgt, r, 0, 2));
	need = pool.allocated;
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_ranges(&self->pgt, r, 3, 2));
	need = pool.allocated - need;
	ASSERT_EQ(0, kvm_pgtable_stage2_map_ranges(&self->pgt, r, 3, KVM_PGTABLE_PROT_RWX));
	kvm_pgtable_stage2_destroy(&self->pgt);
	ASSERT_EQ(0, kvm_pgtable_stage2_init(&self->pgt, 44, &mm_ops, NULL));
	self->pgt.flags = variant->flags;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, GiB, 4 * GiB, GiB, KVM_PGTABLE_PROT_RWX));
	/*
	 * 1 GiB: a level-2 and two level-3 tables; 3 GiB: one of each. The count
	 * runs before any range is written, so the 1 GiB block is counted twice.
	 */
	EXPECT_GE(need, 5);
	for (k = 0; k < need; k++) {
		pool.fail_after = k;
		EXPECT_EQ(-ENOMEM, kvm_pgtable_stage2_set_owner_ranges(&self->pgt, r, 3, 2));
		for (i = 0; i < 3; i++)
			EXPECT_TRUE(ref_walk(&self->pgt, r[i].addr).valid);
		EXPECT_EQ(1, ref_walk(&self->pgt, GiB).level);
		EXPECT_EQ(1, ref_walk(&self->pgt, 3 * GiB).level);
	}
	pool.fail_after = -1;
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner_ranges(&self->pgt, r, 3, 2));
	if (variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE)
		EXPECT_EQ(1, nr_flushes);
	else
		EXPECT_GE(nr_flushes, 1); /* and one per break of a valid block */
	for (i = 0; i < 3; i++) {
		EXPECT_TRUE(flushed(r[i].addr));
		EXPECT_EQ(2u, ref_walk(&self->pgt, r[i].addr).owner);
		EXPECT_EQ(2u, ref_walk(&self->pgt, r[i].addr + r[i].size - 4096).owner);
		EXPECT_TRUE(ref_walk(&self->pgt, r[i].addr - 4096).valid);
		EXPECT_TRUE(ref_walk(&self->pgt, r[i].addr + r[i].size).valid);
	}
	ASSERT_EQ(0, kvm_pgtable_stage2_map_ranges(&self->pgt, r, 3, KVM_PGTABLE_PROT_RWX));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(r[i].addr, ref_walk(&self->pgt, r[i].addr).pa);
}

/*
 * The newest idle table is a walk cache: an update inside it walks from its
 * entry (nr_idle_walks: the dry run and the commit, two per update); one
 * elsewhere walks from the root.
 */
TEST_F(idle, an_update_inside_the_newest_idle_table_walks_from_it)
{
	u64 r = 6 * GiB + 10 * MiB, walks; /* invalid: its tables wait in both variants */

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 2));
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 0));
	ASSERT_EQ(1u, self->pgt.nr_idle);
	walks = self->pgt.nr_idle_walks;
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 2 * MiB - 4096, 4096, 3));
	EXPECT_EQ(walks + 2, self->pgt.nr_idle_walks);
	EXPECT_EQ(3u, ref_walk(&self->pgt, r + 2 * MiB - 4096).owner);
	EXPECT_EQ(0u, ref_walk(&self->pgt, r + 2 * MiB - 8192).owner);
	EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
	/* Just past the table: from the root. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 2 * MiB, 4096, 3));
	EXPECT_EQ(walks + 2, self->pgt.nr_idle_walks);
	/* Straddling the table's end: from the root too. */
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 2 * MiB - 4096, 8192, 0));
	EXPECT_EQ(walks + 2, self->pgt.nr_idle_walks);
	EXPECT_EQ(0u, ref_walk(&self->pgt, r + 2 * MiB).owner);
}

/*
 * An update walking from the newest idle table that makes the table one
 * valid block: without BBM 2 the table may not wait and merges -- and so,
 * then, does the table above it, which the walk from the entry never saw:
 * the whole gigabyte is one block again, its two tables back in the pool,
 * as with a walk from the root. With BBM 2 the table stays idle.
 */
TEST_F(idle, a_merge_below_a_walk_from_the_idle_table_merges_the_tables_above)
{
	u64 r = GiB + 10 * MiB, walks;
	long base = tables_in_use();

	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r + 4096, 4096, 2));
	ASSERT_EQ(base + 2, tables_in_use());
	ASSERT_EQ(0, kvm_pgtable_stage2_set_owner(&self->pgt, r, 2 * MiB, 2));
	ASSERT_EQ(1u, self->pgt.nr_idle); /* all annotated alike: kept, unmerged */
	ASSERT_EQ(3, ref_walk(&self->pgt, r).level);
	walks = self->pgt.nr_idle_walks;
	nr_flushes = 0;
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, r, 2 * MiB, r, KVM_PGTABLE_PROT_RWX));
	EXPECT_EQ(walks + 2, self->pgt.nr_idle_walks);
	EXPECT_EQ(r + 4096, ref_walk(&self->pgt, r + 4096).pa);
	EXPECT_TRUE(ref_walk(&self->pgt, r + 2 * MiB - 4096).valid);
	if (variant->flags & KVM_PGTABLE_S2_INPLACE_RESIZE) {
		EXPECT_EQ(3, ref_walk(&self->pgt, r).level);
		EXPECT_EQ(base + 2, tables_in_use());
		EXPECT_EQ(1u, self->pgt.nr_idle);
	} else {
		EXPECT_EQ(1, ref_walk(&self->pgt, r).level);
		EXPECT_EQ(base, tables_in_use());
		EXPECT_EQ(0u, self->pgt.nr_idle);
		EXPECT_TRUE(flushed(r));
	}
}

/*
 * Seeded random changes packed into 4 MiB across a gigabyte boundary, so
 * that many land in the newest idle table and walk from it, agree with the
 * page-array model; mapped back as it was, once the idle tables aged out,
 * the two gigabytes are blocks again and every table is back in the pool.
 */
TEST_F(idle, random_changes_near_the_newest_idle_table_match_model)
{
	u64 first_page = (2 * GiB - 2 * MiB) / 4096, nr = 1024, step, p, q, walks;
	long base = tables_in_use();

	memset(model, 0, sizeof(model));
	for (p = GiB / 4096; p < WIN_PAGES; p++)
		model[p] = 1;
	rnd_state = 0x5eed + variant->flags;
	walks = self->pgt.nr_idle_walks;
	for (step = 0; step < 2000; step++) {
		u64 sizes[] = { 1, 1, 2, 7, 512, 1 + rnd() % 600 };
		u64 n = sizes[rnd() % 6], first;
		unsigned int op = rnd() % 4;
		u8 owner = 1 + rnd() % 3;
		int ret;

		/* Mostly near the last change, as a host reusing its buffers. */
		first = first_page + (n == 512 ? (rnd() % 2) * 512 : rnd() % nr);
		if (first + n > first_page + nr)
			n = first_page + nr - first;
		if (op == 0)
			ret = kvm_pgtable_stage2_map(&self->pgt, first * 4096, n * 4096,
						     first * 4096, KVM_PGTABLE_PROT_RWX);
		else if (op == 1)
			ret = kvm_pgtable_stage2_map(&self->pgt, first * 4096, n * 4096,
						     first * 4096,
						     KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE);
		else if (op == 2)
			ret = kvm_pgtable_stage2_unmap(&self->pgt, first * 4096, n * 4096);
		else
			ret = kvm_pgtable_stage2_set_owner(&self->pgt, first * 4096, n * 4096,
							   owner);
		ASSERT_EQ(0, ret);
		for (p = first; p < first + n; p++)
			model[p] = op == 0 ? 1 : op == 1 ? 2 : op == 2 ? 0 : 2 + owner;
		for (q = first_page - 1; q <= first_page + nr; q++) {
			if (!model_matches(&self->pgt, q)) {
				TH_LOG("step %llu: page %llx disagrees (model %u)",
				       (unsigned long long)step, (unsigned long long)q, model[q]);
				ASSERT_TRUE(false);
			}
		}
	}
	TH_LOG("%llu of 4000 walks from the newest idle table",
	       (unsigned long long)(self->pgt.nr_idle_walks - walks));
	EXPECT_GE(self->pgt.nr_idle_walks - walks, 400u);
	ASSERT_EQ(0, kvm_pgtable_stage2_map(&self->pgt, first_page * 4096, nr * 4096,
					    first_page * 4096, KVM_PGTABLE_PROT_RWX));
	for (step = 0; step < IDLE_AGE + IDLE_MAX; step++)
		change_elsewhere(_metadata, &self->pgt);
	EXPECT_EQ(1, ref_walk(&self->pgt, first_page * 4096).level);
	EXPECT_EQ(1, ref_walk(&self->pgt, (first_page + nr - 1) * 4096).level);
	EXPECT_EQ(base, tables_in_use());
}

/* Bad policies are refused. */
TEST(idle_policy_limits)
{
	struct kvm_pgtable pgt = { 0 };

	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_set_idle_policy(&pgt, KVM_PGTABLE_IDLE_SLOTS / 2 + 1, 8));
	EXPECT_EQ(-EINVAL, kvm_pgtable_stage2_set_idle_policy(&pgt, 4, 0));
	EXPECT_EQ(0, kvm_pgtable_stage2_set_idle_policy(&pgt, KVM_PGTABLE_IDLE_SLOTS / 2, 1));
}

TEST_HARNESS_MAIN
