// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host stage-2 and page ownership (ARCHITECTURE.md sections 3 and 4); the
 * encoding of ownership in the descriptors is in include/isohyp/mem_protect.h.
 *
 * The lazy fault path maps the largest block around the faulting address that
 * stays inside one empty table entry (so inside one ownership range: owned
 * ranges are annotated, which forces finer tables there) and inside one memory
 * type (one RAM region, or one gap between RAM regions, i.e. MMIO).
 *
 * The host's calls are all-or-nothing: under host_mmu.lock every check runs
 * first, then one page-table update that is itself check-then-commit
 * (hyp/pgtable.c: -ENOMEM changes nothing). Every change of owner goes
 * through host_stage2_set_owner_locked() -- or, for HOST_BATCH, its twin for
 * a list of ranges -- the only callers of the iommu core.
 *
 * Portable C: the arch glue (TLB invalidation, fault decoding, zeroing) is in
 * arch/arm64/hyp/host_stage2.c, so the unit tests build this file as it is.
 *
 * Lock order (include/isohyp/lock.h): host_mmu.lock, then the iommu
 * driver's, then the page pool's (a leaf).
 */
#include <isohyp/bits.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/panic.h>
#include <uapi/isohyp.h>

struct host_mmu host_mmu;

/*
 * Host RAM that a device the hypervisor mediates may write (ARCHITECTURE.md
 * section 9, "Pinning"): ranges with a use count, under host_mmu.lock. A
 * pinned page stays the host's; donating it fails with -EBUSY. The table is
 * small and scanned linearly: an ITS pins one ITT per device, a
 * redistributor its two LPI tables.
 */
#define HOST_MAX_PINS 256

struct host_pin {
	u64 start, end; /* [start, end), page aligned; end == 0: free slot */
	u32 count;
};

static struct host_pin host_pins[HOST_MAX_PINS];
static unsigned int host_nr_pins; /* slots in use: most of the time none */

static struct boot_mem_range ram[BOOT_INFO_MAX_RAM];
static unsigned int nr_ram;
static const struct mem_protect_ops *mp_ops;

bool find_mem_range(phys_addr_t pa, struct kvm_mem_range *range)
{
	u64 prev_end = 0;
	unsigned int i;

	for (i = 0; i < nr_ram; i++) {
		u64 end = ram[i].base + ram[i].size;

		if (pa < ram[i].base) {
			range->start = prev_end;
			range->end = ram[i].base;
			return false;
		}
		if (pa < end) {
			range->start = ram[i].base;
			range->end = end;
			return true;
		}
		prev_end = end;
	}
	range->start = prev_end;
	range->end = BIT(host_mmu.pgt.ia_bits);
	return false;
}

bool addr_is_memory(phys_addr_t pa)
{
	struct kvm_mem_range r;

	return find_mem_range(pa, &r);
}

/*
 * The one place ownership changes, CPU and DMA together, all or nothing.
 * Leaving the host, DMA loses the range first and the CPU second; coming
 * back, the CPU gets it first. Either way the range is never more accessible
 * to DMA than to the host's CPUs, and a failure of the second step undoes
 * the first (which needs no new table memory: the tables it split remain).
 * Callers checked that the range is wholly in one state; coming back, that
 * state's owner is @addr's. Every page-table allocation is made by a first
 * step or by a second one that fails whole (hyp/pgtable.c); a first step
 * frees no table (the iommu driver's unmap, the CPU's keep_tables), so an
 * undo never runs out of memory: a call that fails changed nothing.
 *
 * A DMA step that fails after writing (an invalidation not confirmed) may
 * leave the IOMMU's view of the range between the old and the new state; the
 * iommu core records the range and re-applies it from this stage-2 once the
 * IOMMU works again (ARCHITECTURE.md section 5), so only the CPU side is
 * restored here. Unmaps always reach the IOMMU's table, so that view is
 * never wider than the CPUs' meanwhile.
 */
