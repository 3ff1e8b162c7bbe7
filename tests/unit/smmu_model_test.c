// SPDX-License-Identifier: GPL-2.0-only
/*
 * The software SMMUv3 of lib/smmu_model.c itself, against tables this file
 * writes from the spec's formats (IHI 0070 5.2 STE, 5.4 CD, 7.3 event
 * records, 4.3/4.4 commands; Arm ARM VMSAv8-64 descriptors) -- not with
 * drivers/smmuv3, so a model bug cannot hide behind the same bug in the
 * driver. Every configuration, every fault kind with its event record, nested
 * walks that fault at stage 2 for the CD, a stage-1 table and the output,
 * and which invalidation ends a stale translation.
 *
 * Memory: the model reads "physical" memory as host pointers, and its OAS is
 * 44 bits, so the tables live in an arena mapped below 2 GiB (under ASan's
 * shadow). IPAs are PAs + IPA_OFF, so an IPA used as a PA (or the reverse)
 * reads the wrong memory and fails.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "lib/smmu_model.h"
#include <asm/io.h>

#define SMMU 0x9050000ull
#define ARENA_SIZE (4ull << 20)
#define IPA_OFF 0x100000000ull
#define VMID 5
#define ASID 0x42
#define VA 0x12345000ull

/* Register offsets (6.3). */
#define CR0 0x20
#define CMDQ_PROD 0x98
#define CR0_ON 0xdu /* SMMUEN | EVTQEN | CMDQEN */

#define BIT(n) (1ull << (n))

static u64 arena;
static u64 next_page;
static struct smmu_model m;
static bool nested; /* tables and CD pointers are IPAs */
static u64 s2_root;
static u64 cmdq_prod;

static u64 *ptr(u64 pa)
{
	return (u64 *)(uintptr_t)pa;
}

static void arena_map(void)
{
	u64 at;

	for (at = 0x40000000; !arena && at < 0x78000000; at += 0x8000000) {
		void *p = mmap((void *)(uintptr_t)at, ARENA_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == (void *)(uintptr_t)at)
			arena = at;
		else if (p != MAP_FAILED)
			munmap(p, ARENA_SIZE);
	}
	if (!arena)
		abort();
}

static u64 page(void)
{
	u64 pa = next_page;

	next_page += 4096;
	if (next_page > arena + ARENA_SIZE)
		abort();
	memset(ptr(pa), 0, 4096);
	return pa;
}

static u64 ipa_of(u64 pa)
{
	return pa + IPA_OFF;
}

/* A table or CD pointer as stage 1 names it: an IPA when nested. */
static u64 s1_addr(u64 pa)
{
	return nested ? ipa_of(pa) : pa;
}

/* ---- stage 2: 40-bit IPA, start level 0, 4 KiB (VMSAv8-64 stage-2 descriptors) ---- */

#define S2_PAGE_RW (3ull | 0xfull << 2 | 3ull << 6 | 3ull << 8 | BIT(10))
#define S2_PAGE_RO (3ull | 0xfull << 2 | 1ull << 6 | 3ull << 8 | BIT(10))

static u64 *s2_pte(u64 ipa)
{
	u64 table = s2_root;
	unsigned int level;

	for (level = 0; level < 3; level++) {
		u64 *d = ptr(table) + ((ipa >> (39 - 9 * level)) & 511);

		if (!(*d & 1))
			*d = page() | 3;
		table = *d & 0xfffffffff000ull;
	}
	return ptr(table) + ((ipa >> 12) & 511);
}

static void s2_map(u64 ipa, u64 pa, u64 attrs)
{
	*s2_pte(ipa) = pa | attrs;
}

/* ---- stage 1: 39-bit VA (T0SZ 25), start level 1, 4 KiB ------------------------ */

#define S1_PAGE (3ull | BIT(6) | BIT(10) | BIT(11)) /* EL0 access, AF, nG */
#define S1_RO BIT(7)

/* The level-@leaf descriptor of @va under @root (a PA) from level @start, making tables. */
static u64 *s1_desc(u64 root, u64 va, unsigned int start, unsigned int leaf)
{
	u64 table = root;
	unsigned int level;

	for (level = start; level < leaf; level++) {
		u64 *d = ptr(table) + ((va >> (39 - 9 * level)) & 511);

		if (!(*d & 1))
			*d = s1_addr(page()) | 3;
		table = (*d & 0xfffffffff000ull) - (nested ? IPA_OFF : 0);
	}
	return ptr(table) + ((va >> (39 - 9 * leaf)) & 511);
}

/* The level-3 descriptor of @va in a T0SZ 25 (start level 1) table. */
static u64 *s1_pte(u64 root, u64 va)
{
	return s1_desc(root, va, 1, 3);
}

