// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode end to end (issue 14): the host's own stage 1 -- stream table,
 * context descriptors and page tables in "host RAM", enabled through the
 * emulated registers, maintained through the emulated command queue -- with
 * the hypervisor's identity stage 2 nested under it, on the software SMMU of
 * lib/smmu_model.c, which walks stage 1 and nested itself. The real driver,
 * mem_protect and the iommu core run as on the target.
 *
 * Encodings (STE, CD, VMSAv8-64 stage-1 descriptors, commands, event
 * records) are this file's own, from IHI 0070 5.2, 5.4, 4 and 7.3.
 */
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include <isohyp/errno.h>
#include <smmuv3/nested.h>
#undef IDR0_COHACC /* smmu_machine.h's, as a plain mask */
#include "lib/smmu_machine.h"
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <uapi/isohyp.h>

/* Register offsets (6.3). */
#define R_CR0 0x20
#define R_CR0ACK 0x24
#define R_STRTAB_BASE 0x80
#define R_STRTAB_BASE_CFG 0x88
#define R_CMDQ_BASE 0x90
#define R_CMDQ_PROD 0x98
#define R_CMDQ_CONS 0x9c
#define R_EVTQ_BASE 0xa0
#define R_EVTQ_PROD 0x100a8
#define R_EVTQ_CONS 0x100ac
#define CR0_ALL 0xdu /* SMMUEN | EVTQEN | CMDQEN */

/* The host's memory (RAM0, below the carve-out): tables, queues, data. */
#define HOST_STRTAB (RAM0 + 0x100000)
#define HOST_CMDQ (RAM0 + 0x200000)
#define HOST_EVTQ (RAM0 + 0x300000)
#define HOST_TABLES (RAM0 + 0x400000) /* stage-1 tables, page by page */
#define HOST_DATA (RAM0 + 0x500000)
#define HOST_CD (RAM0 + 0x600000) /* one CD per page */
#define DONATED (RAM0 + 0x700000)
#define HOST_MEM_SIZE (8ull << 20)

/* STE (5.2): V, Config[3:1], S1ContextPtr; the CD fetch's attributes. */
#define STE_V 1ull
#define STE_CFG(c) ((u64)(c) << 1)
#define CFG_ABORT 0
#define CFG_BYPASS 4
#define CFG_S1 5
#define STE1_S1_WB (1ull << 2 | 1ull << 4 | 3ull << 6) /* S1CIR, S1COR WBRA; S1CSH inner */

/* Stage 1, 39-bit VA (T0SZ 25), start level 1, 4 KiB: table, page (EL0, AF, nG). */
#define S1_TABLE 3ull
#define S1_PAGE (3ull | 1ull << 6 | 1ull << 10 | 1ull << 11)
#define ASID 0x42
#define VA 0x12345000ull
#define VA2 0x23456000ull

#define SID 8
#define SID_OTHER 9

/* Commands (4.1-4.7). */
#define OP_CFGI_STE 0x03
#define OP_CFGI_CD 0x05
#define OP_TLBI_NH_ALL 0x10
#define OP_TLBI_NH_ASID 0x11
#define OP_TLBI_S12_VMALL 0x28
#define OP_CMD_SYNC 0x46

/* Events (7.3). */
#define EVT_C_BAD_STE 0x04
#define EVT_F_TRANSLATION 0x10
#define CLASS_CD 0
#define CLASS_TT 1
#define CLASS_IN 2

static struct hyp_mmio_region *regs;
static u64 next_table;
static u32 hprod;

static u64 *p64(u64 pa)
{
	return (u64 *)(uintptr_t)pa;
}

static u32 rd32(u64 off)
{
	u64 v = 0xdeadbeef;

	if (regs->ops->read(regs->priv, off, 4, &v))
		return ~0u;
	return v;
}

static int wr(u64 off, unsigned int size, u64 v)
{
	return regs->ops->write(regs->priv, off, size, v);
}