int host_stage2_set_owner_locked(phys_addr_t addr, u64 size, enum pkvm_owner_id owner)
{
	struct kvm_pgtable *pgt = &host_mmu.pgt;
	phys_addr_t end = addr + size;
	kvm_pte_t pte;
	u32 level;
	int ret;

	hyp_assert_lock_held(&host_mmu.lock);
	if (owner != PKVM_ID_HOST) {
		/*
		 * If DMA could not lose the range, the host keeps it: out of
		 * memory changed nothing; an unconfirmed invalidation left it
		 * unmapped for DMA only, never more accessible, until the iommu
		 * core maps it again from this stage-2.
		 */
		ret = kvm_iommu_host_stage2_idmap(addr, end, 0);
		if (ret)
			return ret;
		ret = kvm_pgtable_stage2_set_owner(pgt, addr, size, owner);
		if (ret)
			WARN_ON(kvm_iommu_host_stage2_idmap(addr, end, PKVM_HOST_MEM_PROT));
		return ret;
	}
	ret = kvm_pgtable_get_leaf(pgt, addr, &pte, &level);
	if (!ret)
		ret = kvm_pgtable_stage2_set_owner_keep_tables(pgt, addr, size, PKVM_ID_HOST);
	if (ret)
		return ret;
	ret = kvm_iommu_host_stage2_idmap(addr, end, PKVM_HOST_MEM_PROT);
	if (ret) {
		/*
		 * DMA could not follow: the range stays where it was. The CPU
		 * step kept every table, so this needs no memory.
		 */
		kvm_iommu_host_stage2_idmap(addr, end, 0);
		WARN_ON(kvm_pgtable_stage2_set_owner(pgt, addr, size, kvm_invalid_pte_owner(pte)));
		return ret;
	}
	/* Nothing to undo any more: blocks the range completed are merged now. */
	WARN_ON(kvm_pgtable_stage2_merge(pgt, addr, size));
	return 0;
}

int host_stage2_init(const struct boot_mem_range *ranges, unsigned int n, u32 ia_bits,
		     const struct kvm_pgtable_mm_ops *mm_ops, void *mm_arg,
		     const struct mem_protect_ops *ops)
{
	unsigned int i;
	int ret;

	if (n > BOOT_INFO_MAX_RAM)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!IS_ALIGNED(ranges[i].base | ranges[i].size, SZ_4K) ||
		    (i && ranges[i].base < ranges[i - 1].base + ranges[i - 1].size))
			return -EINVAL; /* the loader sorts, merges and aligns them */
		ram[i] = ranges[i];
	}
	nr_ram = n;
	mp_ops = ops;
	/* Pins name pages of the host stage-2 before this one (unit tests boot many times). */
	for (i = 0; i < HOST_MAX_PINS; i++)
		host_pins[i] = (struct host_pin){ 0 };
	host_nr_pins = 0;
	hyp_spin_lock_init(&host_mmu.lock, HYP_LOCK_HOST_MMU);
	ret = kvm_pgtable_stage2_init(&host_mmu.pgt, ia_bits, mm_ops, mm_arg);
	if (!ret) /* tables emptied by a reclaim wait a while (hyp/pgtable.c, "Idle tables") */
		ret = kvm_pgtable_stage2_set_idle_policy(&host_mmu.pgt, KVM_PGTABLE_IDLE_MAX,
							 KVM_PGTABLE_IDLE_AGE);
	return ret;
}

void host_stage2_map_pages(void)
{
	/*
	 * The host's RAM and MMIO are both Normal at stage 2 (PKVM_HOST_*_PROT):
	 * the engine maps either at pages and merges no valid page back into a
	 * block. Invalid ranges (donations, the carve-out) stay blocks.
	 */
	host_mmu.pgt.flags |= KVM_PGTABLE_S2_NORMAL_PAGES;
}

u64 host_stage2_pages_cost(void)
{
	u64 cost = 0;
	unsigned int i;

	/* A table per 2 MiB, per 1 GiB and per 512 GiB touched, ends included. */
	for (i = 0; i < nr_ram; i++) {
		u64 start = ram[i].base, end = ram[i].base + ram[i].size;

		cost += (ALIGN_UP(end, SZ_2M) - ALIGN_DOWN(start, SZ_2M)) / SZ_2M;
		cost += (ALIGN_UP(end, SZ_1G) - ALIGN_DOWN(start, SZ_1G)) / SZ_1G;
		cost += (ALIGN_UP(end, BIT(39)) - ALIGN_DOWN(start, BIT(39))) >> 39;
	}
	return cost;
}

