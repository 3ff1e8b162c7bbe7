// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode, the stream table shadow (ARCHITECTURE.md section 6 "Nested";
 * IHI 0070 5.2 "Stream Table Entry", 3.21.3 "Configuration structure
 * update procedure"). The real SMMU never reads the host's stream table:
 * for each stream the hypervisor reads the host's STE and writes its own.
 *
 *	host				the hypervisor's STE
 *	SMMUEN = 0, GBPA.ABORT		abort (no event: SMMUEN = 0 translates
 *					nothing, 6.3.14)
 *	SMMUEN = 0, GBPA bypass		stage 2 only (the identity map), with
 *					GBPA's attribute overrides (below)
 *	stream beyond LOG2SIZE,		V = 0, marked C_BAD_STREAMID
 *	L1 descriptor Span 0
 *	beyond the L1 Span, V = 0,	V = 0, marked C_BAD_STE
 *	Config reserved, Config with
 *	stage 2 (not offered),
 *	S1CDMax != 0 (no substreams
 *	offered), S1STALLD with no
 *	stalls offered
 *	STE or L2 table not host RAM	abort (no event; see below)
 *	Config abort			abort (no event, 5.2)
 *	Config bypass			stage 2 only
 *	Config stage 1			stage 1 nested over stage 2 (Config S1+S2):
 *					the host's S1ContextPtr and CD-fetch
 *					attributes, our stage 2 and VMID
 * Everything else of the host's STE is dropped: EATS, STRW, MEV, the
 * attribute overrides (but GBPA's, below), S1STALLD (the host's is ILLEGAL;
 * ours is set where the SMMU could stall),
 * S1DSS and S1Fmt (meaningless without substreams). Every CD fetch, stage-1
 * walk and output address then goes through stage 2.
 *
 * A configuration the architecture calls invalid (5.2 "ILLEGAL", 7.3.3
 * C_BAD_STREAMID, 7.3.5 C_BAD_STE) gets a real STE with V = 0: the SMMU
 * records C_BAD_STE for it and terminates the transaction -- as safe as
 * abort -- and the SMMU ignores every other bit of an STE with V = 0, so ours
 * carries the event the host's SMMU would have recorded (NESTED_STE_0_EVT).
 * nested_evtq.c gives the host that event for its stream. Which of the two a
 * level-1 descriptor's Span makes follows QEMU's reading (Span 0:
 * C_BAD_STREAMID; a stream beyond Span: C_BAD_STE). An STE or level-2 table
 * outside host RAM would be an F_STE_FETCH on hardware; here it aborts
 * without an event (not forwarded: the record would carry the address).
 *
 * GBPA's attributes (6.3.14) reach the bypassing streams as the STE's
 * overrides of the incoming attributes, whose encodings they share (5.2):
 * MTCFG/MemAttr, ALLOCCFG, SHCFG, PRIVCFG, INSTCFG. With stage 2 on, the
 * input attributes combine with stage 2's -- the stronger memory type, the
 * wider shareability win (no S2FWB) -- so none weakens what stage 2 maps:
 * MMIO stays Device, RAM can only become less cacheable for the host's own
 * DMA. PRIVCFG only matters to stage 1, ALLOCCFG is a hint. Not passed (the
 * STE says "incoming"): a reserved PRIVCFG (0b01) or MemAttr (cacheable
 * outer with inner 0b00), and INSTCFG "instruction", which our stage 2
 * (never executable) would fault where a bypass lets it through.
 *
 * 2-level real tables (the usual case): a span whose 64 STEs are all abort
 * points at one shared abort table, all stage-2-only at the driver's shared
 * table; any other span gets a level-2 table of its own, allocated when
 * needed and freed when the span is uniform again. Each change is made
 * without a transaction seeing a half-written STE (3.21.3): STEs are
 * written in up to three passes, each ended by CFGI_STE per changed stream
 * and one CMD_SYNC -- the dwords the current STE does not use, then the one
 * dword that switches it, then the new STE's unused bits -- and an STE
 * that would need two dwords switched at once goes through abort first
 * (Linux's arm_smmu_write_entry() follows the same rules).
 */
#include <string.h>

#include <asm/barrier.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>
#include <isohyp/panic.h>

#include "nested.h"

#define SPAN_STES BIT(STRTAB_SPLIT)
/* Dwords of an STE that any configuration we write uses. */
#define STE_USED_DWORDS 4
/*
 * Ours, in an STE with V = 0 (which the SMMU ignores but for V, 5.2): the
 * event a transaction on the stream raises at the host's SMMU.
 */
#define NESTED_STE_0_EVT GENMASK(15, 8)

static struct hyp_pool *nested_pool;

static bool host_smmuen(const struct smmu_nested *n)
{
	return n->cr0ack & CR0_SMMUEN;
}

/* ---- what a stream should get ---------------------------------------------- */

static void ste_abort(u64 *ste)
{
	memset(ste, 0, STRTAB_STE_SIZE);
	ste[0] = STE_0_V | FIELD_PREP(STE_0_CFG, STE_0_CFG_ABORT);
}

/* The host's configuration of the stream is invalid: V = 0, and the event it raises. */
static void ste_bad(u64 *ste, u8 evt)
{
	memset(ste, 0, STRTAB_STE_SIZE);
	ste[0] = FIELD_PREP(NESTED_STE_0_EVT, evt);
}

static void ste_s2(const struct smmu_nested *n, u64 *ste)
{
	smmu_ste_s2(ste, &smmu_idmap, n->smmu->oas_bits, n->smmu->coherent);
}

/* GBPA's attribute fields as an STE's overrides (see the file comment). */
static u64 gbpa_overrides(u32 gbpa)
{
	u32 memattr = FIELD_GET(GBPA_MEMATTR, gbpa), priv = FIELD_GET(GBPA_PRIVCFG, gbpa);
	u64 d1 = FIELD_PREP(STE_1_SHCFG, FIELD_GET(GBPA_SHCFG, gbpa)) |
		 FIELD_PREP(STE_1_ALLOCCFG, FIELD_GET(GBPA_ALLOCCFG, gbpa));

	if ((gbpa & GBPA_MTCFG) && (!(memattr >> 2) || (memattr & 3)))
		d1 |= STE_1_MTCFG | FIELD_PREP(STE_1_MEMATTR, memattr);
	if (priv != 1)
		d1 |= FIELD_PREP(STE_1_PRIVCFG, priv);
	if (FIELD_GET(GBPA_INSTCFG, gbpa) == 2) /* data */
		d1 |= FIELD_PREP(STE_1_INSTCFG, 2);
	return d1;
}

/* Stage 2 only, for a stream that bypasses while the host's SMMUEN = 0. */
static void ste_gbpa(const struct smmu_nested *n, u64 *ste)
{
	ste_s2(n, ste);
	ste[1] = gbpa_overrides(n->gbpa);
}

/* Stage 1 (the host's CD) nested over our stage 2: see the file comment. */
static void ste_nested(const struct smmu_nested *n, const u64 *host, u64 *ste)
{
	ste_s2(n, ste);
	ste[1] |= host[1] & (STE_1_S1CIR | STE_1_S1COR | STE_1_S1CSH);
	/* A stall would wait for a CMD_RESUME the host may not send: never stall. */
	if (!FIELD_GET(IDR0_STALL_MODEL, n->smmu->idr0))
		ste[1] |= STE_1_S1STALLD;
	ste[0] = STE_0_V | FIELD_PREP(STE_0_CFG, STE_0_CFG_S1_S2) | (host[0] & STE_0_S1CTXPTR);
}

/*
 * The host's STE of @sid, read under host_mmu.lock: 0; or the event the
 * host's SMMU records for it (no STE: beyond LOG2SIZE or the level-1 Span);
 * or -EPERM, its STE is not in host RAM (an abort, see the file comment).
 */
static int host_ste_read_locked(const struct smmu_nested *n, u32 sid, u64 *host)
{
	u32 cfg = n->strtab_base_cfg, log2 = FIELD_GET(STRTAB_BASE_CFG_LOG2SIZE, cfg);
	u32 split = FIELD_GET(STRTAB_BASE_CFG_SPLIT, cfg), span;
	u64 pa, l1;

	if (log2 > FIELD_GET(IDR1_SIDSIZE, n->idr[1]))
		log2 = FIELD_GET(IDR1_SIDSIZE, n->idr[1]);
	if (sid >> log2)
		return EVT_ID_BAD_STREAMID;
	if (FIELD_GET(STRTAB_BASE_CFG_FMT, cfg) == STRTAB_BASE_CFG_FMT_LINEAR) {
		pa = n->strtab_pin_addr + (u64)sid * STRTAB_STE_SIZE;
	} else {
		/* Level 1 is pinned (nested.c): it is the host's. */
		nested_host_read(n, n->strtab_pin_addr + (u64)(sid >> split) * sizeof(u64), &l1,
				 sizeof(l1));
		span = FIELD_GET(STRTAB_L1_DESC_SPAN, l1);
		if (!span)
			return EVT_ID_BAD_STREAMID;
		/* Span beyond SPLIT + 1 is reserved: the descriptor is as good as absent. */
		if (span > split + 1 || (sid & (BIT(split) - 1)) >= BIT(span - 1))
			return EVT_ID_BAD_STE;
		pa = ALIGN_DOWN(l1 & STRTAB_L1_DESC_L2PTR, (u64)STRTAB_STE_SIZE << (span - 1)) +
		     (u64)(sid & (BIT(split) - 1)) * STRTAB_STE_SIZE;
	}
	if (host_range_check_locked(pa, STRTAB_STE_SIZE))
		return -EPERM;
	nested_host_read(n, pa, host, STRTAB_STE_SIZE);
	return 0;
}

/*
 * A valid host STE the architecture calls ILLEGAL on the SMMU the host sees
 * (5.2): a stage that is not offered, or a reserved Config; substreams
 * (S1CDMax > IDR1.SSIDSIZE, which is 0); S1STALLD where IDR0.STALL_MODEL is
 * not 0b00 (we offer 0b01).
 */
static bool host_ste_illegal(const u64 *host)
{
	switch (FIELD_GET(STE_0_CFG, host[0])) {
	case STE_0_CFG_ABORT:
	case STE_0_CFG_BYPASS:
		return false;
	case STE_0_CFG_S1_TRANS:
		return FIELD_GET(STE_0_S1CDMAX, host[0]) || (host[1] & STE_1_S1STALLD);
	default: /* reserved, or stage 2 (not offered) */
		return true;
	}
}

/* The STE the hypervisor gives @sid now, from the host's state (caller: host_mmu.lock). */
static void ste_want_locked(const struct smmu_nested *n, u32 sid, u64 *ste)
{
	u64 host[STRTAB_STE_DWORDS];
	int ret;

	if (!host_smmuen(n)) {
		if (n->gbpa & GBPA_ABORT)
			ste_abort(ste);
		else
			ste_gbpa(n, ste);
		return;
	}
	ret = host_ste_read_locked(n, sid, host);
	if (ret > 0) {
		ste_bad(ste, ret);
		return;
	}
	if (ret) {
		ste_abort(ste);
		return;
	}
	if (!(host[0] & STE_0_V) || host_ste_illegal(host)) {
		ste_bad(ste, EVT_ID_BAD_STE);
		return;
	}
	switch (FIELD_GET(STE_0_CFG, host[0])) {
	case STE_0_CFG_BYPASS:
		ste_s2(n, ste);
		break;
	case STE_0_CFG_S1_TRANS:
		ste_nested(n, host, ste);
		break;
	default: /* abort: the transaction ends, no event (5.2 Config) */
		ste_abort(ste);
		break;
	}
}

/* ---- writing it ----------------------------------------------------------------- */

/* The bits of each dword the SMMU uses for @ste (5.2), for the configurations we write. */
static void ste_used(const u64 *ste, u64 *used)
{
	u32 cfg = FIELD_GET(STE_0_CFG, ste[0]);

	memset(used, 0, STE_USED_DWORDS * sizeof(u64));
	used[0] = STE_0_V;
	if (!(ste[0] & STE_0_V))
		return;
	used[0] |= STE_0_CFG;
	if (cfg != STE_0_CFG_S2_TRANS && cfg != STE_0_CFG_S1_S2)
		return; /* abort */
	used[1] = STE_1_MEMATTR | STE_1_MTCFG | STE_1_ALLOCCFG | STE_1_SHCFG | STE_1_PRIVCFG |
		  STE_1_INSTCFG | STE_1_EATS | STE_1_STRW;
	used[2] = ~0ULL;
	used[3] = STE_3_S2TTB;
	if (cfg == STE_0_CFG_S1_S2) {
		used[0] |= STE_0_S1FMT | STE_0_S1CTXPTR | STE_0_S1CDMAX;
		used[1] |= STE_1_S1DSS | STE_1_S1CIR | STE_1_S1COR | STE_1_S1CSH | STE_1_S1STALLD;
	}
}

static void ste_plan(const u64 *cur, const u64 *want, struct ste_plan *p)
{
	u64 used_cur[STE_USED_DWORDS], used_want[STE_USED_DWORDS];
	unsigned int i, nr = 0;

	ste_used(cur, used_cur);
	ste_used(want, used_want);
	p->critical = STE_PLAN_NONE;
	for (i = 0; i < STE_USED_DWORDS; i++) {
		p->pass1[i] = (cur[i] & used_cur[i]) | (want[i] & ~used_cur[i]);
		if ((p->pass1[i] ^ want[i]) & used_want[i]) {
			p->critical = i;
			nr++;
		}
	}
	if (nr > 1)
		p->critical = STE_PLAN_BBM;
}

static void cfgi_ste(struct arm_smmu_device *smmu, u32 sid, int *ret)
{
	/* Leaf = 0: the level-1 descriptor may have changed too (4.3.1). */
	u64 cmd[CMDQ_ENT_DWORDS] = {
		FIELD_PREP(CMDQ_0_OP, CMDQ_OP_CFGI_STE) | FIELD_PREP(CMDQ_CFGI_0_SID, sid), 0
	};

	if (!*ret)
		*ret = smmu_cmdq_issue(smmu, cmd);
}

/* One 64-bit store: the SMMU sees a dword old or new, never torn. */
static void ste_store(u64 *ste, unsigned int i, u64 val)
{
	*(volatile u64 *)&ste[i] = val;
}

/*
 * Make the @nr STEs at @table (streams @sid0...) those of @want, in the
 * passes of the file comment. Caller holds smmu->lock.
 */
static int stes_install_locked(struct smmu_nested *n, u64 *table, u32 sid0, unsigned int nr,
			       const u64 *want)
{
	struct arm_smmu_device *smmu = n->smmu;
	unsigned int i, d, pass;
	int ret = 0;

	/* Planned once, from the STEs as they are now: later passes must not re-plan. */
	for (i = 0; i < nr; i++) {
		u64 *cur = &table[i * STRTAB_STE_DWORDS];
		const u64 *w = &want[i * STRTAB_STE_DWORDS];

		if (!memcmp(cur, w, STE_USED_DWORDS * sizeof(u64)))
			n->plan[i].critical = STE_PLAN_SAME;
		else
			ste_plan(cur, w, &n->plan[i]);
		if (n->plan[i].critical == STE_PLAN_BBM)
			n->nr_bbm++;
	}
	for (pass = 0; pass < 3 && !ret; pass++) {
		bool issued = false;

		for (i = 0; i < nr && !ret; i++) {
			struct ste_plan *p = &n->plan[i];
			u64 *cur = &table[i * STRTAB_STE_DWORDS];
			const u64 *w = &want[i * STRTAB_STE_DWORDS];
			bool changed = false;

			if (p->critical == STE_PLAN_SAME)
				continue;
			if (p->critical == STE_PLAN_BBM) {
				/*
				 * Abort, then the dwords abort ignores, then dword 0:
				 * each made visible (CFGI + CMD_SYNC) before the next,
				 * so no fetch mixes the old STE's and the new one's.
				 */
				if (pass == 0)
					ste_store(cur, 0,
						  STE_0_V | FIELD_PREP(STE_0_CFG, STE_0_CFG_ABORT));
				for (d = 1; pass == 1 && d < STE_USED_DWORDS; d++)
					ste_store(cur, d, w[d]);
				if (pass == 2)
					ste_store(cur, 0, w[0]);
				changed = true;
			} else if (pass == 0) {
				/* Bits the current STE ignores: it stays what it was. */
				for (d = 0; d < STE_USED_DWORDS; d++) {
					if ((int)d == p->critical || cur[d] == p->pass1[d])
						continue;
					ste_store(cur, d, p->pass1[d]);
					changed = true;
				}
			} else if (pass == 1 && p->critical >= 0) {
				/* The one 64-bit store that switches it. */
				ste_store(cur, p->critical, w[p->critical]);
				changed = true;
			} else if (pass == 2) {
				/* Bits the new STE ignores, cleaned up. */
				for (d = 0; d < STE_USED_DWORDS; d++) {
					if (cur[d] == w[d])
						continue;
					ste_store(cur, d, w[d]);
					changed = true;
				}
			}
			if (!changed)
				continue;
			smmu_sync_for_device(smmu, cur, STRTAB_STE_SIZE);
			cfgi_ste(smmu, sid0 + i, &ret);
			issued = true;
		}
		if (issued && !ret)
			ret = smmu_cmdq_sync(smmu);
	}
	for (i = 0; !ret && i < nr; i++)
		n->nr_ste_writes += n->plan[i].critical != STE_PLAN_SAME;
	return ret;
}

/* ---- spans ----------------------------------------------------------------------- */

static bool stes_all(const u64 *want, unsigned int nr, const u64 *ste)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (memcmp(&want[i * STRTAB_STE_DWORDS], ste, STRTAB_STE_SIZE))
			return false;
	return true;
}

