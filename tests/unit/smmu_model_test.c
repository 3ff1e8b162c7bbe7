// SPDX-License-Identifier: GPL-2.0-only
/*
 * The software SMMUv3 of lib/smmu_model.c itself, against tables written
 * from the spec's formats by lib/smmu_rig.c (IHI 0070 5.2 STE, 5.4 CD, 7.3
 * event records; VMSAv8-64 descriptors) -- not with drivers/smmuv3, so a
 * model bug cannot hide behind the same bug in the driver. Every
 * configuration, every fault kind with its event record, nested walks that
 * fault at stage 2 for the CD, a stage-1 table and the output, substreams.
 * Invalidation: smmu_model_inval_test.c.
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

/* ---- configurations ------------------------------------------------------------- */

/* A stage-2-only STE (VMID 0, the hypervisor's) translates IPA = input address. */
TEST_F(smmu, stage2_only_translates_input_as_ipa)
{
	struct smmu_dma r;

	s2_map(0x5000, self->data, S2_PAGE_RW);
	ste_set(2, 6, 0, 0, 0, 0);
	ste(2)[2] &= ~0xffffull; /* VMID 0 */
	r = smmu_model_dma(&smmu, 2, 0x5008, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(self->data + 8, r.pa);
	EXPECT_EQ(0xfu, r.memattr);
	EXPECT_EQ(3u, r.sh);
	/* An unmapped IPA: F_TRANSLATION at stage 2, CLASS = IN, IPA = the input. */
	r = smmu_model_dma(&smmu, 2, 0x7000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EVENT(evt_at(0), 0x10, 1, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(0x7000ull, evt_at(0).ipa);
	EXPECT_EQ(1u, (unsigned int)evt_at(0).rnw);
}

/* The model's own rule: a stage-2-only STE uses VMID 0; another VMID is C_BAD_STE. */
TEST_F(smmu, stage2_only_with_other_vmid_is_bad_ste)
{
	ste_set(2, 6, 0, 0, 0, 0);
	EXPECT_FALSE(smmu_model_dma(&smmu, 2, 0x5000, false).ok);
	EXPECT_EQ(0x04u, (unsigned int)evt_at(0).type);
	EXPECT_EQ(2u, evt_at(0).sid);
}

/* Config = abort terminates without an event; V = 0 and reserved configs are C_BAD_STE. */
TEST_F(smmu, abort_and_invalid_stes)
{
	struct smmu_dma r;

	ste_set(3, 0, 0, 0, 0, 0);
	r = smmu_model_dma(&smmu, 3, 0x1000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EQ(SMMU_MODEL_STE_ABORT, r.fault);
	EXPECT_EQ(0u, nr_events());
	ste(3)[0] = 0; /* V = 0 */
	EXPECT_FALSE(smmu_model_dma(&smmu, 3, 0x1000, false).ok);
	EXPECT_EQ(1u, nr_events());
	EXPECT_EQ(0x04u, (unsigned int)evt_at(0).type);
	ste(3)[0] = 1 | 2 << 1; /* Config 0b010: reserved */
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 3, 0x1000, false).event);
}

/*
 * No STE for the stream (7.3.3, 7.3.5, as QEMU reads them): beyond the
 * table's LOG2SIZE, or a level-1 descriptor with Span 0, is C_BAD_STREAMID;
 * beyond a descriptor's Span, C_BAD_STE. Each record names the stream.
 */
TEST_F(smmu, missing_stes_streamid_or_ste)
{
	u64 l1 = page(), l2 = page();

	EXPECT_EQ(0x02, smmu_model_dma(&smmu, 64, 0x1000, false).event); /* LOG2SIZE 6 */
	EXPECT_EQ(64u, evt_at(0).sid);
	/* 2-level, SPLIT 6, 256 streams: descriptor 0 Span 0, descriptor 1 two STEs. */
	ptr(l1)[0] = 0;
	ptr(l1)[1] = l2 | 2;
	ptr(l2)[0] = 1 | 4 << 1; /* stream 64: bypass */
	smmu.strtab_base = l1;
	smmu.strtab_base_cfg = 1u << 16 | 6u << 6 | 8;
	EXPECT_EQ(0x02, smmu_model_dma(&smmu, 1, 0x1000, false).event);
	EXPECT_EQ(1u, evt_at(1).sid);
	EXPECT_TRUE(smmu_model_dma(&smmu, 64, 0x1000, false).ok); /* the control */
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 66, 0x1000, false).event);
	EXPECT_EQ(66u, evt_at(2).sid);
	EXPECT_EQ(0x02, smmu_model_dma(&smmu, 256, 0x1000, false).event);
	EXPECT_EQ(256u, evt_at(3).sid);
	EXPECT_EQ(4u, nr_events());
}

