// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stage-2 page tables (see include/isohyp/pgtable.h): VMSAv8-64 stage-2
 * translation with the 4 KiB granule, Arm ARM (DDI 0487) D8.2-D8.3.
 *
 * One walker visits table entries before/after their subtree and leaves in
 * address order; map, unmap and set_owner are leaf callbacks that either
 * write the whole entry (a block or page, or an invalid descriptor) when the
 * requested range covers it, or split it into a next-level table that
 * reproduces it, which the walker then descends into.
 *
 * Every update is check-then-commit: a dry run of the same walk counts the
 * table pages the update will need, they are allocated up front, and only
 * then is anything written. So -ENOMEM leaves the tables untouched.
 *
 * Break-before-make (D8.14.1) is done in one place, stage2_set_pte(): a valid
 * descriptor is replaced by a different one only after it was made invalid
 * and the TLBs were invalidated through mm_ops->tlb_flush -- except for a
 * change of block size that keeps every translation (a split, a merge) on a
 * table whose walkers allow that in place (KVM_PGTABLE_S2_INPLACE_RESIZE:
 * FEAT_BBM level 2, SMMU_IDR3.BBML == 2), and for a change of software bits
 * only, which the walkers ignore.
 *
 * Invalidation is batched: an update collects the range whose translations
 * it removed or changed and calls tlb_flush once, at its end (or earlier,
 * when break-before-make needs it). Table pages it made unreachable are
 * freed only after that.
 *
 * After an update, every table it visited whose 512 entries now describe
 * one block -- the same invalid descriptor, or contiguous leaves with equal
 * attributes -- is merged back into that block descriptor and its page
 * returns to the pool (unless KVM_PGTABLE_S2_NO_MERGE, or the update keeps
 * tables: the first step of a change that may be undone, whose undo must
 * not need memory; kvm_pgtable_stage2_merge() merges afterwards), at once
 * or, with a merge policy set, later ("Idle tables" below).
 */
#include <string.h>

#include <isohyp/errno.h>
#include <isohyp/pgtable.h>

/* Unreachable table pages an update holds before it flushes and frees them. */
#define STAGE2_DEAD_MAX 64
/*
 * Idle tables an update merges because they are due, at most: their walks
 * and merges add to its latency, and their unlinked tables (and the tables
 * above them that merge too, at most three each) must fit STAGE2_DEAD_MAX.
 */
#define STAGE2_IDLE_MERGES_MAX 16

struct walk_data {
	struct kvm_pgtable *pgt;
	struct kvm_pgtable_walker *walker;
	u64 addr, end;
};

enum stage2_op_kind {
	STAGE2_OP_MAP,
	STAGE2_OP_INVALIDATE, /* unmap (annotation 0) or set_owner */
	STAGE2_OP_MERGE, /* no leaf changes: only the merges after it */
};

struct stage2_op {
	struct kvm_pgtable *pgt;
	enum stage2_op_kind kind;
	const struct kvm_pgtable_range *ranges; /* sorted, disjoint */
	u32 nr_ranges;
	bool identity; /* MAP: each range to itself */
	bool merge_now; /* merging idle tables: merge whatever can be */
	u64 start, end, phys; /* the range being walked */
	enum kvm_pgtable_prot prot;
	kvm_pte_t invalid; /* the descriptor an INVALIDATE writes */
	bool dry; /* count tables, change nothing */
	bool keep_tables; /* merge nothing: an undo must not need memory */
	u32 written; /* BIT(level) for each level at which the update wrote an entry */
	u64 tables_needed;
	void *cache; /* preallocated table pages, linked through their first word */
	u64 cache_nr;
	u64 flush_start, flush_end; /* translations removed, not yet invalidated */
	void *dead[STAGE2_DEAD_MAX]; /* table pages to free after the flush */
	u32 dead_nr;
};

static kvm_pte_t *pte_follow(const struct kvm_pgtable *pgt, kvm_pte_t pte)
{
	return pgt->mm_ops->phys_to_virt(kvm_pte_to_phys(pte));
}

static u32 pgtable_levels_end(void)
{
	return KVM_PGTABLE_MAX_LEVELS - 1;
}

/* ---- the walker ---------------------------------------------------------- */

static int walk_table(struct walk_data *d, kvm_pte_t *table, u32 level, u64 base);

static int visit_entry(struct walk_data *d, kvm_pte_t *ptep, u32 level, u64 addr)
{
	struct kvm_pgtable_walker *w = d->walker;
	struct kvm_pgtable_visit_ctx ctx = {
		.ptep = ptep, .old = *ptep, .arg = w->arg,
		.addr = addr, .end = addr + kvm_granule_size(level), .level = level,
	};
	bool table = kvm_pte_table(ctx.old, level);
	int ret = 0;

	if (table && (w->flags & KVM_PGTABLE_WALK_TABLE_PRE))
		ret = w->cb(&ctx, KVM_PGTABLE_WALK_TABLE_PRE);
	if (!table && (w->flags & KVM_PGTABLE_WALK_LEAF)) {
		ret = w->cb(&ctx, KVM_PGTABLE_WALK_LEAF);
		/* The callback may have split the leaf: then walk the new table. */
		table = kvm_pte_table(*ptep, level);
	}
	if (ret || !table)
		return ret;
	ret = walk_table(d, pte_follow(d->pgt, *ptep), level + 1, addr);
	if (!ret && (w->flags & KVM_PGTABLE_WALK_TABLE_POST)) {
		ctx.old = *ptep;
		ret = w->cb(&ctx, KVM_PGTABLE_WALK_TABLE_POST);
	}
	return ret;
}

