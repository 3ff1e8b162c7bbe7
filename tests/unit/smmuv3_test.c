// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA isolation end to end on the host: the real hyp/mem_protect, pgtable,
 * page pool, iommu core and SMMUv3 driver against the software SMMUv3 of
 * lib/smmu_model.c, which consumes the command queue, validates commands and
 * STEs, and walks the stage-2 tables by itself.
 *
 * The machine: RAM at [RAM0, RAM0 + 64 MiB) and [RAM1, RAM1 + 8 MiB), the
 * carve-out at CARVE (2 MiB), the SMMU's registers at SMMU_PA, MMIO
 * everywhere else; a 40-bit host stage-2.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lib/heap_pages.h"
#include "lib/smmu_model.h"
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/iommu_drivers.h>
#include <isohyp/mem_protect.h>
#include <isohyp/page_alloc.h>
#include <uapi/isohyp.h>

#define RAM0 0x40000000ull
#define RAM0_SIZE (64ull << 20)
#define RAM1 0x100000000ull
#define RAM1_SIZE (8ull << 20)
#define CARVE (RAM0 + (32ull << 20))
#define CARVE_SIZE (2ull << 20)
#define SMMU_PA 0x9050000ull
#define SMMU_SIZE 0x20000ull
#define UART 0x9000000ull
#define IA_BITS 40
#define POOL_PAGES 1024

/* Stage-2 MemAttr / SH the SMMU must see (ARCHITECTURE.md section 6). */
#define ATTR_NORMAL_WB 0xf
#define ATTR_DEVICE_nGnRE 0x1
#define SH_INNER 3

#define EVT_BAD_STREAMID 0x02
#define EVT_TRANSLATION 0x10

extern unsigned long hyp_test_log_count[4];