/* Back [RAM0, RAM0 + HOST_MEM_SIZE) with memory once; zero it for each test. */
static bool host_mem_up(void)
{
	static bool mapped;
	void *p;

	if (!mapped) {
		p = mmap((void *)(uintptr_t)RAM0, HOST_MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		mapped = p == (void *)(uintptr_t)RAM0;
	}
	if (mapped)
		memset((void *)(uintptr_t)RAM0, 0, HOST_MEM_SIZE);
	return mapped;
}

static u64 host_table(void)
{
	u64 pa = next_table;

	next_table += 4096;
	return pa;
}

/* The host's level-3 descriptor of @va under @root, tables made as needed. */
static u64 *s1_pte(u64 root, u64 va)
{
	u64 table = root;
	unsigned int level;

	for (level = 1; level < 3; level++) {
		u64 *d = p64(table) + ((va >> (39 - 9 * level)) & 511);

		if (!(*d & 1))
			*d = host_table() | S1_TABLE;
		table = *d & 0xfffffffff000ull;
	}
	return p64(table) + ((va >> 12) & 511);
}

/* A valid AArch64 CD at @cd: T0SZ 25, TG0 4 KiB, WBRA inner, EPD1, IPS 44, R, A, @asid. */
static void host_cd_asid(u64 cd, u64 ttb, u16 asid)
{
	memset(p64(cd), 0, 64);
	p64(cd)[0] = 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 30 | 1ull << 31 |
		     4ull << 32 | 1ull << 41 | 1ull << 45 | 1ull << 46 | (u64)asid << 48;
	p64(cd)[1] = ttb;
}

static void host_cd(u64 cd, u64 ttb)
{
	host_cd_asid(cd, ttb, ASID);
}

static u64 *host_ste(u32 sid)
{
	return p64(HOST_STRTAB + (u64)sid * 64);
}

static void host_ste_s1(u32 sid, u64 cd)
{
	memset(host_ste(sid), 0, 64);
	host_ste(sid)[1] = STE1_S1_WB;
	host_ste(sid)[0] = STE_V | STE_CFG(CFG_S1) | cd;
}

static void host_ste_cfg(u32 sid, u32 cfg)
{
	memset(host_ste(sid), 0, 64);
	host_ste(sid)[0] = STE_V | STE_CFG(cfg);
}

/* A command into the host's queue (256 entries), PROD not written. */
static void host_cmd(u64 d0, u64 d1)
{
	u64 *e = p64(HOST_CMDQ + (u64)(hprod & 255) * 16);

	e[0] = d0;
	e[1] = d1;
	hprod = (hprod + 1) & 511;
}

/* Write PROD: the hypervisor runs the batch; true if all of it was consumed without error. */
static bool host_kick(void)
{
	wr(R_CMDQ_PROD, 4, hprod);
	return rd32(R_CMDQ_CONS) == hprod;
}

static bool host_cfgi_ste(u32 sid)
{
	host_cmd(OP_CFGI_STE | (u64)sid << 32, 1);
	host_cmd(OP_CMD_SYNC, 0);
	return host_kick();
}

/* As Linux after changing a CD: CFGI_CD, TLBI_NH_ASID, CMD_SYNC. */
static bool host_cfgi_cd(u32 sid)
{
	host_cmd(OP_CFGI_CD | (u64)sid << 32, 1);
	host_cmd(OP_TLBI_NH_ASID | (u64)ASID << 48, 0);
	host_cmd(OP_CMD_SYNC, 0);
	return host_kick();
}

/* The host's event record @i, as the host reads it (7.3). */
static void host_event(u32 i, u8 *type, u32 *sid, bool *s2, bool *rnw, u64 *addr)
{
	const u64 *r = p64(HOST_EVTQ + (u64)(i & 127) * 32);

	*type = r[0] & 0xff;
	*sid = r[0] >> 32;
	*rnw = (r[1] >> 35) & 1;
	*s2 = (r[1] >> 39) & 1;
	*addr = r[2];
}

/* Records of @type in the real event queue since its PROD was @from. */
static unsigned int real_events_of(u32 from, u8 type)
{
	u32 log2 = model.evtq_base & 0x1f, i, n = 0;
	u64 base = model.evtq_base & 0x000fffffffffffe0ull;

	for (i = from; (i & ((2u << log2) - 1)) != (model.evtq_prod & ((2u << log2) - 1)); i++)
		if ((p64(base + (u64)(i & ((1u << log2) - 1)) * 32)[0] & 0xff) == type)
			n++;
	return n;
}

/* The real STE of @sid, found as the SMMU finds it (linear or 2-level). */
static const u64 *real_ste(u32 sid)
{
	u64 base = model.strtab_base & 0x000fffffffffffc0ull, l1, l2;
	u32 cfg = model.strtab_base_cfg, split = (cfg >> 6) & 0x1f;

	if (((cfg >> 16) & 3) == 0)
		return p64(base + (u64)sid * 64);
	l1 = *p64(base + (u64)(sid >> split) * 8);
	l2 = l1 & 0x000fffffffffffc0ull;
	return p64(l2 + (u64)(sid & ((1u << split) - 1)) * 64);
}

FIXTURE(ndma)
{
	u64 root; /* the host's stage-1 root for SID */
};

FIXTURE_SETUP(ndma)
{
	struct boot_smmu b = {
		.base = SMMU_PA, .size = qemu_cfg.size, .coherent = true, .mode = BOOT_SMMU_NESTED
	};

	ASSERT_TRUE(host_mem_up());
	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register_smmus(&b, 1));
	ASSERT_EQ(0, kvm_iommu_init());
	regs = hyp_mmio_find(SMMU_PA);
	ASSERT_NE_NULL(regs);
	next_table = HOST_TABLES;
	hprod = 0;
	/* The host's stage 1 for SID: VA -> HOST_DATA (an IPA: the identity stage 2 makes it a PA). */
	self->root = host_table();
	host_cd(HOST_CD, self->root);
	*s1_pte(self->root, VA) = HOST_DATA | S1_PAGE;
	host_ste_s1(SID, HOST_CD);
	host_ste_cfg(SID_OTHER, CFG_BYPASS);
	wr(R_STRTAB_BASE, 8, HOST_STRTAB);
	wr(R_STRTAB_BASE_CFG, 4, 8); /* linear, 256 STEs */
	wr(R_CMDQ_BASE, 8, HOST_CMDQ | 8);
	wr(R_EVTQ_BASE, 8, HOST_EVTQ | 7);
}