static int walk_table(struct walk_data *d, kvm_pte_t *table, u32 level, u64 base)
{
	u64 gsize = kvm_granule_size(level);
	u64 idx = d->addr > base ? (d->addr - base) >> kvm_granule_shift(level) : 0;
	int ret;

	for (; idx < KVM_PTES_PER_TABLE; idx++) {
		u64 addr = base + idx * gsize;

		if (addr >= d->end)
			break;
		ret = visit_entry(d, &table[idx], level, addr);
		if (ret)
			return ret;
	}
	return 0;
}

static bool range_ok(const struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	return size && IS_ALIGNED(addr | size, SZ_4K) && addr + size > addr &&
	       addr + size <= BIT(pgt->ia_bits);
}

/*
 * Walk [addr, end), which lies inside the entry @ptep at @level for the
 * block at @base, from that entry down: the walk from the root without the
 * levels above it. The caller knows the entry is in the tables.
 */
static int walk_from_entry(struct kvm_pgtable *pgt, kvm_pte_t *ptep, u32 level, u64 base, u64 addr,
			   u64 end, struct kvm_pgtable_walker *walker)
{
	struct walk_data d = { pgt, walker, addr, end };

	return visit_entry(&d, ptep, level, base);
}

int kvm_pgtable_walk(struct kvm_pgtable *pgt, u64 addr, u64 size,
		     struct kvm_pgtable_walker *walker)
{
	struct walk_data d = { pgt, walker, ALIGN_DOWN(addr, SZ_4K), 0 };

	if (!size || addr + size < addr || addr + size > BIT(pgt->ia_bits))
		return -EINVAL;
	d.end = ALIGN_UP(addr + size, SZ_4K);
	return walk_table(&d, pgt->pgd, pgt->start_level, 0);
}

int kvm_pgtable_get_leaf(struct kvm_pgtable *pgt, u64 addr, kvm_pte_t *ptep, u32 *level)
{
	kvm_pte_t *table = pgt->pgd;
	u32 l;

	if (addr >= BIT(pgt->ia_bits))
		return -EINVAL;
	for (l = pgt->start_level;; l++) {
		kvm_pte_t pte = table[(addr >> kvm_granule_shift(l)) & (KVM_PTES_PER_TABLE - 1)];

		if (!kvm_pte_table(pte, l)) {
			*ptep = pte;
			*level = l;
			return 0;
		}
		table = pte_follow(pgt, pte);
	}
}

/* ---- descriptors ---------------------------------------------------------- */

kvm_pte_t kvm_pgtable_stage2_leaf(u64 phys, enum kvm_pgtable_prot prot, u32 level)
{
	kvm_pte_t pte = (phys & KVM_PTE_ADDR_MASK) | KVM_PTE_VALID | KVM_PTE_LEAF_ATTR_LO_S2_AF;

	if (level == pgtable_levels_end())
		pte |= KVM_PTE_TYPE;
	if (prot & KVM_PGTABLE_PROT_R)
		pte |= KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R;
	if (prot & KVM_PGTABLE_PROT_W)
		pte |= KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W;
	if (!(prot & KVM_PGTABLE_PROT_X))
		pte |= KVM_PTE_LEAF_ATTR_HI_S2_XN;
	if (prot & KVM_PGTABLE_PROT_SW0)
		pte |= KVM_PTE_LEAF_ATTR_HI_SW0;
	/* Shareability is ignored for Device memory (D8.6.2): leave it 0 there. */
	if (prot & KVM_PGTABLE_PROT_DEVICE)
		return pte | FIELD_PREP(KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR, KVM_S2_MEMATTR_DEVICE_nGnRE);
	return pte | FIELD_PREP(KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR, KVM_S2_MEMATTR_NORMAL_WB) |
	       FIELD_PREP(KVM_PTE_LEAF_ATTR_LO_S2_SH, KVM_S2_SH_INNER);
}

enum kvm_pgtable_prot kvm_pgtable_stage2_pte_prot(kvm_pte_t pte)
{
	enum kvm_pgtable_prot prot = 0;

	if (!kvm_pte_valid(pte))
		return 0;
	if (pte & KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R)
		prot |= KVM_PGTABLE_PROT_R;
	if (pte & KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W)
		prot |= KVM_PGTABLE_PROT_W;
	if (!(pte & KVM_PTE_LEAF_ATTR_HI_S2_XN))
		prot |= KVM_PGTABLE_PROT_X;
	if (FIELD_GET(KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR, pte) == KVM_S2_MEMATTR_DEVICE_nGnRE)
		prot |= KVM_PGTABLE_PROT_DEVICE;
	if (pte & KVM_PTE_LEAF_ATTR_HI_SW0)
		prot |= KVM_PGTABLE_PROT_SW0;
	return prot;
}

