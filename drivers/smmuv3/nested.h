/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Nested mode's shared state (ARCHITECTURE.md section 6 "Nested"; issue 14):
 * the host's view of one SMMU (nested.c, the register file) and the shadow
 * of the host's stream table in the real one (nested_ste.c).
 *
 * Locking: everything here is under the SMMU's MMIO region lock (held
 * around each emulated access, hyp/mmio.c). The real SMMU's queue is
 * smmu->lock's; the host's memory is read under host_mmu.lock. Order:
 * region lock, host_mmu.lock, smmu->lock.
 */
#ifndef ISOHYP_SMMUV3_NESTED_H
#define ISOHYP_SMMUV3_NESTED_H

#include <isohyp/host_mem.h>
#include <isohyp/mmio.h>

#include "smmuv3.h"

/* A host queue's registers, and the range pinned while it is enabled. */
struct smmu_nested_queue {
	u64 base; /* RA/WA, ADDR, LOG2SIZE */
	u32 prod, cons;
	u64 pin_addr, pin_size; /* size 0: nothing pinned */
};

/* One STE's change, planned before its first write (nested_ste.c). */
struct ste_plan {
	u64 pass1[4]; /* the current STE, plus the new one's bits it ignores */
	int critical; /* the dword whose store switches it, or: */
};
#define STE_PLAN_NONE (-1) /* only bits the old or the new STE ignores change */
#define STE_PLAN_BBM (-2) /* two dwords would switch together: through abort */
#define STE_PLAN_SAME (-3) /* nothing to write */

/* Events held between a drain and the host's next look at its EVTQ_PROD. */
#define NESTED_EVT_STAGED 64

struct smmu_nested {
	struct hyp_mmio_region region;
	struct arm_smmu_device *smmu;
	/* The registers as the host sees them. */
	u32 idr[6], iidr, aidr;
	u32 cr0, cr0ack, cr1, cr2, gbpa, irq_ctrl, irq_ctrlack, gerror, gerrorn;
	u64 strtab_base;
	u32 strtab_base_cfg;
	u64 strtab_pin_addr, strtab_pin_size;
	struct smmu_nested_queue cmdq, evtq;
	u64 nr_refused; /* enables refused, statistics */
	u64 nr_cmds, nr_cmds_refused; /* host commands run, and found illegal */
	/*
	 * The real stream table, 2-level: spans whose STEs are all "abort"
	 * point at l2_abort, all "stage 2 only" at the driver's shared table
	 * (smmu->l2_strtab), any other at a level-2 table of their own
	 * (l2_own[span], NULL when none); all V = 0 for an invalid host
	 * configuration, at l2_bad_sid or l2_bad_ste by the event it raises.
	 * Linear: every STE is written in place.
	 */
	u64 *l2_abort, *l2_bad_sid, *l2_bad_ste;
	/*
	 * All stage 2 with the host's GBPA attributes (SMMUEN = 0): two, so
	 * that a new GBPA fills the one the spans are not switched to.
	 */
	u64 *l2_gbpa[2];
	unsigned int gbpa_cur;
	u64 **l2_own;
	u32 nr_spans;
	bool l1_dirty; /* a level-1 descriptor changed since the last CFGI_ALL */
	u64 nr_ste_writes, nr_bbm; /* STEs changed; of those, with an abort in between */
	u64 want[BIT(STRTAB_SPLIT) * STRTAB_STE_DWORDS]; /* scratch: one span's new STEs */
	struct ste_plan plan[BIT(STRTAB_SPLIT)]; /* scratch: how each changes */
	/*
	 * Events for the host (nested_evtq.c), drained from the real queue
	 * but not yet in the host's: under smmu->lock.
	 */
	u64 staged[NESTED_EVT_STAGED][EVTQ_ENT_DWORDS];
	u32 nr_staged;
	bool staged_lost; /* the staging ring was full: the host's queue overflows */
	u64 nr_host_events, nr_host_events_lost;
};

/* The host's queues: LOG2SIZE beyond what IDR1 offers acts as IDR1's (6.3.25). */
static inline u32 nested_cmdq_log2(const struct smmu_nested *n)
{
	u32 log2 = FIELD_GET(Q_BASE_LOG2SIZE, n->cmdq.base), max = FIELD_GET(IDR1_CMDQS, n->idr[1]);

	return log2 < max ? log2 : max;
}

static inline u32 nested_evtq_log2(const struct smmu_nested *n)
{
	u32 log2 = FIELD_GET(Q_BASE_LOG2SIZE, n->evtq.base), max = FIELD_GET(IDR1_EVTQS, n->idr[1]);

	return log2 < max ? log2 : max;
}

/*
 * The host's structures (stream table, commands, events) as the SMMU the
 * host sees would access them: offered IDR0.COHACC = 0, the host may map
 * them Non-cacheable, so they are read and written at the PoC (host_mem.h).
 * Caller: host_mmu.lock, the range checked or pinned.
 */
static inline void nested_host_read(const struct smmu_nested *n, u64 pa, void *dst, u64 len)
{
	if (n->idr[0] & IDR0_COHACC)
		host_mem_read(pa, dst, len);
	else
		host_mem_read_poc(pa, dst, len);
}

static inline void nested_host_write(const struct smmu_nested *n, u64 pa, const void *src, u64 len)
{
	if (n->idr[0] & IDR0_COHACC)
		host_mem_write(pa, src, len);
	else
		host_mem_write_poc(pa, src, len);
}

/* Index and wrap bit of a queue of 2^@log2 entries. */
static inline u32 nested_q_mask(u32 log2)
{
	return BIT(log2 + 1) - 1;
}

/*
 * nested_cmdq.c: run the host's commands from its CONS to its PROD (on a
 * write of CMDQ_PROD, at CMDQEN, when GERRORN acknowledges a command error).
 */
void smmu_nested_cmdq_process(struct smmu_nested *n);

/* nested_evtq.c */
/*
 * From the real queue's drain (evtq.c, smmu->lock held): true when @evt is
 * the host's (a stage-1 fault of one of its streams, or the C_BAD_STE of a
 * stream it configured invalid) and was kept for it.
 */
bool smmu_nested_event_stage(struct arm_smmu_device *smmu, const u64 *evt);
/* On a host read of EVTQ_PROD: drain the real queue, copy the host's events into its queue. */
void smmu_nested_evtq_update(struct smmu_nested *n);

/* nested_ste.c */
int smmu_nested_ste_init(struct smmu_nested *n, struct hyp_pool *pool);
/*
 * Re-shadow every stream from the host's state (SMMUEN, GBPA, its stream
 * table), then CFGI_ALL + CMD_SYNC. 0 or -errno (a command timed out).
 */
int smmu_nested_shadow_all(struct smmu_nested *n);
/* Re-shadow streams [sid, sid + nr) (CFGI_STE, CFGI_STE_RANGE). 0 or -errno. */
int smmu_nested_shadow_range(struct smmu_nested *n, u32 sid, u64 nr);
/*
 * The event the host's configuration of @sid raises at the SMMU it sees
 * (C_BAD_STE or C_BAD_STREAMID), as our STE for it says: 0 when our STE is
 * not the V = 0 one of an invalid host configuration. Caller: smmu->lock.
 */
u8 smmu_nested_ste_event_locked(struct smmu_nested *n, u32 sid);

#endif /* ISOHYP_SMMUV3_NESTED_H */