int host_stage2_pick_pages(u32 map, bool blocks_cost_more, u64 pool_free)
{
	bool fits = host_stage2_pages_cost() <= pool_free / 2;

	switch (map) {
	case BOOT_HOST_S2_BLOCKS:
		return 0;
	case BOOT_HOST_S2_PAGES:
		return fits ? 1 : -ENOMEM;
	default:
		return blocks_cost_more && fits;
	}
}

int host_stage2_protect_hyp(phys_addr_t addr, u64 size)
{
	int ret;

	hyp_spin_lock(&host_mmu.lock);
	ret = host_stage2_set_owner_locked(addr, size, PKVM_ID_HYP);
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

int host_stage2_idmap(u64 addr)
{
	struct kvm_mem_range range;
	kvm_pte_t pte;
	u32 level;
	u64 gsize, start, end;
	bool mem;
	int ret;

	if (addr >= BIT(host_mmu.pgt.ia_bits))
		return -EPERM;
	addr = ALIGN_DOWN(addr, SZ_4K);
	mem = find_mem_range(addr, &range);
	hyp_spin_lock(&host_mmu.lock);
	ret = kvm_pgtable_get_leaf(&host_mmu.pgt, addr, &pte, &level);
	if (ret || kvm_pte_valid(pte))
		goto unlock; /* mapped meanwhile by another CPU */
	if (pte) {
		ret = -EPERM; /* annotated: not the host's */
		goto unlock;
	}
	gsize = kvm_granule_size(level);
	if ((host_mmu.pgt.flags & KVM_PGTABLE_S2_NORMAL_PAGES) && gsize > SZ_2M)
		gsize = SZ_2M; /* one table of pages per fault (host_stage2_map_pages()) */
	start = ALIGN_DOWN(addr, gsize);
	end = start + gsize;
	start = start > range.start ? start : ALIGN_UP(range.start, SZ_4K);
	end = end < range.end ? end : ALIGN_DOWN(range.end, SZ_4K);
	ret = kvm_pgtable_stage2_map(&host_mmu.pgt, start, end - start, start,
				     mem ? PKVM_HOST_MEM_PROT : PKVM_HOST_MMIO_PROT);
unlock:
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

enum host_page_state {
	HOST_STATE_OWNED, /* empty or valid without SW0 */
	HOST_STATE_SHARED,
	HOST_STATE_DONATED,
	HOST_STATE_HYP,
};

static enum host_page_state pte_host_state(kvm_pte_t pte)
{
	if (kvm_pte_valid(pte))
		return kvm_pgtable_stage2_pte_prot(pte) & PKVM_PAGE_SHARED_OWNED ?
			       HOST_STATE_SHARED : HOST_STATE_OWNED;
	switch (kvm_invalid_pte_owner(pte)) {
	case PKVM_ID_HOST:
		return HOST_STATE_OWNED;
	case PKVM_ID_DONATED:
		return HOST_STATE_DONATED;
	default:
		return HOST_STATE_HYP;
	}
}

/* ---- going down ------------------------------------------------------------------ */

static int scrub_leaf(const struct kvm_pgtable_visit_ctx *ctx, enum kvm_pgtable_walk_flags visit)
{
	u64 *bytes = ctx->arg;

	if (pte_host_state(ctx->old) != HOST_STATE_DONATED)
		return 0;
	mp_ops->zero_pages(ctx->addr, ctx->end - ctx->addr);
	*bytes += ctx->end - ctx->addr;
	return 0;
}

/*
 * Zero every page the host donated, visible to every observer: as the
 * system goes down (reset, power off) nothing the host gave the hypervisor
 * may survive into what boots next. Caller holds host_mmu.lock, and keeps
 * it: nothing may change owner afterwards. Returns the bytes zeroed.
 */
u64 host_stage2_scrub_donated_locked(void)
{
	u64 bytes = 0;
	struct kvm_pgtable_walker walker = {
		.cb = scrub_leaf, .arg = &bytes, .flags = KVM_PGTABLE_WALK_LEAF,
	};

	hyp_assert_lock_held(&host_mmu.lock);
	kvm_pgtable_walk(&host_mmu.pgt, 0, BIT(host_mmu.pgt.ia_bits), &walker);
	return bytes;
}

/* ---- pins -------------------------------------------------------------------- */

static bool range_pinned_locked(u64 start, u64 end)
{
	unsigned int i;

	if (!host_nr_pins)
		return false; /* every ownership change asks: spare it the scan */
	for (i = 0; i < HOST_MAX_PINS; i++)
		if (host_pins[i].end && host_pins[i].start < end && start < host_pins[i].end)
			return true;
	return false;
}

static struct host_pin *pin_find_locked(u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < HOST_MAX_PINS; i++)
		if (host_pins[i].end == end && host_pins[i].start == start)
			return &host_pins[i];
	return NULL;
}

void host_mmu_lock(void)
{
	hyp_spin_lock(&host_mmu.lock);
}

void host_mmu_unlock(void)
{
	hyp_spin_unlock(&host_mmu.lock);
}

static int host_access_leaf(const struct kvm_pgtable_visit_ctx *ctx,
			    enum kvm_pgtable_walk_flags visit)
{
	switch (pte_host_state(ctx->old)) {
	case HOST_STATE_OWNED:
	case HOST_STATE_SHARED:
		return 0;
	default:
		return -EPERM;
	}
}

/*
 * Is [addr, addr + size) wholly inside one RAM region and the host's (owned,
 * or shared with the hypervisor)? 0, -EINVAL (empty, wrapping, not RAM) or
 * -EPERM. What a mediated device may be given to read or write.
 */
int host_range_check_locked(phys_addr_t addr, u64 size)
{
	struct kvm_pgtable_walker walker = {
		.cb = host_access_leaf, .flags = KVM_PGTABLE_WALK_LEAF,
	};
	struct kvm_mem_range range;
	u64 start = ALIGN_DOWN(addr, SZ_4K), end = addr + size;

	hyp_assert_lock_held(&host_mmu.lock);
	if (!size || end < addr || !find_mem_range(addr, &range) || end > range.end)
		return -EINVAL;
	return kvm_pgtable_walk(&host_mmu.pgt, start, ALIGN_UP(end, SZ_4K) - start, &walker);
}

int host_stage2_pin_locked(phys_addr_t addr, u64 size)
{
	u64 start = ALIGN_DOWN(addr, SZ_4K), end = ALIGN_UP(addr + size, SZ_4K);
	struct host_pin *pin;
	int ret = host_range_check_locked(addr, size);

	if (ret)
		return ret;
	pin = pin_find_locked(start, end);
	if (pin) {
		if (pin->count == 0xffffffffU)
			return -ENOSPC;
		pin->count++;
		return 0;
	}
	pin = pin_find_locked(0, 0);
	if (!pin)
		return -ENOSPC;
	*pin = (struct host_pin){ .start = start, .end = end, .count = 1 };
	host_nr_pins++;
	return 0;
}

int host_stage2_unpin_locked(phys_addr_t addr, u64 size)
{
	u64 start = ALIGN_DOWN(addr, SZ_4K), end = ALIGN_UP(addr + size, SZ_4K);
	struct host_pin *pin;

	hyp_assert_lock_held(&host_mmu.lock);
	pin = size && end > start ? pin_find_locked(start, end) : NULL;
	if (!pin)
		return -ENOENT;
	if (!--pin->count) {
		*pin = (struct host_pin){ 0 };
		host_nr_pins--;
	}
	return 0;
}

int host_stage2_pin(phys_addr_t addr, u64 size)
{
	int ret;

	hyp_spin_lock(&host_mmu.lock);
	ret = host_stage2_pin_locked(addr, size);
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

int host_stage2_unpin(phys_addr_t addr, u64 size)
{
	int ret;

	hyp_spin_lock(&host_mmu.lock);
	ret = host_stage2_unpin_locked(addr, size);
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

/* ---- the host's calls ------------------------------------------------------ */

static int check_state_leaf(const struct kvm_pgtable_visit_ctx *ctx,
			    enum kvm_pgtable_walk_flags visit)
{
	const enum host_page_state *want = ctx->arg;

	return pte_host_state(ctx->old) == *want ? 0 : -EPERM;
}

/* Is all of [addr, addr + size) in state @want? 0 or -EPERM. */
static int check_range_state_locked(u64 addr, u64 size, enum host_page_state want)
{
	struct kvm_pgtable_walker walker = {
		.cb = check_state_leaf, .arg = &want, .flags = KVM_PGTABLE_WALK_LEAF,
	};

	return kvm_pgtable_walk(&host_mmu.pgt, addr, size, &walker);
}

/*
 * A host range argument, checked before anything else: -EINVAL for no pages,
 * a range that wraps or leaves the physical address space, or that is not
 * wholly inside one RAM region.
 */
static int host_range(u64 pfn, u64 nr_pages, u64 *addr, u64 *size)
{
	u64 max_pfn = BIT(host_mmu.pgt.ia_bits - 12);
	struct kvm_mem_range range;

	if (!nr_pages || pfn >= max_pfn || nr_pages > max_pfn - pfn)
		return -EINVAL;
	*addr = pfn << 12;
	*size = nr_pages << 12;
	if (!find_mem_range(*addr, &range) || *addr + *size > range.end)
		return -EINVAL;
	return 0;
}

/*
 * One host range call: the range checked, then under host_mmu.lock every
 * page checked to be in state @want, then @change_locked applied -- all or
 * nothing.
 */
static int host_range_call(u64 pfn, u64 nr_pages, enum host_page_state want,
			   int (*change_locked)(u64 addr, u64 size))
{
	u64 addr, size;
	int ret = host_range(pfn, nr_pages, &addr, &size);

	if (ret)
		return ret;
	hyp_spin_lock(&host_mmu.lock);
	ret = check_range_state_locked(addr, size, want);
	if (!ret)
		ret = change_locked(addr, size);
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

/* Shared pages stay the host's (and DMA-able): only the software bit changes. */
static int share_locked(u64 addr, u64 size)
{
	return kvm_pgtable_stage2_map(&host_mmu.pgt, addr, size, addr,
				      PKVM_HOST_MEM_PROT | PKVM_PAGE_SHARED_OWNED);
}

static int unshare_locked(u64 addr, u64 size)
{
	return kvm_pgtable_stage2_map(&host_mmu.pgt, addr, size, addr, PKVM_HOST_MEM_PROT);
}

/* A page a mediated device may write stays the host's while it can. */
static int donate_locked(u64 addr, u64 size)
{
	if (range_pinned_locked(addr, addr + size))
		return -EBUSY;
	return host_stage2_set_owner_locked(addr, size, PKVM_ID_DONATED);
}

static int reclaim_locked(u64 addr, u64 size)
{
	/*
	 * Zero while still the hypervisor's: the host cannot map the pages (its
	 * fault path needs this lock) before they are clean. If the owner change
	 * then fails, they stay donated -- and zeroed.
	 */
	mp_ops->zero_pages(addr, size);
	return host_stage2_set_owner_locked(addr, size, PKVM_ID_HOST);
}

int __pkvm_host_share_hyp(u64 pfn, u64 nr_pages)
{
	return host_range_call(pfn, nr_pages, HOST_STATE_OWNED, share_locked);
}

int __pkvm_host_unshare_hyp(u64 pfn, u64 nr_pages)
{
	return host_range_call(pfn, nr_pages, HOST_STATE_SHARED, unshare_locked);
}

int __pkvm_host_donate_hyp(u64 pfn, u64 nr_pages)
{
	return host_range_call(pfn, nr_pages, HOST_STATE_OWNED, donate_locked);
}

int __pkvm_host_reclaim(u64 pfn, u64 nr_pages)
{
	return host_range_call(pfn, nr_pages, HOST_STATE_DONATED, reclaim_locked);
}

int __pkvm_host_page_state(u64 pfn)
{
	kvm_pte_t pte;
	u32 level;
	bool mem, pinned;
	int ret;

	if (pfn >= BIT(host_mmu.pgt.ia_bits - 12))
		return -EINVAL;
	mem = addr_is_memory(pfn << 12);
	hyp_spin_lock(&host_mmu.lock);
	ret = kvm_pgtable_get_leaf(&host_mmu.pgt, pfn << 12, &pte, &level);
	pinned = mem && range_pinned_locked(pfn << 12, (pfn + 1) << 12);
	hyp_spin_unlock(&host_mmu.lock);
	if (ret)
		return ret;
	if (pinned)
		return ISOHYP_PAGE_HOST_PINNED; /* pins are only ever taken on host pages */
	switch (pte_host_state(pte)) {
	case HOST_STATE_OWNED:
		return mem ? ISOHYP_PAGE_HOST_OWNED : ISOHYP_PAGE_MMIO_HOST;
	case HOST_STATE_SHARED:
		return ISOHYP_PAGE_SHARED_HYP;
	default:
		return mem ? ISOHYP_PAGE_HYP_OWNED : ISOHYP_PAGE_MMIO_HYP;
	}
}

/* ---- batches: HOST_BATCH ------------------------------------------------------
 *
 * One call on a list of ranges (include/uapi/isohyp.h): the list is copied
 * into the hypervisor under host_mmu.lock, converted, sorted and checked as a
 * whole, then applied as one update of each stage-2 -- one walk, one
 * invalidation -- with the same order of the CPU and DMA steps, and the same
 * rollback, as host_stage2_set_owner_locked().
 */

/* The copy of the host's list and its ranges, sorted: under host_mmu.lock. */
static struct isohyp_batch_range batch_list[ISOHYP_BATCH_MAX];
static struct kvm_pgtable_range batch_ranges[ISOHYP_BATCH_MAX];

/* host_stage2_set_owner_locked() for @nr sorted, disjoint ranges, all now @prev. */
static int host_stage2_set_owner_ranges_locked(const struct kvm_pgtable_range *r, u32 nr,
					       enum pkvm_owner_id owner,
					       enum pkvm_owner_id prev)
{
	struct kvm_pgtable *pgt = &host_mmu.pgt;
	int ret;

	hyp_assert_lock_held(&host_mmu.lock);
	if (owner != PKVM_ID_HOST) {
		ret = kvm_iommu_host_stage2_idmap_ranges(r, nr, 0);
		if (ret)
			return ret;
		ret = kvm_pgtable_stage2_set_owner_ranges(pgt, r, nr, owner);
		if (ret)
			WARN_ON(kvm_iommu_host_stage2_idmap_ranges(r, nr, PKVM_HOST_MEM_PROT));
		return ret;
	}
	ret = kvm_pgtable_stage2_set_owner_ranges_keep_tables(pgt, r, nr, PKVM_ID_HOST);
	if (ret)
		return ret;
	ret = kvm_iommu_host_stage2_idmap_ranges(r, nr, PKVM_HOST_MEM_PROT);
	if (ret) {
		/* DMA could not follow: every range stays where it was, without memory. */
		kvm_iommu_host_stage2_idmap_ranges(r, nr, 0);
		WARN_ON(kvm_pgtable_stage2_set_owner_ranges(pgt, r, nr, prev));
		return ret;
	}
	WARN_ON(kvm_pgtable_stage2_merge_ranges(pgt, r, nr));
	return 0;
}

/* Sort the ranges by address (insertion sort: at most 256, usually sorted already). */
static void batch_sort(struct kvm_pgtable_range *r, u32 nr)
{
	u32 i, j;

	for (i = 1; i < nr; i++) {
		struct kvm_pgtable_range x = r[i];

		for (j = i; j && r[j - 1].addr > x.addr; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/*
 * Copy the list at @list_pa (checked to be the host's RAM, now that the lock
 * holds it so) and turn it into batch_ranges, sorted: -EINVAL, -EPERM.
 */
static int batch_read_locked(u64 list_pa, u32 nr)
{
	u64 bytes = nr * sizeof(batch_list[0]);
	u32 i;
	int ret = host_range_check_locked(list_pa, bytes);

	if (ret)
		return ret;
	host_mem_read(list_pa, batch_list, bytes);
	for (i = 0; i < nr; i++) {
		ret = host_range(batch_list[i].pfn, batch_list[i].nr_pages, &batch_ranges[i].addr,
				 &batch_ranges[i].size);
		if (ret)
			return ret;
	}
	batch_sort(batch_ranges, nr);
	for (i = 1; i < nr; i++)
		if (batch_ranges[i].addr < batch_ranges[i - 1].addr + batch_ranges[i - 1].size)
			return -EINVAL; /* overlapping */
	return 0;
}

/* Every page in the state @op needs, none pinned if it leaves the host: -EPERM, -EBUSY. */
static int batch_check_locked(u64 op, u32 nr, u64 list_pa)
{
	static const enum host_page_state need[] = {
		[ISOHYP_BATCH_SHARE_HYP] = HOST_STATE_OWNED,
		[ISOHYP_BATCH_UNSHARE_HYP] = HOST_STATE_SHARED,
		[ISOHYP_BATCH_DONATE_HYP] = HOST_STATE_OWNED,
		[ISOHYP_BATCH_RECLAIM] = HOST_STATE_DONATED,
	};
	const struct kvm_pgtable_range *r = batch_ranges;
	u64 list_page = ALIGN_DOWN(list_pa, SZ_4K);
	u32 i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = check_range_state_locked(r[i].addr, r[i].size, need[op]);
		if (ret)
			return ret;
	}
	if (op != ISOHYP_BATCH_DONATE_HYP)
		return 0;
	for (i = 0; i < nr; i++)
		if (range_pinned_locked(r[i].addr, r[i].addr + r[i].size) ||
		    (list_page < r[i].addr + r[i].size && r[i].addr < list_page + SZ_4K))
			return -EBUSY; /* the list's page is pinned for the call */
	return 0;
}

static int batch_apply_locked(u64 op, u32 nr)
{
	const struct kvm_pgtable_range *r = batch_ranges;
	u32 i;

	switch (op) {
	case ISOHYP_BATCH_SHARE_HYP:
		return kvm_pgtable_stage2_map_ranges(&host_mmu.pgt, r, nr,
						     PKVM_HOST_MEM_PROT | PKVM_PAGE_SHARED_OWNED);
	case ISOHYP_BATCH_UNSHARE_HYP:
		return kvm_pgtable_stage2_map_ranges(&host_mmu.pgt, r, nr, PKVM_HOST_MEM_PROT);
	case ISOHYP_BATCH_DONATE_HYP:
		return host_stage2_set_owner_ranges_locked(r, nr, PKVM_ID_DONATED, PKVM_ID_HOST);
	default:
		/* Zeroed while still the hypervisor's, as reclaim_locked() does. */
		for (i = 0; i < nr; i++)
			mp_ops->zero_pages(r[i].addr, r[i].size);
		return host_stage2_set_owner_ranges_locked(r, nr, PKVM_ID_HOST, PKVM_ID_DONATED);
	}
}

int __pkvm_host_batch(u64 op, u64 list_pa, u64 nr)
{
	int ret;

	if (op < ISOHYP_BATCH_SHARE_HYP || op > ISOHYP_BATCH_RECLAIM || !nr ||
	    nr > ISOHYP_BATCH_MAX || !IS_ALIGNED(list_pa, sizeof(batch_list[0])) ||
	    (list_pa & (SZ_4K - 1)) + nr * sizeof(batch_list[0]) > SZ_4K)
		return -EINVAL;
	hyp_spin_lock(&host_mmu.lock);
	ret = batch_read_locked(list_pa, nr);
	if (!ret)
		ret = batch_check_locked(op, nr, list_pa);
	if (!ret)
		ret = batch_apply_locked(op, nr);
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}
