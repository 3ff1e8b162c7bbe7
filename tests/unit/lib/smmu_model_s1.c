// SPDX-License-Identifier: GPL-2.0-only
/*
 * The software SMMUv3's stage 1 (see smmu_model.h): the STE's stage-1
 * fields, context descriptor fetch and checks (IHI 0070 5.4, 3.4, 3.9), the
 * AArch64 4 KiB-granule stage-1 walk (Arm ARM VMSAv8-64, D8) and nesting
 * (3.3.4): with Config = S1+S2 the CD table, every stage-1 table and the
 * output address are IPAs, each translated through stage 2 first.
 *
 * Deliberately not modelled (each refused with C_BAD_STE / C_BAD_CD rather
 * than half done): TTB1 (EPD1 must be 1), 16/64 KiB stage-1 granules, big
 * endian, hardware AF/dirty updates (HA/HD), stall (S), RAZ/WI termination
 * (A = 0), EL2 or EL3 stream worlds (STRW), ATS (EATS), 52-bit addresses. No
 * L1CD cache: L1CDs are read afresh on each CD fetch.
 */
#include <string.h>

#include "smmu_model_int.h"

/* STE dword 0/1 stage-1 fields (5.2). */
#define STE0_S1FMT(s) GET((s)[0], 5, 4)
#define STE0_S1CTXPTR(s) ((s)[0] & MASK(51, 6))
#define STE0_S1CDMAX(s) GET((s)[0], 63, 59)
#define STE1_S1DSS(s) GET((s)[1], 1, 0)
#define STE1_EATS(s) GET((s)[1], 29, 28)
#define STE1_STRW(s) GET((s)[1], 31, 30)
#define STE1_PRIVCFG(s) GET((s)[1], 49, 48)

/* CD dword 0/1 (5.4). */
#define CD0_T0SZ(c) GET((c)[0], 5, 0)
#define CD0_TG0(c) GET((c)[0], 7, 6)
#define CD0_EPD0 (1ull << 14)
#define CD0_ENDI (1ull << 15)
#define CD0_EPD1 (1ull << 30)
#define CD0_V (1ull << 31)
#define CD0_IPS(c) GET((c)[0], 34, 32)
#define CD0_AFFD (1ull << 35)
#define CD0_TBI0 (1ull << 38)
#define CD0_AA64 (1ull << 41)
#define CD0_HD (1ull << 42)
#define CD0_HA (1ull << 43)
#define CD0_S (1ull << 44)
#define CD0_R (1ull << 45)
#define CD0_A (1ull << 46)
#define CD0_ASID(c) GET((c)[0], 63, 48)
#define CD1_TTB0(c) ((c)[1] & MASK(51, 4))

/* A context descriptor, decoded. */
struct cd_cfg {
	u16 asid;
	unsigned int ia_bits, level, oa_bits;
	u64 ttb;
	bool epd0, affd, record, tbi0;
};

/*
 * The stage-1 fields of an STE with Config[0] = 1. Spec rules: S1CDMax
 * within IDR1.SSIDSIZE, S1Fmt 2-level only with IDR0.CD2L, S1Fmt and S1DSS
 * not reserved, EATS 0 without ATS, STRW 0b10 only with HYP. Model rules:
 * NS-EL1 only (STRW 0), CD fetch attributes that fit the coherency (like
 * stage 2's), a stage-1-only CD table within OAS. S1STALLD, MEV and SHCFG
 * are accepted and change nothing here.
 */
bool smmu_ste_s1_ok(const struct smmu_model *m, const u64 *ste, u32 config)
{
	if (STE0_S1CDMAX(ste) > GET(m->idr[1], 10, 6))
		return false;
	if (STE0_S1CDMAX(ste)) {
		if (STE0_S1FMT(ste) == 3 || STE1_S1DSS(ste) == 3)
			return false;
		if (STE0_S1FMT(ste) && !(m->idr[0] & IDR0_CD2L))
			return false;
	}
	if (STE1_EATS(ste) && !(m->idr[0] & IDR0_ATS))
		return false;
	if (STE1_STRW(ste) != 0)
		return false;
	if (!smmu_attrs_ok(m, GET(ste[1], 3, 2), GET(ste[1], 5, 4), GET(ste[1], 7, 6)))
		return false; /* S1CIR, S1COR, S1CSH */
	return config == 7 || !(STE0_S1CTXPTR(ste) >> smmu_oas_bits(m));
}

/* The VMID stage-1 TLB entries of this STE carry (S2VMID if stage 2 exists, 3.17). */
u16 smmu_ste_tag_vmid(const struct smmu_model *m, const u64 *ste)
{
	return m->idr[0] & IDR0_S2P ? GET(ste[2], 15, 0) : 0;
}