FIXTURE_TEARDOWN(ndma)
{
	if (regs) {
		wr(R_CR0, 4, 0);
		hyp_mmio_unregister(regs);
	}
	regs = NULL;
	model.nr_watch = 0;
	model.cache_config = false;
	machine_down();
}

static void enable(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, wr(R_CR0, 4, CR0_ALL));
	ASSERT_EQ(CR0_ALL, rd32(R_CR0ACK));
}

/*
 * The host's stage 1 translates, nested over the identity stage 2: VA goes to
 * the page the host mapped; the host's own unmap and TLBI_NH_ASID through the
 * emulated queue take effect; a bypass stream keeps the identity stage 2.
 */
TEST_F(ndma, host_stage1_translates)
{
	struct smmu_dma r;

	enable(_metadata);
	r = dma(SID, VA + 0x18, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA + 0x18, r.pa);
	EXPECT_EQ(HOST_DATA + 0x18, r.ipa);
	EXPECT_EQ((unsigned int)ATTR_NORMAL_WB, r.memattr);
	r = dma(SID, VA, false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA, r.pa);
	/* Not identity: the IOVA itself is not what the device reaches. */
	EXPECT_FALSE(dma(SID, HOST_DATA, false).ok);
	EXPECT_TRUE(smmu_model_tlb_has_s1(&model, 0, ASID, VA));
	/* A second mapping, then the host's unmap of the first with its invalidation. */
	*s1_pte(self->root, VA2) = (HOST_DATA + 0x1000) | S1_PAGE;
	r = dma(SID, VA2, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA + 0x1000, r.pa);
	*s1_pte(self->root, VA) = 0;
	EXPECT_TRUE(dma(SID, VA, false).ok); /* the TLB still has it: as hardware may */
	host_cmd(OP_TLBI_NH_ASID | (u64)ASID << 48, 0);
	host_cmd(OP_CMD_SYNC, 0);
	ASSERT_TRUE(host_kick());
	EXPECT_FALSE(dma(SID, VA, false).ok);
	EXPECT_TRUE(dma(SID, VA2, false).ok);
	/* The bypass stream: the identity stage 2. */
	EXPECT_DMA_OK(SID_OTHER, HOST_DATA, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(SID_OTHER, CARVE);
}

/*
 * An IOVA the host maps onto the carve-out or a donated page faults at stage
 * 2 and stays the hypervisor's (counted, not in the host's queue); a stage-1
 * fault of the same stream reaches the host's queue with its fields. The
 * control: the same stream's DMA to a host page works.
 */
TEST_F(ndma, stage2_faults_kept_stage1_faults_forwarded)
{
	struct smmu_model_event e;
	struct smmu_dma r;
	u64 s2_before;
	bool s2, rnw;
	u64 addr;
	u32 sid;
	u8 type;

	*s1_pte(self->root, VA2) = CARVE | S1_PAGE;
	*s1_pte(self->root, VA2 + 0x1000) = DONATED | S1_PAGE;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(DONATED >> 12, 1));
	enable(_metadata);
	s2_before = smmus[0].nr_s2_faults;
	EXPECT_TRUE(dma(SID, VA, true).ok); /* the control */
	r = dma(SID, VA2, true);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	EXPECT_EQ(CLASS_IN, r.class);
	ASSERT_TRUE(smmu_model_last_event(&model, &e));
	EXPECT_EQ(EVT_F_TRANSLATION, e.type);
	EXPECT_TRUE(e.s2);
	EXPECT_EQ(CLASS_IN, e.class);
	EXPECT_EQ((u32)SID, e.sid);
	EXPECT_EQ(CARVE, e.ipa);
	r = dma(SID, VA2 + 0x1000, false);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	ASSERT_TRUE(smmu_model_last_event(&model, &e));
	EXPECT_EQ(DONATED, e.ipa);
	/* The host reads its queue: nothing; the hypervisor counted both. */
	EXPECT_EQ(0u, rd32(R_EVTQ_PROD));
	EXPECT_EQ(s2_before + 2, smmus[0].nr_s2_faults);
	/* A stage-1 fault (VA + 0x1000 is not mapped) is the host's, with its fields. */
	r = dma(SID, VA + 0x1008, false);
	EXPECT_FALSE(r.ok);
	EXPECT_FALSE(r.s2);
	EXPECT_EQ(1u, rd32(R_EVTQ_PROD));
	host_event(0, &type, &sid, &s2, &rnw, &addr);
	EXPECT_EQ(EVT_F_TRANSLATION, type);
	EXPECT_EQ((u32)SID, sid);
	EXPECT_FALSE(s2);
	EXPECT_TRUE(rnw);
	EXPECT_EQ(VA + 0x1008, addr);
	EXPECT_EQ(s2_before + 2, smmus[0].nr_s2_faults);
	EXPECT_EQ(0, __pkvm_host_reclaim(DONATED >> 12, 1));
}