/*
 * A new GBPA: the other of the two GBPA tables gets its STEs, and the spans
 * switch to it (l1_switch_locked(), CFGI_ALL after). The one they leave is
 * refilled only at the next change. Were a span still on it then (a
 * re-shadow cut short by a timeout), the SMMU could see an STE mixing two
 * GBPAs' attributes: still stage 2 only, ours -- dword 1 is all that differs.
 */
static void gbpa_table_fill_locked(struct smmu_nested *n, const u64 *ste)
{
	u64 *t = n->l2_gbpa[!n->gbpa_cur];
	unsigned int i, d;

	for (i = 0; i < SPAN_STES; i++)
		for (d = 0; d < STRTAB_STE_DWORDS; d++)
			ste_store(&t[i * STRTAB_STE_DWORDS], d, ste[d]);
	smmu_sync_for_device(n->smmu, t, SPAN_STES * STRTAB_STE_SIZE);
	n->gbpa_cur = !n->gbpa_cur;
}

/* The shared level-2 table whose STEs are all @want's first, if there is one. */
static u64 *span_shared(struct smmu_nested *n, const u64 *want)
{
	u64 ste[STRTAB_STE_DWORDS];

	if (!stes_all(want, SPAN_STES, want))
		return NULL;
	ste_abort(ste);
	if (!memcmp(want, ste, STRTAB_STE_SIZE))
		return n->l2_abort;
	ste_s2(n, ste);
	if (!memcmp(want, ste, STRTAB_STE_SIZE))
		return n->smmu->l2_strtab;
	ste_bad(ste, EVT_ID_BAD_STREAMID);
	if (!memcmp(want, ste, STRTAB_STE_SIZE))
		return n->l2_bad_sid;
	ste_bad(ste, EVT_ID_BAD_STE);
	if (!memcmp(want, ste, STRTAB_STE_SIZE))
		return n->l2_bad_ste;
	if (host_smmuen(n) || (n->gbpa & GBPA_ABORT))
		return NULL;
	/* GBPA bypass with attributes of the host's (stage 2 already matched the defaults). */
	ste_gbpa(n, ste);
	if (memcmp(want, ste, STRTAB_STE_SIZE))
		return NULL;
	if (memcmp(n->l2_gbpa[n->gbpa_cur], ste, STRTAB_STE_SIZE))
		gbpa_table_fill_locked(n, ste);
	return n->l2_gbpa[n->gbpa_cur];
}