static struct smmu_model model;
static struct hyp_pool pool;
static void *pool_mem;
static u64 pool_pages = POOL_PAGES;
static const struct boot_mem_range ram_ranges[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

/* ---- the host stage-2's own page tables: heap pages (lib/heap_pages.h) ---------- */

static void zero_pages(phys_addr_t pa, u64 size)
{
	/* The test's RAM is fictional: nothing to zero. */
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

/* ---- bring-up ---------------------------------------------------------------- */

struct smmu_cfg {
	u32 idr0, idr1, idr3, idr5;
	bool coherent;
	u64 size;
};

static const struct smmu_cfg qemu_cfg = {
	SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU, SMMU_MODEL_IDR5_QEMU,
	true, SMMU_SIZE,
};

/* The hypervisor's boot up to (not including) the driver. */
static void machine_up(const struct smmu_cfg *cfg)
{
	kvm_iommu_ops = NULL;
	free(pool_mem);
	pool_mem = aligned_alloc(4096, POOL_PAGES * 4096);
	hyp_pool_init(&pool, (u64)(uintptr_t)pool_mem, pool_pages);
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	host_mmu.pgt.pgd = NULL;
	smmu_model_init(&model, SMMU_PA, cfg->idr0, cfg->idr1, cfg->idr3, cfg->idr5);
}

static int machine_register(const struct smmu_cfg *cfg)
{
	struct boot_smmu b = { .base = SMMU_PA, .size = cfg->size, .coherent = cfg->coherent };
	int ret;

	ret = host_stage2_init(ram_ranges, 2, IA_BITS, &heap_mm_ops, NULL, &mp_ops);
	if (!ret)
		ret = host_stage2_protect_hyp(CARVE, CARVE_SIZE);
	if (!ret)
		ret = host_stage2_protect_hyp(SMMU_PA, SMMU_SIZE);
	if (!ret)
		ret = kvm_arm_smmu_v3_register(&b, 1, &pool, IA_BITS);
	return ret;
}

static void machine_down(void)
{
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	host_mmu.pgt.pgd = NULL;
	smmu_model_remove(&model);
	kvm_iommu_ops = NULL;
}

FIXTURE(smmu)
{
	int unused;
};

FIXTURE_SETUP(smmu)
{
	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
}

FIXTURE_TEARDOWN(smmu)
{
	machine_down();
}

static struct smmu_dma dma(u32 sid, u64 addr, bool write)
{
	return smmu_model_dma(&model, sid, addr, write);
}

/* A DMA by @sid to @addr, both directions, translates to @addr with @attr. */
#define EXPECT_DMA_OK(sid, addr, attr)                                                  \
	do {                                                                           \
		struct smmu_dma __r = dma(sid, addr, false), __w = dma(sid, addr, true); \
		EXPECT_TRUE(__r.ok && __w.ok);                                         \
		EXPECT_EQ((u64)(addr), __r.pa);                                        \
		EXPECT_EQ((unsigned int)(attr), __r.memattr);                          \
		if ((attr) == ATTR_NORMAL_WB)                                          \
			EXPECT_EQ((unsigned int)SH_INNER, __r.sh);                     \
	} while (0)

#define EXPECT_DMA_FAULT(sid, addr)                                                     \
	do {                                                                           \
		struct smmu_dma __r = dma(sid, addr, false), __w = dma(sid, addr, true); \
		EXPECT_FALSE(__r.ok);                                                  \
		EXPECT_FALSE(__w.ok);                                                  \
	} while (0)

static const u32 sids[] = { 0, 1, 8, 63, 64, 255, 0x1234, 0xffff };

/*
 * After the snapshot every stream ID reaches all host RAM (Normal WB,
 * inner shareable) and host MMIO (Device-nGnRE) at its own address, and
 * nothing of the hypervisor's.
 */
TEST_F(smmu, snapshot_maps_what_the_host_owns)
{
	u64 pa;
	unsigned int i;

	for (pa = RAM0; pa < RAM0 + RAM0_SIZE; pa += 4096) {
		struct smmu_dma r = dma(0, pa, true);
		bool hyp = pa >= CARVE && pa < CARVE + CARVE_SIZE;

		if (r.ok != !hyp || (r.ok && (r.pa != pa || r.memattr != ATTR_NORMAL_WB))) {
			TH_LOG("page %llx: ok %d pa %llx memattr %x", (unsigned long long)pa, r.ok,
			       (unsigned long long)r.pa, r.memattr);
			EXPECT_TRUE(false);
			break;
		}
	}
	for (pa = RAM1; pa < RAM1 + RAM1_SIZE; pa += 4096)
		if (!dma(0, pa, false).ok)
			break;
	EXPECT_EQ(RAM1 + RAM1_SIZE, pa);
	for (i = 0; i < sizeof(sids) / sizeof(sids[0]); i++) {
		TH_LOG("stream %x", sids[i]);
		EXPECT_DMA_OK(sids[i], RAM0, ATTR_NORMAL_WB);
		EXPECT_DMA_OK(sids[i], RAM1 + RAM1_SIZE - 8, ATTR_NORMAL_WB);
		EXPECT_DMA_OK(sids[i], UART, ATTR_DEVICE_nGnRE);
		EXPECT_DMA_OK(sids[i], 0x8080000, ATTR_DEVICE_nGnRE);    /* an ITS doorbell */
		EXPECT_DMA_OK(sids[i], 0x8000000000ull, ATTR_DEVICE_nGnRE); /* high PCIe MMIO */
		EXPECT_DMA_OK(sids[i], RAM0 - 4096, ATTR_DEVICE_nGnRE);
		EXPECT_DMA_FAULT(sids[i], CARVE);
		EXPECT_DMA_FAULT(sids[i], CARVE + CARVE_SIZE - 4);
		EXPECT_DMA_FAULT(sids[i], SMMU_PA);
		EXPECT_DMA_FAULT(sids[i], SMMU_PA + SMMU_SIZE - 4);
		EXPECT_DMA_FAULT(sids[i], 1ull << IA_BITS);
	}
	/* Faults on hypervisor memory are recorded as stage-2 translation faults. */
	kvm_iommu_info(&(struct kvm_iommu_info){ 0 }); /* drain what the sweep recorded */
	EXPECT_EQ(EVT_TRANSLATION, dma(5, CARVE + 0x1000, false).event);
	/* A stream ID beyond SIDSIZE never translates. */
	EXPECT_EQ(EVT_BAD_STREAMID, dma(0x10000, RAM0, false).fault);
	EXPECT_EQ(0u, model.nr_bad_cmds);
}

/*
 * When the SMMU was enabled, and at the CFGI_ALL before, every stream ID
 * already had a complete stage-2 STE: none missing (nothing bypasses or
 * aborts for lack of one), none half written.
 */
TEST_F(smmu, every_ste_complete_before_enable)
{
	EXPECT_GE(model.ste_checks, 2u);
	EXPECT_EQ(0u, model.missing_stes);
	EXPECT_EQ(0u, model.bad_stes);
}

/*
 * The `!!ret` slip of the reference patch would stop every update after the
 * snapshot: here a donation must reach the SMMU, invalidate the cached
 * translation with TLBI + CMD_SYNC before the call returns, and leave the
 * rest of the split block translating exactly as before.
 */
TEST_F(smmu, ownership_changes_after_snapshot_reach_smmu)
{
	u64 p = RAM0 + (5ull << 20) + 0x3000, q;
	struct smmu_dma before[512];
	unsigned int mark, i;

	for (i = 0; i < 512; i++)
		before[i] = dma(0, (p & ~0x1fffffull) + i * 4096ull, false);
	dma(0, p, true);
	ASSERT_TRUE(smmu_model_tlb_has(&model, p));
	mark = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_TRUE(smmu_model_invalidated(&model, mark, p));
	EXPECT_FALSE(smmu_model_tlb_has(&model, p));
	EXPECT_DMA_FAULT(0, p);
	EXPECT_DMA_FAULT(0xffff, p + 4095);
	EXPECT_EQ(EVT_TRANSLATION, dma(3, p, true).event);
	for (i = 0; i < 512; i++) {
		struct smmu_dma now;

		q = (p & ~0x1fffffull) + i * 4096ull;
		if (q == p)
			continue;
		now = dma(0, q, false);
		EXPECT_TRUE(now.ok && now.pa == before[i].pa && now.memattr == before[i].memattr &&
			    now.sh == before[i].sh);
	}
	/* A range in the other RAM region, too. */
	mark = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp((RAM1 >> 12) + 7, 3));
	for (i = 7; i < 10; i++) {
		EXPECT_TRUE(smmu_model_invalidated(&model, mark, RAM1 + i * 4096ull));
		EXPECT_DMA_FAULT(0, RAM1 + i * 4096ull);
	}
	EXPECT_DMA_OK(0, RAM1 + 6 * 4096ull, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0, RAM1 + 10 * 4096ull, ATTR_NORMAL_WB);
	EXPECT_EQ(0u, model.nr_bad_cmds);
}

/* Reclaimed pages are DMA-able again, with RAM's attributes. */
TEST_F(smmu, reclaim_restores_dma)
{
	u64 p = RAM0 + (9ull << 20);

	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 16));
	EXPECT_DMA_FAULT(0, p + 15 * 4096);
	ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 16));
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0, p + 15 * 4096, ATTR_NORMAL_WB);
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
}