/* Bypass passes the address through untranslated. */
TEST_F(smmu, bypass_passes_through)
{
	struct smmu_dma r;

	ste_set(4, 4, 0, 0, 0, 0);
	r = smmu_model_dma(&smmu, 4, 0xdead000, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(0xdead000ull, r.pa);
}

/* A stage the SMMU does not implement (IDR0.S1P / S2P) makes the STE ILLEGAL. */
TEST(unimplemented_stage_is_bad_ste)
{
	rig_up(SMMU_MODEL_S2_ONLY, 0, false);
	ste_set(1, 5, page(), 0, 0, 0);
	ste_set(2, 7, page(), 0, 0, 0);
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 1, 0x1000, false).event);
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 2, 0x1000, false).event);
	smmu_model_remove(&smmu);
	rig_up(SMMU_MODEL_S1_ONLY, 0, false);
	ste_set(3, 6, 0, 0, 0, 0);
	ste(3)[2] &= ~0xffffull;
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 3, 0x1000, false).event);
	smmu_model_remove(&smmu);
}

/* IDR values: QEMU 10's stage=nested SMMU, and the single-stage variants. */
TEST(init_option_sets_qemu_idrs)
{
	smmu_model_init_qemu(&smmu, SMMU, SMMU_MODEL_NESTED, 0, false);
	EXPECT_EQ(0x0D44101Bu, smmu.idr[0]);
	EXPECT_EQ(0x02730010u, smmu.idr[1]);
	EXPECT_EQ(3u, smmu.idr[0] & 3u); /* S1P, S2P */
	smmu_model_init_qemu(&smmu, SMMU, SMMU_MODEL_S2_ONLY, 0, false);
	EXPECT_EQ(1u, smmu.idr[0] & 3u);
	smmu_model_init_qemu(&smmu, SMMU, SMMU_MODEL_S1_ONLY, 8, true);
	EXPECT_EQ(2u, smmu.idr[0] & 3u);
	EXPECT_EQ(8u, (smmu.idr[1] >> 6) & 0x1f); /* SSIDSIZE */
	EXPECT_TRUE(smmu.idr[0] & (1u << 19)); /* CD2L */
	smmu_model_remove(&smmu);
}

/* ---- stage 1 only ------------------------------------------------------------------ */

/* Stage 1 only: the CD's tables translate VA -> PA; the output is both ipa and pa. */
TEST_F(smmu, stage1_translates)
{
	struct smmu_dma r;

	s1_setup(self);
	r = smmu_model_dma(&smmu, 1, VA + 0x10, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(self->data + 0x10, r.pa);
	EXPECT_EQ(self->data + 0x10, r.ipa);
	EXPECT_TRUE(smmu_model_tlb_has_s1(&smmu, VMID, ASID, VA));
	EXPECT_FALSE(smmu_model_tlb_has_s1(&smmu, VMID, ASID + 1, VA));
	EXPECT_EQ(0u, nr_events());
}

/* Each stage-1 fault is recorded with S2 = 0 and the transaction's fields. */
TEST_F(smmu, stage1_faults_are_stage1)
{
	struct smmu_dma r;

	s1_setup(self);
	/* Unmapped: F_TRANSLATION. */
	r = smmu_model_dma(&smmu, 1, VA + 0x1000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EVENT(evt_at(0), 0x10, 0, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(1u, evt_at(0).sid);
	EXPECT_EQ(VA + 0x1000, evt_at(0).input_addr);
	EXPECT_EQ(1u, (unsigned int)evt_at(0).rnw);
	EXPECT_FALSE(evt_at(0).ssv);
	/* Beyond T0SZ (39 bits): F_TRANSLATION. */
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, 1ull << 39, false).event);
	/* Read-only, written: F_PERMISSION, RnW = 0. */
	*s1_pte(self->root, VA) |= S1_RO;
	r = smmu_model_dma(&smmu, 1, VA, true);
	EXPECT_EQ(0x13, r.event);
	EXPECT_EQ(0u, (unsigned int)evt_at(2).rnw);
	EXPECT_FALSE(r.s2);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	/* Privileged-only (AP[1] = 0), unprivileged DMA: F_PERMISSION; STE.PRIVCFG privileged: fine. */
	*s1_pte(self->root, VA + 0x2000) = self->data | (S1_PAGE & ~BIT(6));
	EXPECT_EQ(0x13, smmu_model_dma(&smmu, 1, VA + 0x2000, false).event);
	ste(1)[1] |= 3ull << 48;
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA + 0x2000, false).ok);
	/* AF = 0: F_ACCESS, unless CD.AFFD. */
	*s1_pte(self->root, VA + 0x3000) = self->data | (S1_PAGE & ~BIT(10));
	EXPECT_EQ(0x12, smmu_model_dma(&smmu, 1, VA + 0x3000, false).event);
	ptr(self->cd)[0] |= BIT(35);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA + 0x3000, false).ok);
	/* Output beyond IPS (44 bits): F_ADDR_SIZE. */
	*s1_pte(self->root, VA + 0x4000) = (1ull << 44) | S1_PAGE;
	EXPECT_EQ(0x11, smmu_model_dma(&smmu, 1, VA + 0x4000, false).event);
	/* CD.R = 0: the fault terminates the DMA but is not recorded. */
	ptr(self->cd)[0] &= ~BIT(45);
	r = smmu_model_dma(&smmu, 1, VA + 0x5000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EQ(0x10, r.fault);
	EXPECT_EQ(0, r.event);
}

