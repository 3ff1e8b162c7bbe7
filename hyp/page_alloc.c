// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page pool (see include/isohyp/page_alloc.h). A bump pointer over the
 * never-used part plus a free list of returned pages: simple, O(1), and
 * enough for page tables. No buddy allocator: contiguous allocations are
 * only made at boot, from the bump region.
 */
#include <string.h>

#include <isohyp/bits.h>
#include <isohyp/page_alloc.h>

void hyp_pool_init(struct hyp_pool *pool, u64 base, u64 nr_pages)
{
	hyp_spin_lock_init(&pool->lock, HYP_LOCK_POOL);
	pool->base = base;
	pool->next = base;
	pool->end = base + nr_pages * SZ_4K;
	pool->free_list = NULL;
	pool->nr_free = nr_pages;
	pool->nr_used = 0;
}

static void *pool_take_locked(struct hyp_pool *pool, u64 nr)
{
	void *p = NULL;

	if (nr == 1 && pool->free_list) {
		p = pool->free_list;
		pool->free_list = *(void **)p;
		goto out;
	}
	/*
	 * Contiguous runs are aligned to their size rounded up to a power of
	 * two: SMMU queues and stream tables must be (SMMUv3 6.3.23, 6.3.25).
	 * Pages skipped for that go to the free list.
	 */
	if (nr > 1) {
		u64 align = SZ_4K;

		while (align < nr * SZ_4K)
			align <<= 1;
		while (!IS_ALIGNED(pool->next, align) && pool->end - pool->next >= SZ_4K) {
			*(void **)(uintptr_t)pool->next = pool->free_list;
			pool->free_list = (void *)(uintptr_t)pool->next;
			pool->next += SZ_4K;
		}
	}
	if (pool->end - pool->next >= nr * SZ_4K) {
		p = (void *)(uintptr_t)pool->next;
		pool->next += nr * SZ_4K;
	}
out:
	if (p) {
		pool->nr_free -= nr;
		pool->nr_used += nr;
	}
	return p;
}

void *hyp_alloc_pages_contig(struct hyp_pool *pool, u64 nr)
{
	void *p;

	hyp_spin_lock(&pool->lock);
	p = nr ? pool_take_locked(pool, nr) : NULL;
	hyp_spin_unlock(&pool->lock);
	if (p)
		memset(p, 0, nr * SZ_4K);
	return p;
}

void *hyp_alloc_page(struct hyp_pool *pool)
{
	return hyp_alloc_pages_contig(pool, 1);
}

void hyp_free_page(struct hyp_pool *pool, void *page)
{
	hyp_spin_lock(&pool->lock);
	*(void **)page = pool->free_list;
	pool->free_list = page;
	pool->nr_free++;
	pool->nr_used--;
	hyp_spin_unlock(&pool->lock);
}