/*
 * A CD, or a stage-1 table, in hypervisor memory faults at stage 2 before it
 * is read (CLASS CD, TT), and is not forwarded. The control: the same layout
 * in host pages translates.
 */
TEST_F(ndma, host_config_in_hyp_memory_faults)
{
	struct smmu_dma r;
	u64 cd2 = HOST_CD + 0x1000, root2 = host_table();

	/* SID_OTHER: a CD in the carve-out. */
	host_ste_s1(SID_OTHER, CARVE);
	/* SID: a CD whose stage-1 root is a donated page. */
	host_cd(cd2, DONATED);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(DONATED >> 12, 1));
	enable(_metadata);
	r = dma(SID_OTHER, VA, false);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	EXPECT_EQ(CLASS_CD, r.class);
	host_ste_s1(SID, cd2);
	ASSERT_TRUE(host_cfgi_ste(SID));
	r = dma(SID, VA, false);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	EXPECT_EQ(CLASS_TT, r.class);
	/* A level-2 table in the carve-out, under a host root. */
	p64(root2)[(VA >> 30) & 511] = CARVE | S1_TABLE;
	host_cd(cd2, root2);
	ASSERT_TRUE(host_cfgi_cd(SID));
	r = dma(SID, VA, false);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	EXPECT_EQ(CLASS_TT, r.class);
	EXPECT_EQ(0u, rd32(R_EVTQ_PROD));
	/* The controls: a host CD, a host root. */
	host_cd(cd2, self->root);
	ASSERT_TRUE(host_cfgi_cd(SID));
	EXPECT_TRUE(dma(SID, VA, false).ok);
	host_ste_s1(SID_OTHER, HOST_CD);
	ASSERT_TRUE(host_cfgi_ste(SID_OTHER));
	r = dma(SID_OTHER, VA, false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA, r.pa);
	EXPECT_EQ(0, __pkvm_host_reclaim(DONATED >> 12, 1));
}