/* CD.TBI0: the top byte of the address is ignored; without it such an address faults. */
TEST_F(smmu, stage1_top_byte_ignore)
{
	s1_setup(self);
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, VA | 0xabull << 56, false).event);
	ptr(self->cd)[0] |= BIT(38);
	EXPECT_EQ(self->data + 4, smmu_model_dma(&smmu, 1, (VA + 4) | 0xabull << 56, false).pa);
}

/*
 * The start level follows T0SZ (48-bit VAs as Linux uses them start at level
 * 0, 30-bit ones at level 2), and blocks at levels 1 and 2 translate their
 * whole range -- nested too.
 */
TEST_F(smmu, stage1_levels_and_blocks)
{
	static const struct {
		unsigned int t0sz, start;
	} cfg[] = { { 16, 0 }, { 25, 1 }, { 34, 2 } };
	u64 va = 0x2345000ull, big = 0x200000ull * 3 + 0x1234;
	struct smmu_dma r;
	unsigned int i;

	nested_setup(self);
	for (i = 0; i < 3; i++) {
		TH_LOG("T0SZ %u", cfg[i].t0sz);
		self->root = page();
		cd_set(self->cd, ASID + i, self->root);
		ptr(self->cd)[0] = (ptr(self->cd)[0] & ~0x3full) | cfg[i].t0sz;
		*s1_desc(self->root, va, cfg[i].start, 3) = ipa_of(self->data) | S1_PAGE;
		/* A 2 MiB block: IPA 0 (stage 2 maps the arena's first 2 MiB there too). */
		*s1_desc(self->root, big, cfg[i].start, 2) = (S1_PAGE & ~2ull) | ipa_of(arena);
		r = smmu_model_dma(&smmu, 1, va + 0x18, false);
		EXPECT_TRUE(r.ok);
		EXPECT_EQ(self->data + 0x18, r.pa);
		r = smmu_model_dma(&smmu, 1, big, true);
		EXPECT_TRUE(r.ok);
		EXPECT_EQ(arena + 0x1234, r.pa);
		EXPECT_EQ(ipa_of(arena) + 0x1234, r.ipa);
		/* One beyond the VA size faults. */
		EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, 1ull << (64 - cfg[i].t0sz), false).event);
	}
	/* A level-1 block (1 GiB) at T0SZ 25; a level-0 block is not a thing at 4 KiB. */
	self->root = page();
	cd_set(self->cd, ASID + 7, self->root);
	ptr(self->root)[1] = (S1_PAGE & ~2ull) | 0x40000000ull;
	s2_map(0x40000000ull + 0x5000, self->data, S2_PAGE_RW);
	EXPECT_EQ(self->data + 8, smmu_model_dma(&smmu, 1, 0x40005008ull, false).pa);
	cd_set(self->cd, ASID + 8, self->root);
	ptr(self->cd)[0] = (ptr(self->cd)[0] & ~0x3full) | 16;
	ptr(self->root)[0] = (S1_PAGE & ~2ull) | 0;
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, 0x5000, false).event);
}