static u64 l1_desc(const u64 *l2)
{
	return FIELD_PREP(STRTAB_L1_DESC_SPAN, STRTAB_SPLIT + 1) |
	       FIELD_PREP(STRTAB_L1_DESC_L2PTR, (u64)(uintptr_t)l2 >> 6);
}

/*
 * Point span @span's level-1 descriptor at @l2. Both tables hold complete
 * STEs, so either may be used until the CFGI_ALL that ends the update
 * (l1_flush_locked()); the table it left is freed only after that.
 */
static void l1_switch_locked(struct smmu_nested *n, u32 span, u64 *l2)
{
	struct arm_smmu_device *smmu = n->smmu;

	*(volatile u64 *)&smmu->strtab[span] = l1_desc(l2);
	smmu_sync_for_device(smmu, &smmu->strtab[span], sizeof(u64));
	n->l1_dirty = true;
}

/*
 * After level-1 switches: CFGI_ALL (every cached STE and level-1 descriptor)
 * and CMD_SYNC; then no SMMU reaches a level-2 table of a span's own that
 * its descriptor no longer names, and those go back to the pool.
 */
static int l1_flush_locked(struct smmu_nested *n)
{
	struct arm_smmu_device *smmu = n->smmu;
	u64 cmd[CMDQ_ENT_DWORDS];
	u32 span;
	int ret;

	if (!n->l1_dirty)
		return 0;
	smmu_build_cfgi_all(cmd);
	ret = smmu_cmdq_issue(smmu, cmd);
	ret = ret ?: smmu_cmdq_sync(smmu);
	if (ret)
		return ret; /* dirty still: the next update tries again */
	n->l1_dirty = false;
	for (span = 0; span < n->nr_spans; span++) {
		if (n->l2_own[span] && smmu->strtab[span] != l1_desc(n->l2_own[span])) {
			hyp_free_page(nested_pool, n->l2_own[span]);
			n->l2_own[span] = NULL;
		}
	}
	return 0;
}