/*
 * An SMMU that caches STEs and CDs: a host change takes effect when the
 * host's CFGI reaches the real SMMU -- not before (the old configuration
 * stands), and then without fail.
 */
TEST_F(ndma, config_changes_need_forwarded_cfgi)
{
	u64 root2 = host_table(), cd2 = HOST_CD + 0x1000;
	struct smmu_dma r;

	model.cache_config = true;
	*s1_pte(root2, VA) = (HOST_DATA + 0x2000) | S1_PAGE;
	enable(_metadata);
	r = dma(SID, VA, false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA, r.pa);
	/* A new stage-1 root in the same CD; only the TLB invalidated: the cached CD stands. */
	host_cd(HOST_CD, root2);
	host_cmd(OP_TLBI_NH_ALL, 0);
	host_cmd(OP_CMD_SYNC, 0);
	ASSERT_TRUE(host_kick());
	r = dma(SID, VA, false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA, r.pa);
	ASSERT_TRUE(host_cfgi_cd(SID));
	r = dma(SID, VA, false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA + 0x2000, r.pa);
	/* Another CD for the stream (the old one, with its old root) and then abort. */
	host_cd(cd2, self->root);
	host_ste_s1(SID, cd2);
	ASSERT_TRUE(host_cfgi_ste(SID));
	host_cmd(OP_TLBI_NH_ALL, 0);
	host_cmd(OP_CMD_SYNC, 0);
	ASSERT_TRUE(host_kick());
	r = dma(SID, VA, false);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(HOST_DATA, r.pa);
	host_ste_cfg(SID, CFG_ABORT);
	EXPECT_TRUE(dma(SID, VA, false).ok); /* no CFGI yet */
	ASSERT_TRUE(host_cfgi_ste(SID));
	EXPECT_FALSE(dma(SID, VA, false).ok);
	EXPECT_GT(model.cd_cache_hits, 0u);
}

/*
 * A live STE changes under a device that keeps using it (the model
 * re-translates the watched address at every command the real SMMU
 * consumes): stage 2 only -> nested and nested -> another CD never fail;
 * nested -> abort and a change through abort fail only as an abort STE
 * does, never on a half-written STE or a wrong CD.
 */