/* APTable bits of a table descriptor restrict every page below it. */
TEST_F(smmu, stage1_aptable_restricts)
{
	u64 *l1;

	s1_setup(self);
	*s1_pte(self->root, VA + 0x1000) = self->data | S1_PAGE;
	l1 = ptr(self->root) + ((VA >> 30) & 511);
	*l1 |= BIT(62); /* APTable[1]: no writes below */
	EXPECT_EQ(0x13, smmu_model_dma(&smmu, 1, VA, true).event);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	/* The cached walk keeps the restriction for the next page under it. */
	EXPECT_EQ(0x13, smmu_model_dma(&smmu, 1, VA + 0x1000, true).event);
	EXPECT_GT(smmu.s1walk_hits, 0u);
	/* APTable[0]: no unprivileged access (the walk cache forgets the old table: NH_ASID). */
	*l1 = (*l1 & ~BIT(62)) | BIT(61);
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(0x13, smmu_model_dma(&smmu, 1, VA + 0x1000, false).event);
	*l1 &= ~BIT(61);
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA + 0x1000, true).ok);
}

/* Every CD field the model checks: a wrong one is C_BAD_CD for the stream. */
TEST_F(smmu, bad_cds)
{
	static const struct {
		u64 clear, set;
		const char *what;
	} bad[] = {
		{ BIT(31), 0, "V = 0" },
		{ BIT(41), 0, "AA64 = 0" },
		{ 3ull << 6, 1ull << 6, "TG0 64 KiB" },
		{ BIT(30), 0, "EPD1 = 0" },
		{ 0, BIT(43), "HA" },
		{ 0, BIT(42), "HD" },
		{ BIT(46), 0, "A = 0" },
		{ 0, BIT(44), "S = 1" },
		{ 0, BIT(15), "ENDI" },
		{ 0x3f, 15, "T0SZ 15" },
		{ 0x3f, 40, "T0SZ 40" },
		{ 3ull << 12, 0, "SH0 non-shareable on a coherent SMMU" },
	};
	unsigned int i;

	s1_setup(self);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cd_set(self->cd, ASID, self->root);
		ptr(self->cd)[0] = (ptr(self->cd)[0] & ~bad[i].clear) | bad[i].set;
		TH_LOG("%s", bad[i].what);
		EXPECT_EQ(0x0a, smmu_model_dma(&smmu, 1, VA + 0x1000, false).event);
		EXPECT_EQ(1u, evt_at(nr_events() - 1).sid);
	}
	/* TTB0 not aligned to its table (512 entries at level 1: 4 KiB). */
	cd_set(self->cd, ASID, self->root);
	ptr(self->cd)[1] |= 0x800;
	EXPECT_EQ(0x0a, smmu_model_dma(&smmu, 1, VA + 0x1000, false).event);
	/* EPD0: valid, but every TTB0 walk faults at stage 1. */
	cd_set(self->cd, ASID, self->root);
	ptr(self->cd)[0] |= BIT(14);
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, VA + 0x1000, false).event);
}

/* Every stage-1 STE field the model checks: a wrong one is C_BAD_STE. */
TEST_F(smmu, bad_stage1_stes)
{
	static const struct {
		unsigned int dword;
		u64 set;
		const char *what;
	} bad[] = {
		{ 0, 1ull << 59, "S1CDMax 1 with SSIDSIZE 0" },
		{ 1, 1ull << 28, "EATS without ATS" },
		{ 1, 2ull << 30, "STRW EL2 without HYP" },
		{ 1, 1ull << 30, "STRW reserved" },
	};
	unsigned int i;

	s1_setup(self);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ste_set(1, 5, self->cd, 0, 0, 0);
		ste(1)[bad[i].dword] |= bad[i].set;
		TH_LOG("%s", bad[i].what);
		EXPECT_EQ(0x04, smmu_model_dma(&smmu, 1, VA, false).event);
	}
	ste_set(1, 5, self->cd, 0, 0, 0);
	ste(1)[1] &= ~(3ull << 2); /* S1CIR Non-cacheable on a coherent SMMU */
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 1, VA, false).event);
	ste_set(1, 5, self->cd, 0, 0, 0);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	/* With substreams: S1Fmt 0b11 and S1DSS 0b11 are reserved. */
	smmu.idr[1] |= 4u << 6;
	ste_set(1, 5, self->cd, 1, 3, 0);
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 1, VA, false).event);
	ste_set(1, 5, self->cd, 1, 0, 3);
	EXPECT_EQ(0x04, smmu_model_dma(&smmu, 1, VA, false).event);
	ste_set(1, 5, self->cd, 1, 0, 2);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
}