/* Entry @i of the table that replaces @old at @level: the same translation. */
static kvm_pte_t stage2_split_child(kvm_pte_t old, u32 level, u64 i)
{
	u32 child_level = level + 1;
	kvm_pte_t attrs;

	if (!kvm_pte_valid(old))
		return old; /* empty or annotated: every part stays so */
	attrs = old & ~(KVM_PTE_ADDR_MASK | KVM_PTE_TYPE);
	if (child_level == pgtable_levels_end())
		attrs |= KVM_PTE_TYPE;
	return ((kvm_pte_to_phys(old) + i * kvm_granule_size(child_level)) & KVM_PTE_ADDR_MASK) |
	       attrs;
}

/*
 * One 64-bit store, so a hardware walker reading concurrently sees the old or
 * the new descriptor, never a mix; then make it visible to a non-coherent one.
 */
static void stage2_write_pte(struct kvm_pgtable *pgt, kvm_pte_t *ptep, kvm_pte_t pte)
{
	*(volatile kvm_pte_t *)ptep = pte;
	pgt->nr_pte_writes++;
	if (pgt->mm_ops->dcache_clean_inval_poc)
		pgt->mm_ops->dcache_clean_inval_poc(ptep, sizeof(*ptep));
}

static void stage2_pending(struct stage2_op *op, u64 start, u64 end)
{
	if (op->flush_end <= op->flush_start) {
		op->flush_start = start, op->flush_end = end;
		return;
	}
	op->flush_start = start < op->flush_start ? start : op->flush_start;
	op->flush_end = end > op->flush_end ? end : op->flush_end;
}

/* Invalidate what is pending, then free the table pages nothing can reach. */
static void stage2_flush(struct stage2_op *op)
{
	struct kvm_pgtable *pgt = op->pgt;

	if (op->flush_end > op->flush_start)
		pgt->mm_ops->tlb_flush(pgt, op->flush_start, op->flush_end - op->flush_start);
	op->flush_start = op->flush_end = 0;
	while (op->dead_nr)
		pgt->mm_ops->put_page(op->dead[--op->dead_nr]);
}

static void stage2_free_later(struct stage2_op *op, void *table)
{
	if (op->dead_nr == STAGE2_DEAD_MAX)
		stage2_flush(op);
	op->dead[op->dead_nr++] = table;
}

/*
 * The only place a descriptor is replaced. @resize: @new translates every
 * address exactly as the old descriptor did, at another block size.
 */
static void stage2_set_pte(struct stage2_op *op, const struct kvm_pgtable_visit_ctx *ctx,
			   kvm_pte_t new, bool resize)
{
	struct kvm_pgtable *pgt = op->pgt;
	kvm_pte_t old = *ctx->ptep;

	if (old == new)
		return;
	op->written |= BIT(ctx->level);
	if (!kvm_pte_valid(old)) {
		stage2_write_pte(pgt, ctx->ptep, new);
		return;
	}
	if (!kvm_pte_valid(new)) {
		stage2_write_pte(pgt, ctx->ptep, new);
		stage2_pending(op, ctx->addr, ctx->end);
		return;
	}
	/* Valid to valid. Software bits only: the walkers never read them. */
	if (!kvm_pte_table(old, ctx->level) && !kvm_pte_table(new, ctx->level) &&
	    !((old ^ new) & ~KVM_PTE_LEAF_ATTR_HI_SW0)) {
		stage2_write_pte(pgt, ctx->ptep, new);
		return;
	}
	if (resize && (pgt->flags & KVM_PGTABLE_S2_INPLACE_RESIZE)) {
		/* Same translations: stale TLB entries stay correct until the flush. */
		stage2_write_pte(pgt, ctx->ptep, new);
		if (kvm_pte_table(old, ctx->level))
			stage2_pending(op, ctx->addr, ctx->end); /* walk caches */
		return;
	}
	/* Break, invalidate everything pending and this, make. */
	stage2_write_pte(pgt, ctx->ptep, 0);
	stage2_pending(op, ctx->addr, ctx->end);
	stage2_flush(op);
	stage2_write_pte(pgt, ctx->ptep, new);
}

/* ---- map / unmap / set_owner ---------------------------------------------- */

/* Does the entry [addr, addr + granule(level)) get written whole by @op? */
static bool stage2_op_covers(const struct stage2_op *op, u64 addr, u32 level)
{
	u64 gsize = kvm_granule_size(level);

	if (addr < op->start || addr + gsize > op->end || level < KVM_PGTABLE_MIN_BLOCK_LEVEL)
		return false;
	if (op->kind == STAGE2_OP_MAP && level < pgtable_levels_end() &&
	    (op->pgt->flags & KVM_PGTABLE_S2_NORMAL_PAGES) && !(op->prot & KVM_PGTABLE_PROT_DEVICE))
		return false;
	return op->kind != STAGE2_OP_MAP || IS_ALIGNED(op->phys + (addr - op->start), gsize);
}

static kvm_pte_t stage2_op_new_pte(const struct stage2_op *op, u64 addr, u32 level)
{
	if (op->kind == STAGE2_OP_MAP)
		return kvm_pgtable_stage2_leaf(op->phys + (addr - op->start), op->prot, level);
	return op->invalid;
}