/* Sharing with the hypervisor leaves a page DMA-able, before and after. */
TEST_F(smmu, shared_pages_stay_dma_able)
{
	u64 p = RAM0 + (3ull << 20);

	ASSERT_EQ(0, __pkvm_host_share_hyp(p >> 12, 4));
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0, p + 3 * 4096, ATTR_NORMAL_WB);
	ASSERT_EQ(0, __pkvm_host_unshare_hyp(p >> 12, 4));
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
}

/* A command queue the SMMU never consumes: an error, not a hang; the host keeps the page. */
TEST_F(smmu, command_queue_that_never_drains_times_out)
{
	u64 p = RAM0 + (7ull << 20);
	unsigned long errors = hyp_test_log_count[LOG_ERROR];

	model.cmdq_stuck = true;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
	EXPECT_GT(hyp_test_log_count[LOG_ERROR], errors);
}

/* A command the SMMU calls illegal: the call fails, the queue recovers. */
TEST_F(smmu, illegal_command_is_reported_and_skipped)
{
	u64 p = RAM0 + (11ull << 20);

	dma(0, p, false);
	ASSERT_TRUE(smmu_model_tlb_has(&model, p));
	model.illegal_op = 0x2a; /* TLBI_S2_IPA */
	EXPECT_EQ(-EIO, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
	EXPECT_GE(model.nr_bad_cmds, 1u);
	EXPECT_EQ(model.gerror, model.gerrorn); /* acknowledged */
	/* The failed invalidation left p's translation cached. */
	EXPECT_TRUE(smmu_model_tlb_has(&model, p));
	model.illegal_op = 0;
	/* The next change first invalidates what the failed one could not. */
	EXPECT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_FALSE(smmu_model_tlb_has(&model, p));
	EXPECT_DMA_FAULT(0, p);
}

/* Faults are counted and drained; IOMMU_INFO's count includes all so far. */
TEST_F(smmu, events_are_counted_and_drained)
{
	struct kvm_iommu_info info;

	dma(1, CARVE, false);
	dma(2, CARVE + 0x10000, true);
	dma(3, SMMU_PA + 0x100, false);
	kvm_iommu_info(&info);
	EXPECT_EQ(1u, info.nr_iommus);
	EXPECT_EQ(3u, info.nr_faults);
	EXPECT_EQ(SMMU_PA + 0x100, info.last_fault_addr);
	EXPECT_EQ(model.evtq_prod, model.evtq_cons);
	kvm_iommu_info(&info);
	EXPECT_EQ(3u, info.nr_faults);
}

/*
 * The hypervisor takes no interrupts: a host trap is when it looks. A poll
 * with nothing recorded logs nothing; one after a fault logs it, drains the
 * queue and counts it once.
 */
TEST_F(smmu, poll_logs_events_on_host_traps)
{
	unsigned long warns = hyp_test_log_count[LOG_WARN];
	struct kvm_iommu_info info;

	kvm_iommu_poll();
	EXPECT_EQ(warns, hyp_test_log_count[LOG_WARN]);
	dma(4, CARVE + 0x3000, true);
	EXPECT_NE(model.evtq_prod, model.evtq_cons);
	kvm_iommu_poll();
	EXPECT_EQ(warns + 1, hyp_test_log_count[LOG_WARN]);
	EXPECT_EQ(model.evtq_prod, model.evtq_cons);
	kvm_iommu_poll();
	EXPECT_EQ(warns + 1, hyp_test_log_count[LOG_WARN]);
	kvm_iommu_info(&info);
	EXPECT_EQ(1u, info.nr_faults);
	EXPECT_EQ(CARVE + 0x3000, info.last_fault_addr);
}

/*
 * A burst of alike faults (stream, direction, type, page) is logged as its
 * first event and a count; each is still counted.
 */
TEST_F(smmu, a_burst_of_alike_faults_is_logged_once)
{
	unsigned long warns = hyp_test_log_count[LOG_WARN];
	struct kvm_iommu_info info;
	unsigned int i;

	for (i = 0; i < 20; i++)
		dma(6, CARVE + 0x5000 + 8 * i, false);
	dma(6, CARVE + 0x6000, false); /* another page */
	dma(7, CARVE + 0x6000, false); /* another stream */
	dma(7, CARVE + 0x6008, true); /* another direction */
	kvm_iommu_info(&info);
	EXPECT_EQ(23u, info.nr_faults);
	/* The first, "...and 19 more like it", then one line per unlike event. */
	EXPECT_EQ(warns + 5, hyp_test_log_count[LOG_WARN]);
}

/* A global error is reported on the next trap, not only when asked. */
TEST_F(smmu, poll_reports_global_errors)
{
	unsigned long errors = hyp_test_log_count[LOG_ERROR];

	model.gerror ^= 1u << 2; /* EVTQ_ABT_ERR */
	kvm_iommu_poll();
	EXPECT_GT(hyp_test_log_count[LOG_ERROR], errors);
	errors = hyp_test_log_count[LOG_ERROR];
	EXPECT_EQ(model.gerror, model.gerrorn);
	kvm_iommu_poll(); /* acknowledged: said once */
	EXPECT_EQ(errors, hyp_test_log_count[LOG_ERROR]);
}

/* An event queue that filled up: the overflow is reported and acknowledged. */
TEST_F(smmu, event_queue_overflow_is_reported)
{
	unsigned long warns = hyp_test_log_count[LOG_WARN];
	struct kvm_iommu_info info;
	unsigned int i;

	for (i = 0; i < 1000; i++)
		dma(0, CARVE + (i % 512) * 4096ull, false);
	EXPECT_NE(0u, (model.evtq_prod ^ model.evtq_cons) & (1u << 31));
	kvm_iommu_info(&info);
	EXPECT_GT(info.nr_faults, 0u);
	EXPECT_LT(info.nr_faults, 1000u);
	EXPECT_EQ(0u, (model.evtq_prod ^ model.evtq_cons) & (1u << 31));
	EXPECT_GT(hyp_test_log_count[LOG_WARN], warns);
}

/* Global errors are decoded, reported and acknowledged. */
TEST_F(smmu, global_errors_are_acknowledged)
{
	unsigned long errors = hyp_test_log_count[LOG_ERROR];
	struct kvm_iommu_info info;

	model.gerror ^= 1u << 8; /* SFM_ERR */
	kvm_iommu_info(&info);
	EXPECT_EQ(model.gerror, model.gerrorn);
	EXPECT_GT(hyp_test_log_count[LOG_ERROR], errors);
}

static unsigned int count_ops(unsigned int from, u8 op)
{
	unsigned int i, n = 0;

	for (i = from; i < model.nr_log; i++)
		n += model.log[i].op == op;
	return n;
}

/* Without IDR3.RIL: one TLBI_S2_IPA per page up to a limit, then the whole VMID. */
TEST(page_invalidation_without_ril)
{
	struct smmu_cfg cfg = qemu_cfg;
	unsigned int mark;
	u64 p = RAM0 + (13ull << 20);

	cfg.idr3 &= ~(1u << 10);
	machine_up(&cfg);
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	mark = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 2));
	EXPECT_TRUE(smmu_model_invalidated(&model, mark, p));
	EXPECT_TRUE(smmu_model_invalidated(&model, mark, p + 4096));
	EXPECT_EQ(2u, count_ops(mark, 0x2a));
	mark = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp((p >> 12) + 16, 200));
	EXPECT_TRUE(smmu_model_invalidated(&model, mark, p + 100 * 4096));
	EXPECT_EQ(1u, count_ops(mark, 0x28)); /* more than 16 pages: the VMID */
	EXPECT_EQ(0u, count_ops(mark, 0x2a));
	EXPECT_EQ(0u, model.nr_bad_cmds);
	EXPECT_DMA_FAULT(0, p + 150 * 4096);
	machine_down();
}