/* ---- STEs and CDs (5.2, 5.4) ----------------------------------------------------- */

static u64 *ste(u32 sid)
{
	return ptr(arena) + sid * 8;
}

static void ste_s2_fields(u64 *s, u16 vmid)
{
	/* VMID, S2T0SZ 24, S2SL0 2, S2IR0/S2OR0 WBRA, S2SH0 inner, S2PS 44 bits, S2AA64, S2R */
	s[2] = vmid | 24ull << 32 | 2ull << 38 | 1ull << 40 | 1ull << 42 | 3ull << 44 | 4ull << 48 |
	       BIT(51) | BIT(58);
	s[3] = s2_root;
}

/* Stream @sid: Config @config; stage 1 at CD table @ctx (a PA) with S1CDMax, S1Fmt, S1DSS. */
static void ste_set(u32 sid, u32 config, u64 ctx, u32 cdmax, u32 fmt, u32 dss)
{
	u64 *s = ste(sid);

	memset(s, 0, 64);
	if (config & 2)
		ste_s2_fields(s, VMID);
	if (config & 1) {
		s[0] = s1_addr(ctx) | (u64)fmt << 4 | (u64)cdmax << 59;
		s[1] = dss | 1ull << 2 | 1ull << 4 | 3ull << 6; /* S1CIR/S1COR WBRA, S1CSH inner */
		if (!(config & 2))
			s[2] = VMID; /* S2VMID tags stage-1 TLB entries */
	}
	s[0] |= 1 | (u64)config << 1;
}

/* A valid AArch64 CD: T0SZ 25, TG0 4 KiB, WBRA inner, EPD1, IPS 44 bits, R, A. */
static void cd_set(u64 cd_pa, u16 asid, u64 ttb_pa)
{
	u64 *cd = ptr(cd_pa);

	memset(cd, 0, 64);
	cd[0] = 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 | BIT(30) | BIT(31) | 4ull << 32 |
		BIT(41) | BIT(45) | BIT(46) | (u64)asid << 48;
	cd[1] = s1_addr(ttb_pa);
}

/* ---- the queues ------------------------------------------------------------------ */

/* The event record at queue index @i, decoded with this file's own field positions (7.3). */
static struct smmu_model_event evt_at(u32 i)
{
	const u64 *r = ptr(arena + 0x1000) + (i & 31) * 4;
	struct smmu_model_event e = {
		.type = r[0] & 0xff,
		.ssv = (r[0] >> 11) & 1,
		.ssid = (r[0] >> 12) & 0xfffff,
		.sid = r[0] >> 32,
		.rnw = (r[1] >> 35) & 1,
		.s2 = (r[1] >> 39) & 1,
		.class = (r[1] >> 40) & 3,
		.input_addr = r[2],
		.ipa = r[3] & 0xffffffffff000ull,
	};

	return e;
}

static u32 nr_events(void)
{
	return m.evtq_prod & 0xfffff;
}

/* Issue one command and check the SMMU consumed it without error. */
static bool cmd(u64 c0, u64 c1)
{
	u64 *e = ptr(arena + 0x2000) + (cmdq_prod & 63) * 2;

	e[0] = c0, e[1] = c1;
	cmdq_prod = (cmdq_prod + 1) & 127;
	writel_relaxed((u32)cmdq_prod, (void *)(uintptr_t)(SMMU + CMDQ_PROD));
	return m.cmdq_cons == cmdq_prod && !(m.cmdq_cons & (0x7fu << 24));
}

static bool cmd_sync(void)
{
	return cmd(0x46, 0);
}

static void rig_up(enum smmu_model_stages stages, unsigned int ssidsize, bool cd2l)
{
	arena_map();
	memset(ptr(arena), 0, ARENA_SIZE);
	next_page = arena + 0x10000;
	smmu_model_init_qemu(&m, SMMU, stages, ssidsize, cd2l);
	m.strtab_base = arena;
	m.strtab_base_cfg = 6; /* linear, 64 STEs */
	m.evtq_base = (arena + 0x1000) | 5;
	m.cmdq_base = (arena + 0x2000) | 6;
	cmdq_prod = 0;
	nested = false;
	s2_root = page();
	writel_relaxed(CR0_ON, (void *)(uintptr_t)(SMMU + CR0));
}

/* Stage 2 maps every arena page at ipa_of(pa), read-write. */
static void s2_map_arena(void)
{
	u64 pa;

	for (pa = arena; pa < arena + ARENA_SIZE; pa += 4096)
		s2_map(ipa_of(pa), pa, S2_PAGE_RW);
}

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
	smmu_model_remove(&m);
}

