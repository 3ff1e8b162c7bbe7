// SPDX-License-Identifier: GPL-2.0-only
/*
 * The software SMMUv3's caches (see smmu_model.h) and the commands that
 * empty them (IHI 0070 4.3 CFGI_*, 4.4 TLBI_*): the TLB (stage-2, stage-1
 * and nested leaf entries tagged by VMID and ASID), the stage-2 and stage-1
 * walk caches, and the STE and CD caches. What each command is guaranteed to empty is
 * modelled, not more: TLBI_S2_IPA leaves nested (combined) entries, which
 * TLBI_S12_VMALL, TLBI_NH_* or TLBI_NSNH_ALL drop (4.4.3, 3.17).
 */
#include <string.h>

#include "smmu_model_int.h"

/* ---- caches ----------------------------------------------------------------- */

/* Which TLB entries an invalidation names (4.4). */
struct tlb_match {
	unsigned int kinds; /* bit per enum tlb_kind */
	int vmid, asid; /* -1: any */
	bool keep_global; /* ASID-scoped: global entries stay (TLBI_NH_ASID) */
	u64 start, end;
};

static void tlb_drop(struct smmu_model *m, const struct tlb_match *t)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_TLB; i++) {
		struct smmu_tlb_entry *e = &m->tlb[i];

		if (!e->valid || !(t->kinds & (1u << e->kind)))
			continue;
		if (t->vmid >= 0 && e->vmid != t->vmid)
			continue;
		if (t->asid >= 0 && (e->global ? t->keep_global : e->asid != t->asid))
			continue;
		if (e->page >= t->start && e->page < t->end)
			e->valid = false;
	}
}

/* Cached stage-2 table walks of @vmid (-1: any) overlapping [start, end) (4.4: Leaf = 0). */
static void walk_drop(struct smmu_model *m, int vmid, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++) {
		u64 size = 1ull << (39 - 9 * m->walk[i].level);

		if (m->walk[i].valid && (vmid < 0 || m->walk[i].vmid == vmid) &&
		    m->walk[i].ipa < end && start < m->walk[i].ipa + size)
			m->walk[i].valid = false;
	}
}

/* The deepest cached table on @addr's walk from @level, or 0 (and @level unchanged). */
u64 smmu_walk_find(struct smmu_model *m, u16 vmid, u64 addr, unsigned int *level)
{
	u64 table = 0;
	unsigned int i, best = *level;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++) {
		u64 size = 1ull << (39 - 9 * m->walk[i].level);

		if (m->walk[i].valid && m->walk[i].vmid == vmid && m->walk[i].level >= best &&
		    m->walk[i].ipa == (addr & ~(size - 1))) {
			best = m->walk[i].level + 1;
			table = m->walk[i].table;
		}
	}
	if (table) {
		*level = best;
		m->walk_hits++;
	}
	return table;
}

void smmu_walk_add(struct smmu_model *m, u16 vmid, u64 addr, unsigned int level, u64 table)
{
	u64 size = 1ull << (39 - 9 * level);
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++)
		if (m->walk[i].valid && m->walk[i].vmid == vmid && m->walk[i].level == level &&
		    m->walk[i].ipa == (addr & ~(size - 1)))
			return;
	i = m->walk_next++ % SMMU_MODEL_WALK_CACHE;
	m->walk[i].valid = true;
	m->walk[i].vmid = vmid;
	m->walk[i].level = level;
	m->walk[i].ipa = addr & ~(size - 1);
	m->walk[i].table = table;
}

static u64 s1_region(unsigned int level)
{
	return 1ull << (39 - 9 * level);
}

int smmu_s1walk_find(struct smmu_model *m, u16 vmid, u16 asid, u64 va, unsigned int level)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++) {
		struct smmu_s1walk_entry *w = &m->s1walk[i];

		if (w->valid && w->vmid == vmid && w->asid == asid && w->level >= level &&
		    w->va == (va & ~(s1_region(w->level) - 1)) &&
		    (best < 0 || w->level > m->s1walk[best].level))
			best = i;
	}
	if (best >= 0)
		m->s1walk_hits++;
	return best;
}

void smmu_s1walk_add(struct smmu_model *m, u16 vmid, u16 asid, u64 va, unsigned int level,
		     u64 table, bool no_write, bool no_user)
{
	unsigned int i = m->s1walk_next++ % SMMU_MODEL_WALK_CACHE;

	m->s1walk[i].valid = true;
	m->s1walk[i].vmid = vmid, m->s1walk[i].asid = asid;
	m->s1walk[i].level = level;
	m->s1walk[i].va = va & ~(s1_region(level) - 1);
	m->s1walk[i].table = table;
	m->s1walk[i].no_write = no_write, m->s1walk[i].no_user = no_user;
}