/*
 * Span @span (2-level) to the STEs of @want: a shared table when they are
 * all alike, else a table of its own. Caller holds smmu->lock.
 */
static int span_install_locked(struct smmu_nested *n, u32 span, const u64 *want)
{
	struct arm_smmu_device *smmu = n->smmu;
	u64 *own = n->l2_own[span], *shared = span_shared(n, want);

	if (shared) {
		/* Its own table, if any, is freed by l1_flush_locked(). */
		if (smmu->strtab[span] != l1_desc(shared))
			l1_switch_locked(n, span, shared);
		return 0;
	}
	if (!own) {
		u64 *cur = (u64 *)(uintptr_t)(smmu->strtab[span] & STRTAB_L1_DESC_L2PTR);

		own = hyp_alloc_page(nested_pool);
		if (!own) {
			/* Safe whatever the host asked for: the whole span aborts. */
			pr_err("smmu@%lx: no memory for a level-2 stream table: streams %x-%x "
			       "abort\n",
			       (unsigned long)smmu->pa, (u32)(span * SPAN_STES),
			       (u32)((span + 1) * SPAN_STES - 1));
			if (cur != n->l2_abort)
				l1_switch_locked(n, span, n->l2_abort);
			return 0;
		}
		/* The same STEs as the table it replaces: the switch changes nothing. */
		memcpy(own, cur, SPAN_STES * STRTAB_STE_SIZE);
		smmu_sync_for_device(smmu, own, SPAN_STES * STRTAB_STE_SIZE);
		n->l2_own[span] = own;
		l1_switch_locked(n, span, own);
	} else if (smmu->strtab[span] != l1_desc(own)) {
		/* Left for a shared table in this update, not freed yet: back to it. */
		memcpy(own, (u64 *)(uintptr_t)(smmu->strtab[span] & STRTAB_L1_DESC_L2PTR),
		       SPAN_STES * STRTAB_STE_SIZE);
		smmu_sync_for_device(smmu, own, SPAN_STES * STRTAB_STE_SIZE);
		l1_switch_locked(n, span, own);
	}
	return stes_install_locked(n, own, span * SPAN_STES, SPAN_STES, want);
}

