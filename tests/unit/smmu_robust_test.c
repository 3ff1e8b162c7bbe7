// SPDX-License-Identifier: GPL-2.0-only
/*
 * An SMMU that does not behave, against the real hyp/mem_protect, pgtable,
 * iommu core and SMMUv3 driver on the machine of lib/smmu_machine.h:
 *
 * - the watchdog (drivers/smmuv3/smmuv3.c): an SMMU that loses power or is
 *   reset behind the hypervisor's back (lib/smmu_model.c's power loss: every
 *   register at its reset value, GBPA bypass, caches empty) is taken over
 *   again -- GBPA.ABORT before anything else -- on the next poll, IOMMU_INFO
 *   or ownership change; a healthy one never trips it;
 * - stale ranges (iommu/iommu.c): an ownership change whose invalidation was
 *   not confirmed (a CMD_SYNC that completes late or never) is re-applied
 *   from the host stage-2 once the SMMU works again, and meanwhile DMA never
 *   reaches more than the host's CPUs;
 * - a dead SMMU (SMMU_BROKEN_TIMEOUTS consecutive timeouts) is broken: it
 *   aborts all DMA, changes fail with -EIO at once, nothing waits on it.
 *
 * Every fixture test runs on a coherent and on a non-coherent SMMU.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "lib/smmu_machine.h"
#include <asm/timer.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>
#include <isohyp/pgtable.h>
#include "lib/s2_decode.h"

/* The SMMUs' identity stage-2 (drivers/smmuv3/io_pgtable.c), read with lib/s2_decode.h. */
extern struct kvm_pgtable smmu_idmap;

#define OP_TLBI_S12_VMALL 0x28
#define OP_CMD_SYNC 0x46
#define GBPA_ABORT (1u << 20)
#define CR0_SMMUEN 1u

/* One timeout of the driver's bounded wait, in fake timer ticks (1 MHz). */
#define ONE_TIMEOUT 1000000ull

FIXTURE(robust)
{
	int unused;
};

FIXTURE_VARIANT(robust)
{
	bool dt_coherent;
};

FIXTURE_VARIANT_ADD(robust, coherent){ .dt_coherent = true };
FIXTURE_VARIANT_ADD(robust, noncoherent){ .dt_coherent = false };

FIXTURE_SETUP(robust)
{
	struct smmu_cfg cfg = qemu_cfg;

	cfg.coherent = variant->dt_coherent;
	machine_up(&cfg);
	ASSERT_EQ(0, machine_register(&cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	ASSERT_EQ(0u, model.writes_in_bypass);
}

FIXTURE_TEARDOWN(robust)
{
	machine_down();
}

static const u32 sids[] = { 0, 1, 63, 64, 255, 0x1234, 0xffff };

/* Pages of RAM0 the tests move around, away from the carve-out. */
#define P(n) (RAM0 + (20ull << 20) + (n) * 0x1000ull)

static bool host_has(u64 pa)
{
	int s = __pkvm_host_page_state(pa >> 12);

	return s == ISOHYP_PAGE_HOST_OWNED || s == ISOHYP_PAGE_SHARED_HYP;
}

/*
 * DMA never reaches more than the host's CPUs: for each page, a read or a
 * write by any stream that translates is to a page the host owns.
 */
static bool dma_within_cpu_view(const u64 *pages, unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof(sids) / sizeof(sids[0]); k++)
			if ((dma(sids[k], pages[i], false).ok || dma(sids[k], pages[i], true).ok) &&
			    !host_has(pages[i])) {
				printf("# stream %x reaches %llx, which the host does not own\n",
				       sids[k], (unsigned long long)pages[i]);
				return false;
			}
	return true;
}

static struct kvm_iommu_info info_now(void)
{
	struct kvm_iommu_info info;

	kvm_iommu_info(&info);
	return info;
}

/* After a CMD_SYNC from log entry @from on: a VMID-wide invalidation, then a sync. */
static bool vmall_then_sync(unsigned int from)
{
	unsigned int i;
	bool vmall = false;

	for (i = from; i < model.nr_log; i++) {
		vmall |= model.log[i].op == OP_TLBI_S12_VMALL && model.log[i].vmid == 0;
		if (vmall && model.log[i].op == OP_CMD_SYNC)
			return true;
	}
	return false;
}

/* ---- the watchdog --------------------------------------------------------- */

/* A healthy SMMU never trips the watchdog: many polls, changes and looks, no takeover. */
TEST_F(robust, healthy_smmu_never_trips_the_watchdog)
{
	unsigned long errors = hyp_test_log_count[LOG_ERROR];
	unsigned int i, checks = model.ste_checks;

	for (i = 0; i < 2000; i++) {
		kvm_iommu_poll();
		if (i % 100 == 0) {
			ASSERT_EQ(0, __pkvm_host_donate_hyp(P(i / 100) >> 12, 1));
			dma(i % 7, CARVE, true); /* a fault for the poll to drain */
			info_now();
		}
	}
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, __pkvm_host_reclaim(P(i) >> 12, 1));
	EXPECT_EQ(0u, info_now().nr_reinits);
	EXPECT_EQ(0u, info_now().nr_broken);
	EXPECT_EQ(errors, hyp_test_log_count[LOG_ERROR]);
	EXPECT_EQ(checks, model.ste_checks); /* never re-enabled, no CFGI_ALL */
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_DMA_OK(0, P(3), ATTR_NORMAL_WB);
}