void smmu_cd_cache_drop(struct smmu_model *m, u32 sid_lo, u32 sid_hi, bool all_ssids, u32 ssid)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_CFG_CACHE; i++)
		if (m->cd_cache[i].sid >= sid_lo && m->cd_cache[i].sid <= sid_hi &&
		    (all_ssids || m->cd_cache[i].ssid == ssid))
			m->cd_cache[i].valid = false;
}

/*
 * Read @n dwords of configuration at @addr: a PA, or with @s2 an IPA
 * translated at stage 2 first (a fault there is S2, CLASS = @cls). False
 * after terminating @x in @r.
 */
static bool s1_read(struct smmu_model *m, const struct xlate *x, const struct ste_s2 *s2, u64 addr,
		    u8 cls, u64 *out, unsigned int n, struct smmu_dma *r)
{
	struct s2_out o = { 0 };
	unsigned int i;
	u8 f;

	if (s2) {
		f = smmu_s2_walk(m, x, s2, addr, false, &o);
		if (f) {
			smmu_fault(m, x, f, true, cls, addr, true, r);
			return false;
		}
		addr = o.pa;
	}
	if (m->on_s1_read)
		m->on_s1_read(m, addr);
	for (i = 0; i < n; i++)
		out[i] = smmu_mem_rd(m, addr + 8 * i);
	return true;
}

/* The address of CD @idx in the STE's CD table (5.4.1), 0 after terminating @x. */
static u64 cd_addr(struct smmu_model *m, const struct xlate *x, const u64 *ste,
		   const struct ste_s2 *s2, u32 idx, struct smmu_dma *r)
{
	u32 split = STE0_S1FMT(ste) == 1 ? 6 : 10;
	u64 l1;

	if (!STE0_S1CDMAX(ste) || STE0_S1FMT(ste) == 0)
		return STE0_S1CTXPTR(ste) + (u64)idx * 64;
	if (!s1_read(m, x, s2, STE0_S1CTXPTR(ste) + (u64)(idx >> split) * 8, SMMU_MODEL_CLASS_CD,
		     &l1, 1, r))
		return 0;
	if (!(l1 & 1)) { /* L1CD.V = 0 (5.4.2) */
		smmu_fault(m, x, EVT_BAD_SUBSTREAMID, false, 0, 0, true, r);
		return 0;
	}
	return (l1 & MASK(51, 12)) + (u64)(idx & ((1u << split) - 1)) * 64;
}

/* Fetch CD @idx for @x (the configuration cache first); false after terminating @x. */
static bool cd_fetch(struct smmu_model *m, const struct xlate *x, const u64 *ste,
		     const struct ste_s2 *s2, u32 idx, u64 *cd, struct smmu_dma *r)
{
	bool cache = m->cache_config && x->use_tlb;
	unsigned int i;
	u64 addr;

	for (i = 0; cache && i < SMMU_MODEL_CFG_CACHE; i++)
		if (m->cd_cache[i].valid && m->cd_cache[i].sid == x->sid &&
		    m->cd_cache[i].ssid == idx) {
			memcpy(cd, m->cd_cache[i].cd, 64);
			m->cd_cache_hits++;
			return true;
		}
	addr = cd_addr(m, x, ste, s2, idx, r);
	if (!addr || !s1_read(m, x, s2, addr, SMMU_MODEL_CLASS_CD, cd, 8, r))
		return false;
	if (!cache)
		return true;
	i = m->cd_cache_next++ % SMMU_MODEL_CFG_CACHE;
	m->cd_cache[i].valid = true;
	m->cd_cache[i].sid = x->sid, m->cd_cache[i].ssid = idx;
	memcpy(m->cd_cache[i].cd, cd, 64);
	return true;
}

/*
 * Decode a CD (5.4); false if it is C_BAD_CD. Spec rules: V, AA64, no
 * HA/HD without HTTU, A = 1 (TERM_MODEL), S = 0 (no stall), ENDI = 0
 * (little-endian only), T0SZ 16-39, an 8-bit ASID without ASID16, TTB0
 * within the output size and aligned to its table. Model rules: TG0 4 KiB,
 * EPD1 = 1, walk attributes (IR0/OR0/SH0) that fit the coherency.
 */