/* Streams [sid, sid + nr) within one span (or the linear table's chunk) of the real table. */
static int shadow_chunk(struct smmu_nested *n, u32 sid, u32 nr)
{
	struct arm_smmu_device *smmu = n->smmu;
	u64 *want = n->want;
	u32 i;
	int ret;

	host_mmu_lock();
	for (i = 0; i < nr; i++)
		ste_want_locked(n, sid + i, &want[i * STRTAB_STE_DWORDS]);
	host_mmu_unlock();
	hyp_spin_lock(&smmu->lock);
	if (smmu->broken)
		ret = -EIO;
	else if (smmu->two_level)
		ret = span_install_locked(n, sid / SPAN_STES, want);
	else
		ret = stes_install_locked(n, &smmu->strtab[(u64)sid * STRTAB_STE_DWORDS], sid, nr,
					  want);
	hyp_spin_unlock(&smmu->lock);
	return ret;
}

int smmu_nested_shadow_range(struct smmu_nested *n, u32 sid, u64 nr)
{
	struct arm_smmu_device *smmu = n->smmu;
	u64 end = sid + nr, max = BIT(smmu->sid_bits);
	u32 first;
	int ret = 0;

	if (end > max)
		end = max;
	/*
	 * What the SMMU recorded so far is staged now, against the marks of
	 * the STEs its transactions used (a C_BAD_STE's event is read from the
	 * STE when it is staged: nested_evtq.c).
	 */
	hyp_spin_lock(&smmu->lock);
	if (!smmu->broken)
		smmu_evtq_drain(smmu);
	hyp_spin_unlock(&smmu->lock);
	/* Whole spans: a 2-level span is installed as one (shared or own table). */
	for (first = ALIGN_DOWN(sid, SPAN_STES); !ret && first < end; first += SPAN_STES)
		ret = shadow_chunk(n, first, max - first < SPAN_STES ? max - first : SPAN_STES);
	hyp_spin_lock(&smmu->lock);
	if (!smmu->broken && smmu->two_level) {
		int flush = l1_flush_locked(n);

		ret = ret ?: flush;
	}
	hyp_spin_unlock(&smmu->lock);
	return ret;
}

