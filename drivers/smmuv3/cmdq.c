// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMMUv3 command queue (IHI 0070 3.5, chapter 4): commands written at
 * PROD, CMD_SYNC completion observed by polling CONS (4.7.3), command errors
 * (CMDQ_CONS.ERR, GERROR.CMDQ_ERR, 7.1) reported and skipped. Every wait is
 * bounded by the generic timer: a queue the SMMU never consumes is
 * -ETIMEDOUT, never a hang, and one call (include/isohyp/lock.h) waits out
 * at most one timeout per SMMU: later waits in it only look once, and are
 * not counted. SMMU_BROKEN_TIMEOUTS timeouts in a row and the SMMU is broken:
 * every later command fails at once with -EIO, nothing waits on it again.
 * Callers hold smmu->lock.
 */
#include <isohyp/console.h>
#include <isohyp/delay.h>
#include <isohyp/errno.h>
#include <isohyp/panic.h>

#include "smmuv3.h"

struct arm_smmu_stats arm_smmu_stats;

int smmu_cmdq_init(struct arm_smmu_device *smmu, struct hyp_pool *pool)
{
	return smmu_queue_init(smmu, &smmu->cmdq, pool, CMDQ_LOG2SIZE,
			       FIELD_GET(IDR1_CMDQS, smmu->idr1), CMDQ_ENT_DWORDS, SMMU_CMDQ_BASE,
			       SMMU_CMDQ_PROD, SMMU_CMDQ_CONS);
}

/* The same queue, empty, after the SMMU lost its registers. */
void smmu_cmdq_program(struct arm_smmu_device *smmu)
{
	smmu_queue_program(smmu, &smmu->cmdq);
}

/* One more wait the SMMU let pass; too many in a row and it is dead. */
static int smmu_cmdq_timeout(struct arm_smmu_device *smmu)
{
	if (++smmu->nr_timeouts >= SMMU_BROKEN_TIMEOUTS)
		smmu_mark_broken_locked(smmu, "consecutive command timeouts");
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
void smmu_cmdq_skip_err(struct arm_smmu_device *smmu)
{
	struct arm_smmu_queue *q = &smmu->cmdq;
	u32 cons = smmu_read(smmu, SMMU_CMDQ_CONS);
	u32 err = FIELD_GET(CMDQ_CONS_ERR, cons);
	u64 *ent = &q->base[q_idx(q, cons) * q->dwords];

	pr_err("smmu@%lx: command queue error %u (%s) at entry %u: %lx %lx\n",
	       (unsigned long)smmu->pa, err,
	       err < ARRAY_SIZE(cerror_names) ? cerror_names[err] : "unknown", q_idx(q, cons),
	       (unsigned long)ent[0], (unsigned long)ent[1]);
	ent[0] = FIELD_PREP(CMDQ_0_OP, CMDQ_OP_CMD_SYNC);
	ent[1] = 0;
	/* At the PoC before GERRORN restarts the queue there, if not coherent. */
	smmu_sync_for_device(smmu, ent, CMDQ_ENT_DWORDS * sizeof(u64));
	smmu_write(smmu, SMMU_GERRORN, smmu_read(smmu, SMMU_GERRORN) ^ GERROR_CMDQ_ERR);
}

static bool cmdq_err_pending(struct arm_smmu_device *smmu)
{
	return (smmu_read(smmu, SMMU_GERROR) ^ smmu_read(smmu, SMMU_GERRORN)) &
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
	if (smmu->broken)
		return -EIO; /* fail fast: never wait on a dead SMMU again */
	if (q_full(q)) {
		hyp_deadline_t d = smmu_wait_deadline(smmu);

		while (cmdq_update_cons(smmu) && q_full(q)) {
			if (hyp_deadline_passed(d)) {
				if (!smmu_wait_timed_out(smmu))
					return -ETIMEDOUT; /* not waited: see the file header */
				pr_err("smmu@%lx: command queue full: the SMMU does not consume it\n",
				       (unsigned long)smmu->pa);
				return smmu_cmdq_timeout(smmu);
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
	/* At the PoC before PROD moves past it, if the SMMU reads from there. */
	smmu_sync_for_device(smmu, ent, CMDQ_ENT_DWORDS * sizeof(u64));
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
	d = smmu_wait_deadline(smmu);
	for (;;) {
		if (!cmdq_update_cons(smmu)) {
			smmu_cmdq_skip_err(smmu);
			return -EIO;
		}
		if (q_empty(q)) {
			smmu->nr_timeouts = 0;
			return 0;
		}
		if (hyp_deadline_passed(d))
			break;
	}
	if (!smmu_wait_timed_out(smmu))
		return -ETIMEDOUT; /* not waited: see the file header */
	pr_err("smmu@%lx: CMD_SYNC not consumed (prod %x, cons %x): invalidation not confirmed\n",
	       (unsigned long)smmu->pa, q->prod, q->cons);
	return smmu_cmdq_timeout(smmu);
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
		 FIELD_PREP(CMDQ_TLBI_0_VMID, SMMU_HOST_VMID);
	cmd[1] = addr & CMDQ_TLBI_1_IPA_MASK;
	if (range) {
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_NUM, num) | FIELD_PREP(CMDQ_TLBI_0_SCALE, scale);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_TG, 1);
	}
}