/* Stage-1 walks of @vmid (-1: any) and @asid (-1: any) overlapping [start, end). */
static void s1walk_drop(struct smmu_model *m, int vmid, int asid, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++) {
		struct smmu_s1walk_entry *w = &m->s1walk[i];

		if (w->valid && (vmid < 0 || w->vmid == vmid) && (asid < 0 || w->asid == asid) &&
		    w->va < end && start < w->va + s1_region(w->level))
			w->valid = false;
	}
}

/* The entry translating @addr's page for (@kind, @vmid, @asid), or -1. */
int smmu_tlb_find(struct smmu_model *m, enum tlb_kind kind, u16 vmid, u16 asid, u64 addr)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_TLB; i++)
		if (m->tlb[i].valid && m->tlb[i].kind == kind && m->tlb[i].vmid == vmid &&
		    (kind == TLB_S2 || m->tlb[i].global || m->tlb[i].asid == asid) &&
		    m->tlb[i].page == (addr & ~0xfffull))
			return i;
	return -1;
}

unsigned int smmu_tlb_add(struct smmu_model *m, enum tlb_kind kind, u16 vmid, u16 asid, u64 addr,
			  u64 pa)
{
	unsigned int i = m->tlb_next++ % SMMU_MODEL_TLB;

	memset(&m->tlb[i], 0, sizeof(m->tlb[i]));
	m->tlb[i].valid = true;
	m->tlb[i].kind = kind;
	m->tlb[i].vmid = vmid, m->tlb[i].asid = asid;
	m->tlb[i].page = addr & ~0xfffull;
	m->tlb[i].pa = pa & ~0xfffull;
	return i;
}

bool smmu_model_tlb_has(const struct smmu_model *m, u64 addr)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_TLB; i++)
		if (m->tlb[i].valid && m->tlb[i].kind == TLB_S2 &&
		    m->tlb[i].page == (addr & ~0xfffull))
			return true;
	return false;
}

bool smmu_model_tlb_has_s1(const struct smmu_model *m, u16 vmid, u16 asid, u64 va)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_TLB; i++)
		if (m->tlb[i].valid && m->tlb[i].kind != TLB_S2 && m->tlb[i].vmid == vmid &&
		    (m->tlb[i].global || m->tlb[i].asid == asid) &&
		    m->tlb[i].page == (va & ~0xfffull))
			return true;
	return false;
}

/* STEs of stream IDs [lo, hi] and every CD fetched through them (4.3.1-4.3.3). */
static void cfg_drop(struct smmu_model *m, u32 lo, u32 hi)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_CFG_CACHE; i++)
		if (m->ste_cache[i].sid >= lo && m->ste_cache[i].sid <= hi)
			m->ste_cache[i].valid = false;
	smmu_cd_cache_drop(m, lo, hi, true, 0);
}

/*
 * The range of a TLBI_S2_IPA or TLBI_NH_VA(A) (4.4.2-4.4.4): one 4 KiB page,
 * or with TG != 0 (IDR3.RIL) (NUM + 1) << SCALE granules of TG's size (one
 * IDR5 offers); false if illegal: RES0 NUM, SCALE or TTL set without TG.
 */
static bool tlbi_range(const struct smmu_model *m, const u64 *c, u64 addr_mask,
		       struct smmu_cmd_log *l)
{
	u32 tg = GET(c[1], 11, 10), num = GET(c[0], 16, 12), scale = GET(c[0], 24, 20);
	unsigned int shift = 12;
	u64 pages = 1;

	if (tg) {
		if (!(m->idr[3] & (1u << 10)) || !(m->idr[5] & (1u << (3 + tg))))
			return false; /* range form without RIL, or a granule not offered */
		shift = 12 + 2 * (tg - 1);
		pages = (u64)(num + 1) << scale;
	} else if (num || scale || GET(c[1], 9, 8)) {
		return false;
	}
	l->start = c[1] & addr_mask & ~((1ull << shift) - 1);
	l->end = l->start + (pages << shift);
	if (l->end < l->start)
		l->end = ~0ull;
	l->leaf = c[1] & 1;
	return true;
}