/* Stream 1: stage 1 only, one CD (ASID), VA -> data. */
static void s1_setup(FIXTURE_DATA(smmu) * self)
{
	self->root = page();
	cd_set(self->cd, ASID, self->root);
	*s1_pte(self->root, VA) = self->data | S1_PAGE;
	ste_set(1, 5, self->cd, 0, 0, 0);
}

/* Stream 1: nested; stage 1 maps VA -> ipa_of(data), stage 2 maps the whole arena. */
static void nested_setup(FIXTURE_DATA(smmu) * self)
{
	nested = true;
	s2_map_arena();
	self->root = page();
	cd_set(self->cd, ASID, self->root);
	*s1_pte(self->root, VA) = ipa_of(self->data) | S1_PAGE;
	ste_set(1, 7, self->cd, 0, 0, 0);
}

#define EXPECT_EVENT(e, typ, s2_, cls)                                   \
	do {                                                             \
		EXPECT_EQ((unsigned int)(typ), (unsigned int)(e).type);  \
		EXPECT_EQ((unsigned int)(s2_), (unsigned int)(e).s2);    \
		EXPECT_EQ((unsigned int)(cls), (unsigned int)(e).class); \
	} while (0)

/* ---- configurations ------------------------------------------------------------- */

/* A stage-2-only STE (VMID 0, the hypervisor's) translates IPA = input address. */
TEST_F(smmu, stage2_only_translates_input_as_ipa)
{
	struct smmu_dma r;

	s2_map(0x5000, self->data, S2_PAGE_RW);
	ste_set(2, 6, 0, 0, 0, 0);
	ste(2)[2] &= ~0xffffull; /* VMID 0 */
	r = smmu_model_dma(&m, 2, 0x5008, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(self->data + 8, r.pa);
	EXPECT_EQ(0xfu, r.memattr);
	EXPECT_EQ(3u, r.sh);
	/* An unmapped IPA: F_TRANSLATION at stage 2, CLASS = IN, IPA = the input. */
	r = smmu_model_dma(&m, 2, 0x7000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EVENT(evt_at(0), 0x10, 1, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(0x7000ull, evt_at(0).ipa);
	EXPECT_EQ(1u, (unsigned int)evt_at(0).rnw);
}

/* The model's own rule: a stage-2-only STE uses VMID 0; another VMID is C_BAD_STE. */
TEST_F(smmu, stage2_only_with_other_vmid_is_bad_ste)
{
	ste_set(2, 6, 0, 0, 0, 0);
	EXPECT_FALSE(smmu_model_dma(&m, 2, 0x5000, false).ok);
	EXPECT_EQ(0x04u, (unsigned int)evt_at(0).type);
	EXPECT_EQ(2u, evt_at(0).sid);
}

/* Config = abort terminates without an event; V = 0 and reserved configs are C_BAD_STE. */
TEST_F(smmu, abort_and_invalid_stes)
{
	struct smmu_dma r;

	ste_set(3, 0, 0, 0, 0, 0);
	r = smmu_model_dma(&m, 3, 0x1000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EQ(SMMU_MODEL_STE_ABORT, r.fault);
	EXPECT_EQ(0u, nr_events());
	ste(3)[0] = 0; /* V = 0 */
	EXPECT_FALSE(smmu_model_dma(&m, 3, 0x1000, false).ok);
	EXPECT_EQ(1u, nr_events());
	EXPECT_EQ(0x04u, (unsigned int)evt_at(0).type);
	ste(3)[0] = 1 | 2 << 1; /* Config 0b010: reserved */
	EXPECT_EQ(0x04, smmu_model_dma(&m, 3, 0x1000, false).event);
}

/* Bypass passes the address through untranslated. */
TEST_F(smmu, bypass_passes_through)
{
	struct smmu_dma r;

	ste_set(4, 4, 0, 0, 0, 0);
	r = smmu_model_dma(&m, 4, 0xdead000, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(0xdead000ull, r.pa);
}

/* A stage the SMMU does not implement (IDR0.S1P / S2P) makes the STE ILLEGAL. */
TEST(unimplemented_stage_is_bad_ste)
{
	rig_up(SMMU_MODEL_S2_ONLY, 0, false);
	ste_set(1, 5, page(), 0, 0, 0);
	ste_set(2, 7, page(), 0, 0, 0);
	EXPECT_EQ(0x04, smmu_model_dma(&m, 1, 0x1000, false).event);
	EXPECT_EQ(0x04, smmu_model_dma(&m, 2, 0x1000, false).event);
	smmu_model_remove(&m);
	rig_up(SMMU_MODEL_S1_ONLY, 0, false);
	ste_set(3, 6, 0, 0, 0, 0);
	ste(3)[2] &= ~0xffffull;
	EXPECT_EQ(0x04, smmu_model_dma(&m, 3, 0x1000, false).event);
	smmu_model_remove(&m);
}

/* IDR values: QEMU 10's stage=nested SMMU, and the single-stage variants. */
TEST(init_option_sets_qemu_idrs)
{
	smmu_model_init_qemu(&m, SMMU, SMMU_MODEL_NESTED, 0, false);
	EXPECT_EQ(0x0D44101Bu, m.idr[0]);
	EXPECT_EQ(0x02730010u, m.idr[1]);
	EXPECT_EQ(3u, m.idr[0] & 3u); /* S1P, S2P */
	smmu_model_init_qemu(&m, SMMU, SMMU_MODEL_S2_ONLY, 0, false);
	EXPECT_EQ(1u, m.idr[0] & 3u);
	smmu_model_init_qemu(&m, SMMU, SMMU_MODEL_S1_ONLY, 8, true);
	EXPECT_EQ(2u, m.idr[0] & 3u);
	EXPECT_EQ(8u, (m.idr[1] >> 6) & 0x1f); /* SSIDSIZE */
	EXPECT_TRUE(m.idr[0] & (1u << 19)); /* CD2L */
	smmu_model_remove(&m);
}

/* ---- stage 1 only ------------------------------------------------------------------ */

/* Stage 1 only: the CD's tables translate VA -> PA; the output is both ipa and pa. */
TEST_F(smmu, stage1_translates)
{
	struct smmu_dma r;

	s1_setup(self);
	r = smmu_model_dma(&m, 1, VA + 0x10, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(self->data + 0x10, r.pa);
	EXPECT_EQ(self->data + 0x10, r.ipa);
	EXPECT_TRUE(smmu_model_tlb_has_s1(&m, VMID, ASID, VA));
	EXPECT_FALSE(smmu_model_tlb_has_s1(&m, VMID, ASID + 1, VA));
	EXPECT_EQ(0u, nr_events());
}

/* Each stage-1 fault is recorded with S2 = 0 and the transaction's fields. */
TEST_F(smmu, stage1_faults_are_stage1)
{
	struct smmu_dma r;

	s1_setup(self);
	/* Unmapped: F_TRANSLATION. */
	r = smmu_model_dma(&m, 1, VA + 0x1000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EVENT(evt_at(0), 0x10, 0, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(1u, evt_at(0).sid);
	EXPECT_EQ(VA + 0x1000, evt_at(0).input_addr);
	EXPECT_EQ(1u, (unsigned int)evt_at(0).rnw);
	EXPECT_FALSE(evt_at(0).ssv);
	/* Beyond T0SZ (39 bits): F_TRANSLATION. */
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, 1ull << 39, false).event);
	/* Read-only, written: F_PERMISSION, RnW = 0. */
	*s1_pte(self->root, VA) |= S1_RO;
	r = smmu_model_dma(&m, 1, VA, true);
	EXPECT_EQ(0x13, r.event);
	EXPECT_EQ(0u, (unsigned int)evt_at(2).rnw);
	EXPECT_FALSE(r.s2);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	/* Privileged-only (AP[1] = 0), unprivileged DMA: F_PERMISSION; STE.PRIVCFG privileged: fine. */
	*s1_pte(self->root, VA + 0x2000) = self->data | (S1_PAGE & ~BIT(6));
	EXPECT_EQ(0x13, smmu_model_dma(&m, 1, VA + 0x2000, false).event);
	ste(1)[1] |= 3ull << 48;
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA + 0x2000, false).ok);
	/* AF = 0: F_ACCESS, unless CD.AFFD. */
	*s1_pte(self->root, VA + 0x3000) = self->data | (S1_PAGE & ~BIT(10));
	EXPECT_EQ(0x12, smmu_model_dma(&m, 1, VA + 0x3000, false).event);
	ptr(self->cd)[0] |= BIT(35);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA + 0x3000, false).ok);
	/* Output beyond IPS (44 bits): F_ADDR_SIZE. */
	*s1_pte(self->root, VA + 0x4000) = (1ull << 44) | S1_PAGE;
	EXPECT_EQ(0x11, smmu_model_dma(&m, 1, VA + 0x4000, false).event);
	/* CD.R = 0: the fault terminates the DMA but is not recorded. */
	ptr(self->cd)[0] &= ~BIT(45);
	r = smmu_model_dma(&m, 1, VA + 0x5000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_EQ(0x10, r.fault);
	EXPECT_EQ(0, r.event);
}

/* CD.TBI0: the top byte of the address is ignored; without it such an address faults. */
TEST_F(smmu, stage1_top_byte_ignore)
{
	s1_setup(self);
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, VA | 0xabull << 56, false).event);
	ptr(self->cd)[0] |= BIT(38);
	EXPECT_EQ(self->data + 4, smmu_model_dma(&m, 1, (VA + 4) | 0xabull << 56, false).pa);
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
		r = smmu_model_dma(&m, 1, va + 0x18, false);
		EXPECT_TRUE(r.ok);
		EXPECT_EQ(self->data + 0x18, r.pa);
		r = smmu_model_dma(&m, 1, big, true);
		EXPECT_TRUE(r.ok);
		EXPECT_EQ(arena + 0x1234, r.pa);
		EXPECT_EQ(ipa_of(arena) + 0x1234, r.ipa);
		/* One beyond the VA size faults. */
		EXPECT_EQ(0x10, smmu_model_dma(&m, 1, 1ull << (64 - cfg[i].t0sz), false).event);
	}
	/* A level-1 block (1 GiB) at T0SZ 25; a level-0 block is not a thing at 4 KiB. */
	self->root = page();
	cd_set(self->cd, ASID + 7, self->root);
	ptr(self->root)[1] = (S1_PAGE & ~2ull) | 0x40000000ull;
	s2_map(0x40000000ull + 0x5000, self->data, S2_PAGE_RW);
	EXPECT_EQ(self->data + 8, smmu_model_dma(&m, 1, 0x40005008ull, false).pa);
	cd_set(self->cd, ASID + 8, self->root);
	ptr(self->cd)[0] = (ptr(self->cd)[0] & ~0x3full) | 16;
	ptr(self->root)[0] = (S1_PAGE & ~2ull) | 0;
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, 0x5000, false).event);
}

