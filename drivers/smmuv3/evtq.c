// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMMUv3 events and global errors (IHI 0070 chapter 7): the event queue is
 * drained on host traps and on IOMMU_INFO, each record decoded, stage-2 faults
 * counted with the last faulting address, the first few logged in full, an
 * overflow (7.4) reported and acknowledged; active GERROR bits (7.5)
 * reported and acknowledged. No interrupts: the host owns the GIC. Callers
 * hold smmu->lock.
 */
#include <asm/io.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/panic.h>

#include "nested.h"

/* Log at most this many unlike events in full; count all of them. */
#define SMMU_EVENT_LOG_LIMIT 32

/*
 * The CPU never writes the queue: cleaned and invalidated before EVTQEN, no
 * dirty line of it can later be evicted over what the SMMU wrote.
 */
static void smmu_evtq_clean(struct arm_smmu_device *smmu)
{
	if (!smmu->coherent)
		dcache_clean_inval_poc(smmu->evtq.base, smmu_queue_bytes(&smmu->evtq));
}

int smmu_evtq_init(struct arm_smmu_device *smmu, struct hyp_pool *pool)
{
	int ret = smmu_queue_init(smmu, &smmu->evtq, pool, EVTQ_LOG2SIZE,
				  FIELD_GET(IDR1_EVTQS, smmu->idr1), EVTQ_ENT_DWORDS, SMMU_EVTQ_BASE,
				  SMMU_EVTQ_PROD, SMMU_EVTQ_CONS);

	if (!ret)
		smmu_evtq_clean(smmu);
	return ret;
}

/* The same queue, empty, after the SMMU lost its registers. */
void smmu_evtq_program(struct arm_smmu_device *smmu)
{
	smmu_queue_program(smmu, &smmu->evtq);
	smmu_evtq_clean(smmu);
}

const char *smmu_event_name(u8 id)
{
	switch (id) {
	case EVT_ID_BAD_STREAMID:
		return "C_BAD_STREAMID";
	case EVT_ID_STE_FETCH:
		return "F_STE_FETCH";
	case EVT_ID_BAD_STE:
		return "C_BAD_STE";
	case EVT_ID_WALK_EABT:
		return "F_WALK_EABT";
	case EVT_ID_TRANSLATION:
		return "F_TRANSLATION";
	case EVT_ID_ADDR_SIZE:
		return "F_ADDR_SIZE";
	case EVT_ID_ACCESS:
		return "F_ACCESS";
	case EVT_ID_PERMISSION:
		return "F_PERMISSION";
	default:
		return "event";
	}
}

static bool event_is_s2_fault(const u64 *evt)
{
	u8 id = FIELD_GET(EVTQ_0_ID, evt[0]);

	return id >= EVT_ID_TRANSLATION && id <= EVT_ID_PERMISSION;
}

/*
 * Two events are alike for the log when type, stream, direction and page
 * match. A device that faults tends to fault in bursts (QEMU records every
 * beat of a refused transfer): the log says so once.
 */
static u64 event_key(const u64 *evt)
{
	return FIELD_GET(EVTQ_0_ID, evt[0]) | (u64)FIELD_GET(EVTQ_0_SID, evt[0]) << 8 |
	       (u64)!!(evt[1] & EVTQ_1_RNW) << 40;
}

static void smmu_log_like_events(struct arm_smmu_device *smmu)
{
	if (smmu->nr_like_logged)
		pr_warn("smmu@%lx: ...and %u more like it\n", (unsigned long)smmu->pa,
			smmu->nr_like_logged);
	smmu->nr_like_logged = 0;
}