/*
 * With IDR3.RIL (and BBML 2): a donation of 4 KiB, 64 KiB or 2 MiB is one
 * TLBI_S2_IPA range command and one CMD_SYNC, covering what changed; so is
 * giving it back.
 */
TEST(one_tlbi_and_one_sync_per_change)
{
	static const u64 sizes[] = { 4096, 64 << 10, 2 << 20 };
	unsigned int mark, i, k;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	for (k = 0; k < 3; k++) {
		u64 p = RAM0 + (4ull << 20) * (k + 1) + (k < 2 ? 0x5000 : 0), n = sizes[k] >> 12;

		TH_LOG("%llu KiB at %llx", (unsigned long long)sizes[k] >> 10,
		       (unsigned long long)p);
		dma(0, p, false);
		mark = model.nr_log;
		ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, n));
		EXPECT_EQ(1u, count_ops(mark, 0x2a));
		EXPECT_EQ(1u, count_ops(mark, 0x46));
		EXPECT_EQ(0u, count_ops(mark, 0x28));
		for (i = 0; i < n; i += 1 + n / 8)
			EXPECT_TRUE(smmu_model_invalidated(&model, mark, p + i * 4096));
		EXPECT_TRUE(smmu_model_invalidated(&model, mark, p + (n - 1) * 4096));
		EXPECT_DMA_FAULT(0, p);
		mark = model.nr_log;
		ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, n));
		EXPECT_LE(count_ops(mark, 0x2a), 1u);
		EXPECT_LE(count_ops(mark, 0x46), 1u);
		EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	}
	EXPECT_EQ(0u, model.nr_bad_cmds);
	machine_down();
}

