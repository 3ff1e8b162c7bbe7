// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stream table (IHI 0070 5.1, 5.2): every stream ID the SMMU can see
 * (2^SIDSIZE of them) gets the same stage-2 STE -- translate through the
 * host's identity stage-2, record faults -- so no stream bypasses.
 *
 * Linear format when SIDSIZE is small or the SMMU has no 2-level tables.
 * Otherwise 2-level: since every STE is the same, every level-1 descriptor
 * points at one shared level-2 table of 2^STRTAB_SPLIT STEs. 65536 stream
 * IDs then cost 8 KiB of level 1 and 4 KiB of level 2, not 4 MiB.
 *
 * Written before the SMMU is enabled (and cleaned to the PoC for a
 * non-coherent SMMU): CFGI_ALL follows (smmuv3.c) -- at takeover, and again
 * whenever the watchdog takes over an SMMU that lost its registers.
 */
#include <asm/barrier.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>

#include "smmuv3.h"

/* S2PS / OAS encoding (6.3.6 IDR5.OAS, 5.2 STE.S2PS). */
static u32 pa_bits_to_ps(u32 bits)
{
	switch (bits) {
	case 32:
		return 0;
	case 36:
		return 1;
	case 40:
		return 2;
	case 42:
		return 3;
	case 44:
		return 4;
	default:
		return 5; /* 48 */
	}
}

void smmu_ste_s2(u64 *ste, const struct kvm_pgtable *pgt, u32 oas_bits, bool coherent)
{
	/* The walk's attributes: cacheable only where the SMMU snoops the CPU's caches. */
	u32 rgn = coherent ? S2_RGN_WBWA : S2_RGN_NC, sh = coherent ? S2_SH_ISH : S2_SH_OSH;
	unsigned int i;

	for (i = 0; i < STRTAB_STE_DWORDS; i++)
		ste[i] = 0;
	ste[1] = FIELD_PREP(STE_1_SHCFG, STE_1_SHCFG_INCOMING);
	ste[2] = FIELD_PREP(STE_2_S2VMID, SMMU_HOST_VMID) |
		 FIELD_PREP(STE_2_S2T0SZ, 64 - pgt->ia_bits) |
		 /* 4 KiB granule: SL0 2 starts at level 0, 1 at level 1 (5.2). */
		 FIELD_PREP(STE_2_S2SL0, pgt->start_level == 0 ? 2 : 1) |
		 FIELD_PREP(STE_2_S2IR0, rgn) | FIELD_PREP(STE_2_S2OR0, rgn) |
		 FIELD_PREP(STE_2_S2SH0, sh) | FIELD_PREP(STE_2_S2TG, S2_TG_4K) |
		 FIELD_PREP(STE_2_S2PS, pa_bits_to_ps(oas_bits)) | STE_2_S2AA64 |
		 /* Faults terminate the transaction and are recorded, never stall. */
		 STE_2_S2PTW | STE_2_S2R;
	ste[3] = FIELD_PREP(STE_3_S2TTB, kvm_pgtable_root_pa(pgt) >> 4);
	/* Valid last (3.21.3): the SMMU never sees a valid STE half written. */
	dma_wmb();
	ste[0] = FIELD_PREP(STE_0_CFG, STE_0_CFG_S2_TRANS) | STE_0_V;
}

static void fill_stes(struct arm_smmu_device *smmu, u64 *table, u64 nr,
		      const struct kvm_pgtable *pgt)
{
	u64 i;

	for (i = 0; i < nr; i++)
		smmu_ste_s2(&table[i * STRTAB_STE_DWORDS], pgt, smmu->oas_bits, smmu->coherent);
	/* At the PoC before CFGI_ALL and SMMUEN make a non-coherent SMMU fetch them. */
	smmu_sync_for_device(smmu, table, nr * STRTAB_STE_SIZE);
}

/*
 * Every STE (and, 2-level, every level-1 descriptor) written, then the base
 * registers. At takeover, and again when the SMMU lost its registers: the
 * table is rewritten then too, so whatever became of the memory while the
 * SMMU was not translating, what it fetches after CFGI_ALL is ours.
 */
void smmu_strtab_write(struct arm_smmu_device *smmu, const struct kvm_pgtable *pgt)
{
	u32 cfg;

	if (smmu->two_level) {
		u64 nr_l1 = BIT(smmu->sid_bits - STRTAB_SPLIT), i;

		fill_stes(smmu, smmu->l2_strtab, BIT(STRTAB_SPLIT), pgt);
		for (i = 0; i < nr_l1; i++)
			smmu->strtab[i] = FIELD_PREP(STRTAB_L1_DESC_SPAN, STRTAB_SPLIT + 1) |
					  FIELD_PREP(STRTAB_L1_DESC_L2PTR,
						     (u64)(uintptr_t)smmu->l2_strtab >> 6);
		/* The level-1 descriptors too, same pairing. */
		smmu_sync_for_device(smmu, smmu->strtab, nr_l1 * sizeof(u64));
		cfg = FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_2LVL) |
		      FIELD_PREP(STRTAB_BASE_CFG_SPLIT, STRTAB_SPLIT);
	} else {
		fill_stes(smmu, smmu->strtab, BIT(smmu->sid_bits), pgt);
		cfg = FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_LINEAR);
	}
	cfg |= FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, smmu->sid_bits);
	smmu_write64(smmu, SMMU_STRTAB_BASE,
		     STRTAB_BASE_RA |
			     FIELD_PREP(STRTAB_BASE_ADDR, (u64)(uintptr_t)smmu->strtab >> 6));
	smmu_write(smmu, SMMU_STRTAB_BASE_CFG, cfg);
}

int smmu_strtab_init(struct arm_smmu_device *smmu, struct hyp_pool *pool,
		     const struct kvm_pgtable *pgt)
{
	u64 bytes;

	if (smmu->two_level) {
		bytes = BIT(smmu->sid_bits - STRTAB_SPLIT) * sizeof(u64);
		smmu->strtab_pages = (ALIGN_UP(bytes, SZ_4K) / SZ_4K) + 1;
		smmu->strtab = hyp_alloc_pages_contig(pool, smmu->strtab_pages - 1);
		smmu->l2_strtab = hyp_alloc_pages_contig(pool, 1);
		if (!smmu->strtab || !smmu->l2_strtab)
			return -ENOMEM;
	} else {
		bytes = BIT(smmu->sid_bits) * STRTAB_STE_SIZE;
		smmu->strtab_pages = ALIGN_UP(bytes, SZ_4K) / SZ_4K;
		smmu->strtab = hyp_alloc_pages_contig(pool, smmu->strtab_pages);
		if (!smmu->strtab) {
			pr_err("smmu@%lx: no memory for a linear stream table of %lu KiB\n",
			       (unsigned long)smmu->pa, (unsigned long)(bytes >> 10));
			return -ENOMEM;
		}
	}
	smmu_strtab_write(smmu, pgt);
	return 0;
}