/* APTable bits of a table descriptor restrict every page below it. */
TEST_F(smmu, stage1_aptable_restricts)
{
	u64 *l1;

	s1_setup(self);
	*s1_pte(self->root, VA + 0x1000) = self->data | S1_PAGE;
	l1 = ptr(self->root) + ((VA >> 30) & 511);
	*l1 |= BIT(62); /* APTable[1]: no writes below */
	EXPECT_EQ(0x13, smmu_model_dma(&m, 1, VA, true).event);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	/* The cached walk keeps the restriction for the next page under it. */
	EXPECT_EQ(0x13, smmu_model_dma(&m, 1, VA + 0x1000, true).event);
	EXPECT_GT(m.s1walk_hits, 0u);
	/* APTable[0]: no unprivileged access (the walk cache forgets the old table: NH_ASID). */
	*l1 = (*l1 & ~BIT(62)) | BIT(61);
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(0x13, smmu_model_dma(&m, 1, VA + 0x1000, false).event);
	*l1 &= ~BIT(61);
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA + 0x1000, true).ok);
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
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cd_set(self->cd, ASID, self->root);
		ptr(self->cd)[0] = (ptr(self->cd)[0] & ~bad[i].clear) | bad[i].set;
		TH_LOG("%s", bad[i].what);
		EXPECT_EQ(0x0a, smmu_model_dma(&m, 1, VA + 0x1000, false).event);
		EXPECT_EQ(1u, evt_at(nr_events() - 1).sid);
	}
	/* TTB0 not aligned to its table (512 entries at level 1: 4 KiB). */
	cd_set(self->cd, ASID, self->root);
	ptr(self->cd)[1] |= 0x800;
	EXPECT_EQ(0x0a, smmu_model_dma(&m, 1, VA + 0x1000, false).event);
	/* EPD0: valid, but every TTB0 walk faults at stage 1. */
	cd_set(self->cd, ASID, self->root);
	ptr(self->cd)[0] |= BIT(14);
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, VA + 0x1000, false).event);
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
		EXPECT_EQ(0x04, smmu_model_dma(&m, 1, VA, false).event);
	}
	ste_set(1, 5, self->cd, 0, 0, 0);
	ste(1)[1] &= ~(3ull << 2); /* S1CIR Non-cacheable on a coherent SMMU */
	EXPECT_EQ(0x04, smmu_model_dma(&m, 1, VA, false).event);
	ste_set(1, 5, self->cd, 0, 0, 0);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	/* With substreams: S1Fmt 0b11 and S1DSS 0b11 are reserved. */
	m.idr[1] |= 4u << 6;
	ste_set(1, 5, self->cd, 1, 3, 0);
	EXPECT_EQ(0x04, smmu_model_dma(&m, 1, VA, false).event);
	ste_set(1, 5, self->cd, 1, 0, 3);
	EXPECT_EQ(0x04, smmu_model_dma(&m, 1, VA, false).event);
	ste_set(1, 5, self->cd, 1, 0, 2);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
}

