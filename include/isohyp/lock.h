/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a CPU holds (hyp/lock.c): every hyp_spin_lock() and hyp_spin_unlock()
 * reports to these hooks, so the hypervisor knows, per CPU,
 *
 * - how many locks it holds: while any is held, the console defers what is
 *   logged to the CPU's ring (hyp/console.c) and writes it to the UART when
 *   the last one is released -- no UART output under host_mmu.lock, an
 *   SMMU's lock or a device's lock;
 * - which call it is in (hyp_call_id()): the budget of waits is per call
 *   (an SMMU that timed out once is not waited on again in the same call);
 * - with CONFIG_DEBUG_LOCK_ORDER, which locks it holds: taking a lock whose
 *   rank is not above every held one stops the machine, naming both.
 *
 * The lock order, lowest rank first (a lock may only be taken while every
 * lock held has a lower rank):
 *
 *	HYP_LOCK_MMIO		an emulated device's region lock (hyp/mmio.c: held
 *				around each handler call: ITS, redistributors, fw_cfg)
 *	HYP_LOCK_HOST_MMU	host_mmu.lock (hyp/mem_protect.c), and through the
 *				iommu core the IOMMUs' identity map
 *	HYP_LOCK_SMMU		an SMMU's lock: its queues and registers
 *	HYP_LOCK_CPU		a CPU's PSCI state (struct hyp_cpu.lock)
 *	HYP_LOCK_POOL		a page pool's lock (hyp/page_alloc.c): a leaf,
 *				nothing is taken under it, so a table page can
 *				be allocated under any other lock (the nested
 *				mode's level-2 tables under an SMMU's lock)
 *
 * The console's own lock is not one of them: it is the innermost, taken only
 * with none of these held (or by a panic).
 */
#ifndef ISOHYP_LOCK_H
#define ISOHYP_LOCK_H

#include <isohyp/types.h>

enum hyp_lock_rank {
	HYP_LOCK_UNRANKED = 0, /* never initialised: a debug build panics on it */
	HYP_LOCK_MMIO,
	HYP_LOCK_HOST_MMU,
	HYP_LOCK_SMMU,
	HYP_LOCK_CPU,
	HYP_LOCK_POOL,
	HYP_LOCK_NR_RANKS,
};

/* The most locks one CPU holds at once (debug builds panic beyond). */
#define HYP_LOCK_MAX_HELD 8

/* Before spinning on @lock of @rank: order check (debug), count it held. */
void hyp_lock_acquire(const void *lock, unsigned int rank);
/* After releasing @lock: the last one released flushes the deferred log. */
void hyp_lock_release(const void *lock, unsigned int rank);
/* Locks this CPU holds now. */
unsigned int hyp_lock_nr_held(void);
const char *hyp_lock_rank_name(unsigned int rank);

/*
 * A call: one host trap, from hyp_call_begin() to hyp_call_end() (hyp/trap.c).
 * Outside one (boot, host unit tests), each outermost lock section is a call
 * of its own, and so is each wait made with no lock held. hyp_call_id() is
 * unique across CPUs and never 0.
 */
void hyp_call_begin(void);
void hyp_call_end(void);
u64 hyp_call_id(void);

#endif /* ISOHYP_LOCK_H */
