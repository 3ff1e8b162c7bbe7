// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA isolation end to end on the host: the real hyp/mem_protect, pgtable,
 * page pool, iommu core and SMMUv3 driver against the software SMMUv3 of
 * lib/smmu_model.c, on the machine of lib/smmu_machine.h. Every test of the
 * smmu fixture runs twice: on an SMMU whose walks snoop the CPU's caches,
 * and on one that reads tables and queues at the PoC (no "dma-coherent"),
 * where a missing clean or invalidate reads garbage.
 */
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"
#include "lib/smmu_machine.h"
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <smmuv3/arm_smmu_v3.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

FIXTURE(smmu)
{
	int unused;
};

FIXTURE_VARIANT(smmu)
{
	bool dt_coherent;
};

/* QEMU's SMMU as QEMU's device tree describes it. */
FIXTURE_VARIANT_ADD(smmu, coherent){ .dt_coherent = true };
/* The same SMMU behind an interconnect that does not snoop: no "dma-coherent". */
FIXTURE_VARIANT_ADD(smmu, noncoherent){ .dt_coherent = false };

FIXTURE_SETUP(smmu)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.coherent = variant->dt_coherent;
	machine_up(&cfg);
	ASSERT_EQ(!variant->dt_coherent, model.noncoherent);
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
}

FIXTURE_TEARDOWN(smmu)
{
	machine_down();
}

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
 * aborts for lack of one), none half written, none asking for walk
 * attributes that do not fit how the SMMU is attached.
 */
TEST_F(smmu, every_ste_complete_before_enable)
{
	EXPECT_FALSE(model.bad_cr1); /* and its tables and queues read with fitting attributes */
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

	for (i = 0; i < 5000; i++)
		dma(0, CARVE + (i % 512) * 4096ull, false);
	EXPECT_NE(0u, (model.evtq_prod ^ model.evtq_cons) & (1u << 31));
	kvm_iommu_info(&info);
	EXPECT_GT(info.nr_faults, 0u);
	EXPECT_LT(info.nr_faults, 5000u);
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

/*
 * A table page the identity map unlinks (a merge on reclaim) is not walked
 * again: its invalidation is not leaf-only, so the SMMU's walk cache drops
 * it. Shown by reusing the page for another region's table.
 */
TEST_F(smmu, merged_table_leaves_the_walk_cache)
{
	u64 a = RAM0 + (10ull << 20) + 0x3000, b = RAM0 + (20ull << 20) + 0x5000;
	unsigned int mark, hits, i;

	ASSERT_EQ(0, __pkvm_host_donate_hyp(a >> 12, 1));
	EXPECT_DMA_OK(0, a + 4096, ATTR_NORMAL_WB); /* walked through the new table */
	mark = model.nr_log;
	ASSERT_EQ(0, __pkvm_host_reclaim(a >> 12, 1));
	for (i = mark; i < model.nr_log; i++)
		if (model.log[i].op == 0x2a)
			EXPECT_FALSE(model.log[i].leaf);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(b >> 12, 1)); /* takes the freed page again */
	hits = model.walk_hits;
	EXPECT_DMA_OK(0, a + 4096, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0, a, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, b);
	EXPECT_GT(model.walk_hits, hits); /* the walk cache is in use */
}

/*
 * Range invalidation covers every page of a change, whatever its size and
 * start: page counts that are not powers of two, beyond 32 (a scale above
 * 0), at unaligned starts. Every page is checked: none keeps a cached
 * translation.
 */
