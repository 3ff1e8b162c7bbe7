/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's page pool: 4 KiB pages carved out of the carve-out after
 * the image, handed out zeroed. Page tables (EL2 stage-1, host stage-2, the
 * SMMU's) and per-CPU stacks come from here; nothing here is ever mapped for
 * the host. One lock per pool.
 */
#ifndef ISOHYP_PAGE_ALLOC_H
#define ISOHYP_PAGE_ALLOC_H

#include <asm/spinlock.h>
#include <isohyp/types.h>

struct hyp_pool {
	hyp_spinlock_t lock;
	u64 base, end; /* [base, end): never-used pages start at next */
	u64 next;
	void *free_list; /* freed pages, linked through their first word */
	u64 nr_free, nr_used;
};

void hyp_pool_init(struct hyp_pool *pool, u64 base, u64 nr_pages);
/* A zeroed page, or NULL when the pool is empty. */
void *hyp_alloc_page(struct hyp_pool *pool);
/*
 * nr physically contiguous zeroed pages from the never-used part, aligned to
 * their size rounded up to a power of two, or NULL.
 */
void *hyp_alloc_pages_contig(struct hyp_pool *pool, u64 nr);
void hyp_free_page(struct hyp_pool *pool, void *page);

#endif /* ISOHYP_PAGE_ALLOC_H */