static void smmu_handle_event(struct arm_smmu_device *smmu, const u64 *evt)
{
	u8 id = FIELD_GET(EVTQ_0_ID, evt[0]);
	u32 sid = FIELD_GET(EVTQ_0_SID, evt[0]);
	u64 key = event_key(evt), page = evt[2] & ~(SZ_4K - 1);

	/* Nested mode: the host's stage-1 faults are its own (nested_evtq.c). */
	if (smmu->nested && smmu_nested_event_stage(smmu, evt))
		return;
	if (event_is_s2_fault(evt)) {
		smmu->nr_s2_faults++;
		smmu->last_fault_addr = evt[2];
	} else {
		smmu->nr_other_events++;
	}
	if (smmu->nr_fault_logs > SMMU_EVENT_LOG_LIMIT)
		return; /* counted only */
	if (smmu->nr_fault_logs && key == smmu->logged_key && page == smmu->logged_page) {
		smmu->nr_like_logged++;
		return;
	}
	smmu_log_like_events(smmu);
	smmu->logged_key = key;
	smmu->logged_page = page;
	if (smmu->nr_fault_logs < SMMU_EVENT_LOG_LIMIT)
		pr_warn("smmu@%lx: %s (0x%x) stream %x %s addr %lx%s\n", (unsigned long)smmu->pa,
			smmu_event_name(id), id, sid, evt[1] & EVTQ_1_RNW ? "read" : "write",
			(unsigned long)evt[2], evt[1] & EVTQ_1_S2 ? " at stage 2" : "");
	else
		pr_warn("smmu@%lx: further events are counted, not logged\n",
			(unsigned long)smmu->pa);
	smmu->nr_fault_logs++;
}

/* Consume every event the SMMU has written (7.2, 7.4 for overflow). */
void smmu_evtq_drain(struct arm_smmu_device *smmu)
{
	struct arm_smmu_queue *q = &smmu->evtq;
	u32 prod_reg, mask = BIT(q->log2size + 1) - 1;
	unsigned int n = 0;

	hyp_assert_lock_held(&smmu->lock);
	/* readl: the entries are read after the PROD that covers them. */
	prod_reg = readl(smmu->base + q->prod_reg);
	q->prod = prod_reg & mask;
	while (!q_empty(q) && n++ < BIT(q->log2size)) {
		u64 *evt = &q->base[q_idx(q, q->cons) * q->dwords];

		/*
		 * A non-coherent SMMU wrote it at the PoC: drop any stale line
		 * (fetched on an earlier lap) now that PROD says it is there.
		 */
		smmu_sync_for_cpu(smmu, evt, EVTQ_ENT_DWORDS * sizeof(u64));
		smmu_handle_event(smmu, evt);
		q->cons = q_inc(q, q->cons);
	}
	smmu_log_like_events(smmu);
	if ((prod_reg ^ smmu_read(smmu, q->cons_reg)) & Q_OVERFLOW_FLAG) {
		pr_warn("smmu@%lx: event queue overflowed: events were lost\n",
			(unsigned long)smmu->pa);
		smmu->nr_other_events++;
	}
	smmu_write(smmu, q->cons_reg, q->cons | (prod_reg & Q_OVERFLOW_FLAG));
}

static const char *const gerror_names[] = {
	"CMDQ_ERR", "reserved", "EVTQ_ABT_ERR", "PRIQ_ABT_ERR", "MSI_CMDQ_ABT_ERR",
	"MSI_EVTQ_ABT_ERR", "MSI_PRIQ_ABT_ERR", "MSI_GERROR_ABT_ERR", "SFM_ERR",
};

/*
 * Active global errors are GERROR ^ GERRORN (7.5): report each, acknowledge
 * them, -EIO if there were any. A command error is handled by the CMD_SYNC
 * path, which knows which command failed.
 */
int smmu_gerror_check(struct arm_smmu_device *smmu)
{
	u32 gerror = smmu_read(smmu, SMMU_GERROR);
	u32 active = (gerror ^ smmu_read(smmu, SMMU_GERRORN)) & GERROR_ALL;
	unsigned int i;

	if (active & GERROR_CMDQ_ERR) {
		smmu_cmdq_skip_err(smmu);
		active &= ~GERROR_CMDQ_ERR;
		gerror = smmu_read(smmu, SMMU_GERROR);
	}
	if (!active)
		return 0;
	for (i = 0; i < ARRAY_SIZE(gerror_names); i++)
		if (active & BIT(i))
			pr_err("smmu@%lx: global error %s\n", (unsigned long)smmu->pa,
			       gerror_names[i]);
	if (active & GERROR_SFM_ERR)
		pr_err("smmu@%lx: service failure mode: the SMMU stopped translating\n",
		       (unsigned long)smmu->pa);
	smmu_write(smmu, SMMU_GERRORN, gerror);
	return -EIO;
}
