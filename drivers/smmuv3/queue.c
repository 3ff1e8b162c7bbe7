// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMMUv3 queues (IHI 0070 chapter 3.5, 4 and 7): the command queue with
 * CMD_SYNC completion by polling CONS, the event queue drained and decoded,
 * and global errors (GERROR, 7.5). Every wait is bounded by the generic
 * timer: a queue the SMMU never consumes is -ETIMEDOUT, never a hang.
 * Callers hold smmu->lock.
 */
#include <isohyp/console.h>
#include <isohyp/delay.h>
#include <isohyp/errno.h>
#include <isohyp/panic.h>

#include "smmuv3.h"

struct arm_smmu_stats arm_smmu_stats;

/* Log at most this many events in full; count all of them. */
#define SMMU_EVENT_LOG_LIMIT 32

static u32 q_idx(const struct arm_smmu_queue *q, u32 p)
{
	return p & (BIT(q->log2size) - 1);
}

static u32 q_wrp(const struct arm_smmu_queue *q, u32 p)
{
	return p & BIT(q->log2size);
}

static u32 q_inc(const struct arm_smmu_queue *q, u32 p)
{
	return (p + 1) & (BIT(q->log2size + 1) - 1);
}

static bool q_full(const struct arm_smmu_queue *q)
{
	return q_idx(q, q->prod) == q_idx(q, q->cons) && q_wrp(q, q->prod) != q_wrp(q, q->cons);
}

static bool q_empty(const struct arm_smmu_queue *q)
{
	return q->prod == q->cons;
}

static int queue_alloc(struct arm_smmu_queue *q, struct hyp_pool *pool, u32 log2size,
		       u32 dwords, u64 prod_reg, u64 cons_reg)
{
	q->base = hyp_alloc_pages_contig(pool, 1);
	if (!q->base)
		return -ENOMEM;
	q->log2size = log2size;
	q->dwords = dwords;
	q->prod = q->cons = 0;
	q->prod_reg = prod_reg;
	q->cons_reg = cons_reg;
	return 0;
}

static u64 queue_base_reg(const struct arm_smmu_queue *q)
{
	return Q_BASE_RWA | FIELD_PREP(Q_BASE_ADDR, (u64)(uintptr_t)q->base >> 5) |
	       FIELD_PREP(Q_BASE_LOG2SIZE, q->log2size);
}

int smmu_queue_init(struct arm_smmu_device *smmu, struct hyp_pool *pool)
{
	u32 cmdqs = FIELD_GET(IDR1_CMDQS, smmu->idr1), evtqs = FIELD_GET(IDR1_EVTQS, smmu->idr1);
	int ret;

	/* One page each, or less when the SMMU's queues are smaller. */
	ret = queue_alloc(&smmu->cmdq, pool, cmdqs < CMDQ_LOG2SIZE ? cmdqs : CMDQ_LOG2SIZE,
			  CMDQ_ENT_DWORDS, ARM_SMMU_CMDQ_PROD, ARM_SMMU_CMDQ_CONS);
	if (!ret)
		ret = queue_alloc(&smmu->evtq, pool, evtqs < EVTQ_LOG2SIZE ? evtqs : EVTQ_LOG2SIZE,
				  EVTQ_ENT_DWORDS, ARM_SMMU_EVTQ_PROD, ARM_SMMU_EVTQ_CONS);
	if (ret)
		return ret;
	smmu_write64(smmu, ARM_SMMU_CMDQ_BASE, queue_base_reg(&smmu->cmdq));
	smmu_write(smmu, ARM_SMMU_CMDQ_PROD, 0);
	smmu_write(smmu, ARM_SMMU_CMDQ_CONS, 0);
	smmu_write64(smmu, ARM_SMMU_EVTQ_BASE, queue_base_reg(&smmu->evtq));
	smmu_write(smmu, ARM_SMMU_EVTQ_PROD, 0);
	smmu_write(smmu, ARM_SMMU_EVTQ_CONS, 0);
	return 0;
}

/* Poll register @off until (value & mask) == want, or the timeout. */
int smmu_wait_reg(struct arm_smmu_device *smmu, u64 off, u32 mask, u32 want)
{
	hyp_deadline_t d = hyp_deadline_us(ARM_SMMU_POLL_TIMEOUT_US);

	for (;;) {
		if ((smmu_read(smmu, off) & mask) == want)
			return 0;
		if (hyp_deadline_passed(d))
			break;
	}
	pr_err("smmu@%lx: register %lx stuck at %x (waiting for %x under mask %x)\n",
	       (unsigned long)smmu->pa, (unsigned long)off, smmu_read(smmu, off), want, mask);
	return -ETIMEDOUT;
}