TEST_F(ndma, live_ste_updates)
{
	u64 root2 = host_table(), cd2 = HOST_CD + 0x1000, bbm;
	u32 evt_from;

	/* IOVA == the data page's address: the same translation at stage 2 only and nested. */
	*s1_pte(self->root, HOST_DATA) = HOST_DATA | S1_PAGE;
	*s1_pte(root2, HOST_DATA) = HOST_DATA | S1_PAGE;
	host_cd_asid(cd2, root2, ASID + 1); /* another address space: another ASID */
	host_ste_cfg(SID, CFG_BYPASS);
	enable(_metadata);
	EXPECT_DMA_OK(SID, HOST_DATA, ATTR_NORMAL_WB);
	model.watch[0] = HOST_DATA;
	model.watch_sid[0] = SID;
	model.watch[1] = HOST_DATA; /* a neighbour that never changes */
	model.watch_sid[1] = SID_OTHER;
	model.nr_watch = 2;
	evt_from = model.evtq_prod;
	/* Stage 2 only -> nested. */
	host_ste_s1(SID, HOST_CD);
	ASSERT_TRUE(host_cfgi_ste(SID));
	EXPECT_EQ(0u, model.transient_faults);
	EXPECT_FALSE(dma(SID, VA2, false).ok); /* stage 1 is in force: VA2 is not mapped */
	EXPECT_TRUE(dma(SID, HOST_DATA, false).ok);
	/* Nested -> another CD. */
	host_ste_s1(SID, cd2);
	ASSERT_TRUE(host_cfgi_ste(SID));
	EXPECT_EQ(0u, model.transient_faults);
	EXPECT_EQ(STE_V | STE_CFG(7) | cd2, real_ste(SID)[0]); /* nested (S1 + S2) */
	EXPECT_FALSE(dma(SID, VA, false).ok); /* cd2's root does not map VA */
	/* Nested -> another CD with other CD-fetch attributes: through abort. */
	host_ste_s1(SID, HOST_CD);
	host_ste(SID)[1] = 3ull << 2 | 3ull << 4 | 3ull << 6; /* S1CIR, S1COR WB */
	bbm = smmus[0].nested->nr_bbm;
	ASSERT_TRUE(host_cfgi_ste(SID));
	EXPECT_EQ(bbm + 1, smmus[0].nested->nr_bbm);
	EXPECT_EQ(0u, model.transient_bad);
	EXPECT_TRUE(dma(SID, VA, false).ok);
	/* Nested -> abort. */
	host_ste_cfg(SID, CFG_ABORT);
	ASSERT_TRUE(host_cfgi_ste(SID));
	EXPECT_FALSE(dma(SID, HOST_DATA, false).ok);
	EXPECT_EQ(0u, model.transient_bad);
	EXPECT_EQ(0u, real_events_of(evt_from, EVT_C_BAD_STE));
}

/*
 * The host's stage 1 was live (a nested TLB entry for VA): donating the page
 * it maps makes the same DMA fault at once -- the one TLBI of an ownership
 * change is TLBI_S12_VMALL, which drops nested entries (TLBI_S2_IPA need
 * not). Reclaimed, it translates again.
 */
TEST_F(ndma, donate_under_live_stage1_faults_at_once)
{
	unsigned int from, i, vmall = 0;
	struct smmu_dma r;

	*s1_pte(self->root, VA2) = DONATED | S1_PAGE;
	enable(_metadata);
	EXPECT_TRUE(dma(SID, VA2, true).ok);
	EXPECT_TRUE(smmu_model_tlb_has_s1(&model, 0, ASID, VA2));
	from = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(DONATED >> 12, 1));
	for (i = from; i < model.nr_log; i++)
		vmall += model.log[i].op == OP_TLBI_S12_VMALL;
	EXPECT_EQ(1u, vmall);
	r = dma(SID, VA2, true);
	EXPECT_FALSE(r.ok);
	EXPECT_TRUE(r.s2);
	EXPECT_EQ(CLASS_IN, r.class);
	EXPECT_TRUE(dma(SID, VA, true).ok);
	EXPECT_EQ(0, __pkvm_host_reclaim(DONATED >> 12, 1));
	r = dma(SID, VA2, true);
	EXPECT_TRUE(r.ok);
	EXPECT_EQ(DONATED, r.pa);
}

TEST_HARNESS_MAIN