static bool cd_ok(const struct smmu_model *m, const u64 *cd, struct cd_cfg *c)
{
	unsigned int oas = smmu_oas_bits(m), entries_bits;

	if (!(cd[0] & CD0_V) || !(cd[0] & CD0_AA64) || (cd[0] & (CD0_HA | CD0_HD | CD0_S)))
		return false;
	if (!(cd[0] & CD0_A) || (cd[0] & CD0_ENDI) || !(cd[0] & CD0_EPD1))
		return false;
	c->asid = CD0_ASID(cd);
	if (!(m->idr[0] & IDR0_ASID16) && c->asid > 0xff)
		return false;
	c->oa_bits = smmu_model_ps_bits[CD0_IPS(cd)];
	if (c->oa_bits > oas)
		c->oa_bits = oas; /* IPS beyond OAS acts as OAS (5.4) */
	c->epd0 = cd[0] & CD0_EPD0;
	c->affd = cd[0] & CD0_AFFD;
	c->record = cd[0] & CD0_R;
	c->tbi0 = cd[0] & CD0_TBI0;
	if (c->epd0)
		return true;
	if (CD0_T0SZ(cd) < 16 || CD0_T0SZ(cd) > 39 || CD0_TG0(cd) != 0)
		return false;
	if (!smmu_attrs_ok(m, GET(cd[0], 9, 8), GET(cd[0], 11, 10), GET(cd[0], 13, 12)))
		return false;
	c->ia_bits = 64 - CD0_T0SZ(cd);
	c->level = c->ia_bits > 39 ? 0 : c->ia_bits > 30 ? 1 : 2;
	entries_bits = c->ia_bits - (39 - 9 * c->level);
	c->ttb = CD1_TTB0(cd);
	if (c->ttb >> c->oa_bits)
		return false;
	/* The start table is aligned to its size, at least 64 bytes (D8.2). */
	return !(c->ttb & (((8ull << entries_bits) > 64 ? 8ull << entries_bits : 64) - 1));
}

/* What a stage-1 walk found. */
struct s1_leaf {
	u64 oa;
	bool global;
	unsigned int perm; /* 1 read, 2 write: what the transaction's privilege may do */
};

/*
 * Walk @c's stage-1 tables for @va (D8.2-D8.4): 0 and @leaf, or the fault's
 * event number; a stage-2 fault of a table read (nested) is recorded there
 * and returns 0xff.
 */
static u8 s1_walk(struct smmu_model *m, const struct xlate *x, const struct ste_s2 *s2,
		  const struct cd_cfg *c, u16 vmid, bool priv, u64 va, struct s1_leaf *leaf,
		  struct smmu_dma *r)
{
	int w = x->use_tlb ? smmu_s1walk_find(m, vmid, c->asid, va, c->level) : -1;
	bool no_write = false, no_user = false;
	unsigned int level = c->level, shift;
	u64 table = c->ttb, d;