/* Does an entry currently @old (not a table) need a table below it? */
static bool stage2_op_needs_split(const struct stage2_op *op, kvm_pte_t old, u64 addr, u32 level)
{
	if (addr >= op->end || addr + kvm_granule_size(level) <= op->start)
		return false;
	if (stage2_op_covers(op, addr, level))
		return false;
	/* Mapping part of a leaf that already maps it so: nothing to change. */
	if (op->kind == STAGE2_OP_MAP && kvm_pte_valid(old) &&
	    old == kvm_pgtable_stage2_leaf(op->phys - op->start + addr, op->prot, level))
		return false;
	/* Invalidating part of an entry that is already that invalid value. */
	return !(op->kind == STAGE2_OP_INVALIDATE && old == op->invalid);
}

/* Tables a split of @old at [addr, level) needs, itself included. */
static u64 stage2_split_cost(const struct stage2_op *op, kvm_pte_t old, u64 addr, u32 level)
{
	u64 cost = 1, gsize = kvm_granule_size(level + 1), i;

	for (i = 0; i < KVM_PTES_PER_TABLE; i++) {
		u64 child = addr + i * gsize;

		if (stage2_op_needs_split(op, stage2_split_child(old, level, i), child, level + 1))
			cost += stage2_split_cost(op, stage2_split_child(old, level, i), child,
						  level + 1);
	}
	return cost;
}