TEST_F(smmu, range_invalidation_covers_every_page)
{
	static const u64 counts[] = { 1, 3, 31, 32, 33, 63, 65, 100, 511, 1000, 1025 };
	unsigned int k, mark;
	u64 i;

	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		u64 n = counts[k], p = RAM0 + (8ull << 20) * (k % 4) + (1ull << 20) + 0x1000 * (k + 1);

		TH_LOG("%llu pages at %llx", (unsigned long long)n, (unsigned long long)p);
		for (i = n > 32 ? n - 32 : 0; i < n; i++)
			ASSERT_TRUE(dma(0, p + i * 4096, false).ok);
		mark = model.nr_log;
		ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, n));
		for (i = 0; i < n; i++) {
			if (!smmu_model_invalidated(&model, mark, p + i * 4096) ||
			    dma(0, p + i * 4096, false).ok) {
				TH_LOG("page %llu of %llu still translates", (unsigned long long)i,
				       (unsigned long long)n);
				ASSERT_TRUE(false);
			}
		}
		ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, n));
		for (i = 0; i < n; i++)
			ASSERT_TRUE(dma(0, p + i * 4096, true).ok);
	}
	EXPECT_EQ(0u, model.nr_bad_cmds);
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
 * TLBI_S2_IPA command (a range one past a page) and one CMD_SYNC, covering
 * what changed; so is giving it back.
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
 * 1000 scattered 4 KiB donations split blocks in both stage-2s; once they are
 * reclaimed at most the idle tables the merge policy keeps (and the tables
 * above them) stay, and after KVM_PGTABLE_IDLE_AGE further changes elsewhere
 * both tables are back to their page counts, translating as before.
 */
TEST(table_pages_return_after_reclaim)
{
	struct kvm_iommu_info info;
	u64 smmu_pages, cpu_pages, i;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	/* The host touched RAM1: its CPU table holds blocks and empty entries, for good. */
	ASSERT_EQ(0, host_stage2_idmap(RAM1));
	kvm_iommu_info(&info);
	smmu_pages = info.nr_table_pages;
	cpu_pages = machine_host_tables();
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, __pkvm_host_donate_hyp(scattered_pfn(i), 1));
	kvm_iommu_info(&info);
	EXPECT_GT(info.nr_table_pages, smmu_pages);
	TH_LOG("SMMU table pages: %llu after the snapshot, %llu with 1000 pages donated",
	       (unsigned long long)smmu_pages, (unsigned long long)info.nr_table_pages);
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, __pkvm_host_reclaim(scattered_pfn(i), 1));
	kvm_iommu_info(&info);
	EXPECT_LE(info.nr_table_pages, smmu_pages + 2 * KVM_PGTABLE_IDLE_SLOTS);
	TH_LOG("SMMU table pages right after the reclaims: %llu",
	       (unsigned long long)info.nr_table_pages);
	/* 2 MiB changes in RAM1, whose tables never merge (MMIO, empty entries): no table. */
	for (i = 0; i < KVM_PGTABLE_IDLE_AGE / 2; i++) {
		ASSERT_EQ(0, __pkvm_host_donate_hyp(RAM1 >> 12, 512));
		ASSERT_EQ(0, __pkvm_host_reclaim(RAM1 >> 12, 512));
	}
	kvm_iommu_info(&info);
	EXPECT_EQ(smmu_pages, info.nr_table_pages);
	EXPECT_EQ(cpu_pages, (u64)machine_host_tables());
	EXPECT_DMA_OK(0, RAM0 + 37 * 4096, ATTR_NORMAL_WB);
	machine_down();
}

/*
 * The merge policy's point: after the first time, giving the same page to
 * the hypervisor and back costs one descriptor in the SMMU's table per
 * change, no table page, one TLBI + CMD_SYNC for the donation and nothing
 * for the reclaim -- and DMA still sees exactly what the CPUs see.
 */
TEST(repeated_donate_reclaim_of_one_page)
{
	u64 p = RAM0 + (12ull << 20) + 0x5000, w0, mark;
	struct kvm_iommu_info info;
	u64 pages;
	unsigned int i;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 1));
	kvm_iommu_info(&info);
	pages = info.nr_table_pages;
	w0 = info.nr_pte_writes;
	mark = model.nr_log;
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
		EXPECT_DMA_FAULT(0, p);
		EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(p >> 12));
		EXPECT_DMA_OK(0, p + 4096, ATTR_NORMAL_WB);
		ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 1));
		EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
	}
	kvm_iommu_info(&info);
	EXPECT_EQ(pages, info.nr_table_pages);
	EXPECT_EQ(100u, info.nr_pte_writes - w0);
	EXPECT_EQ(50u, count_ops(mark, 0x2a)); /* TLBI_S2_IPA: one per donation */
	EXPECT_EQ(50u, count_ops(mark, 0x46)); /* CMD_SYNC */
	EXPECT_EQ(100u, model.nr_log - mark); /* and nothing else */
	EXPECT_EQ(0u, model.nr_bad_cmds);
	machine_down();
}

