// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMMUv3 driver, hidden mode (ARCHITECTURE.md section 6): the host does
 * not see the SMMUs; the hypervisor takes each one over, points every stream
 * ID at one identity stage-2 table and keeps that table equal to the host's
 * CPU stage-2 through the iommu core's host_stage2_idmap().
 *
 * One io-page-table serves every SMMU: the shared hyp/pgtable engine with
 * SMMU memory attributes (Device-nGnRE for MMIO, Normal WB inner-shareable
 * for RAM). Whatever the engine invalidates is invalidated on every SMMU
 * (TLBI_S2_IPA, CMD_SYNC) before the call that changed it returns.
 *
 * Locking: host_stage2_idmap() is called by the iommu core with its caller's
 * lock held, which serialises the table; each SMMU's queues are under its
 * own lock (IOMMU_INFO drains events from any CPU).
 *
 * The hypervisor identity-maps its memory (VA == PA) and the SMMUs' table
 * walks must be coherent (IDR0.COHACC and "dma-coherent"): no cache
 * maintenance is done for them.
 */
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/panic.h>
#include <isohyp/iommu.h>

#include "smmuv3.h"

static struct arm_smmu_device smmus[BOOT_INFO_MAX_SMMUS];
static unsigned int nr_smmus;
static struct hyp_pool *smmu_pool;
static u32 smmu_host_ia_bits;

/* The identity stage-2 every STE points at; serialised by the core's caller. */
static struct kvm_pgtable smmu_idmap;
static u64 smmu_idmap_pages;
/* An invalidation that failed inside a table update, reported by its caller. */
static int smmu_idmap_err;
/*
 * Some SMMU may still hold translations a failed invalidation should have
 * removed: the next update starts by invalidating the whole VMID.
 */
static bool smmu_tlb_stale;

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
	hyp_free_page(smmu_pool, addr);
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
	} else if (smmu->ril) {
		/*
		 * One range command (4.4.1.1): (num + 1) << scale pages from addr,
		 * the smallest scale that covers the range with num <= 31. It may
		 * reach past the end: invalidating more is always safe.
		 */
		u32 scale = 0;

		while (pages > (u64)(CMDQ_TLBI_RANGE_NUM_MAX + 1) << scale)
			scale++;
		smmu_build_tlbi_s2_ipa(cmd, addr, ALIGN_UP(pages, BIT(scale)) / BIT(scale) - 1,
				       scale, true);
		ret = smmu_cmdq_issue(smmu, cmd);
		arm_smmu_stats.nr_tlbi++;
	} else if (pages > SMMU_TLBI_PAGE_LIMIT) {
		smmu_build_vmall(cmd, ARM_SMMU_HOST_VMID);
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
		int ret = smmu_tlb_inv_range(&smmus[i], addr, size);

		if (ret && !smmu_idmap_err)
			smmu_idmap_err = ret;
		if (ret)
			smmu_tlb_stale = true;
	}
}

/* After a failed invalidation: forget every translation of the host VMID. */
static int smmu_tlb_inv_all(void)
{
	u64 cmd[CMDQ_ENT_DWORDS];
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		hyp_spin_lock(&smmu->lock);
		smmu_build_vmall(cmd, ARM_SMMU_HOST_VMID);
		ret = smmu_cmdq_issue(smmu, cmd);
		if (!ret)
			ret = smmu_cmdq_sync(smmu);
		hyp_spin_unlock(&smmu->lock);
	}
	if (!ret)
		smmu_tlb_stale = false;
	return ret;
}

static const struct kvm_pgtable_mm_ops smmu_mm_ops = {
	.zalloc_page = smmu_zalloc_page,
	.put_page = smmu_put_page,
	.phys_to_virt = smmu_phys_to_virt,
	.virt_to_phys = smmu_virt_to_phys,
	.tlb_flush = smmu_tlb_flush,
};

static const unsigned char oas_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

