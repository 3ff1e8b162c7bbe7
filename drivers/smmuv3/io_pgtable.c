// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMMUs' identity stage-2 (ARCHITECTURE.md section 6): one table for
 * every SMMU, built by the shared hyp/pgtable engine with SMMU memory
 * attributes -- Device-nGnRE for MMIO, Normal write-back inner-shareable for
 * RAM -- and kept equal to the host's CPU stage-2 through the iommu core's
 * host_stage2_idmap(). Whatever the engine invalidates (once per update) is
 * invalidated on every SMMU by TLBI_S2_IPA (4.4.7) and CMD_SYNC before the
 * update returns; a failed invalidation fails the update and leaves a whole
 * VMID invalidation owed to the next one (the iommu core re-applies the
 * range from the host stage-2 then). Table pages an update unlinked while an
 * invalidation is owed are not reused until it is made: a walk cache may
 * still point at them. Before each update every SMMU's registers are checked
 * (smmu_watchdog()); with a broken SMMU, updates fail with -EIO at once.
 *
 * Serialised by the iommu core's caller (host_mmu.lock); each SMMU's
 * commands under its own lock. The hypervisor's memory is identity-mapped
 * (VA == PA). When some SMMU walks without snooping the CPU's caches, the
 * engine cleans every descriptor and new table it writes to the PoC.
 */
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/panic.h>

#include "smmuv3.h"

/* The identity stage-2 every STE points at; serialised by the core's caller. */
struct kvm_pgtable smmu_idmap;
static u64 smmu_idmap_pages;
/* Some SMMU walks the table without snooping the CPU's caches. */
static bool smmu_idmap_noncoherent;
/* An invalidation that failed inside a table update, reported by its caller. */
static int smmu_idmap_err;
/*
 * Some SMMU may still hold translations a failed invalidation should have
 * removed: the next update starts by invalidating the whole VMID.
 */
static bool smmu_tlb_stale;

/*
 * Table pages unlinked while smmu_tlb_stale: an SMMU that did not confirm
 * the invalidation may still walk them. Freed after the next VMID-wide
 * invalidation completes; beyond this many, never (a warning each).
 */
#define SMMU_QUARANTINE_MAX 64
static void *smmu_quarantine[SMMU_QUARANTINE_MAX];
static unsigned int smmu_nr_quarantined;

/* Above this many pages, without range invalidation, invalidate the VMID. */
#define SMMU_TLBI_PAGE_LIMIT 16

#if defined(CONFIG_SMMUV3_MAP_RAM_4K)
static enum smmu_map_policy smmu_policy = SMMU_MAP_RAM_PAGES;
#elif defined(CONFIG_SMMUV3_MAP_REFERENCE_BASELINE)
static enum smmu_map_policy smmu_policy = SMMU_MAP_BASELINE;
#else
static enum smmu_map_policy smmu_policy = SMMU_MAP_BLOCKS;
#endif

int kvm_arm_smmu_v3_set_policy(enum smmu_map_policy policy)
{
	if (policy > SMMU_MAP_BASELINE || kvm_iommu_ops)
		return -EINVAL; /* only before the driver registers */
	smmu_policy = policy;
	return 0;
}

static void *smmu_zalloc_page(void *arg)
{
	void *p = hyp_alloc_page(arg);

	if (p)
		smmu_idmap_pages++;
	return p;
}

static void smmu_put_page(void *addr)
{
	smmu_idmap_pages--;
	if (!smmu_tlb_stale) {
		hyp_free_page(smmu_pool, addr);
	} else if (smmu_nr_quarantined < SMMU_QUARANTINE_MAX) {
		smmu_quarantine[smmu_nr_quarantined++] = addr;
	} else {
		pr_warn("smmu: table page %lx kept out of use for good: its unlinking was not "
			"confirmed\n", (unsigned long)(uintptr_t)addr);
	}
}

/* Every SMMU forgot the host VMID's translations: no walk reaches them now. */
static void smmu_quarantine_release(void)
{
	while (smmu_nr_quarantined)
		hyp_free_page(smmu_pool, smmu_quarantine[--smmu_nr_quarantined]);
}