static const char *const cerror_names[] = {
	[CMDQ_ERR_CERROR_NONE] = "none",
	[CMDQ_ERR_CERROR_ILL] = "illegal command",
	[CMDQ_ERR_CERROR_ABT] = "abort reading the command",
	[CMDQ_ERR_CERROR_ATC_INV_SYNC] = "ATC invalidation timeout",
};

/*
 * The SMMU stopped at a command it could not execute (7.1): report it, put a
 * CMD_SYNC in its place so the queue can go on, and acknowledge the error.
 */
static void smmu_cmdq_skip_err(struct arm_smmu_device *smmu)
{
	struct arm_smmu_queue *q = &smmu->cmdq;
	u32 cons = smmu_read(smmu, ARM_SMMU_CMDQ_CONS);
	u32 err = FIELD_GET(CMDQ_CONS_ERR, cons);
	u64 *ent = &q->base[q_idx(q, cons) * q->dwords];

	pr_err("smmu@%lx: command queue error %u (%s) at entry %u: %lx %lx\n",
	       (unsigned long)smmu->pa, err,
	       err < ARRAY_SIZE(cerror_names) ? cerror_names[err] : "unknown", q_idx(q, cons),
	       (unsigned long)ent[0], (unsigned long)ent[1]);
	ent[0] = FIELD_PREP(CMDQ_0_OP, CMDQ_OP_CMD_SYNC);
	ent[1] = 0;
	smmu_write(smmu, ARM_SMMU_GERRORN, smmu_read(smmu, ARM_SMMU_GERRORN) ^ GERROR_CMDQ_ERR);
}

static bool cmdq_err_pending(struct arm_smmu_device *smmu)
{
	return (smmu_read(smmu, ARM_SMMU_GERROR) ^ smmu_read(smmu, ARM_SMMU_GERRORN)) &
	       GERROR_CMDQ_ERR;
}

/* Refresh the shadow CONS; false when the SMMU reported a command error. */
static bool cmdq_update_cons(struct arm_smmu_device *smmu)
{
	struct arm_smmu_queue *q = &smmu->cmdq;

	q->cons = smmu_read(smmu, q->cons_reg) & (BIT(q->log2size + 1) - 1);
	return !cmdq_err_pending(smmu);
}

int smmu_cmdq_issue(struct arm_smmu_device *smmu, const u64 *cmd)
{
	struct arm_smmu_queue *q = &smmu->cmdq;
	u64 *ent;

	hyp_assert_lock_held(&smmu->lock);
	if (q_full(q)) {
		hyp_deadline_t d = hyp_deadline_us(ARM_SMMU_POLL_TIMEOUT_US);

		while (cmdq_update_cons(smmu) && q_full(q)) {
			if (hyp_deadline_passed(d)) {
				pr_err("smmu@%lx: command queue full: the SMMU does not consume it\n",
				       (unsigned long)smmu->pa);
				return -ETIMEDOUT;
			}
		}
		if (cmdq_err_pending(smmu)) {
			smmu_cmdq_skip_err(smmu);
			return -EIO;
		}
	}
	ent = &q->base[q_idx(q, q->prod) * q->dwords];
	ent[0] = cmd[0];
	ent[1] = cmd[1];
	q->prod = q_inc(q, q->prod);
	/* writel: the entry is visible to the SMMU before the new PROD. */
	smmu_write(smmu, q->prod_reg, q->prod);
	arm_smmu_stats.nr_cmds++;
	return 0;
}

/*
 * Issue CMD_SYNC and wait until the SMMU consumed it: every command before
 * it has then completed (4.7.3), e.g. an invalidation no longer lets a
 * transaction use the old translation.
 */