/* Read the ID registers; refuse what this driver cannot drive safely. */
static int smmu_probe(struct arm_smmu_device *smmu, bool dt_coherent)
{
	u32 ttf, oas;

	smmu->idr0 = smmu_read(smmu, ARM_SMMU_IDR0);
	smmu->idr1 = smmu_read(smmu, ARM_SMMU_IDR1);
	smmu->idr3 = smmu_read(smmu, ARM_SMMU_IDR3);
	smmu->idr5 = smmu_read(smmu, ARM_SMMU_IDR5);
	ttf = FIELD_GET(IDR0_TTF, smmu->idr0);
	pr_info("smmu@%lx: IDR0 %x IDR1 %x IDR3 %x IDR5 %x\n", (unsigned long)smmu->pa, smmu->idr0,
		smmu->idr1, smmu->idr3, smmu->idr5);
	if (!(smmu->idr0 & IDR0_S2P)) {
		pr_err("smmu@%lx: no stage-2 translation (IDR0.S2P = 0): cannot isolate DMA\n",
		       (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	if (ttf != IDR0_TTF_AARCH64 && ttf != IDR0_TTF_AARCH32_64) {
		pr_err("smmu@%lx: no AArch64 translation tables (IDR0.TTF = %u)\n",
		       (unsigned long)smmu->pa, ttf);
		return -EOPNOTSUPP;
	}
	if (FIELD_GET(IDR0_TTENDIAN, smmu->idr0) == IDR0_TTENDIAN_BE) {
		pr_err("smmu@%lx: big-endian table walks only\n", (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	if (!(smmu->idr0 & IDR0_COHACC) || !dt_coherent) {
		pr_err("smmu@%lx: table walks are not coherent (IDR0.COHACC %u, dma-coherent %u): "
		       "not supported\n", (unsigned long)smmu->pa,
		       !!(smmu->idr0 & IDR0_COHACC), dt_coherent);
		return -EOPNOTSUPP;
	}
	if (smmu->idr1 & (IDR1_TABLES_PRESET | IDR1_QUEUES_PRESET)) {
		pr_err("smmu@%lx: preset tables or queues (IDR1 %x): cannot own them\n",
		       (unsigned long)smmu->pa, smmu->idr1);
		return -EOPNOTSUPP;
	}
	if (!(smmu->idr5 & IDR5_GRAN4K)) {
		pr_err("smmu@%lx: no 4 KiB translation granule\n", (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	oas = FIELD_GET(IDR5_OAS, smmu->idr5);
	smmu->oas_bits = oas < ARRAY_SIZE(oas_bits) ? oas_bits[oas] : 48;
	if (smmu->oas_bits > 48)
		smmu->oas_bits = 48; /* 52-bit tables are not used */
	smmu->sid_bits = FIELD_GET(IDR1_SIDSIZE, smmu->idr1);
	smmu->two_level = FIELD_GET(IDR0_ST_LVL, smmu->idr0) == IDR0_ST_LVL_2LVL &&
			  smmu->sid_bits > STRTAB_SPLIT;
	smmu->ril = smmu->idr3 & IDR3_RIL;
	if (!FIELD_GET(IDR1_CMDQS, smmu->idr1) || !FIELD_GET(IDR1_EVTQS, smmu->idr1)) {
		pr_err("smmu@%lx: one-entry queues (IDR1 %x)\n", (unsigned long)smmu->pa,
		       smmu->idr1);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int smmu_write_cr0(struct arm_smmu_device *smmu, u32 val)
{
	smmu_write(smmu, ARM_SMMU_CR0, val);
	return smmu_wait_reg(smmu, ARM_SMMU_CR0ACK, ~0U, val);
}

/*
 * Stop the SMMU, whatever firmware left running (abort while disabled with
 * the GBPA.UPDATE handshake, 6.3.14), then program and enable it (6.3.9).
 */
static int smmu_reset(struct arm_smmu_device *smmu)
{
	u64 cmd[CMDQ_ENT_DWORDS];
	int ret;

	smmu->fw_cr0 = smmu_read(smmu, ARM_SMMU_CR0);
	smmu->fw_gbpa = smmu_read(smmu, ARM_SMMU_GBPA) & ~GBPA_UPDATE;
	smmu->touched = true;
	if (smmu->fw_cr0 & CR0_SMMUEN)
		pr_info("smmu@%lx: firmware left it enabled: taking it over\n",
			(unsigned long)smmu->pa);
	ret = smmu_wait_reg(smmu, ARM_SMMU_GBPA, GBPA_UPDATE, 0);
	if (!ret) {
		smmu_write(smmu, ARM_SMMU_GBPA, GBPA_ABORT | GBPA_UPDATE);
		ret = smmu_wait_reg(smmu, ARM_SMMU_GBPA, GBPA_UPDATE, 0);
	}
	if (!ret)
		ret = smmu_write_cr0(smmu, 0);
	if (ret)
		return ret;
	/* Stale errors of the previous owner are not ours. */
	smmu_write(smmu, ARM_SMMU_GERRORN, smmu_read(smmu, ARM_SMMU_GERROR));
	/* No interrupts: the hypervisor polls events. */
	smmu_write(smmu, ARM_SMMU_IRQ_CTRL, 0);
	ret = smmu_wait_reg(smmu, ARM_SMMU_IRQ_CTRLACK, ~0U, 0);
	if (ret)
		return ret;
	smmu_write(smmu, ARM_SMMU_CR1,
		   FIELD_PREP(CR1_TABLE_SH, CR1_SH_ISH) | FIELD_PREP(CR1_TABLE_OC, CR1_CACHE_WB) |
			   FIELD_PREP(CR1_TABLE_IC, CR1_CACHE_WB) |
			   FIELD_PREP(CR1_QUEUE_SH, CR1_SH_ISH) |
			   FIELD_PREP(CR1_QUEUE_OC, CR1_CACHE_WB) |
			   FIELD_PREP(CR1_QUEUE_IC, CR1_CACHE_WB));
	/* Record transactions with stream IDs beyond SIDSIZE as C_BAD_STREAMID. */
	smmu_write(smmu, ARM_SMMU_CR2, CR2_PTM | CR2_RECINVSID);
	ret = smmu_strtab_init(smmu, smmu_pool, &smmu_idmap);
	if (!ret)
		ret = smmu_queue_init(smmu, smmu_pool);
	if (!ret)
		ret = smmu_write_cr0(smmu, CR0_CMDQEN);
	if (ret)
		return ret;
	/* Forget anything cached from before: configuration and TLBs. */
	hyp_spin_lock(&smmu->lock);
	smmu_build_cfgi_all(cmd);
	ret = smmu_cmdq_issue(smmu, cmd);
	if (!ret && (smmu->idr0 & IDR0_HYP)) {
		smmu_build_opcode(cmd, CMDQ_OP_TLBI_EL2_ALL);
		ret = smmu_cmdq_issue(smmu, cmd);
	}
	if (!ret) {
		smmu_build_opcode(cmd, CMDQ_OP_TLBI_NSNH_ALL);
		ret = smmu_cmdq_issue(smmu, cmd);
	}
	if (!ret)
		ret = smmu_cmdq_sync(smmu);
	hyp_spin_unlock(&smmu->lock);
	if (!ret)
		ret = smmu_write_cr0(smmu, CR0_CMDQEN | CR0_EVTQEN);
	if (!ret)
		ret = smmu_write_cr0(smmu, CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
	if (!ret)
		ret = smmu_gerror_check(smmu);
	return ret;
}

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

static void smmu_teardown(void);

static int smmu_init(void)
{
	u32 ia_bits = smmu_host_ia_bits;
	unsigned int i;
	int ret;

	for (i = 0; i < nr_smmus; i++)
		if (smmus[i].oas_bits < ia_bits)
			ia_bits = smmus[i].oas_bits;
	smmu_idmap_pages = 0;
	smmu_tlb_stale = false;
	ret = kvm_pgtable_stage2_init(&smmu_idmap, ia_bits, &smmu_mm_ops, smmu_pool);
	if (ret)
		return ret;
	smmu_idmap.flags = smmu_table_flags();
	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		ret = smmu_reset(smmu);
		if (ret) {
			pr_err("smmu@%lx: reset failed: %d\n", (unsigned long)smmu->pa, ret);
			smmu_teardown();
			return ret;
		}
		pr_info("smmu@%lx: SMMUv3.%u, stage-2 only, %u-bit stream IDs in a %s stream "
			"table (%u pages), OAS %u bits, %s, BBML %u\n",
			(unsigned long)smmu->pa,
			(unsigned int)FIELD_GET(AIDR_ARCH_MINOR, smmu_read(smmu, ARM_SMMU_AIDR)),
			smmu->sid_bits, smmu->two_level ? "2-level" : "linear", smmu->strtab_pages,
			smmu->oas_bits, smmu->ril ? "range invalidation" : "page invalidation",
			(unsigned int)FIELD_GET(IDR3_BBML, smmu->idr3));
	}
	return 0;
}

/*
 * The hypervisor will not run after all: stop translating through tables
 * that are about to be freed and hand the SMMU back as firmware left it
 * (disabled, its global bypass/abort setting). An SMMU firmware had enabled
 * with its own tables stays disabled: those are gone.
 */
static void smmu_teardown(void)
{
	unsigned int i;

	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		if (!smmu->touched)
			continue;
		if (smmu_write_cr0(smmu, 0) ||
		    (smmu_write(smmu, ARM_SMMU_GBPA, smmu->fw_gbpa | GBPA_UPDATE),
		     smmu_wait_reg(smmu, ARM_SMMU_GBPA, GBPA_UPDATE, 0)))
			pr_err("smmu@%lx: could not hand it back to firmware\n",
			       (unsigned long)smmu->pa);
		else if (smmu->fw_cr0 & CR0_SMMUEN)
			pr_warn("smmu@%lx: left disabled (firmware had enabled it)\n",
				(unsigned long)smmu->pa);
		smmu->touched = false;
	}
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

/* The iommu core's call: identity-map [start, end) with @prot, 0 = unmap. */
static int smmu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, int prot)
{
	u64 limit = BIT(smmu_idmap.ia_bits);
	int ret;

	/* Beyond the SMMUs' address size DMA cannot reach: nothing to map. */
	if (start >= limit)
		return 0;
	if (end > limit)
		end = limit;
	if (smmu_tlb_stale) {
		ret = smmu_tlb_inv_all();
		if (ret)
			return ret;
	}
	smmu_idmap_err = 0;
	if (prot & (IOMMU_READ | IOMMU_WRITE))
		ret = kvm_pgtable_stage2_map(&smmu_idmap, start, end - start, start,
					     smmu_pgt_prot(prot));
	else
		ret = kvm_pgtable_stage2_unmap(&smmu_idmap, start, end - start);
	return ret ? ret : smmu_idmap_err;
}

static void smmu_info(struct kvm_iommu_info *info)
{
	unsigned int i;

	info->nr_iommus = nr_smmus;
	info->nr_table_pages = smmu_idmap_pages;
	info->nr_pte_writes = smmu_idmap.nr_pte_writes;
	info->nr_faults = 0;
	info->last_fault_addr = 0;
	if (nr_smmus) {
		info->structs[0] = (u64)(uintptr_t)smmus[0].strtab;
		info->structs[1] = (u64)(uintptr_t)smmus[0].cmdq.base;
		info->structs[2] = (u64)(uintptr_t)smmus[0].evtq.base;
		info->structs[3] = kvm_pgtable_root_pa(&smmu_idmap);
	}
	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		hyp_spin_lock(&smmu->lock);
		smmu_gerror_check(smmu);
		smmu_evtq_drain(smmu);
		info->nr_faults += smmu->nr_s2_faults;
		if (smmu->last_fault_addr)
			info->last_fault_addr = smmu->last_fault_addr;
		hyp_spin_unlock(&smmu->lock);
	}
}

static const struct kvm_iommu_ops smmu_ops = {
	.init = smmu_init,
	.teardown = smmu_teardown,
	.host_stage2_idmap = smmu_host_stage2_idmap,
	.info = smmu_info,
};

int kvm_arm_smmu_v3_register(const struct boot_smmu *boot, unsigned int nr,
			     struct hyp_pool *pool, u32 ia_bits)
{
	unsigned int i;
	int ret;

	if (!nr || nr > BOOT_INFO_MAX_SMMUS)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		if (boot[i].size < ARM_SMMU_REG_SIZE) {
			pr_err("smmu@%lx: register window of %lx bytes, need %lx\n",
			       (unsigned long)boot[i].base, (unsigned long)boot[i].size,
			       (unsigned long)ARM_SMMU_REG_SIZE);
			return -EINVAL;
		}
		*smmu = (struct arm_smmu_device){ 0 };
		smmu->pa = boot[i].base;
		smmu->size = boot[i].size;
		smmu->base = (volatile u8 *)(uintptr_t)boot[i].base;
		hyp_spin_lock_init(&smmu->lock);
		ret = smmu_probe(smmu, boot[i].coherent);
		if (ret)
			return ret;
	}
	nr_smmus = nr;
	smmu_pool = pool;
	smmu_host_ia_bits = ia_bits;
	return kvm_iommu_register(&smmu_ops);
}