int smmu_nested_shadow_all(struct smmu_nested *n)
{
	struct arm_smmu_device *smmu = n->smmu;

	/*
	 * From the first stage-1 STE on, a stage-2 change must also drop what
	 * the SMMU cached of nested walks: io_pgtable.c invalidates the whole
	 * VMID then. Set under host_mmu.lock, before any such STE is written,
	 * so no ownership change in flight misses it; never cleared (nested
	 * entries may stay cached after the host turns stage 1 off).
	 */
	if (host_smmuen(n) && !smmu->s1_live) {
		host_mmu_lock();
		smmu->s1_live = true;
		host_mmu_unlock();
	}
	return smmu_nested_shadow_range(n, 0, BIT(smmu->sid_bits));
}

int smmu_nested_ste_init(struct smmu_nested *n, struct hyp_pool *pool)
{
	struct arm_smmu_device *smmu = n->smmu;
	u64 bytes;

	nested_pool = pool;
	if (!smmu->two_level)
		return smmu_nested_shadow_all(n);
	n->nr_spans = BIT(smmu->sid_bits - STRTAB_SPLIT);
	bytes = n->nr_spans * sizeof(u64 *);
	n->l2_own = hyp_alloc_pages_contig(pool, ALIGN_UP(bytes, SZ_4K) / SZ_4K);
	n->l2_abort = hyp_alloc_page(pool);
	n->l2_bad_sid = hyp_alloc_page(pool);
	n->l2_bad_ste = hyp_alloc_page(pool);
	n->l2_gbpa[0] = hyp_alloc_page(pool);
	n->l2_gbpa[1] = hyp_alloc_page(pool);
	if (!n->l2_own || !n->l2_abort || !n->l2_bad_sid || !n->l2_bad_ste || !n->l2_gbpa[0] ||
	    !n->l2_gbpa[1])
		return -ENOMEM;
	/* Not any GBPA's yet: the first bypass with attributes fills one. */
	memset(n->l2_gbpa[0], 0, SZ_4K);
	memset(n->l2_gbpa[1], 0, SZ_4K);
	memset(n->l2_own, 0, bytes);
	for (u32 i = 0; i < SPAN_STES; i++) {
		ste_abort(&n->l2_abort[i * STRTAB_STE_DWORDS]);
		ste_bad(&n->l2_bad_sid[i * STRTAB_STE_DWORDS], EVT_ID_BAD_STREAMID);
		ste_bad(&n->l2_bad_ste[i * STRTAB_STE_DWORDS], EVT_ID_BAD_STE);
	}
	smmu_sync_for_device(smmu, n->l2_abort, SPAN_STES * STRTAB_STE_SIZE);
	smmu_sync_for_device(smmu, n->l2_bad_sid, SPAN_STES * STRTAB_STE_SIZE);
	smmu_sync_for_device(smmu, n->l2_bad_ste, SPAN_STES * STRTAB_STE_SIZE);
	return smmu_nested_shadow_all(n);
}

u8 smmu_nested_ste_event_locked(struct smmu_nested *n, u32 sid)
{
	struct arm_smmu_device *smmu = n->smmu;
	const u64 *ste;

	hyp_assert_lock_held(&smmu->lock);
	if (sid >> smmu->sid_bits)
		return 0;
	if (smmu->two_level)
		ste = (const u64 *)(uintptr_t)(smmu->strtab[sid >> STRTAB_SPLIT] &
					       STRTAB_L1_DESC_L2PTR) +
		      (u64)(sid & (SPAN_STES - 1)) * STRTAB_STE_DWORDS;
	else
		ste = &smmu->strtab[(u64)sid * STRTAB_STE_DWORDS];
	if (ste[0] & STE_0_V)
		return 0;
	return FIELD_GET(NESTED_STE_0_EVT, ste[0]);
}