static void *smmu_phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static phys_addr_t smmu_virt_to_phys(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

/* Invalidate [addr, addr + size) for the host VMID on one SMMU, then sync. */
static int smmu_tlb_inv_range(struct arm_smmu_device *smmu, u64 addr, u64 size)
{
	u64 cmd[CMDQ_ENT_DWORDS], pages = size >> 12, end = addr + size;
	int ret = 0;

	hyp_spin_lock(&smmu->lock);
	if (smmu_policy == SMMU_MAP_BASELINE) {
		/* The reference patch's way, for comparison: one command per page. */
		for (; !ret && addr < end; addr += SZ_4K) {
			smmu_build_tlbi_s2_ipa(cmd, addr, 0, 0, false);
			ret = smmu_cmdq_issue(smmu, cmd);
			arm_smmu_stats.nr_tlbi++;
		}
	} else if (smmu->s1_live) {
		/* Nested walks cached with the old stage 2 go too (smmuv3.h). */
		smmu_build_vmall(cmd, SMMU_HOST_VMID);
		ret = smmu_cmdq_issue(smmu, cmd);
		arm_smmu_stats.nr_tlbi++;
	} else if (smmu->ril) {
		/*
		 * One range command (4.4.1.1): (num + 1) << scale pages from addr,
		 * the smallest scale that covers the range with num <= 31. It may
		 * reach past the end: invalidating more is always safe. One page
		 * needs no range: the plain command says the same.
		 */
		u32 scale = 0;

		while (pages > (u64)(CMDQ_TLBI_RANGE_NUM_MAX + 1) << scale)
			scale++;
		smmu_build_tlbi_s2_ipa(cmd, addr, ALIGN_UP(pages, BIT(scale)) / BIT(scale) - 1,
				       scale, pages > 1);
		ret = smmu_cmdq_issue(smmu, cmd);
		arm_smmu_stats.nr_tlbi++;
	} else if (pages > SMMU_TLBI_PAGE_LIMIT) {
		smmu_build_vmall(cmd, SMMU_HOST_VMID);
		ret = smmu_cmdq_issue(smmu, cmd);
		arm_smmu_stats.nr_tlbi++;
	} else {
		for (; !ret && addr < end; addr += SZ_4K) {
			smmu_build_tlbi_s2_ipa(cmd, addr, 0, 0, false);
			ret = smmu_cmdq_issue(smmu, cmd);
			arm_smmu_stats.nr_tlbi++;
		}
	}
	if (!ret)
		ret = smmu_cmdq_sync(smmu);
	hyp_spin_unlock(&smmu->lock);
	return ret;
}

/* The engine invalidated part of the table: no SMMU may still use it. */
static void smmu_tlb_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	unsigned int i;

	/*
	 * The descriptor writes reach the SMMUs' table walkers before the TLBI:
	 * the command's doorbell is a writel, whose DSB orders every earlier
	 * write, the tables' included.
	 */
	for (i = 0; i < nr_smmus; i++) {
		int ret;

		/*
		 * An SMMU not translating yet (taken over, not enabled: the iommu
		 * core's snapshot) uses nothing of the table; its enable
		 * invalidates everything first (smmuv3.c, smmu_enable_locked()).
		 */
		if (!smmus[i].live)
			continue;
		ret = smmu_tlb_inv_range(&smmus[i], addr, size);

		if (ret && !smmu_idmap_err)
			smmu_idmap_err = ret;
		if (ret)
			smmu_tlb_stale = true;
	}
}

/*
 * After a failed invalidation: forget every translation of the host VMID, on
 * every SMMU (one that fails does not keep the others from it; a broken one
 * fails at once). Only when all of them confirmed is nothing owed any more.
 */
static int smmu_tlb_inv_all(void)
{
	u64 cmd[CMDQ_ENT_DWORDS];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];
		int err;

		if (!smmu->live)
			continue; /* as in smmu_tlb_flush() */
		hyp_spin_lock(&smmu->lock);
		smmu_build_vmall(cmd, SMMU_HOST_VMID);
		err = smmu_cmdq_issue(smmu, cmd);
		if (!err)
			err = smmu_cmdq_sync(smmu);
		hyp_spin_unlock(&smmu->lock);
		if (err && !ret)
			ret = err;
	}
	if (!ret) {
		smmu_tlb_stale = false;
		smmu_quarantine_release();
	}
	return ret;
}

