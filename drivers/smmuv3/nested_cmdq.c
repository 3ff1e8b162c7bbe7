// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode, the command queue shadow (ARCHITECTURE.md section 6
 * "Nested"; IHI 0070 chapter 4 "Commands", 7.1 "Command queue errors"). The
 * real SMMU never reads the host's command queue: when the host moves its
 * CMDQ_PROD, each new command is read from the host's (pinned) queue,
 * checked, and its equivalent issued on the real queue -- synchronously, so
 * the host's CMDQ_CONS has caught up (or stopped at an error) when the
 * write returns.
 *
 *	host command			on the real SMMU
 *	CFGI_STE, CFGI_STE_RANGE, CFGI_ALL	the streams re-shadowed (nested_ste.c), then
 *					CFGI_STE (CFGI_ALL for a range): the
 *					SMMU drops the CDs it cached for them
 *					even where our STE did not change
 *	CFGI_CD, CFGI_CD_ALL		the same, rebuilt (SSID 0: no substreams)
 *	TLBI_NH_ALL, _ASID, _VA, _VAA	the same with our VMID (the host's is RES0)
 *	TLBI_NSNH_ALL			TLBI_S12_VMALL of our VMID: everything the
 *					host could have cached, and no more
 *	PREFETCH_CONFIG, PREFETCH_ADDR	nothing (a hint)
 *	CMD_SYNC (CS none or SEV)	CMD_SYNC, waited for; then CONS moves past it
 *	TLBI_EL2_*, TLBI_EL3_*, TLBI_S2_IPA, TLBI_S12_VMALL, CFGI_VMS_PIDM,
 *	ATC_INV, PRI_RESP, RESUME, STALL_TERM, CMD_SYNC with an MSI, unknown
 *					illegal: CERROR_ILL (the features are not
 *					offered: no HYP, stage 2, ATS, PRI, stalls,
 *					MSIs)
 * An illegal command stops the queue as the architecture says (7.1): CONS
 * stays on it with CMDQ_CONS.ERR = CERROR_ILL, GERROR.CMDQ_ERR is toggled,
 * and nothing more runs until the host acknowledges it in GERRORN -- the
 * host driver's own recovery (replace the command, acknowledge) then works.
 * A real CMD_SYNC that times out leaves the host's CONS in front of its
 * CMD_SYNC: the host's wait times out too.
 */
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>

#include "nested.h"

/* What became of one host command. */
enum nested_cmd_fate {
	CMD_ISSUE, /* @real goes on the real queue */
	CMD_WAIT, /* a real CMD_SYNC, waited for */
	CMD_RESHADOW, /* streams [sid, sid + nr) re-shadowed */
	CMD_NOTHING,
	CMD_ILLEGAL,
};

struct nested_cmd {
	u64 real[CMDQ_ENT_DWORDS];
	u32 sid;
	u64 nr;
};

static bool sid_ok(const struct smmu_nested *n, u32 sid)
{
	return !(sid >> FIELD_GET(IDR1_SIDSIZE, n->idr[1]));
}

/* TG (4.4.2): the translation granule of a range invalidation, as IDR5 offers it. */
static bool tg_offered(const struct smmu_nested *n, u32 tg)
{
	static const u32 gran[4] = { 0, IDR5_GRAN4K, IDR5_GRAN16K, IDR5_GRAN64K };

	return n->idr[5] & gran[tg];
}

/*
 * TLBI_NH_VA/VAA (4.4.2, 4.4.3): the range form only if RIL and its granule
 * were offered. Without TG, NUM, SCALE and TTL are RES0: dropped, not passed
 * on -- the real SMMU may find a command with them set illegal and stop its
 * queue, the hypervisor's too.
 */
static enum nested_cmd_fate nh_va(const struct smmu_nested *n, const u64 *host, u64 *real,
				  bool asid)
{
	u32 tg = FIELD_GET(CMDQ_TLBI_1_TG, host[1]);
	u64 range0 = tg ? CMDQ_TLBI_0_NUM | CMDQ_TLBI_0_SCALE : 0;
	u64 range1 = tg ? CMDQ_TLBI_1_TTL | CMDQ_TLBI_1_TG : 0;

	if (tg && (!(n->idr[3] & IDR3_RIL) || !tg_offered(n, tg)))
		return CMD_ILLEGAL;
	real[0] = (host[0] & (CMDQ_0_OP | range0 | (asid ? CMDQ_TLBI_0_ASID : 0))) |
		  FIELD_PREP(CMDQ_TLBI_0_VMID, SMMU_HOST_VMID);
	real[1] = host[1] & (CMDQ_TLBI_1_LEAF | range1 | CMDQ_TLBI_1_VA_MASK);
	return CMD_ISSUE;
}

/* Check one host command and say what to do for it (see the file comment). */
static enum nested_cmd_fate nested_cmd_translate(const struct smmu_nested *n, const u64 *host,
						 struct nested_cmd *c)
{
	u8 op = FIELD_GET(CMDQ_0_OP, host[0]);
	u32 sid = FIELD_GET(CMDQ_CFGI_0_SID, host[0]), range;

	c->real[0] = FIELD_PREP(CMDQ_0_OP, op);
	c->real[1] = 0;
	switch (op) {
	case CMDQ_OP_PREFETCH_CONFIG:
	case CMDQ_OP_PREFETCH_ADDR:
		return CMD_NOTHING;
	case CMDQ_OP_CFGI_STE:
		if (!sid_ok(n, sid))
			return CMD_ILLEGAL;
		c->sid = sid;
		c->nr = 1;
		/* Leaf = 0: the level-1 descriptor too, which we may have moved. */
		c->real[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, sid);
		return CMD_RESHADOW;
	case CMDQ_OP_CFGI_STE_RANGE:
		/* 2^(Range + 1) streams, aligned (4.3.2); Range 31: all of them. */
		range = FIELD_GET(CMDQ_CFGI_1_RANGE, host[1]);
		c->nr = BIT((u64)range + 1);
		c->sid = range == 31 ? 0 : sid & ~(u32)(c->nr - 1);
		smmu_build_cfgi_all(c->real);
		return CMD_RESHADOW;
	case CMDQ_OP_CFGI_CD:
		if (!sid_ok(n, sid) || FIELD_GET(CMDQ_CFGI_0_SSID, host[0]))
			return CMD_ILLEGAL;
		c->real[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, sid);
		c->real[1] = host[1] & CMDQ_CFGI_1_LEAF;
		return CMD_ISSUE;
	case CMDQ_OP_CFGI_CD_ALL:
		if (!sid_ok(n, sid))
			return CMD_ILLEGAL;
		c->real[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, sid);
		return CMD_ISSUE;
	case CMDQ_OP_TLBI_NH_ALL:
		c->real[0] |= FIELD_PREP(CMDQ_TLBI_0_VMID, SMMU_HOST_VMID);
		return CMD_ISSUE;
	case CMDQ_OP_TLBI_NH_ASID:
		c->real[0] |=
			(host[0] & CMDQ_TLBI_0_ASID) | FIELD_PREP(CMDQ_TLBI_0_VMID, SMMU_HOST_VMID);
		return CMD_ISSUE;
	case CMDQ_OP_TLBI_NH_VA:
		return nh_va(n, host, c->real, true);
	case CMDQ_OP_TLBI_NH_VAA:
		return nh_va(n, host, c->real, false);
	case CMDQ_OP_TLBI_NSNH_ALL:
		smmu_build_vmall(c->real, SMMU_HOST_VMID);
		return CMD_ISSUE;
	case CMDQ_OP_CMD_SYNC:
		switch (FIELD_GET(CMDQ_SYNC_0_CS, host[0])) {
		case CMDQ_SYNC_0_CS_NONE:
		case CMDQ_SYNC_0_CS_SEV: /* no SEV offered: as none */
			return CMD_WAIT;
		default: /* an MSI (not offered), or reserved */
			return CMD_ILLEGAL;
		}
	default:
		return CMD_ILLEGAL;
	}
}

/* Run one host command: 0, -EINVAL (illegal), or the real SMMU's -errno. */
static int nested_cmd_run(struct smmu_nested *n, const u64 *host)
{
	struct arm_smmu_device *smmu = n->smmu;
	struct nested_cmd c;
	int ret = 0;

	switch (nested_cmd_translate(n, host, &c)) {
	case CMD_ILLEGAL:
		return -EINVAL;
	case CMD_NOTHING:
		return 0;
	case CMD_RESHADOW:
		/*
		 * Our STEs first (each change already invalidated and synced),
		 * then the host's own invalidation: a CD it changed behind an
		 * STE that stayed the same must be fetched again (4.3.1).
		 */
		ret = smmu_nested_shadow_range(n, c.sid, c.nr);
		if (ret)
			return ret;
		break;
	case CMD_ISSUE:
	case CMD_WAIT:
		break;
	}
	hyp_spin_lock(&smmu->lock);
	if (smmu->broken)
		ret = -EIO;
	else if (FIELD_GET(CMDQ_0_OP, c.real[0]) == CMDQ_OP_CMD_SYNC)
		ret = smmu_cmdq_sync(smmu);
	else
		ret = smmu_cmdq_issue(smmu, c.real);
	hyp_spin_unlock(&smmu->lock);
	return ret;
}

static void nested_cmd_refuse(struct smmu_nested *n, const u64 *host)
{
	n->nr_cmds_refused++;
	n->cmdq.cons |= FIELD_PREP(CMDQ_CONS_ERR, CMDQ_ERR_CERROR_ILL);
	n->gerror ^= GERROR_CMDQ_ERR;
	pr_warn("smmu@%lx: host command %02x (%016lx %016lx) illegal: CERROR_ILL\n",
		(unsigned long)n->smmu->pa, (unsigned int)FIELD_GET(CMDQ_0_OP, host[0]),
		(unsigned long)host[0], (unsigned long)host[1]);
}

void smmu_nested_cmdq_process(struct smmu_nested *n)
{
	u32 log2 = nested_cmdq_log2(n), mask = nested_q_mask(log2), budget = BIT(log2);
	u64 host[CMDQ_ENT_DWORDS];
	int ret;

	if (!(n->cr0ack & CR0_CMDQEN) || ((n->gerror ^ n->gerrorn) & GERROR_CMDQ_ERR))
		return; /* off, or stopped at an error until the host acknowledges it */
	/* At most one lap per call: PROD is the host's, fixed while we run. */
	while ((n->cmdq.cons & mask) != n->cmdq.prod && budget--) {
		u32 idx = n->cmdq.cons & (BIT(log2) - 1);

		/* The queue is pinned (nested.c): host RAM for as long as it is enabled. */
		host_mmu_lock();
		nested_host_read(n, n->cmdq.pin_addr + (u64)idx * CMDQ_ENT_DWORDS * 8, host,
				 sizeof(host));
		host_mmu_unlock();
		ret = nested_cmd_run(n, host);
		if (ret == -EINVAL) {
			nested_cmd_refuse(n, host);
			return;
		}
		if (ret) {
			pr_err("smmu@%lx: host command %02x not completed (%d): its queue waits\n",
			       (unsigned long)n->smmu->pa,
			       (unsigned int)FIELD_GET(CMDQ_0_OP, host[0]), ret);
			return;
		}
		n->nr_cmds++;
		n->cmdq.cons = (n->cmdq.cons + 1) & mask;
	}
}