/* ---- nested ---------------------------------------------------------------------- */

/* Nested: the CD, the stage-1 tables and the output are IPAs, each through stage 2. */
TEST_F(smmu, nested_translates_through_both_stages)
{
	struct smmu_dma r;

	nested_setup(self);
	r = smmu_model_dma(&m, 1, VA + 0x20, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(ipa_of(self->data) + 0x20, r.ipa);
	EXPECT_EQ(self->data + 0x20, r.pa);
	EXPECT_EQ(0xfu, r.memattr); /* stage 2's leaf */
	EXPECT_EQ(0u, nr_events());
	/* Stage 2 remaps the output IPA: the DMA follows (after the TLB forgets). */
	s2_map(ipa_of(self->data), self->cd, S2_PAGE_RW);
	EXPECT_TRUE(cmd(0x28 | (u64)VMID << 32, 0) && cmd_sync()); /* TLBI_S12_VMALL */
	EXPECT_EQ(self->cd + 0x20, smmu_model_dma(&m, 1, VA + 0x20, true).pa);
}

/* A CD whose IPA stage 2 does not map: F_TRANSLATION, S2 = 1, CLASS = CD, IPA = the CD's. */
TEST_F(smmu, nested_cd_fetch_faults_at_stage2)
{
	struct smmu_dma r;
	struct smmu_model_event e;

	nested_setup(self);
	*s2_pte(ipa_of(self->cd)) = 0;
	r = smmu_model_dma(&m, 1, VA, false);
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
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, VA, false).event);
	e = evt_at(0);
	EXPECT_EVENT(e, 0x10, 1, SMMU_MODEL_CLASS_TT);
	EXPECT_EQ(ipa_of(l2), e.ipa);
	/* A stage-2 read-only table is fine: walks only read. */
	s2_map(ipa_of(l2), l2, S2_PAGE_RO);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, true).ok);
}