/* A descriptor or new table the engine wrote: at the PoC before any TLBI's CMD_SYNC. */
static void smmu_dcache_clean_inval(void *addr, size_t size)
{
	if (smmu_idmap_noncoherent)
		dcache_clean_inval_poc(addr, size);
}

static const struct kvm_pgtable_mm_ops smmu_mm_ops = {
	.zalloc_page = smmu_zalloc_page,
	.put_page = smmu_put_page,
	.phys_to_virt = smmu_phys_to_virt,
	.virt_to_phys = smmu_virt_to_phys,
	.tlb_flush = smmu_tlb_flush,
	.dcache_clean_inval_poc = smmu_dcache_clean_inval,
};

static const char *const policy_names[] = {
	[SMMU_MAP_BLOCKS] = "RAM in blocks",
	[SMMU_MAP_RAM_PAGES] = "RAM at 4 KiB (CONFIG_SMMUV3_MAP_RAM_4K)",
	[SMMU_MAP_BASELINE] = "RAM at 4 KiB, per-page invalidation (reference baseline)",
};

/*
 * How the identity map may change (ARCHITECTURE.md section 6). In blocks, a
 * donation splits the block around it: in place when every SMMU has
 * IDR3.BBML == 2 (no invalid window, no conflict aborts); otherwise by
 * break-before-make, where a DMA to a still-host-owned page of that block
 * can fault during the window between the break and the TLBI's CMD_SYNC --
 * platforms that cannot tolerate that use CONFIG_SMMUV3_MAP_RAM_4K, which
 * never splits or merges RAM.
 */
static u32 smmu_table_flags(void)
{
	bool inplace = true;
	unsigned int i;

	for (i = 0; i < nr_smmus; i++)
		inplace &= FIELD_GET(IDR3_BBML, smmus[i].idr3) == 2;
	switch (smmu_policy) {
	case SMMU_MAP_RAM_PAGES:
	case SMMU_MAP_BASELINE:
		pr_info("smmu: identity map: %s\n", policy_names[smmu_policy]);
		return KVM_PGTABLE_S2_NORMAL_PAGES | KVM_PGTABLE_S2_NO_MERGE;
	default:
		pr_info("smmu: identity map: %s, %s\n", policy_names[smmu_policy],
			inplace ? "split and merged in place (BBML 2)" :
				  "split and merged by break-before-make (BBML < 2)");
		return inplace ? KVM_PGTABLE_S2_INPLACE_RESIZE : 0;
	}
}

int smmu_idmap_init(u32 host_ia_bits)
{
	u32 ia_bits = host_ia_bits;
	unsigned int i;
	int ret;

	/* Nothing past the smallest output size is reachable by DMA anyway. */
	smmu_idmap_noncoherent = false;
	for (i = 0; i < nr_smmus; i++) {
		if (smmus[i].oas_bits < ia_bits)
			ia_bits = smmus[i].oas_bits;
		smmu_idmap_noncoherent |= !smmus[i].coherent;
	}
	smmu_idmap_pages = 0;
	smmu_tlb_stale = false;
	smmu_nr_quarantined = 0;
	ret = kvm_pgtable_stage2_init(&smmu_idmap, ia_bits, &smmu_mm_ops, smmu_pool);
	if (!ret)
		smmu_idmap.flags = smmu_table_flags();
	/*
	 * Blocks split for a donation stay split a while after the reclaim
	 * (hyp/pgtable.c, "Idle tables"): a page given back and forth costs one
	 * descriptor and no table. Page-granular RAM never merges anyway.
	 */
	if (!ret && smmu_policy == SMMU_MAP_BLOCKS)
		ret = kvm_pgtable_stage2_set_idle_policy(&smmu_idmap, KVM_PGTABLE_IDLE_MAX,
							 KVM_PGTABLE_IDLE_AGE);
	return ret;
}

static enum kvm_pgtable_prot smmu_pgt_prot(int prot)
{
	enum kvm_pgtable_prot p = 0;

	if (prot & IOMMU_READ)
		p |= KVM_PGTABLE_PROT_R;
	if (prot & IOMMU_WRITE)
		p |= KVM_PGTABLE_PROT_W;
	/* Device unless it is known to be memory: never cacheable MMIO. */
	if ((prot & IOMMU_MMIO) || !(prot & IOMMU_CACHE))
		p |= KVM_PGTABLE_PROT_DEVICE;
	return p;
}