/* ---- nested ---------------------------------------------------------------------- */

/* Nested: the CD, the stage-1 tables and the output are IPAs, each through stage 2. */
TEST_F(smmu, nested_translates_through_both_stages)
{
	struct smmu_dma r;

	nested_setup(self);
	r = smmu_model_dma(&smmu, 1, VA + 0x20, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(ipa_of(self->data) + 0x20, r.ipa);
	EXPECT_EQ(self->data + 0x20, r.pa);
	EXPECT_EQ(0xfu, r.memattr); /* stage 2's leaf */
	EXPECT_EQ(0u, nr_events());
	/* Stage 2 remaps the output IPA: the DMA follows (after the TLB forgets). */
	s2_map(ipa_of(self->data), self->cd, S2_PAGE_RW);
	EXPECT_TRUE(cmd(0x28 | (u64)VMID << 32, 0) && cmd_sync()); /* TLBI_S12_VMALL */
	EXPECT_EQ(self->cd + 0x20, smmu_model_dma(&smmu, 1, VA + 0x20, true).pa);
}

/* A CD whose IPA stage 2 does not map: F_TRANSLATION, S2 = 1, CLASS = CD, IPA = the CD's. */
TEST_F(smmu, nested_cd_fetch_faults_at_stage2)
{
	struct smmu_dma r;
	struct smmu_model_event e;

	nested_setup(self);
	*s2_pte(ipa_of(self->cd)) = 0;
	r = smmu_model_dma(&smmu, 1, VA, false);
	EXPECT_FALSE(r.ok);
	e = evt_at(0);
	EXPECT_EVENT(e, 0x10, 1, SMMU_MODEL_CLASS_CD);
	EXPECT_EQ(ipa_of(self->cd), e.ipa);
	EXPECT_EQ(VA, e.input_addr);
	EXPECT_EQ(1u, e.sid);
}

/* A stage-1 table whose IPA stage 2 does not map: S2 = 1, CLASS = TT, IPA = the table's. */
TEST_F(smmu, nested_table_walk_faults_at_stage2)
{
	struct smmu_model_event e;
	u64 l2;

	nested_setup(self);
	l2 = (ptr(self->root)[(VA >> 30) & 511] & 0xfffffffff000ull) - IPA_OFF;
	*s2_pte(ipa_of(l2)) = 0;
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, VA, false).event);
	e = evt_at(0);
	EXPECT_EVENT(e, 0x10, 1, SMMU_MODEL_CLASS_TT);
	EXPECT_EQ(ipa_of(l2), e.ipa);
	/* A stage-2 read-only table is fine: walks only read. */
	s2_map(ipa_of(l2), l2, S2_PAGE_RO);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, true).ok);
}

/* The output IPA: unmapped or read-only at stage 2 faults there with CLASS = IN. */
TEST_F(smmu, nested_output_faults_at_stage2)
{
	struct smmu_model_event e;
	struct smmu_dma r;

	nested_setup(self);
	s2_map(ipa_of(self->data), self->data, S2_PAGE_RO);
	EXPECT_TRUE(smmu_model_dma(&smmu, 1, VA, false).ok);
	r = smmu_model_dma(&smmu, 1, VA + 8, true);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	e = evt_at(0);
	EXPECT_EVENT(e, 0x13, 1, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(ipa_of(self->data), e.ipa);
	EXPECT_EQ(VA + 8, e.input_addr);
	/* An output IPA stage 2 has no mapping for. */
	*s1_pte(self->root, VA + 0x1000) = 0x7000000000ull | S1_PAGE;
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, VA + 0x1000, false).event);
	EXPECT_EVENT(evt_at(1), 0x10, 1, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(0x7000000000ull, evt_at(1).ipa);
	/* The model's decoder agrees with this file's. */
	ASSERT_TRUE(smmu_model_last_event(&smmu, &e));
	EXPECT_EQ(0x7000000000ull, e.ipa);
	EXPECT_EQ((unsigned int)SMMU_MODEL_CLASS_IN, (unsigned int)e.class);
}

