// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a sick SMMU costs the CPU that holds the locks (issue 13, section 5),
 * against the real hyp/mem_protect, iommu core, SMMUv3 driver, hyp/lock.c
 * and hyp/console.c on the machine of lib/smmu_machine.h:
 *
 * - one call waits out at most one timeout per SMMU: a host trap
 *   (hyp_call_begin() .. hyp_call_end(), as hyp/trap.c brackets it) whose
 *   hypercall and poll both need a CMD_SYNC the SMMU never completes, or a
 *   reclaim whose rollback needs one more, waits once (the fake timer ticks
 *   once per read: one timeout is ONE_TIMEOUT ticks);
 * - nothing reaches the UART while a lock is held: the timeout, takeover
 *   and broken messages, logged under host_mmu.lock and the SMMU's lock,
 *   are written after the last release (lib/uart_record.c notes every byte
 *   written with a lock held).
 */
#include <string.h>

#include "harness.h"
#include "lib/smmu_machine.h"
#include "lib/uart_record.h"
#include <asm/timer.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/lock.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

/* One timeout of the driver's bounded wait, in fake timer ticks (1 MHz). */
#define ONE_TIMEOUT 1000000ull

/* Pages of RAM0 the tests move around, away from the carve-out. */
#define P(n) (RAM0 + (20ull << 20) + (n) * 0x1000ull)

FIXTURE(locks)
{
	int unused;
};

FIXTURE_SETUP(locks)
{
	machine_up(&qemu_cfg);
	ASSERT_EQ(0, machine_register(&qemu_cfg));
	ASSERT_EQ(0, kvm_iommu_init());
	uart_record_reset();
}

FIXTURE_TEARDOWN(locks)
{
	/* Whatever a test did: no byte written with a lock held, none left held. */
	EXPECT_EQ(0u, uart_rec.under_lock);
	EXPECT_EQ(0u, hyp_lock_nr_held());
	machine_down();
}

static struct kvm_iommu_info info_now(void)
{
	struct kvm_iommu_info info;

	kvm_iommu_info(&info);
	return info;
}

/*
 * A host trap: a donation that times out, then the trap's poll, whose repair
 * of the stale range needs another CMD_SYNC -- one timeout for the whole trap.
 */
TEST_F(locks, one_trap_waits_one_timeout_per_smmu)
{
	u64 ticks;

	model.cmdq_stuck = true;
	ticks = fake_timer_ticks;
	hyp_call_begin();
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(P(1) >> 12, 1));
	kvm_iommu_poll();
	EXPECT_TRUE(kvm_iommu_idmap_stale());
	hyp_call_end();
	EXPECT_GE(fake_timer_ticks - ticks, ONE_TIMEOUT);
	EXPECT_LT(fake_timer_ticks - ticks, ONE_TIMEOUT + ONE_TIMEOUT / 10);
	/* The next trap gets its own wait: a sick SMMU is not given up on at once. */
	ticks = fake_timer_ticks;
	hyp_call_begin();
	kvm_iommu_poll();
	hyp_call_end();
	EXPECT_GE(fake_timer_ticks - ticks, ONE_TIMEOUT);
	EXPECT_LT(fake_timer_ticks - ticks, ONE_TIMEOUT + ONE_TIMEOUT / 10);
	/* It recovers: the next trap repairs the range without a timeout. */
	model.cmdq_stuck = false;
	ticks = fake_timer_ticks;
	hyp_call_begin();
	kvm_iommu_poll();
	hyp_call_end();
	EXPECT_FALSE(kvm_iommu_idmap_stale());
	EXPECT_LT(fake_timer_ticks - ticks, ONE_TIMEOUT / 10);
	EXPECT_EQ(0u, info_now().nr_broken);
	EXPECT_DMA_OK(0, P(1), ATTR_NORMAL_WB);
}

/* The control: the same donation and poll as two calls wait twice. */
TEST_F(locks, two_calls_wait_twice)
{
	u64 ticks;

	model.cmdq_stuck = true;
	ticks = fake_timer_ticks;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(P(2) >> 12, 1));
	kvm_iommu_poll();
	EXPECT_GE(fake_timer_ticks - ticks, 2 * ONE_TIMEOUT);
}

/*
 * A reclaim whose mapping is not confirmed rolls back with an unmap that
 * needs one more CMD_SYNC: one wait under host_mmu.lock, not two.
 */
TEST_F(locks, a_rollback_does_not_wait_again)
{
	u64 q = P(3), ticks;

	machine_smmu_merge_at_once(); /* the reclaim merges: its invalidation waits */
	ASSERT_EQ(0, __pkvm_host_donate_hyp(q >> 12, 1));
	model.cmdq_stuck = true;
	ticks = fake_timer_ticks;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_reclaim(q >> 12, 1));
	EXPECT_GE(fake_timer_ticks - ticks, ONE_TIMEOUT);
	EXPECT_LT(fake_timer_ticks - ticks, ONE_TIMEOUT + ONE_TIMEOUT / 10);
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(q >> 12));
	EXPECT_DMA_FAULT(0, q);
}

/*
 * The timeout is logged under host_mmu.lock and the SMMU's lock: written
 * once the donation released them, never before.
 */
TEST_F(locks, a_timeout_during_a_donation_is_logged_after_the_unlock)
{
	model.cmdq_stuck = true;
	EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(P(4) >> 12, 1));
	EXPECT_TRUE(uart_record_has("isohyp: error: smmu@9050000: CMD_SYNC not consumed"));
}

/* The SMMU's death, its takeover after a power loss: all written after the locks. */
TEST_F(locks, takeover_and_broken_messages_wait_for_the_unlock)
{
	unsigned int i;

	smmu_model_power_loss(&model);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(P(5) >> 12, 1)); /* the watchdog, under the lock */
	EXPECT_TRUE(uart_record_has("lost its state"));
	EXPECT_TRUE(uart_record_has("taken over again"));
	model.cmdq_stuck = true;
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-ETIMEDOUT, __pkvm_host_donate_hyp(P(6 + i) >> 12, 1));
	EXPECT_EQ(1u, info_now().nr_broken);
	EXPECT_TRUE(uart_record_has("broken (consecutive command timeouts)"));
	/* In the order logged: the last timeout, then the verdict. */
	EXPECT_TRUE(strstr(uart_rec.out, "broken (consecutive") >
		    strstr(uart_rec.out, "CMD_SYNC not consumed"));
}

TEST_HARNESS_MAIN