/*
 * BBML 2: the block around a donated page is split in place. A device that
 * keeps using the rest of the block sees no fault at any point, and every
 * still-host-owned page translates exactly as before.
 */
TEST(inplace_split_has_no_invalid_window)
{
	u64 p = RAM0 + (6ull << 20) + 0x7000, base = p & ~0x1fffffull;
	struct smmu_dma before[512];
	unsigned int i;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	for (i = 0; i < 512; i++)
		before[i] = dma(0, base + i * 4096ull, false);
	model.watch[0] = base, model.watch[1] = p - 4096, model.watch[2] = p + 4096;
	model.watch[3] = base + 0x1ff000;
	model.nr_watch = 4;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(0u, model.transient_faults);
	ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 1));
	EXPECT_EQ(0u, model.transient_faults);
	model.nr_watch = 0;
	for (i = 0; i < 512; i++) {
		struct smmu_dma now = dma(0, base + i * 4096ull, false);

		EXPECT_TRUE(now.ok && now.pa == before[i].pa && now.memattr == before[i].memattr);
	}
	machine_down();
}

/*
 * Without BBML 2 the split is break-before-make: the documented transient
 * window shows (a device using the block can fault between the break and
 * the sync), and afterwards every still-host-owned page translates as before.
 */
TEST(bbm_split_without_bbml2)
{
	struct smmu_cfg cfg = qemu_cfg;
	u64 p = RAM0 + (6ull << 20) + 0x7000;
	struct smmu_dma before;

	cfg.idr3 &= ~(3u << 11); /* BBML 0 */
	machine_up(&cfg);
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	before = dma(0, p + 4096, false);
	model.watch[0] = p + 4096;
	model.nr_watch = 1;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_GT(model.transient_faults, 0u);
	model.nr_watch = 0;
	EXPECT_EQ(before.pa, dma(0, p + 4096, false).pa);
	EXPECT_DMA_FAULT(0, p);
	machine_down();
}