/*
 * Every SMMU still has the registers the driver set (re-initialised if not);
 * -EIO if one is broken: it cannot follow any change, and nothing is
 * touched, so the update fails fast and the identity map stays as it was.
 */
static int smmu_check_all(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr_smmus; i++) {
		smmu_watchdog(&smmus[i]);
		if (smmus[i].broken)
			ret = -EIO;
	}
	return ret;
}

/*
 * The iommu core's call: identity-map [start, end) with @prot, 0 = unmap.
 *
 * An unmap is always written to the table, whatever else fails: it can only
 * narrow what DMA reaches, and a caller rolling a change back relies on it.
 * A map is written only when every SMMU works and nothing is owed: with a
 * broken SMMU it fails with -EIO at once, untouched. Errors: -ENOMEM (the
 * table unchanged), -EIO (broken, or a command error), -ETIMEDOUT (not
 * confirmed); after the last two the range may be updated in the table
 * without every SMMU having dropped what it cached -- the iommu core records
 * it and re-applies it.
 */
int smmu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, int prot)
{
	u64 limit = BIT(smmu_idmap.ia_bits);
	bool unmap = !(prot & (IOMMU_READ | IOMMU_WRITE));
	int ret, owed;

	/* Beyond the SMMUs' address size DMA cannot reach: nothing to map. */
	if (start >= limit)
		return 0;
	if (end > limit)
		end = limit;
	owed = smmu_check_all();
	if (owed && !unmap)
		return owed;
	if (smmu_tlb_stale && !owed)
		owed = smmu_tlb_inv_all();
	if (owed && !unmap)
		return owed;
	smmu_idmap_err = 0;
	/*
	 * An unmap keeps its tables: it is the first step of a donation, and
	 * the map that undoes it if the CPU's step fails must need no memory
	 * (mem_protect's rule). A table left all invalid is merged by a later
	 * map that makes it one block again, or stays (one page per 2 MiB
	 * region the host gave away piece by piece).
	 */
	if (unmap)
		ret = kvm_pgtable_stage2_set_owner_keep_tables(&smmu_idmap, start, end - start, 0);
	else
		ret = kvm_pgtable_stage2_map(&smmu_idmap, start, end - start, start,
					     smmu_pgt_prot(prot));
	if (ret)
		return ret;
	return owed ? owed : smmu_idmap_err;
}

/*
 * smmu_host_stage2_idmap() for @nr sorted, disjoint ranges in one update of
 * the table: one invalidation (one range TLBI over them all, or the VMID)
 * and one CMD_SYNC per SMMU for the batch. Ranges that reach past the SMMUs'
 * address size go one by one, clipped there.
 */
int smmu_host_stage2_idmap_ranges(const struct kvm_pgtable_range *r, u32 nr, int prot)
{
	bool unmap = !(prot & (IOMMU_READ | IOMMU_WRITE));
	int ret, owed;
	u32 i;

	if (r[nr - 1].addr + r[nr - 1].size > BIT(smmu_idmap.ia_bits)) {
		for (i = 0, owed = 0; i < nr; i++) {
			ret = smmu_host_stage2_idmap(r[i].addr, r[i].addr + r[i].size, prot);
			owed = owed ? owed : ret;
		}
		return owed;
	}
	/* As for one range: unmaps always reach the table, maps only a working SMMU. */
	owed = smmu_check_all();
	if (owed && !unmap)
		return owed;
	if (smmu_tlb_stale && !owed)
		owed = smmu_tlb_inv_all();
	if (owed && !unmap)
		return owed;
	smmu_idmap_err = 0;
	if (unmap) /* keeps its tables, as for one range */
		ret = kvm_pgtable_stage2_set_owner_ranges_keep_tables(&smmu_idmap, r, nr, 0);
	else
		ret = kvm_pgtable_stage2_map_ranges(&smmu_idmap, r, nr, smmu_pgt_prot(prot));
	if (ret)
		return ret;
	return owed ? owed : smmu_idmap_err;
}

void smmu_idmap_info(struct kvm_iommu_info *info)
{
	info->nr_table_pages = smmu_idmap_pages + smmu_nr_quarantined;
	info->nr_pte_writes = smmu_idmap.nr_pte_writes;
	info->structs[3] = kvm_pgtable_root_pa(&smmu_idmap);
}