/* The output IPA: unmapped or read-only at stage 2 faults there with CLASS = IN. */
TEST_F(smmu, nested_output_faults_at_stage2)
{
	struct smmu_model_event e;
	struct smmu_dma r;

	nested_setup(self);
	s2_map(ipa_of(self->data), self->data, S2_PAGE_RO);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	r = smmu_model_dma(&m, 1, VA + 8, true);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	e = evt_at(0);
	EXPECT_EVENT(e, 0x13, 1, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(ipa_of(self->data), e.ipa);
	EXPECT_EQ(VA + 8, e.input_addr);
	/* An output IPA stage 2 has no mapping for. */
	*s1_pte(self->root, VA + 0x1000) = 0x7000000000ull | S1_PAGE;
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, VA + 0x1000, false).event);
	EXPECT_EVENT(evt_at(1), 0x10, 1, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(0x7000000000ull, evt_at(1).ipa);
	/* The model's decoder agrees with this file's. */
	ASSERT_TRUE(smmu_model_last_event(&m, &e));
	EXPECT_EQ(0x7000000000ull, e.ipa);
	EXPECT_EQ((unsigned int)SMMU_MODEL_CLASS_IN, (unsigned int)e.class);
}

/* A stage-1 fault of a nested stream is a stage-1 fault: S2 = 0, no IPA. */
TEST_F(smmu, nested_stage1_fault_is_stage1)
{
	nested_setup(self);
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, VA + 0x1000, false).event);
	EXPECT_EVENT(evt_at(0), 0x10, 0, SMMU_MODEL_CLASS_IN);
	EXPECT_EQ(0ull, evt_at(0).ipa);
}