/* CONFIG_SMMUV3_MAP_RAM_4K: RAM at 4 KiB from the start, so no window even without BBML 2. */
TEST(ram_at_4k_never_splits)
{
	struct smmu_cfg cfg = qemu_cfg;
	u64 p = RAM0 + (6ull << 20) + 0x7000;
	struct kvm_iommu_info info;

	cfg.idr3 &= ~(3u << 11);
	machine_up(&cfg);
	ASSERT_EQ(0, kvm_arm_smmu_v3_set_policy(SMMU_MAP_RAM_PAGES));
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	kvm_iommu_info(&info);
	/* 72 MiB of RAM: 36 level-3 tables at least. */
	EXPECT_GE(info.nr_table_pages, 36u);
	model.watch[0] = p + 4096, model.watch[1] = p - 4096;
	model.nr_watch = 2;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 1));
	EXPECT_EQ(0u, model.transient_faults);
	model.nr_watch = 0;
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	machine_down();
	EXPECT_EQ(-EINVAL, kvm_arm_smmu_v3_set_policy(7));
	ASSERT_EQ(0, kvm_arm_smmu_v3_set_policy(SMMU_MAP_BLOCKS));
}

/* The i-th of 1000 pages spread over RAM0, outside the carve-out. */
static u64 scattered_pfn(u64 i)
{
	u64 pfn = (RAM0 >> 12) + (i * 37) % (RAM0_SIZE >> 12);

	if (pfn >= CARVE >> 12 && pfn < (CARVE + CARVE_SIZE) >> 12)
		pfn += CARVE_SIZE >> 12;
	return pfn;
}

