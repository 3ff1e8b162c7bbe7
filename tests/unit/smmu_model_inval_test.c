// SPDX-License-Identifier: GPL-2.0-only
/*
 * The software SMMUv3's caches (lib/smmu_model_cache.c) against tables and
 * commands written by lib/smmu_rig.c: a stale translation, walk or
 * configuration survives until the invalidation the spec (IHI 0070 4.3, 4.4)
 * says ends it, and not after; malformed or unimplemented commands are
 * CERROR_ILL.
 */
#include "harness.h"
#include "lib/smmu_rig.h"

FIXTURE(smmu)
{
	u64 cd, root, data;
};

FIXTURE_SETUP(smmu)
{
	rig_up(SMMU_MODEL_NESTED, 0, false);
	self->cd = page();
	self->data = page();
}

FIXTURE_TEARDOWN(smmu)
{
	smmu_model_remove(&smmu);
}

static void s1_setup(FIXTURE_DATA(smmu) * self)
{
	rig_s1_setup(self->cd, &self->root, self->data);
}

static void nested_setup(FIXTURE_DATA(smmu) * self)
{
	rig_nested_setup(self->cd, &self->root, self->data);
}

/* ---- TLB and invalidation ---------------------------------------------------------- */

/* A changed stage-1 PTE: the old translation stays until a TLBI_NH_VA of its VMID and ASID. */
TEST_F(smmu, stale_stage1_until_tlbi_nh_va)
{
	u64 other = page();

	s1_setup(self);
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	*s1_pte(self->root, VA) = other | S1_PAGE;
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	/* TLBI_NH_VA: ASID [63:48], VMID [47:32], Address [63:12]. */
	EXPECT_TRUE(cmd(0x12 | (u64)(ASID + 1) << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)(VMID + 1) << 32, VA) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA + 0x1000) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
}

/*
 * A changed table descriptor: the cached walk survives TLBI_NH_VA with Leaf =
 * 1 (and TLBI_S2_IPA), and ends at Leaf = 0. Nested, so the walk cache holds
 * IPAs.
 */
TEST_F(smmu, stale_stage1_walk_until_leaf0)
{
	u64 *l1, old_l2, other = page();

	nested_setup(self);
	l1 = ptr(self->root) + ((VA >> 30) & 511);
	old_l2 = *l1;
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	/* A new level-2 table (and level 3 under it) maps VA elsewhere. */
	*l1 = 0;
	*s1_pte(self->root, VA) = ipa_of(other) | S1_PAGE;
	EXPECT_NE(old_l2, *l1);
	/* Leaf = 1 drops the leaf; the walk still starts at the old level-2 table. */
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA | 1) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_GT(smmu.s1walk_hits, 0u);
	EXPECT_TRUE(cmd(0x2a | (u64)VMID << 32, ipa_of(self->data)) && cmd_sync());
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA | 1) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	/* Leaf = 0 (of another ASID: nothing; of this one: the walk too). */
	EXPECT_TRUE(cmd(0x12 | (u64)(ASID + 1) << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
	/* And TLBI_NH_ASID drops walks of its ASID. */
	*l1 = old_l2;
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
}

/* TLBI_NH_ASID leaves global entries and other ASIDs; TLBI_NH_VAA and NH_ALL take them. */
TEST_F(smmu, tlbi_nh_asid_vaa_all)
{
	u64 other = page();

	s1_setup(self);
	*s1_pte(self->root, VA) &= ~BIT(11); /* global */
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has_s1(&smmu, VMID, 7, VA)); /* global: any ASID */
	*s1_pte(self->root, VA) = other | S1_PAGE;
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x13 | (u64)VMID << 32, VA) && cmd_sync()); /* TLBI_NH_VAA */
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
	/* Non-global now: TLBI_NH_ASID of its ASID drops it, NH_ALL of another VMID does not. */
	*s1_pte(self->root, VA) = self->data | S1_PAGE;
	EXPECT_TRUE(cmd(0x10 | (u64)(VMID + 1) << 32, 0) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	*s1_pte(self->root, VA) = other | S1_PAGE;
	EXPECT_TRUE(cmd(0x10 | (u64)VMID << 32, 0) && cmd_sync()); /* TLBI_NH_ALL */
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
}

/*
 * A nested entry survives TLBI_S2_IPA of its output IPA (the spec does not
 * make it drop combined entries) and ends at TLBI_S12_VMALL of its VMID;
 * TLBI_NSNH_ALL ends everything.
 */