int smmu_cmdq_sync(struct arm_smmu_device *smmu)
{
	struct arm_smmu_queue *q = &smmu->cmdq;
	u64 cmd[CMDQ_ENT_DWORDS] = { FIELD_PREP(CMDQ_0_OP, CMDQ_OP_CMD_SYNC) |
				     FIELD_PREP(CMDQ_SYNC_0_CS, CMDQ_SYNC_0_CS_NONE), 0 };
	hyp_deadline_t d;
	int ret = smmu_cmdq_issue(smmu, cmd);

	if (ret)
		return ret;
	arm_smmu_stats.nr_sync++;
	d = hyp_deadline_us(ARM_SMMU_POLL_TIMEOUT_US);
	for (;;) {
		if (!cmdq_update_cons(smmu)) {
			smmu_cmdq_skip_err(smmu);
			return -EIO;
		}
		if (q_empty(q))
			return 0;
		if (hyp_deadline_passed(d))
			break;
	}
	pr_err("smmu@%lx: CMD_SYNC not consumed (prod %x, cons %x): invalidation not confirmed\n",
	       (unsigned long)smmu->pa, q->prod, q->cons);
	return -ETIMEDOUT;
}

void smmu_build_opcode(u64 *cmd, u8 op)
{
	cmd[0] = FIELD_PREP(CMDQ_0_OP, op);
	cmd[1] = 0;
}

void smmu_build_cfgi_all(u64 *cmd)
{
	cmd[0] = FIELD_PREP(CMDQ_0_OP, CMDQ_OP_CFGI_ALL);
	cmd[1] = FIELD_PREP(CMDQ_CFGI_1_RANGE, 31); /* every stream ID (4.3.3) */
}

void smmu_build_vmall(u64 *cmd, u16 vmid)
{
	cmd[0] = FIELD_PREP(CMDQ_0_OP, CMDQ_OP_TLBI_S12_VMALL) | FIELD_PREP(CMDQ_TLBI_0_VMID, vmid);
	cmd[1] = 0;
}

/*
 * TLBI_S2_IPA (4.4.7) of the host VMID. Range form (IDR3.RIL): TG = 4 KiB,
 * (num + 1) << (5 * scale + 1)... as 4.4.1.1 defines; otherwise one page.
 * Leaf = 0: table entries may have changed too (a split or a merge).
 */
void smmu_build_tlbi_s2_ipa(u64 *cmd, u64 addr, u32 num, u32 scale, bool range)
{
	cmd[0] = FIELD_PREP(CMDQ_0_OP, CMDQ_OP_TLBI_S2_IPA) |
		 FIELD_PREP(CMDQ_TLBI_0_VMID, ARM_SMMU_HOST_VMID);
	cmd[1] = addr & CMDQ_TLBI_1_IPA_MASK;
	if (range) {
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_NUM, num) | FIELD_PREP(CMDQ_TLBI_0_SCALE, scale);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_TG, 1);
	}
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

static void smmu_handle_event(struct arm_smmu_device *smmu, const u64 *evt)
{
	u8 id = FIELD_GET(EVTQ_0_ID, evt[0]);
	u32 sid = FIELD_GET(EVTQ_0_SID, evt[0]);

	if (event_is_s2_fault(evt)) {
		smmu->nr_s2_faults++;
		smmu->last_fault_addr = evt[2];
	} else {
		smmu->nr_other_events++;
	}
	if (smmu->nr_fault_logs < SMMU_EVENT_LOG_LIMIT) {
		pr_warn("smmu@%lx: %s (0x%x) stream %x %s addr %lx%s\n", (unsigned long)smmu->pa,
			smmu_event_name(id), id, sid, evt[1] & EVTQ_1_RNW ? "read" : "write",
			(unsigned long)evt[2], evt[1] & EVTQ_1_S2 ? " at stage 2" : "");
	} else if (smmu->nr_fault_logs == SMMU_EVENT_LOG_LIMIT) {
		pr_warn("smmu@%lx: further events are counted, not logged\n",
			(unsigned long)smmu->pa);
	}
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
		smmu_handle_event(smmu, &q->base[q_idx(q, q->cons) * q->dwords]);
		q->cons = q_inc(q, q->cons);
	}
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
	u32 gerror = smmu_read(smmu, ARM_SMMU_GERROR);
	u32 active = (gerror ^ smmu_read(smmu, ARM_SMMU_GERRORN)) & GERROR_ALL;
	unsigned int i;

	if (active & GERROR_CMDQ_ERR) {
		smmu_cmdq_skip_err(smmu);
		active &= ~GERROR_CMDQ_ERR;
		gerror = smmu_read(smmu, ARM_SMMU_GERROR);
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
	smmu_write(smmu, ARM_SMMU_GERRORN, gerror);
	return -EIO;
}