/*
 * 1000 scattered 4 KiB donations split blocks in both stage-2s; reclaiming
 * them merges the blocks back: both tables return to their page counts.
 */
TEST(table_pages_return_after_reclaim)
{
	struct kvm_iommu_info info;
	u64 smmu_pages, cpu_pages, i;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	kvm_iommu_info(&info);
	smmu_pages = info.nr_table_pages;
	cpu_pages = heap_tables;
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, __pkvm_host_donate_hyp(scattered_pfn(i), 1));
	kvm_iommu_info(&info);
	EXPECT_GT(info.nr_table_pages, smmu_pages);
	TH_LOG("SMMU table pages: %llu after the snapshot, %llu with 1000 pages donated",
	       (unsigned long long)smmu_pages, (unsigned long long)info.nr_table_pages);
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, __pkvm_host_reclaim(scattered_pfn(i), 1));
	kvm_iommu_info(&info);
	EXPECT_EQ(smmu_pages, info.nr_table_pages);
	EXPECT_EQ(cpu_pages, heap_tables);
	EXPECT_DMA_OK(0, RAM0 + 37 * 4096, ATTR_NORMAL_WB);
	machine_down();
}

/* A small SIDSIZE without 2-level support: a linear stream table, all STEs valid. */
TEST(linear_stream_table)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.idr0 &= ~(3u << 27); /* ST_LVL: linear only */
	cfg.idr1 = (cfg.idr1 & ~0x3fu) | 8; /* SIDSIZE 8 */
	machine_up(&cfg);
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	EXPECT_EQ(0u, model.strtab_base_cfg >> 16 & 3);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(255, RAM0, ATTR_NORMAL_WB);
	EXPECT_EQ(EVT_BAD_STREAMID, dma(256, RAM0, false).fault);
	machine_down();
}