/* A stage-1 fault of a nested stream is a stage-1 fault: S2 = 0, no IPA. */
TEST_F(smmu, nested_stage1_fault_is_stage1)
{
	nested_setup(self);
	EXPECT_EQ(0x10, smmu_model_dma(&smmu, 1, VA + 0x1000, false).event);
	EXPECT_EVENT(evt_at(0), 0x10, 0, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(0ull, evt_at(0).ipa);
}

/* A watched address of a nested stream is translated afresh at every command. */
TEST_F(smmu, watch_sees_a_broken_nested_ste)
{
	nested_setup(self);
	smmu.watch[0] = VA, smmu.watch_sid[0] = 1, smmu.nr_watch = 1;
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(0u, smmu.transient_faults);
	ste(1)[0] &= ~1ull; /* V = 0: a window in which the stream does not translate */
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(1u, smmu.transient_faults);
	EXPECT_EQ(0u, nr_events()); /* watching records nothing */
}

/* ---- substreams ---------------------------------------------------------------- */

/* A linear CD table: each SubstreamID its CD; out of range, or none, as S1DSS says. */
TEST(substreams_linear)
{
	u64 cds, roots[2], data[2];
	struct smmu_dma r;
	unsigned int i;

	rig_up(SMMU_MODEL_NESTED, 4, false);
	nested = true;
	s2_map_arena();
	cds = page();
	for (i = 0; i < 2; i++) {
		roots[i] = page(), data[i] = page();
		cd_set(cds + 64 * (i + 1), ASID + i, roots[i]);
		*s1_pte(roots[i], VA) = ipa_of(data[i]) | S1_PAGE;
	}
	ste_set(1, 7, cds, 2, 0, 0); /* 4 CDs; S1DSS terminate */
	for (i = 0; i < 2; i++) {
		r = smmu_model_dma_ssid(&smmu, 1, i + 1, VA, false);
		EXPECT_TRUE(r.ok);
		EXPECT_EQ(data[i], r.pa);
	}
	/* SSID 4 >= 2^S1CDMax: C_BAD_SUBSTREAMID with SSV and the SSID in the record. */
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&smmu, 1, 4, VA, false).event);
	EXPECT_TRUE(evt_at(0).ssv);
	EXPECT_EQ(4u, evt_at(0).ssid);
	/* CD 3 is all zeros: C_BAD_CD. */
	EXPECT_EQ(0x0a, smmu_model_dma_ssid(&smmu, 1, 3, VA, false).event);
	/* No SubstreamID: S1DSS = terminate (F_STREAM_DISABLED), bypass (stage 2 only), CD 0. */
	EXPECT_EQ(0x06, smmu_model_dma(&smmu, 1, VA, false).event);
	ste_set(1, 7, cds, 2, 0, 1);
	r = smmu_model_dma(&smmu, 1, ipa_of(data[1]), false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(data[1], r.pa);
	cd_set(cds, ASID + 5, roots[0]);
	ste_set(1, 7, cds, 2, 0, 2);
	EXPECT_EQ(data[0], smmu_model_dma(&smmu, 1, VA, false).pa);
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&smmu, 1, 0, VA, false).event);
	/* A stream without substreams (S1CDMax 0) refuses a SubstreamID. */
	ste_set(1, 7, cds, 0, 0, 0);
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&smmu, 1, 1, VA, false).event);
	smmu_model_remove(&smmu);
}

/* A 2-level CD table (CD2L, S1Fmt 4 KiB leaves): L1CD.V = 0 is C_BAD_SUBSTREAMID. */
TEST(substreams_two_level)
{
	u64 l1, l2, root, data;

	rig_up(SMMU_MODEL_S1_ONLY, 8, true);
	l1 = page(), l2 = page(), root = page(), data = page();
	ptr(l1)[1] = l2 | 1; /* SSIDs 64-127 */
	cd_set(l2 + 64 * 3, ASID, root); /* SSID 67 */
	*s1_pte(root, VA) = data | S1_PAGE;
	ste_set(1, 5, l1, 8, 1, 0);
	EXPECT_EQ(data, smmu_model_dma_ssid(&smmu, 1, 67, VA, false).pa);
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&smmu, 1, 3, VA, false).event);
	/* Without CD2L the same STE is ILLEGAL. */
	smmu.idr[0] &= ~(1u << 19);
	EXPECT_EQ(0x04, smmu_model_dma_ssid(&smmu, 1, 67, VA, false).event);
	smmu_model_remove(&smmu);
}

/* Stage 1 bypassed: a SubstreamID has no CD to select. */
TEST_F(smmu, substream_on_stage2_only_stream)
{
	ste_set(2, 6, 0, 0, 0, 0);
	ste(2)[2] &= ~0xffffull;
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&smmu, 2, 1, 0x1000, false).event);
}

TEST_HARNESS_MAIN