	if (w >= 0) {
		level = m->s1walk[w].level + 1;
		table = m->s1walk[w].table;
		no_write = m->s1walk[w].no_write, no_user = m->s1walk[w].no_user;
	}
	for (;; level++) {
		shift = 39 - 9 * level;
		if (!s1_read(m, x, s2, table + ((va >> shift) & 511) * 8, SMMU_MODEL_CLASS_TT, &d,
			     1, r))
			return 0xff;
		if (!(d & 1) || (level == 3 && !(d & 2)) || (level == 0 && !(d & 2)))
			return EVT_TRANSLATION;
		if (level == 3 || !(d & 2))
			break;
		table = d & MASK(47, 12);
		if (table >> c->oa_bits)
			return EVT_ADDR_SIZE;
		no_write |= d & (1ull << 62); /* APTable[1] */
		no_user |= d & (1ull << 61); /* APTable[0] */
		if (x->use_tlb)
			smmu_s1walk_add(m, vmid, c->asid, va, level, table, no_write, no_user);
	}
	leaf->oa = (d & MASK(47, 12) & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
	if (leaf->oa >> c->oa_bits)
		return EVT_ADDR_SIZE;
	if (!(d & (1ull << 10)) && !c->affd)
		return EVT_ACCESS;
	leaf->global = !(d & (1ull << 11));
	/* AP[2] (bit 7) read-only, AP[1] (bit 6) unprivileged access. */
	leaf->perm = 0;
	if (priv || ((d & (1ull << 6)) && !no_user))
		leaf->perm = (d & (1ull << 7)) || no_write ? 1 : 3;
	if (!(leaf->perm & (x->write ? 2 : 1)))
		return EVT_PERMISSION;
	return 0;
}

/* Stage 1 bypassed (S1DSS = 0b01): stage 2 alone, or nothing. */
static struct smmu_dma s1_bypass(struct smmu_model *m, const struct xlate *x,
				 const struct ste_s2 *s2)
{
	struct smmu_dma r = { .ok = true, .pa = x->addr, .ipa = x->addr };
	struct s2_out o = { 0 };
	u8 f;

	if (!s2)
		return r;
	f = smmu_s2_walk(m, x, s2, x->addr, x->write, &o);
	if (f) {
		smmu_fault(m, x, f, true, SMMU_MODEL_CLASS_IN, x->addr, true, &r);
		return r;
	}
	r.pa = o.pa, r.memattr = o.memattr, r.sh = o.sh;
	return r;
}

/*
 * Which CD a transaction uses (3.9, 5.2 S1DSS): -1 after terminating it,
 * -2 for "stage 1 bypassed".
 */
static int cd_index(struct smmu_model *m, const struct xlate *x, const u64 *ste, struct smmu_dma *r)
{
	u32 cdmax = STE0_S1CDMAX(ste), dss = STE1_S1DSS(ste);

	if (x->ssv && (!cdmax || x->ssid >= (1u << cdmax) || (dss == 2 && x->ssid == 0))) {
		smmu_fault(m, x, EVT_BAD_SUBSTREAMID, false, 0, 0, true, r);
		return -1;
	}
	if (x->ssv || !cdmax || dss == 2)
		return x->ssv ? (int)x->ssid : 0;
	if (dss == 1)
		return -2;
	smmu_fault(m, x, EVT_STREAM_DISABLED, false, 0, 0, true, r);
	return -1;
}

/* A cached stage-1/nested translation of @va allowing @x's access, or false. */
static bool s1_tlb_hit(struct smmu_model *m, const struct xlate *x, bool nested, u16 vmid, u16 asid,
		       u64 va, struct smmu_dma *r)
{
	int t = smmu_tlb_find(m, nested ? TLB_S12 : TLB_S1, vmid, asid, va);
	unsigned int need = x->write ? 2 : 1;

	if (t < 0 || !(m->tlb[t].s1perm & need) || (nested && !(m->tlb[t].s2ap & need)))
		return false; /* a permission miss walks again */
	r->ok = true;
	r->pa = m->tlb[t].pa | (va & 0xfff);
	r->ipa = m->tlb[t].ipa | (va & 0xfff);
	r->memattr = m->tlb[t].memattr, r->sh = m->tlb[t].sh;
	return true;
}

struct smmu_dma smmu_s1_translate(struct smmu_model *m, const struct xlate *x, const u64 *ste,
				  const struct ste_s2 *s2)
{
	struct smmu_dma r = { 0 };
	struct s2_out o = { 0 };
	struct s1_leaf leaf = { 0 };
	struct cd_cfg c = { 0 };
	u16 vmid = smmu_ste_tag_vmid(m, ste);
	bool priv = STE1_PRIVCFG(ste) == 3;
	u64 cd[8], va = x->addr;
	unsigned int i;
	int idx = cd_index(m, x, ste, &r);
	u8 f;

	if (idx == -2)
		return s1_bypass(m, x, s2);
	if (idx < 0 || !cd_fetch(m, x, ste, s2, idx, cd, &r))
		return r;
	if (!cd_ok(m, cd, &c)) {
		smmu_fault(m, x, EVT_BAD_CD, false, 0, 0, true, &r);
		return r;
	}
	if (c.tbi0)
		va &= MASK(55, 0); /* top byte ignored */
	if (x->use_tlb && s1_tlb_hit(m, x, s2, vmid, c.asid, va, &r))
		return r;
	/* Only TTB0's range is walked: TTB1's (EPD1 = 1) and EPD0 fault (5.4). */
	if (c.epd0 || (va >> c.ia_bits)) {
		smmu_fault(m, x, EVT_TRANSLATION, false, SMMU_MODEL_CLASS_IN, 0, c.record, &r);
		return r;
	}
	f = s1_walk(m, x, s2, &c, vmid, priv, va, &leaf, &r);
	if (f == 0xff)
		return r;
	if (f) {
		smmu_fault(m, x, f, false, SMMU_MODEL_CLASS_IN, 0, c.record, &r);
		return r;
	}
	r.ipa = r.pa = leaf.oa;
	if (s2) {
		f = smmu_s2_walk(m, x, s2, leaf.oa, x->write, &o);
		if (f) {
			smmu_fault(m, x, f, true, SMMU_MODEL_CLASS_IN, leaf.oa, true, &r);
			return r;
		}
		r.pa = o.pa, r.memattr = o.memattr, r.sh = o.sh;
	}
	r.ok = true;
	if (!x->use_tlb)
		return r;
	i = smmu_tlb_add(m, s2 ? TLB_S12 : TLB_S1, vmid, c.asid, va, r.pa);
	m->tlb[i].global = leaf.global;
	m->tlb[i].ipa = leaf.oa & ~0xfffull;
	m->tlb[i].s1perm = leaf.perm;
	m->tlb[i].memattr = r.memattr, m->tlb[i].sh = r.sh, m->tlb[i].s2ap = o.s2ap;
	return r;
}