/*
 * Power lost (or a reset through a power controller): the SMMU bypasses --
 * what the hardware does until the hypervisor looks. The next host trap's
 * poll takes it over again, GBPA.ABORT before any other write, and every
 * stream translates exactly through the identity map again: donated pages
 * and the hypervisor's fault, host pages work; faults are recorded again.
 */
TEST_F(robust, lost_power_is_taken_over_again_on_the_next_poll)
{
	unsigned long errors = hyp_test_log_count[LOG_ERROR];
	u64 donated = P(1), host = P(2);
	unsigned int i;

	ASSERT_EQ(0, __pkvm_host_donate_hyp(donated >> 12, 1));
	smmu_model_power_loss(&model);
	EXPECT_TRUE(dma(0, CARVE, true).ok); /* the hardware's window: bypass */
	kvm_iommu_poll();
	EXPECT_EQ(0u, model.writes_in_bypass);
	EXPECT_TRUE(model.gbpa & GBPA_ABORT);
	EXPECT_TRUE(model.cr0 & CR0_SMMUEN);
	EXPECT_EQ(1u, info_now().nr_reinits);
	EXPECT_EQ(0u, info_now().nr_broken);
	EXPECT_GT(hyp_test_log_count[LOG_ERROR], errors);
	/* Enabled with every STE complete, attributes that fit, no bad command. */
	EXPECT_EQ(0u, model.missing_stes + model.bad_stes);
	EXPECT_FALSE(model.bad_cr1);
	EXPECT_EQ(0u, model.nr_bad_cmds);
	for (i = 0; i < sizeof(sids) / sizeof(sids[0]); i++) {
		TH_LOG("stream %x", sids[i]);
		EXPECT_DMA_OK(sids[i], host, ATTR_NORMAL_WB);
		EXPECT_DMA_OK(sids[i], RAM1, ATTR_NORMAL_WB);
		EXPECT_DMA_OK(sids[i], UART, ATTR_DEVICE_nGnRE);
		EXPECT_DMA_FAULT(sids[i], donated);
		EXPECT_DMA_FAULT(sids[i], CARVE);
		EXPECT_DMA_FAULT(sids[i], SMMU_PA);
	}
	/* The event queue works again: a fault is recorded and counted. */
	info_now();
	EXPECT_EQ(EVT_TRANSLATION, dma(3, CARVE + 0x2000, false).event);
	EXPECT_EQ(CARVE + 0x2000, info_now().last_fault_addr);
	/* Once: the next polls find it as set. */
	kvm_iommu_poll();
	EXPECT_EQ(1u, info_now().nr_reinits);
	/* And ownership follows as before. */
	ASSERT_EQ(0, __pkvm_host_reclaim(donated >> 12, 1));
	EXPECT_DMA_OK(0, donated, ATTR_NORMAL_WB);
}

/* An ownership change looks first: the SMMU is taken over before the table changes. */
TEST_F(robust, an_ownership_change_takes_a_reset_smmu_over_first)
{
	u64 p = P(5);

	smmu_model_power_loss(&model);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(0u, model.writes_in_bypass);
	EXPECT_EQ(1u, info_now().nr_reinits);
	EXPECT_DMA_FAULT(0, p);
	EXPECT_DMA_FAULT(0x1234, CARVE);
	EXPECT_DMA_OK(0x1234, p + 0x1000, ATTR_NORMAL_WB);
}