/* CFGI_* (4.3): which STEs and CDs the configuration caches forget. */
static bool exec_cfgi(struct smmu_model *m, const u64 *c, struct smmu_cmd_log *l)
{
	u32 range;

	l->sid = GET(c[0], 63, 32);
	switch (l->op) {
	case 0x03: /* CFGI_STE */
		cfg_drop(m, l->sid, l->sid);
		return true;
	case 0x04: /* CFGI_STE_RANGE; Range = 31 is CFGI_ALL */
		range = GET(c[1], 4, 0);
		if (range == 31) {
			cfg_drop(m, 0, ~0u);
			return true;
		}
		l->sid &= ~((2u << range) - 1);
		cfg_drop(m, l->sid, l->sid + (2u << range) - 1);
		return true;
	case 0x05: /* CFGI_CD */
		if (!(m->idr[0] & IDR0_S1P))
			return false;
		l->ssid = GET(c[0], 31, 12);
		smmu_cd_cache_drop(m, l->sid, l->sid, false, l->ssid);
		return true;
	case 0x06: /* CFGI_CD_ALL */
		if (!(m->idr[0] & IDR0_S1P))
			return false;
		smmu_cd_cache_drop(m, l->sid, l->sid, true, 0);
		return true;
	}
	return false;
}

/*
 * TLBI_NH_* (4.4.1-4.4.4): stage-1 and nested entries of VMID (0 when the
 * SMMU has no stage 2), all ASIDs, one ASID (global entries stay), or an
 * address range of one ASID (and global entries) or of every ASID.
 */
static bool exec_tlbi_nh(struct smmu_model *m, const u64 *c, struct smmu_cmd_log *l)
{
	struct tlb_match t = { .kinds = 1u << TLB_S1 | 1u << TLB_S12, .asid = -1, .end = ~0ull };

	if (!(m->idr[0] & IDR0_S1P))
		return false;
	l->vmid = m->idr[0] & IDR0_S2P ? GET(c[0], 47, 32) : 0;
	l->asid = GET(c[0], 63, 48);
	t.vmid = l->vmid;
	if (l->op == 0x11) {
		t.asid = l->asid;
		t.keep_global = true;
	}
	if (l->op == 0x12 || l->op == 0x13) {
		if (!tlbi_range(m, c, MASK(63, 12), l))
			return false;
		t.start = l->start, t.end = l->end;
		if (l->op == 0x12)
			t.asid = l->asid;
	}
	tlb_drop(m, &t);
	/* Leaf = 1: only leaf entries changed; cached table walks stay (4.4.2). */
	if (!l->leaf)
		s1walk_drop(m, t.vmid, t.asid, t.start, t.end);
	m->nr_tlbi++;
	return true;
}

/*
 * Execute CFGI_* or TLBI_* (other than TLBI_EL2_*) @c into log entry @l;
 * false if illegal or not one of them.
 */
bool smmu_exec_inval(struct smmu_model *m, const u64 *c, struct smmu_cmd_log *l)
{
	struct tlb_match t = { .kinds = 7, .vmid = -1, .asid = -1, .end = ~0ull };

	switch (l->op) {
	case 0x03 ... 0x06: /* CFGI_STE, CFGI_STE_RANGE/CFGI_ALL, CFGI_CD, CFGI_CD_ALL */
		return exec_cfgi(m, c, l);
	case 0x10 ... 0x13: /* TLBI_NH_ALL, TLBI_NH_ASID, TLBI_NH_VA, TLBI_NH_VAA */
		return exec_tlbi_nh(m, c, l);
	case 0x28: /* TLBI_S12_VMALL: every entry of VMID, and its walks */
		l->vmid = GET(c[0], 47, 32);
		l->all = true;
		t.vmid = l->vmid;
		tlb_drop(m, &t);
		walk_drop(m, l->vmid, 0, ~0ull);
		s1walk_drop(m, l->vmid, -1, 0, ~0ull);
		break;
	case 0x30: /* TLBI_NSNH_ALL */
		l->all = true;
		tlb_drop(m, &t);
		walk_drop(m, -1, 0, ~0ull);
		s1walk_drop(m, -1, -1, 0, ~0ull);
		break;
	case 0x2a: /* TLBI_S2_IPA: stage-2-only entries; combined ones stay */
		l->vmid = GET(c[0], 47, 32);
		if (!tlbi_range(m, c, MASK(51, 12), l))
			return false;
		t.kinds = 1u << TLB_S2, t.vmid = l->vmid, t.start = l->start, t.end = l->end;
		tlb_drop(m, &t);
		/* Leaf = 1: only leaf entries changed; cached table walks stay (4.4.1). */
		if (!l->leaf)
			walk_drop(m, l->vmid, l->start, l->end);
		break;
	default:
		return false;
	}
	m->nr_tlbi++;
	return true;
}