TEST_F(smmu, nested_entry_needs_s12_invalidation)
{
	u64 other = page();

	nested_setup(self);
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	s2_map(ipa_of(self->data), other, S2_PAGE_RW);
	/* TLBI_S2_IPA: VMID [47:32], Address [51:12]. */
	EXPECT_TRUE(cmd(0x2a | (u64)VMID << 32, ipa_of(self->data)) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x28 | (u64)(VMID + 1) << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x28 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
	s2_map(ipa_of(self->data), self->data, S2_PAGE_RW);
	EXPECT_TRUE(cmd(0x30, 0) && cmd_sync()); /* TLBI_NSNH_ALL */
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
}

/* Stage-2 translations of stage-1 tables are cached too; TLBI_S2_IPA drops them. */
TEST_F(smmu, tlbi_s2_ipa_drops_stage2_entries_of_tables)
{
	u64 l2;

	nested_setup(self);
	l2 = (ptr(self->root)[(VA >> 30) & 511] & 0xfffffffff000ull) - IPA_OFF;
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has(&smmu, ipa_of(l2)));
	*s2_pte(ipa_of(l2)) = 0;
	EXPECT_TRUE(cmd(0x28 | (u64)VMID << 32, 0) && cmd_sync()); /* drops the nested entry */
	EXPECT_FALSE(smmu_model_tlb_has(&smmu, ipa_of(l2)));
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, VA, false).event);
	s2_map(ipa_of(l2), l2, S2_PAGE_RW);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has(&smmu, ipa_of(l2)));
	EXPECT_TRUE(cmd(0x2a | (u64)VMID << 32, ipa_of(l2)) && cmd_sync());
	EXPECT_FALSE(smmu_model_tlb_has(&smmu, ipa_of(l2)));
}

/* With configuration caching, a changed CD or STE is used only after the right CFGI. */
TEST_F(smmu, cached_config_until_cfgi)
{
	u64 root2 = page(), other = page();

	s1_setup(self);
	smmu.cache_config = true;
	*s1_pte(root2, VA) = other | S1_PAGE;
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	cd_set(self->cd, ASID + 1, root2);
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa); /* old CD, old ASID: TLB */
	/* CFGI_CD: SID [63:32], SSID [31:12]; another stream's does nothing. */
	EXPECT_TRUE(cmd(0x05 | 2ull << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x05 | 1ull << 32, 1) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa); /* new ASID: TLB miss */
	/* An STE changed to abort: still translating until CFGI_STE (or a range covering it). */
	ste_set(1, 0, 0, 0, 0, 0);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	EXPECT_TRUE(cmd(0x04 | 2ull << 32, 0) && cmd_sync()); /* CFGI_STE_RANGE 2-3 */
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	EXPECT_TRUE(cmd(0x04 | 0ull << 32, 0) && cmd_sync()); /* CFGI_STE_RANGE 0-1 */
	EXPECT_EQ(SMMU_MODEL_STE_ABORT, smmu_model_dma(&smmu, 1, VA, false).fault);
	/* Back to stage 1 with a new CD: CFGI_STE drops the STE and its CDs. */
	ste_set(1, 5, self->cd, 0, 0, 0);
	cd_set(self->cd, ASID, self->root);
	EXPECT_TRUE(cmd(0x03 | 1ull << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	/* CFGI_CD_ALL and CFGI_ALL. */
	cd_set(self->cd, ASID + 2, root2);
	EXPECT_TRUE(cmd(0x06 | 1ull << 32, 0) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
	cd_set(self->cd, ASID + 3, self->root);
	EXPECT_EQ(other, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x04, 31) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_GT(smmu.cd_cache_hits, 0u);
	EXPECT_GT(smmu.ste_cache_hits, 0u);
}

/* Commands the SMMU does not implement, or malformed ones, stop the queue with CERROR_ILL. */
TEST(illegal_commands)
{
	static const struct {
		enum smmu_model_stages stages;
		u64 c0, c1;
		const char *what;
	} ill[] = {
		{ SMMU_MODEL_S2_ONLY, 0x10, 0, "TLBI_NH_ALL without stage 1" },
		{ SMMU_MODEL_S2_ONLY, 0x05, 0, "CFGI_CD without stage 1" },
		{ SMMU_MODEL_NESTED, 0x12 | 1ull << 12, VA, "TLBI_NH_VA NUM without TG" },
		{ SMMU_MODEL_NESTED, 0x12, VA | 2ull << 8, "TLBI_NH_VA TTL without TG" },
		{ SMMU_MODEL_NESTED, 0x20, 0, "TLBI_EL2_ALL without HYP" },
		{ SMMU_MODEL_NESTED, 0x40, 0, "ATC_INV" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
		TH_LOG("%s", ill[i].what);
		rig_up(ill[i].stages, 0, false);
		EXPECT_FALSE(cmd(ill[i].c0, ill[i].c1));
		EXPECT_EQ(1u, (smmu.cmdq_cons >> 24) & 0x7f); /* CERROR_ILL */
		smmu_model_remove(&smmu);
	}
	/* A 16 KiB range form where IDR5 offers that granule, not where it does not. */
	rig_up(SMMU_MODEL_NESTED, 0, false);
	EXPECT_TRUE(cmd(0x12, VA | 2ull << 10));
	smmu_model_remove(&smmu);
	rig_up(SMMU_MODEL_NESTED, 0, false);
	smmu.idr[5] &= ~(1u << 5); /* no GRAN16K */
	EXPECT_FALSE(cmd(0x12, VA | 2ull << 10));
	smmu_model_remove(&smmu);
	/* The same TLBI_NH_VA in range form on an SMMU with RIL is fine; so are prefetches. */
	rig_up(SMMU_MODEL_NESTED, 0, false);
	EXPECT_TRUE(cmd(0x12 | 3ull << 12, VA | 1ull << 10));
	EXPECT_TRUE(cmd(0x01 | 1ull << 32, 0)); /* PREFETCH_CONFIG */
	EXPECT_TRUE(cmd(0x02 | 1ull << 32, VA)); /* PREFETCH_ADDR */
	smmu_model_remove(&smmu);
}

TEST_HARNESS_MAIN