/* IOMMU_INFO looks too. */
TEST_F(robust, iommu_info_takes_a_reset_smmu_over)
{
	smmu_model_power_loss(&model);
	EXPECT_EQ(1u, info_now().nr_reinits);
	EXPECT_EQ(0u, model.writes_in_bypass);
	EXPECT_DMA_FAULT(7, CARVE);
}

/*
 * While it bypassed, a device could have written the stream table (it is
 * hypervisor memory): the takeover rewrites every STE, so what the SMMU
 * fetches afterwards is the hypervisor's again.
 */
TEST_F(robust, takeover_rewrites_the_stream_table)
{
	u64 l1 = info_now().structs[0];

	smmu_model_power_loss(&model);
	/* The bypassing SMMU's write over the first level-1 descriptor. */
	if (model.noncoherent)
		poc_write64(l1, 0);
	else
		*(u64 *)(uintptr_t)l1 = 0;
	kvm_iommu_poll();
	EXPECT_DMA_OK(0, P(1), ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
	EXPECT_EQ(0u, model.missing_stes + model.bad_stes);
}

/*
 * A takeover that cannot finish (CR0ACK never follows) leaves the SMMU
 * aborting everything -- GBPA.ABORT was set first -- and broken.
 */
TEST_F(robust, a_failed_takeover_leaves_it_aborting_and_broken)
{
	u64 p = P(6);

	smmu_model_power_loss(&model);
	model.cr0ack_stuck = true;
	kvm_iommu_poll();
	EXPECT_EQ(1u, info_now().nr_broken);
	EXPECT_EQ(0u, model.writes_in_bypass);
	EXPECT_TRUE(model.gbpa & GBPA_ABORT);
	EXPECT_FALSE(model.cr0 & CR0_SMMUEN);
	EXPECT_DMA_FAULT(0, p);
	EXPECT_DMA_FAULT(0, CARVE);
	EXPECT_EQ(-EIO, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
}

/* A broken SMMU that loses power again is made to abort again. */
TEST_F(robust, a_broken_smmu_that_loses_power_is_made_to_abort_again)
{
	smmu_model_power_loss(&model);
	model.cr0ack_stuck = true;
	kvm_iommu_poll();
	ASSERT_EQ(1u, info_now().nr_broken);
	smmu_model_power_loss(&model);
	EXPECT_FALSE(model.gbpa & GBPA_ABORT);
	kvm_iommu_poll();
	EXPECT_TRUE(model.gbpa & GBPA_ABORT);
	EXPECT_DMA_FAULT(0, CARVE);
}

/*
 * The last resort: an SMMU that came back bypassing and cannot be made to
 * abort (GBPA ignores writes) stops the machine (hyp_panic, which the test
 * stub turns into abort()): a child process shows it.
 */
TEST(an_smmu_that_cannot_abort_stops_the_machine)
{
	int status = 0;
	pid_t pid;

	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	fflush(stdout);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		smmu_model_power_loss(&model);
		model.gbpa_stuck = true;
		kvm_iommu_poll();
		_exit(0); /* must not get here */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	machine_down();
}

/* ---- stale ranges ------------------------------------------------------------ */

/*
 * Issue 13: a donation whose CMD_SYNC completes late fails; the page stays
 * the host's for its CPUs but was unmapped for DMA. The next poll
 * re-applies it from the host stage-2, after a VMID-wide invalidation: DMA
 * to it works again.
 */
TEST_F(robust, a_late_sync_is_repaired_on_the_next_poll)
{
	u64 p = P(8), pages[] = { P(7), P(8), P(9) };
	unsigned int mark;

	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	model.late_syncs = 1;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
	EXPECT_TRUE(kvm_iommu_idmap_stale());
	EXPECT_TRUE(dma_within_cpu_view(pages, 3));
	mark = model.nr_log;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_TRUE(vmall_then_sync(mark));
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	EXPECT_DMA_OK(0xffff, p, ATTR_NORMAL_WB);
	EXPECT_TRUE(dma_within_cpu_view(pages, 3));
	/* And the page can be donated now. */
	ASSERT_EQ(0, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_DMA_FAULT(0, p);
}

/* Without a poll, the next ownership change repairs the stale range first. */
TEST_F(robust, the_next_change_repairs_a_stale_range_first)
{
	u64 p = P(10), q = P(30);

	model.late_syncs = 1;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(p >> 12, 1));
	ASSERT_EQ(0, __pkvm_host_donate_hyp(q >> 12, 1));
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, q);
}

/*
 * The never-completing CMD_SYNC of issue 13, then the SMMU is power-cycled
 * (it comes back working): the poll takes it over and re-applies the range.
 */
TEST_F(robust, a_stuck_queue_then_a_reset_converges)
{
	u64 p = P(11);

	model.cmdq_stuck = true;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(p >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p >> 12));
	smmu_model_power_loss(&model);
	model.cmdq_stuck = false;
	kvm_iommu_poll();
	EXPECT_EQ(1u, info_now().nr_reinits);
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_EQ(0u, model.writes_in_bypass);
	EXPECT_DMA_OK(0, p, ATTR_NORMAL_WB);
	EXPECT_DMA_FAULT(0, CARVE);
}