/*
 * An idle table that merges when it is due leaves no walk behind: the
 * invalidation that merges it is not leaf-only, so once its page is reused
 * as another table, a DMA to the merged block still translates to itself.
 */
TEST(an_idle_table_merged_late_leaves_no_stale_walk)
{
	u64 p = RAM0 + (12ull << 20) + 0x5000, q = RAM0 + (20ull << 20) + 0x3000, i;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_DMA_OK(0, p + 4096, ATTR_NORMAL_WB); /* walks through the new table */
	ASSERT_EQ(0, __pkvm_host_reclaim(p >> 12, 1)); /* the table waits, idle */
	EXPECT_DMA_OK(0, p + 4096, ATTR_NORMAL_WB);
	/* Changes elsewhere (RAM1's table never merges) until the idle table is due. */
	for (i = 0; i < KVM_PGTABLE_IDLE_AGE / 2; i++) {
		ASSERT_EQ(0, __pkvm_host_donate_hyp(RAM1 >> 12, 512));
		ASSERT_EQ(0, __pkvm_host_reclaim(RAM1 >> 12, 512));
	}
	/* Its page, back in the pool, becomes the table of another block. */
	ASSERT_EQ(0, __pkvm_host_donate_hyp(q >> 12, 1));
	EXPECT_DMA_OK(0, p + 4096, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, q);
	EXPECT_EQ(0u, model.nr_bad_cmds);
	machine_down();
}

/*
 * A machine with the SMMU live, and a page of "host RAM" for HOST_BATCH's
 * list: mapped in this process at its physical address, as host_mem_read()
 * expects (tests/unit/lib). NULL if that address is taken or the machine
 * does not come up.
 */
static struct isohyp_batch_range *batch_machine_up(u64 list_pa)
{
	void *l = mmap((void *)(uintptr_t)list_pa, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (l != (void *)(uintptr_t)list_pa)
		return NULL;
	machine_up(&qemu_cfg);
	if (machine_register(&qemu_cfg) || kvm_iommu_init()) {
		machine_down();
		munmap(l, 4096);
		return NULL;
	}
	return l;
}

/*
 * HOST_BATCH end to end: 1, 16 and 256 scattered pages donated in one call
 * cost one TLBI and one CMD_SYNC for the SMMU, after which DMA reaches none
 * of them and all of their neighbours; reclaimed in one call, DMA reaches
 * them again. The list is in host RAM, mapped here at its physical address.
 */
TEST(batch_needs_one_tlbi_and_one_sync)
{
	static const unsigned int sizes[] = { 1, 16, 256 };
	u64 list_pa = RAM0 + (48ull << 20), mark;
	struct isohyp_batch_range *l;
	unsigned int k, i;

	l = batch_machine_up(list_pa);
	ASSERT_NE(NULL, l);
	for (k = 0; k < 3; k++) {
		TH_LOG("%u pages", sizes[k]);
		for (i = 0; i < sizes[k]; i++) /* every 31st page, from the top down */
			l[i] = (struct isohyp_batch_range){ (RAM0 >> 12) + 8000 - i * 31, 1 };
		mark = model.nr_log;
		ASSERT_EQ(0, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, list_pa, sizes[k]));
		EXPECT_EQ(1u, count_ops(mark, 0x2a) + count_ops(mark, 0x28)); /* range TLBI, or VMALL */
		EXPECT_EQ(1u, count_ops(mark, 0x46));
		for (i = 0; i < sizes[k]; i++) {
			u64 pa = l[i].pfn << 12;

			EXPECT_TRUE(smmu_model_invalidated(&model, mark, pa));
			EXPECT_DMA_FAULT(0, pa);
			EXPECT_DMA_OK(0, pa + 4096, ATTR_NORMAL_WB);
			EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(l[i].pfn));
		}
		mark = model.nr_log;
		ASSERT_EQ(0, __pkvm_host_batch(ISOHYP_BATCH_RECLAIM, list_pa, sizes[k]));
		EXPECT_LE(count_ops(mark, 0x2a) + count_ops(mark, 0x28), 1u);
		EXPECT_LE(count_ops(mark, 0x46), 1u);
		for (i = 0; i < sizes[k]; i++)
			EXPECT_DMA_OK(0, l[i].pfn << 12, ATTR_NORMAL_WB);
	}
	EXPECT_EQ(0u, model.nr_bad_cmds);
	machine_down();
	munmap(l, 4096);
}