/* A watched address of a nested stream is translated afresh at every command. */
TEST_F(smmu, watch_sees_a_broken_nested_ste)
{
	nested_setup(self);
	m.watch[0] = VA, m.watch_sid[0] = 1, m.nr_watch = 1;
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(0u, m.transient_faults);
	ste(1)[0] &= ~1ull; /* V = 0: a window in which the stream does not translate */
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(1u, m.transient_faults);
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
		r = smmu_model_dma_ssid(&m, 1, i + 1, VA, false);
		EXPECT_TRUE(r.ok);
		EXPECT_EQ(data[i], r.pa);
	}
	/* SSID 4 >= 2^S1CDMax: C_BAD_SUBSTREAMID with SSV and the SSID in the record. */
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&m, 1, 4, VA, false).event);
	EXPECT_TRUE(evt_at(0).ssv);
	EXPECT_EQ(4u, evt_at(0).ssid);
	/* CD 3 is all zeros: C_BAD_CD. */
	EXPECT_EQ(0x0a, smmu_model_dma_ssid(&m, 1, 3, VA, false).event);
	/* No SubstreamID: S1DSS = terminate (F_STREAM_DISABLED), bypass (stage 2 only), CD 0. */
	EXPECT_EQ(0x06, smmu_model_dma(&m, 1, VA, false).event);
	ste_set(1, 7, cds, 2, 0, 1);
	r = smmu_model_dma(&m, 1, ipa_of(data[1]), false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(data[1], r.pa);
	cd_set(cds, ASID + 5, roots[0]);
	ste_set(1, 7, cds, 2, 0, 2);
	EXPECT_EQ(data[0], smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&m, 1, 0, VA, false).event);
	/* A stream without substreams (S1CDMax 0) refuses a SubstreamID. */
	ste_set(1, 7, cds, 0, 0, 0);
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&m, 1, 1, VA, false).event);
	smmu_model_remove(&m);
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
	EXPECT_EQ(data, smmu_model_dma_ssid(&m, 1, 67, VA, false).pa);
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&m, 1, 3, VA, false).event);
	/* Without CD2L the same STE is ILLEGAL. */
	m.idr[0] &= ~(1u << 19);
	EXPECT_EQ(0x04, smmu_model_dma_ssid(&m, 1, 67, VA, false).event);
	smmu_model_remove(&m);
}

/* Stage 1 bypassed: a SubstreamID has no CD to select. */
TEST_F(smmu, substream_on_stage2_only_stream)
{
	ste_set(2, 6, 0, 0, 0, 0);
	ste(2)[2] &= ~0xffffull;
	EXPECT_EQ(0x08, smmu_model_dma_ssid(&m, 2, 1, 0x1000, false).event);
}

/* ---- TLB and invalidation ---------------------------------------------------------- */

/* A changed stage-1 PTE: the old translation stays until a TLBI_NH_VA of its VMID and ASID. */
TEST_F(smmu, stale_stage1_until_tlbi_nh_va)
{
	u64 other = page();

	s1_setup(self);
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	*s1_pte(self->root, VA) = other | S1_PAGE;
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	/* TLBI_NH_VA: ASID [63:48], VMID [47:32], Address [63:12]. */
	EXPECT_TRUE(cmd(0x12 | (u64)(ASID + 1) << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)(VMID + 1) << 32, VA) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA + 0x1000) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
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
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	/* A new level-2 table (and level 3 under it) maps VA elsewhere. */
	*l1 = 0;
	*s1_pte(self->root, VA) = ipa_of(other) | S1_PAGE;
	EXPECT_NE(old_l2, *l1);
	/* Leaf = 1 drops the leaf; the walk still starts at the old level-2 table. */
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA | 1) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_GT(m.s1walk_hits, 0u);
	EXPECT_TRUE(cmd(0x2a | (u64)VMID << 32, ipa_of(self->data)) && cmd_sync());
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA | 1) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	/* Leaf = 0 (of another ASID: nothing; of this one: the walk too). */
	EXPECT_TRUE(cmd(0x12 | (u64)(ASID + 1) << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x12 | (u64)ASID << 48 | (u64)VMID << 32, VA) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
	/* And TLBI_NH_ASID drops walks of its ASID. */
	*l1 = old_l2;
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
}

/* TLBI_NH_ASID leaves global entries and other ASIDs; TLBI_NH_VAA and NH_ALL take them. */
TEST_F(smmu, tlbi_nh_asid_vaa_all)
{
	u64 other = page();

	s1_setup(self);
	*s1_pte(self->root, VA) &= ~BIT(11); /* global */
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has_s1(&m, VMID, 7, VA)); /* global: any ASID */
	*s1_pte(self->root, VA) = other | S1_PAGE;
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x13 | (u64)VMID << 32, VA) && cmd_sync()); /* TLBI_NH_VAA */
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
	/* Non-global now: TLBI_NH_ASID of its ASID drops it, NH_ALL of another VMID does not. */
	*s1_pte(self->root, VA) = self->data | S1_PAGE;
	EXPECT_TRUE(cmd(0x10 | (u64)(VMID + 1) << 32, 0) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x11 | (u64)ASID << 48 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	*s1_pte(self->root, VA) = other | S1_PAGE;
	EXPECT_TRUE(cmd(0x10 | (u64)VMID << 32, 0) && cmd_sync()); /* TLBI_NH_ALL */
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
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
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	s2_map(ipa_of(self->data), other, S2_PAGE_RW);
	/* TLBI_S2_IPA: VMID [47:32], Address [51:12]. */
	EXPECT_TRUE(cmd(0x2a | (u64)VMID << 32, ipa_of(self->data)) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x28 | (u64)(VMID + 1) << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x28 | (u64)VMID << 32, 0) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
	s2_map(ipa_of(self->data), self->data, S2_PAGE_RW);
	EXPECT_TRUE(cmd(0x30, 0) && cmd_sync()); /* TLBI_NSNH_ALL */
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
}