static int stage2_split(struct stage2_op *op, const struct kvm_pgtable_visit_ctx *ctx)
{
	struct kvm_pgtable *pgt = op->pgt;
	kvm_pte_t *table;
	u64 i;

	if (!op->cache_nr)
		return -ENOMEM; /* the dry run undercounted: a bug, but not a crash */
	table = op->cache;
	op->cache = *(void **)table;
	op->cache_nr--;
	for (i = 0; i < KVM_PTES_PER_TABLE; i++)
		table[i] = stage2_split_child(ctx->old, ctx->level, i);
	pgt->nr_pte_writes += KVM_PTES_PER_TABLE;
	if (pgt->mm_ops->dcache_clean_inval_poc)
		pgt->mm_ops->dcache_clean_inval_poc(table, SZ_4K);
	/* The table's entries are visible before the descriptor that points to it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	stage2_set_pte(op, ctx, (pgt->mm_ops->virt_to_phys(table) & KVM_PTE_ADDR_MASK) |
				      KVM_PTE_VALID | KVM_PTE_TYPE, true);
	return 0;
}

/*
 * Can @table (at @level) not be one block, judging by its entry @hint alone
 * (KVM_PTES_PER_TABLE: no judgement)? The entry an update changed: after
 * most changes it differs in kind from entry 0, and the other 511 need no
 * look.
 */
static bool stage2_table_hint_differs(const kvm_pte_t *table, u32 level, u64 hint)
{
	kvm_pte_t first = table[0];

	return hint < KVM_PTES_PER_TABLE &&
	       (kvm_pte_valid(table[hint]) != kvm_pte_valid(first) ||
		kvm_pte_table(table[hint], level + 1) ||
		(!kvm_pte_valid(first) && table[hint] != first));
}

/*
 * The block descriptor at @level that @table's entries add up to, or false:
 * all the same invalid descriptor, or leaves mapping one aligned contiguous
 * range with the same attributes (no tables below).
 */
static bool stage2_table_as_block(const struct kvm_pgtable *pgt, const kvm_pte_t *table,
				  u32 level, kvm_pte_t *block)
{
	u32 child_level = level + 1;
	u64 gsize = kvm_granule_size(child_level), base, i;
	kvm_pte_t first = table[0], attrs;

	if (!kvm_pte_valid(first)) {
		for (i = 1; i < KVM_PTES_PER_TABLE; i++)
			if (table[i] != first)
				return false;
		*block = first;
		return true;
	}
	if (level < KVM_PGTABLE_MIN_BLOCK_LEVEL || kvm_pte_table(first, child_level))
		return false;
	if ((pgt->flags & KVM_PGTABLE_S2_NORMAL_PAGES) &&
	    !(kvm_pgtable_stage2_pte_prot(first) & KVM_PGTABLE_PROT_DEVICE))
		return false;
	base = kvm_pte_to_phys(first);
	if (!IS_ALIGNED(base, kvm_granule_size(level)))
		return false;
	attrs = first & ~KVM_PTE_ADDR_MASK;
	for (i = 1; i < KVM_PTES_PER_TABLE; i++)
		if ((table[i] & ~KVM_PTE_ADDR_MASK) != attrs ||
		    kvm_pte_to_phys(table[i]) != base + i * gsize)
			return false;
	*block = base | (attrs & ~KVM_PTE_TYPE); /* a block: type 0 below level 3 */
	return true;
}

/* ---- idle tables ------------------------------------------------------------
 *
 * The merge policy's hysteresis (set by the table's owner with
 * kvm_pgtable_stage2_set_idle_policy()). A table that could merge back into
 * a block is kept as an *idle table* instead: a host that gives the same
 * pages back and forth then pays one descriptor write per change, not a
 * split and a merge. Idle tables are merged, by the update that finds them
 * due and inside its one invalidation:
 *   - when one was not touched by idle_age further updates of the table;
 *   - the oldest first, when more than idle_max are kept;
 *   - all of them, when the pool cannot give an update its table pages --
 *     before that update, with an invalidation of their own (the only case
 *     where an update calls tlb_flush twice).
 * Only a merge that needs no break-before-make waits: in place (BBM level 2)
 * or into an invalid block. A valid block on a table without in-place
 * resizing merges at once, as it would with no policy: its break needs an
 * invalidation of its own, which only the update that caused it may pay.
 * An update keeps a table it wrote in as idle without reading all its
 * entries (only the one it changed, which must agree in kind with the
 * first): the list holds candidates, each checked when it is due, and merged
 * only if it is one block then. Every update that writes in a table of the
 * list refreshes or drops it (one that only walks through it leaves it to
 * age: the table is as it was).
 *
 * So an entry of the list always names a table in the tables: a table is
 * only ever freed by a merge, which drops it from the list first, and the
 * table holding its entry cannot merge while it has a table below. That
 * makes the newest idle table a one-entry walk cache: an update inside it
 * (a page given back and forth) walks from its entry, not from the root
 * (stage2_op_walk_range()).
 */

/*
 * The oldest, then newest first: a host that cycles through a working set
 * writes the table it wrote longest ago; one that changes a page back and
 * forth, what the update before it kept at the end.
 */
static int stage2_idle_find(const struct kvm_pgtable *pgt, u64 addr, u32 level)
{
	u32 i;

	if (pgt->nr_idle && pgt->idle[0].addr == addr && pgt->idle[0].level == level)
		return 0;
	for (i = pgt->nr_idle; i--;)
		if (pgt->idle[i].addr == addr && pgt->idle[i].level == level)
			return i;
	return -1;
}

static void stage2_idle_remove(struct kvm_pgtable *pgt, u32 i)
{
	pgt->nr_idle_at[pgt->idle[i].level]--;
	pgt->nr_idle--;
	if (i < pgt->nr_idle)
		memmove(&pgt->idle[i], &pgt->idle[i + 1], (pgt->nr_idle - i) * sizeof(pgt->idle[0]));
}

static void stage2_idle_drop(struct kvm_pgtable *pgt, u64 addr, u32 level)
{
	int i = pgt->nr_idle_at[level] ? stage2_idle_find(pgt, addr, level) : -1;

	if (i >= 0)
		stage2_idle_remove(pgt, i);
}

/* Keep the table of the entry @ctx visits as the newest idle one; false: no room. */
static bool stage2_idle_keep(struct kvm_pgtable *pgt, const struct kvm_pgtable_visit_ctx *ctx)
{
	stage2_idle_drop(pgt, ctx->addr, ctx->level);
	if (pgt->nr_idle == KVM_PGTABLE_IDLE_SLOTS)
		return false;
	pgt->idle[pgt->nr_idle++] = (struct kvm_pgtable_idle){
		.addr = ctx->addr,
		.level = ctx->level,
		.stamp = pgt->idle_clock,
		.ptep = ctx->ptep,
	};
	pgt->nr_idle_at[ctx->level]++;
	return true;
}

/* May the table @table_pte points to wait as an idle table? */
static bool stage2_may_idle(const struct kvm_pgtable *pgt, kvm_pte_t table_pte)
{
	return pgt->idle_max && ((pgt->flags & KVM_PGTABLE_S2_INPLACE_RESIZE) ||
				 !kvm_pte_valid(*pte_follow(pgt, table_pte)));
}

/*
 * The table of the entry @ctx visits was kept by an update before (the
 * newest idle table) and may still wait: count it as touched now. The
 * common case, a page given back and forth, without reading the table;
 * whatever else is in the list is looked up by stage2_idle_keep().
 */
static bool stage2_idle_refresh(struct kvm_pgtable *pgt, const struct kvm_pgtable_visit_ctx *ctx)
{
	struct kvm_pgtable_idle *t;

	if (!pgt->nr_idle)
		return false;
	t = &pgt->idle[pgt->nr_idle - 1];
	if (t->addr != ctx->addr || t->level != ctx->level || !stage2_may_idle(pgt, ctx->old))
		return false;
	t->stamp = pgt->idle_clock;
	return true;
}

/* After the update below it: merge a table that became one block, or keep it idle. */
static int stage2_op_table_post(const struct kvm_pgtable_visit_ctx *ctx)
{
	struct stage2_op *op = ctx->arg;
	struct kvm_pgtable *pgt = op->pgt;
	kvm_pte_t *table, block;
	u64 at, hint;

	/*
	 * A table of which the update wrote no entry is as it was: whether it
	 * may be one block was judged by the update that last wrote it, or is
	 * when it is due as an idle table. Most updates write at one level;
	 * this spares the levels above it, and a dry run writes nothing. (The
	 * merges judge every table they walk through: op->written is all ones
	 * for them.)
	 */
	if (!(op->written & BIT(ctx->level + 1)))
		return 0;
	if (op->dry || (pgt->flags & KVM_PGTABLE_S2_NO_MERGE))
		return 0;
	/*
	 * The newest idle table, written again (a page given back and forth):
	 * it stays idle, unread, even if no block now -- a candidate is checked
	 * when it is due. So too in an update that keeps its tables: touched
	 * now, the table falls due in no update for idle_age updates, and the
	 * undo of this one, if any, is the table's next update.
	 */
	if (!op->merge_now && stage2_idle_refresh(pgt, ctx))
		return 0;
	if (op->keep_tables) {
		/*
		 * Nothing in the range may merge, not even later as an idle
		 * table: the undo of this update must find its tables. (A table
		 * it did not write in holds the table it went down into.)
		 */
		stage2_idle_drop(pgt, ctx->addr, ctx->level);
		return 0;
	}
	table = pte_follow(pgt, ctx->old);
	at = op->start > ctx->addr ? op->start : ctx->addr;
	hint = at < ctx->end ? (at - ctx->addr) >> kvm_granule_shift(ctx->level + 1) :
			       KVM_PTES_PER_TABLE;
	if (stage2_table_hint_differs(table, ctx->level, hint)) {
		stage2_idle_drop(pgt, ctx->addr, ctx->level);
		return 0;
	}
	/* Kept unread: whether it is one block is checked when it is merged. */
	if (!op->merge_now && stage2_may_idle(pgt, ctx->old) && stage2_idle_keep(pgt, ctx))
		return 0;
	if (!stage2_table_as_block(pgt, table, ctx->level, &block)) {
		stage2_idle_drop(pgt, ctx->addr, ctx->level);
		return 0;
	}
	stage2_idle_drop(pgt, ctx->addr, ctx->level);
	pgt->nr_merges++;
	stage2_set_pte(op, ctx, block, true);
	stage2_pending(op, ctx->addr, ctx->end); /* walk caches hold the table */
	stage2_free_later(op, table);
	return 0;
}

static int stage2_op_leaf(const struct kvm_pgtable_visit_ctx *ctx,
			  enum kvm_pgtable_walk_flags visit)
{
	struct stage2_op *op = ctx->arg;

	if (visit == KVM_PGTABLE_WALK_TABLE_POST)
		return stage2_op_table_post(ctx);
	if (op->kind == STAGE2_OP_MERGE)
		return 0;
	if (stage2_op_covers(op, ctx->addr, ctx->level)) {
		if (!op->dry)
			stage2_set_pte(op, ctx, stage2_op_new_pte(op, ctx->addr, ctx->level),
				       false);
		return 0;
	}
	if (!stage2_op_needs_split(op, ctx->old, ctx->addr, ctx->level))
		return 0;
	if (op->dry) {
		op->tables_needed += stage2_split_cost(op, ctx->old, ctx->addr, ctx->level);
		return 0;
	}
	return stage2_split(op, ctx);
}

static void stage2_cache_free(struct kvm_pgtable *pgt, struct stage2_op *op)
{
	while (op->cache_nr) {
		void *page = op->cache;

		op->cache = *(void **)page;
		op->cache_nr--;
		*(void **)page = NULL;
		pgt->mm_ops->put_page(page);
	}
}

/*
 * Walk [op->start, op->end): from the newest idle table's entry when the
 * range lies inside that table, else from the root. The levels skipped
 * above the entry would see nothing: the update writes below the entry, and
 * the entry's own TABLE_POST refreshes it as idle rather than merge it --
 * except where the table is no longer one that may wait (stage2_may_idle()).
 * If it merged, the entry changed: a second walk, from the root, lets the
 * tables above judge whether they merge now too. That walk writes no leaf:
 * each is what the update wants already.
 */
static int stage2_op_walk_range(struct stage2_op *op, struct kvm_pgtable_walker *walker)
{
	struct kvm_pgtable *pgt = op->pgt;
	struct kvm_pgtable_idle t;
	kvm_pte_t entry;
	int ret;

	if (pgt->nr_idle) {
		t = pgt->idle[pgt->nr_idle - 1]; /* a copy: the walk changes the list */
		entry = *t.ptep;
		if (op->start >= t.addr && op->end <= t.addr + kvm_granule_size(t.level) &&
		    kvm_pte_table(entry, t.level)) {
			pgt->nr_idle_walks++;
			ret = walk_from_entry(pgt, t.ptep, t.level, t.addr, op->start, op->end,
					      walker);
			if (ret || *t.ptep == entry)
				return ret;
		}
	}
	return kvm_pgtable_walk(pgt, op->start, op->end - op->start, walker);
}

/* Walk every range of @op with @walker. */
static int stage2_op_walk(struct stage2_op *op, struct kvm_pgtable_walker *walker)
{
	u32 i;
	int ret = 0;

	for (i = 0; !ret && i < op->nr_ranges; i++) {
		op->start = op->ranges[i].addr;
		op->end = op->start + op->ranges[i].size;
		if (op->identity)
			op->phys = op->start;
		ret = stage2_op_walk_range(op, walker);
	}
	return ret;
}

/* Is the oldest idle table due (and so maybe more)? */
static bool stage2_idle_due(const struct kvm_pgtable *pgt)
{
	return pgt->nr_idle && (pgt->nr_idle > pgt->idle_max ||
				pgt->idle_clock - pgt->idle[0].stamp >= pgt->idle_age);
}

/*
 * Merge the idle tables that are due, oldest first and at most
 * STAGE2_IDLE_MERGES_MAX (all of them with @all), inside @op's invalidation;
 * each walk from the root merges what became one block above the idle table
 * too.
 */
static void stage2_idle_merge(struct stage2_op *op, bool all)
{
	struct kvm_pgtable *pgt = op->pgt;
	struct kvm_pgtable_walker walker = {
		.cb = stage2_op_leaf, .arg = op, .flags = KVM_PGTABLE_WALK_TABLE_POST,
	};

	bool keep_tables = op->keep_tables;
	u32 written = op->written;
	u32 n;

	/* Idle tables are due whatever the update keeps of its own. */
	op->dry = false;
	op->keep_tables = false;
	op->merge_now = true;
	op->written = ~0u; /* judge every table on the way */
	for (n = 0; pgt->nr_idle && (all || n < STAGE2_IDLE_MERGES_MAX); n++) {
		struct kvm_pgtable_idle t = pgt->idle[0];

		if (!all && !stage2_idle_due(pgt))
			break; /* the oldest is not due: none is */
		stage2_idle_remove(pgt, 0);
		op->start = t.addr;
		op->end = t.addr + kvm_granule_size(t.level);
		kvm_pgtable_walk(pgt, t.addr, kvm_granule_size(t.level), &walker);
	}
	op->merge_now = false;
	op->written = written;
	op->keep_tables = keep_tables;
}

/* Check: count the tables the update needs and take them from the pool. */
static int stage2_op_prepare(struct stage2_op *op, struct kvm_pgtable_walker *walker)
{
	struct kvm_pgtable *pgt = op->pgt;
	int ret;

	op->dry = true;
	op->tables_needed = 0;
	ret = stage2_op_walk(op, walker);
	if (ret)
		return ret;
	while (op->cache_nr < op->tables_needed) {
		void *page = pgt->mm_ops->zalloc_page(pgt->mm_arg);

		if (!page)
			return -ENOMEM;
		*(void **)page = op->cache;
		op->cache = page;
		op->cache_nr++;
	}
	return 0;
}

static bool stage2_op_ranges_ok(const struct stage2_op *op)
{
	u32 i;

	if (!op->nr_ranges)
		return false;
	for (i = 0; i < op->nr_ranges; i++) {
		const struct kvm_pgtable_range *r = &op->ranges[i];

		if (!range_ok(op->pgt, r->addr, r->size))
			return false;
		if (i && r->addr < op->ranges[i - 1].addr + op->ranges[i - 1].size)
			return false; /* not sorted, or overlapping */
	}
	return true;
}

static int stage2_op_run(struct stage2_op *op)
{
	struct kvm_pgtable *pgt = op->pgt;
	struct kvm_pgtable_walker walker = {
		.cb = stage2_op_leaf, .arg = op,
		.flags = KVM_PGTABLE_WALK_LEAF | KVM_PGTABLE_WALK_TABLE_POST,
	};
	int ret;

	if (!stage2_op_ranges_ok(op))
		return -EINVAL;
	if (op->kind == STAGE2_OP_MAP && !op->identity &&
	    (!IS_ALIGNED(op->phys, SZ_4K) ||
	     op->phys + (op->end - op->start) - 1 > KVM_PTE_ADDR_MASK))
		return -EINVAL;

	ret = stage2_op_prepare(op, &walker);
	if (ret == -ENOMEM && pgt->nr_idle) {
		/* The pool ran dry: take the idle tables back first, then count again. */
		stage2_idle_merge(op, true);
		stage2_flush(op);
		ret = stage2_op_prepare(op, &walker);
	}
	if (ret) {
		stage2_cache_free(pgt, op);
		return ret;
	}
	/* Commit: nothing below can fail. */
	op->dry = false;
	pgt->idle_clock++; /* what this update leaves idle is 0 updates old */
	ret = stage2_op_walk(op, &walker);
	if (stage2_idle_due(pgt))
		stage2_idle_merge(op, false);
	stage2_flush(op);
	stage2_cache_free(pgt, op);
	return ret;
}

int kvm_pgtable_stage2_map(struct kvm_pgtable *pgt, u64 addr, u64 size, u64 phys,
			   enum kvm_pgtable_prot prot)
{
	struct kvm_pgtable_range r = { addr, size };
	struct stage2_op op = {
		.pgt = pgt, .kind = STAGE2_OP_MAP, .ranges = &r, .nr_ranges = 1,
		.start = addr, .end = addr + size, .phys = phys, .prot = prot,
	};

	if (!size || addr + size < addr)
		return -EINVAL;
	return stage2_op_run(&op);
}

int kvm_pgtable_stage2_map_ranges(struct kvm_pgtable *pgt, const struct kvm_pgtable_range *r,
				  u32 nr, enum kvm_pgtable_prot prot)
{
	struct stage2_op op = {
		.pgt = pgt, .kind = STAGE2_OP_MAP, .ranges = r, .nr_ranges = nr,
		.identity = true, .prot = prot,
	};

	return stage2_op_run(&op);
}

static int stage2_set_owner_ranges(struct kvm_pgtable *pgt, const struct kvm_pgtable_range *r,
				   u32 nr, u8 owner_id, bool keep_tables)
{
	struct stage2_op op = {
		.pgt = pgt, .kind = STAGE2_OP_INVALIDATE, .ranges = r, .nr_ranges = nr,
		.invalid = FIELD_PREP(KVM_INVALID_PTE_OWNER_MASK, owner_id),
		.keep_tables = keep_tables,
	};

	return stage2_op_run(&op);
}

int kvm_pgtable_stage2_set_owner_ranges(struct kvm_pgtable *pgt,
					const struct kvm_pgtable_range *r, u32 nr, u8 owner_id)
{
	return stage2_set_owner_ranges(pgt, r, nr, owner_id, false);
}

int kvm_pgtable_stage2_set_owner_ranges_keep_tables(struct kvm_pgtable *pgt,
						    const struct kvm_pgtable_range *r, u32 nr,
						    u8 owner_id)
{
	return stage2_set_owner_ranges(pgt, r, nr, owner_id, true);
}

int kvm_pgtable_stage2_set_owner(struct kvm_pgtable *pgt, u64 addr, u64 size, u8 owner_id)
{
	struct kvm_pgtable_range r = { addr, size };

	if (!size || addr + size < addr)
		return -EINVAL;
	return stage2_set_owner_ranges(pgt, &r, 1, owner_id, false);
}

int kvm_pgtable_stage2_set_owner_keep_tables(struct kvm_pgtable *pgt, u64 addr, u64 size,
					     u8 owner_id)
{
	struct kvm_pgtable_range r = { addr, size };

	if (!size || addr + size < addr)
		return -EINVAL;
	return stage2_set_owner_ranges(pgt, &r, 1, owner_id, true);
}

int kvm_pgtable_stage2_merge_ranges(struct kvm_pgtable *pgt, const struct kvm_pgtable_range *r,
				    u32 nr)
{
	struct stage2_op op = {
		.pgt = pgt, .kind = STAGE2_OP_MERGE, .ranges = r, .nr_ranges = nr,
		.written = ~0u, /* no leaf changes: judge every table in the ranges */
	};

	return stage2_op_run(&op);
}

int kvm_pgtable_stage2_merge(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	struct kvm_pgtable_range r = { addr, size };

	if (!size || addr + size < addr)
		return -EINVAL;
	return kvm_pgtable_stage2_merge_ranges(pgt, &r, 1);
}

int kvm_pgtable_stage2_unmap(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	return kvm_pgtable_stage2_set_owner(pgt, addr, size, 0);
}

/* ---- lifetime ------------------------------------------------------------ */

int kvm_pgtable_stage2_init(struct kvm_pgtable *pgt, u32 ia_bits,
			    const struct kvm_pgtable_mm_ops *mm_ops, void *mm_arg)
{
	if (ia_bits < 32 || ia_bits > 48 || !mm_ops || !mm_ops->tlb_flush)
		return -EINVAL;
	pgt->ia_bits = ia_bits;
	/* One root page: level 0 above 39 bits, level 1 otherwise (no concatenation). */
	pgt->start_level = ia_bits > 39 ? 0 : 1;
	pgt->flags = 0;
	pgt->nr_pte_writes = 0;
	pgt->idle_max = pgt->idle_age = pgt->nr_idle = pgt->idle_clock = 0;
	memset(pgt->nr_idle_at, 0, sizeof(pgt->nr_idle_at));
	pgt->nr_merges = 0;
	pgt->nr_idle_walks = 0;
	pgt->mm_ops = mm_ops;
	pgt->mm_arg = mm_arg;
	pgt->pgd = mm_ops->zalloc_page(mm_arg);
	if (!pgt->pgd)
		return -ENOMEM;
	if (mm_ops->dcache_clean_inval_poc)
		mm_ops->dcache_clean_inval_poc(pgt->pgd, SZ_4K);
	return 0;
}

static int stage2_free_table(const struct kvm_pgtable_visit_ctx *ctx,
			     enum kvm_pgtable_walk_flags visit)
{
	struct kvm_pgtable *pgt = ctx->arg;

	pgt->mm_ops->put_page(pte_follow(pgt, ctx->old));
	return 0;
}

void kvm_pgtable_stage2_destroy(struct kvm_pgtable *pgt)
{
	struct kvm_pgtable_walker walker = {
		.cb = stage2_free_table, .arg = pgt, .flags = KVM_PGTABLE_WALK_TABLE_POST,
	};

	if (!pgt->pgd)
		return;
	kvm_pgtable_walk(pgt, 0, BIT(pgt->ia_bits), &walker);
	pgt->mm_ops->put_page(pgt->pgd);
	pgt->pgd = NULL;
	pgt->nr_idle = 0;
	memset(pgt->nr_idle_at, 0, sizeof(pgt->nr_idle_at));
}

int kvm_pgtable_stage2_set_idle_policy(struct kvm_pgtable *pgt, u32 max, u32 age)
{
	if (max > KVM_PGTABLE_IDLE_SLOTS / 2 || !age)
		return -EINVAL;
	pgt->idle_max = max;
	pgt->idle_age = age;
	return 0;
}

u64 kvm_pgtable_root_pa(const struct kvm_pgtable *pgt)
{
	return pgt->mm_ops->virt_to_phys(pgt->pgd);
}