/*
 * A reclaim whose mapping is not confirmed is rolled back (the pages stay
 * donated), and the rollback's unmap reaches the table even though the
 * stale range before it could not be re-applied: at no step does DMA reach
 * a page the host's CPUs do not have, and the views converge afterwards.
 */
TEST_F(robust, never_wider_than_the_cpus_while_stale)
{
	u64 q = P(12), pages[] = { P(11), P(12), P(13) };

	machine_smmu_merge_at_once(); /* the reclaim merges: its invalidation fails */

	ASSERT_EQ(0, __pkvm_host_donate_hyp(q >> 12, 1));
	model.late_syncs = 2;
	EXPECT_NE(0, __pkvm_host_reclaim(q >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(q >> 12));
	EXPECT_TRUE(dma_within_cpu_view(pages, 3));
	EXPECT_DMA_FAULT(0, q);
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_TRUE(dma_within_cpu_view(pages, 3));
	EXPECT_DMA_FAULT(0, q);
	ASSERT_EQ(0, __pkvm_host_reclaim(q >> 12, 1));
	EXPECT_DMA_OK(0, q, ATTR_NORMAL_WB);
	EXPECT_EQ(0u, info_now().nr_broken);
}

/*
 * Every command fails (CMD_SYNC illegal: fast -EIO, no timeout, never
 * broken). A reclaim's mapping is written but not confirmed, the stale range
 * cannot be re-applied and no invalidation goes through -- the rollback's
 * unmap still reaches the table: the donated page stays out of DMA's reach.
 */
TEST_F(robust, a_failing_queue_never_widens_dma)
{
	u64 q = P(50), pages[] = { P(49), P(50), P(51) };

	machine_smmu_merge_at_once(); /* the reclaim merges: its invalidation fails */

	ASSERT_EQ(0, __pkvm_host_donate_hyp(q >> 12, 1));
	model.illegal_op = OP_CMD_SYNC;
	EXPECT_EQ(-EIO, __pkvm_host_reclaim(q >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(q >> 12));
	EXPECT_TRUE(dma_within_cpu_view(pages, 3));
	EXPECT_DMA_FAULT(0, q);
	kvm_iommu_poll();
	EXPECT_TRUE(kvm_iommu_idmap_stale());
	EXPECT_TRUE(dma_within_cpu_view(pages, 3));
	model.illegal_op = 0;
	kvm_iommu_poll();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	ASSERT_EQ(0, __pkvm_host_reclaim(q >> 12, 1));
	EXPECT_DMA_OK(0, q, ATTR_NORMAL_WB);
	EXPECT_EQ(0u, info_now().nr_broken);
}

/* A CMD_SYNC that completes starts the count of timeouts anew: late is not dead. */
TEST_F(robust, late_syncs_apart_do_not_break_it)
{
	unsigned int i;

	for (i = 0; i < 2 * 3; i++) {
		model.late_syncs = 1;
		EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(P(14 + i) >> 12, 1));
		kvm_iommu_poll();
		EXPECT_FALSE(kvm_iommu_idmap_stale());
	}
	EXPECT_EQ(0u, info_now().nr_broken);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(P(14) >> 12, 1));
	EXPECT_DMA_FAULT(0, P(14));
}