/* Stage-2 translations of stage-1 tables are cached too; TLBI_S2_IPA drops them. */
TEST_F(smmu, tlbi_s2_ipa_drops_stage2_entries_of_tables)
{
	u64 l2;

	nested_setup(self);
	l2 = (ptr(self->root)[(VA >> 30) & 511] & 0xfffffffff000ull) - IPA_OFF;
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has(&m, ipa_of(l2)));
	*s2_pte(ipa_of(l2)) = 0;
	EXPECT_TRUE(cmd(0x28 | (u64)VMID << 32, 0) && cmd_sync()); /* drops the nested entry */
	EXPECT_FALSE(smmu_model_tlb_has(&m, ipa_of(l2)));
	EXPECT_EQ(0x10, smmu_model_dma(&m, 1, VA, false).event);
	s2_map(ipa_of(l2), l2, S2_PAGE_RW);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has(&m, ipa_of(l2)));
	EXPECT_TRUE(cmd(0x2a | (u64)VMID << 32, ipa_of(l2)) && cmd_sync());
	EXPECT_FALSE(smmu_model_tlb_has(&m, ipa_of(l2)));
}

/* With configuration caching, a changed CD or STE is used only after the right CFGI. */
TEST_F(smmu, cached_config_until_cfgi)
{
	u64 root2 = page(), other = page();

	s1_setup(self);
	m.cache_config = true;
	*s1_pte(root2, VA) = other | S1_PAGE;
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	cd_set(self->cd, ASID + 1, root2);
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa); /* old CD, old ASID: TLB */
	/* CFGI_CD: SID [63:32], SSID [31:12]; another stream's does nothing. */
	EXPECT_TRUE(cmd(0x05 | 2ull << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x05 | 1ull << 32, 1) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa); /* new ASID: TLB miss */
	/* An STE changed to abort: still translating until CFGI_STE (or a range covering it). */
	ste_set(1, 0, 0, 0, 0, 0);
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	EXPECT_TRUE(cmd(0x04 | 2ull << 32, 0) && cmd_sync()); /* CFGI_STE_RANGE 2-3 */
	EXPECT_TRUE(smmu_model_dma(&m, 1, VA, false).ok);
	EXPECT_TRUE(cmd(0x04 | 0ull << 32, 0) && cmd_sync()); /* CFGI_STE_RANGE 0-1 */
	EXPECT_EQ(SMMU_MODEL_STE_ABORT, smmu_model_dma(&m, 1, VA, false).fault);
	/* Back to stage 1 with a new CD: CFGI_STE drops the STE and its CDs. */
	ste_set(1, 5, self->cd, 0, 0, 0);
	cd_set(self->cd, ASID, self->root);
	EXPECT_TRUE(cmd(0x03 | 1ull << 32, 0) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	/* CFGI_CD_ALL and CFGI_ALL. */
	cd_set(self->cd, ASID + 2, root2);
	EXPECT_TRUE(cmd(0x06 | 1ull << 32, 0) && cmd_sync());
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
	cd_set(self->cd, ASID + 3, self->root);
	EXPECT_EQ(other, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_TRUE(cmd(0x04, 31) && cmd_sync());
	EXPECT_EQ(self->data, smmu_model_dma(&m, 1, VA, false).pa);
	EXPECT_GT(m.cd_cache_hits, 0u);
	EXPECT_GT(m.ste_cache_hits, 0u);
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
		{ SMMU_MODEL_NESTED, 0x12, VA | 2ull << 10, "TLBI_NH_VA TG 16 KiB" },
		{ SMMU_MODEL_NESTED, 0x20, 0, "TLBI_EL2_ALL without HYP" },
		{ SMMU_MODEL_NESTED, 0x40, 0, "ATC_INV" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
		TH_LOG("%s", ill[i].what);
		rig_up(ill[i].stages, 0, false);
		EXPECT_FALSE(cmd(ill[i].c0, ill[i].c1));
		EXPECT_EQ(1u, (m.cmdq_cons >> 24) & 0x7f); /* CERROR_ILL */
		smmu_model_remove(&m);
	}
	/* The same TLBI_NH_VA in range form on an SMMU with RIL is fine. */
	rig_up(SMMU_MODEL_NESTED, 0, false);
	EXPECT_TRUE(cmd(0x12 | 3ull << 12, VA | 1ull << 10));
	smmu_model_remove(&m);
}

TEST_HARNESS_MAIN