/* Firmware left the SMMU translating and with errors pending: taken over cleanly. */
TEST(takeover_of_an_enabled_smmu)
{
	machine_up(&qemu_cfg);
	model.cr0 = model.cr0ack = 0xd; /* SMMUEN | EVTQEN | CMDQEN */
	model.gbpa = 0;
	model.gerror = 1u << 8;
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	EXPECT_NE(0u, model.gbpa & (1u << 20)); /* abort while disabled */
	EXPECT_EQ(0xdu, model.cr0);
	EXPECT_EQ(model.gerror, model.gerrorn);
	EXPECT_NE(0u, model.strtab_base);
	EXPECT_DMA_OK(0, RAM0, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
	machine_down();
}

/*
 * Out of memory half way (here: the snapshot): the hypervisor will not run,
 * so the SMMU goes back to firmware's settings instead of translating
 * through tables about to be freed.
 */
TEST(failed_init_hands_the_smmu_back)
{
	pool_pages = 8;
	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	EXPECT_EQ(-ENOMEM, kvm_iommu_init());
	EXPECT_EQ(0u, model.cr0);
	EXPECT_EQ(0x1000u, model.gbpa); /* firmware's bypass again */
	pool_pages = POOL_PAGES;
	machine_down();
}

/* CR0 never acknowledged: init fails with a timeout instead of hanging. */
TEST(cr0_never_acknowledged_times_out)
{
	machine_up(&qemu_cfg);
	model.cr0ack_stuck = true;
	model.cr0ack = 0x1;
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	EXPECT_EQ(-ETIMEDOUT, kvm_iommu_init());
	machine_down();
}

/* Two SMMUs share the identity map; every change is invalidated on both. */
TEST(every_smmu_follows_the_host)
{
	static struct smmu_model second;
	struct boot_smmu b[2] = {
		{ .base = SMMU_PA, .size = SMMU_SIZE, .coherent = 1 },
		{ .base = SMMU_PA + SMMU_SIZE, .size = SMMU_SIZE, .coherent = 1 },
	};
	u64 p = RAM0 + (21ull << 20);
	unsigned int mark1, mark2;
	struct kvm_iommu_info info;

	machine_up(&qemu_cfg);
	smmu_model_init(&second, SMMU_PA + SMMU_SIZE, SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU,
			SMMU_MODEL_IDR3_QEMU & ~(1u << 10), SMMU_MODEL_IDR5_QEMU);
	ASSERT_EQ(0, host_stage2_init(ram_ranges, 2, IA_BITS, &heap_mm_ops, NULL, &mp_ops));
	ASSERT_EQ(0, host_stage2_protect_hyp(CARVE, CARVE_SIZE));
	ASSERT_EQ(0, host_stage2_protect_hyp(SMMU_PA, 2 * SMMU_SIZE));
	ASSERT_EQ(0, kvm_arm_smmu_v3_register(b, 2, &pool, IA_BITS));
	ASSERT_EQ(0, kvm_iommu_init());
	kvm_iommu_info(&info);
	EXPECT_EQ(2u, info.nr_iommus);
	EXPECT_TRUE(smmu_model_dma(&second, 9, p, true).ok);
	EXPECT_TRUE(smmu_model_dma(&model, 9, p, true).ok);
	EXPECT_FALSE(smmu_model_dma(&second, 9, SMMU_PA + SMMU_SIZE, false).ok);
	mark1 = model.nr_log, mark2 = second.nr_log;
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_TRUE(smmu_model_invalidated(&model, mark1, p));
	EXPECT_TRUE(smmu_model_invalidated(&second, mark2, p));
	EXPECT_FALSE(smmu_model_dma(&model, 9, p, true).ok);
	EXPECT_FALSE(smmu_model_dma(&second, 9, p, true).ok);
	EXPECT_EQ(0u, model.nr_bad_cmds + second.nr_bad_cmds);
	smmu_model_remove(&second);
	machine_down();
}

/* What the driver cannot drive safely is refused at probe, before any write. */
FIXTURE(refuse)
{
	int unused;
};

FIXTURE_VARIANT(refuse)
{
	struct smmu_cfg cfg;
	int err;
};

FIXTURE_VARIANT_ADD(refuse, no_stage2){
	.cfg = { SMMU_MODEL_IDR0_QEMU & ~1u, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, aarch32_tables_only){
	.cfg = { (SMMU_MODEL_IDR0_QEMU & ~0xcu) | 0x4, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, no_coherent_walks){
	.cfg = { SMMU_MODEL_IDR0_QEMU & ~0x10u, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, not_dma_coherent_in_dt){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, false, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, preset_tables){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU | (1u << 30), SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, no_4k_granule){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU & ~0x10u, true, SMMU_SIZE }, .err = -EOPNOTSUPP,
};
FIXTURE_VARIANT_ADD(refuse, register_window_too_small){
	.cfg = { SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU,
		 SMMU_MODEL_IDR5_QEMU, true, 0x10000 }, .err = -EINVAL,
};

FIXTURE_SETUP(refuse)
{
	machine_up(&variant->cfg);
}

FIXTURE_TEARDOWN(refuse)
{
	machine_down();
}

TEST_F(refuse, probe)
{
	unsigned long errors = hyp_test_log_count[LOG_ERROR];

	EXPECT_EQ(variant->err, machine_register(&variant->cfg));
	EXPECT_NULL(kvm_iommu_ops);
	EXPECT_EQ(-ENODEV, kvm_iommu_init());
	EXPECT_GT(hyp_test_log_count[LOG_ERROR], errors); /* said why */
	/* Nothing written: still bypassing, as firmware left it. */
	EXPECT_EQ(0u, model.cr0);
	EXPECT_EQ(0x1000u, model.gbpa);
	EXPECT_EQ(0u, model.strtab_base);
}

TEST_HARNESS_MAIN