/*
 * A table page unlinked while its invalidation failed may still be in an
 * SMMU's walk cache: it does not go back to the pool until a VMID-wide
 * invalidation went through (the driver's call, without the core's repair).
 */
TEST_F(robust, a_table_unlinked_while_stale_is_not_reused)
{
	u64 a = RAM0 + (10ull << 20) + 0x3000, used;

	machine_smmu_merge_at_once(); /* the remap merges: its invalidation fails */

	ASSERT_EQ(0, __pkvm_host_donate_hyp(a >> 12, 1)); /* splits a block */
	used = pool.nr_used;
	model.illegal_op = 0x2a; /* TLBI_S2_IPA */
	EXPECT_EQ(-EIO, kvm_iommu_ops->host_stage2_idmap(a, a + 4096, IOMMU_READ | IOMMU_WRITE |
									      IOMMU_CACHE)); /* merges it */
	EXPECT_EQ(used, pool.nr_used);
	model.illegal_op = 0;
	EXPECT_EQ(0, kvm_iommu_ops->host_stage2_idmap(a, a + 4096, 0));
	EXPECT_EQ(used, pool.nr_used); /* released after the VMALL, split again */
	EXPECT_DMA_FAULT(0, a);
	EXPECT_DMA_OK(0, a + 4096, ATTR_NORMAL_WB);
}

/* ---- a dead SMMU ------------------------------------------------------------- */

/*
 * A command queue that never drains: after SMMU_BROKEN_TIMEOUTS (3) waits in
 * a row the SMMU is broken. Each call waits out one timeout at most (the
 * stale range's repair and the call's own unmap share it: include/isohyp/
 * lock.h), so that takes three calls. It then aborts every DMA; a change
 * that needs it fails with -EIO at once and polls do not wait on it either;
 * changes that do not (share) still work.
 */
TEST_F(robust, a_dead_smmu_is_broken_and_fails_fast_and_closed)
{
	u64 d = P(40), p1 = P(41), p2 = P(42), p3 = P(43), p4 = P(44);
	u64 pages[] = { d, p1, p2, p3, p4, RAM0, RAM1 };
	u64 ticks;
	unsigned int i;

	ASSERT_EQ(0, __pkvm_host_donate_hyp(d >> 12, 1));
	model.cmdq_stuck = true;
	for (i = 0; i < 3; i++) {
		ticks = fake_timer_ticks;
		EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp((i ? i == 1 ? p2 : p3 : p1) >> 12, 1));
		/* One timeout waited out, and only one, in each call. */
		EXPECT_GE(fake_timer_ticks - ticks, ONE_TIMEOUT);
		EXPECT_LT(fake_timer_ticks - ticks, ONE_TIMEOUT + ONE_TIMEOUT / 10);
		EXPECT_EQ(i == 2 ? 1u : 0u, info_now().nr_broken);
		EXPECT_TRUE(dma_within_cpu_view(pages, 7));
	}
	EXPECT_TRUE(model.gbpa & GBPA_ABORT);
	EXPECT_FALSE(model.cr0 & CR0_SMMUEN);
	/* From now on nothing waits. */
	ticks = fake_timer_ticks;
	EXPECT_EQ(-EIO, __pkvm_host_donate_hyp(p4 >> 12, 1));
	EXPECT_EQ(-EIO, __pkvm_host_reclaim(d >> 12, 1));
	for (i = 0; i < 100; i++)
		kvm_iommu_poll();
	info_now();
	EXPECT_LT(fake_timer_ticks - ticks, ONE_TIMEOUT / 10);
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(d >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p1 >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(p4 >> 12));
	/* An unmap still reaches the table, broken or not (rollbacks rely on it). */
	EXPECT_FALSE(ref_walk(&smmu_idmap, p4).valid);
	/* Closed: nothing translates, least of all what the host gave away. */
	EXPECT_TRUE(dma_within_cpu_view(pages, 7));
	EXPECT_DMA_FAULT(0, d);
	EXPECT_DMA_FAULT(0, CARVE);
	EXPECT_DMA_FAULT(0, RAM0);
	/* Sharing does not need the SMMU. */
	EXPECT_EQ(0, __pkvm_host_share_hyp(p4 >> 12, 1));
	EXPECT_EQ(ISOHYP_PAGE_SHARED_HYP, __pkvm_host_page_state(p4 >> 12));
}

TEST_HARNESS_MAIN