/*
 * A batch reclaim merges what it completed, as a reclaim of one range does:
 * once the merge policy ran, both stage-2s hold the tables they held before
 * the batch donation split blocks for 16 scattered pages.
 */
TEST(batch_reclaim_gives_the_tables_back)
{
	u64 list_pa = RAM0 + (48ull << 20), i;
	struct isohyp_batch_range *l;
	struct kvm_iommu_info info;
	u64 smmu_pages;
	long cpu_pages;

	l = batch_machine_up(list_pa);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, host_stage2_idmap(RAM1)); /* as in table_pages_return_after_reclaim */
	kvm_iommu_info(&info);
	smmu_pages = info.nr_table_pages;
	cpu_pages = machine_host_tables();
	for (i = 0; i < 16; i++) /* 1 MiB apart: in eight 2 MiB blocks */
		l[i] = (struct isohyp_batch_range){ (RAM0 >> 12) + 0x801 + i * 0x100, 1 };
	ASSERT_EQ(0, __pkvm_host_batch(ISOHYP_BATCH_DONATE_HYP, list_pa, 16));
	EXPECT_GT(machine_host_tables(), cpu_pages);
	ASSERT_EQ(0, __pkvm_host_batch(ISOHYP_BATCH_RECLAIM, list_pa, 16));
	for (i = 0; i < KVM_PGTABLE_IDLE_AGE / 2; i++) {
		ASSERT_EQ(0, __pkvm_host_donate_hyp(RAM1 >> 12, 512));
		ASSERT_EQ(0, __pkvm_host_reclaim(RAM1 >> 12, 512));
	}
	kvm_iommu_info(&info);
	EXPECT_EQ(smmu_pages, info.nr_table_pages);
	EXPECT_EQ(cpu_pages, machine_host_tables());
	for (i = 0; i < 16; i++)
		EXPECT_DMA_OK(0, l[i].pfn << 12, ATTR_NORMAL_WB);
	machine_down();
	munmap(l, 4096);
}

/*
 * The SMMU's step of a batch donation keeps its tables, as for one range:
 * if the CPU's step then fails and takes the last pool page with it, giving
 * DMA the ranges back needs no memory. Here the unmap empties a table that
 * an SMMU merging at once would free into an invalid block.
 */
TEST(batch_unmap_keeps_its_tables_for_the_undo)
{
	u64 blk = RAM0 + (12ull << 20), page = blk + 5 * 4096;
	struct kvm_pgtable_range r = { page, 4096 };
	void *taken = NULL, *p;
	int ret;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	machine_smmu_merge_at_once();
	ASSERT_EQ(0, __pkvm_host_donate_hyp(blk >> 12, 5));
	ASSERT_EQ(0, __pkvm_host_donate_hyp((page >> 12) + 1, 512 - 6));
	hyp_spin_lock(&host_mmu.lock);
	ASSERT_EQ(0, kvm_iommu_host_stage2_idmap_ranges(&r, 1, 0));
	EXPECT_DMA_FAULT(0, page);
	while ((p = hyp_alloc_page(&pool))) { /* the CPU's step took every page */
		*(void **)p = taken;
		taken = p;
	}
	ret = kvm_iommu_host_stage2_idmap_ranges(&r, 1, PKVM_HOST_MEM_PROT);
	while (taken) {
		p = taken;
		taken = *(void **)p;
		hyp_free_page(&pool, p);
	}
	hyp_spin_unlock(&host_mmu.lock);
	EXPECT_EQ(0, ret);
	EXPECT_DMA_OK(0, page, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, page + 4096);
	EXPECT_EQ(0u, model.nr_bad_cmds);
	machine_down();
}

TEST_HARNESS_MAIN
