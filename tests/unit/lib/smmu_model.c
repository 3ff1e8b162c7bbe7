// SPDX-License-Identifier: GPL-2.0-only
/*
 * The software SMMUv3 of the unit tests (see smmu_model.h). Register offsets
 * and field positions are taken from the spec here, independently of
 * drivers/smmuv3/smmuv3.h, so a wrong field in the driver is a failing test.
 * Memory it reads (stream table, queues, page tables) is the test program's
 * own: physical address == host pointer, as for the hypervisor's identity map.
 * A non-coherent model reads and writes it at the PoC (lib/poc_memory.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poc_memory.h"
#include "smmu_model_int.h"

/* Page 0 (6.3). */
#define R_IDR0 0x00
#define R_IDR1 0x04
#define R_IDR2 0x08
#define R_IDR3 0x0c
#define R_IDR4 0x10
#define R_IDR5 0x14
#define R_IIDR 0x18
#define R_AIDR 0x1c
#define R_CR0 0x20
#define R_CR0ACK 0x24
#define R_CR1 0x28
#define R_CR2 0x2c
#define R_GBPA 0x44
#define R_IRQ_CTRL 0x50
#define R_IRQ_CTRLACK 0x54
#define R_GERROR 0x60
#define R_GERRORN 0x64
#define R_STRTAB_BASE 0x80
#define R_STRTAB_BASE_CFG 0x88
#define R_CMDQ_BASE 0x90
#define R_CMDQ_PROD 0x98
#define R_CMDQ_CONS 0x9c
#define R_EVTQ_BASE 0xa0
#define R_EVTQ_PROD 0x100a8
#define R_EVTQ_CONS 0x100ac

#define CR0_SMMUEN 0x1u
#define CR0_EVTQEN 0x4u
#define CR0_CMDQEN 0x8u
#define GBPA_UPDATE (1u << 31)
#define GBPA_ABORT (1u << 20)
#define GERROR_CMDQ_ERR 0x1u

#define EVT_BYPASS_ABORT SMMU_MODEL_GBPA_ABORT

u64 fake_timer_ticks;

static struct smmu_model *models[8];

static struct smmu_model *model_at(u64 addr, u64 *off)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (models[i] && addr >= models[i]->pa && addr < models[i]->pa + 0x20000) {
			*off = addr - models[i]->pa;
			return models[i];
		}
	fprintf(stdout, "# smmu_model: access to %llx: no device there\n", (unsigned long long)addr);
	abort();
}

void smmu_model_init(struct smmu_model *m, u64 pa, u32 idr0, u32 idr1, u32 idr3, u32 idr5)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->pa = pa;
	m->idr[0] = idr0, m->idr[1] = idr1, m->idr[3] = idr3, m->idr[5] = idr5;
	m->gbpa = 0x1000; /* out of reset: bypass (QEMU's value) */
	for (i = 0; i < 8; i++)
		if (!models[i] || models[i] == m) {
			models[i] = m;
			return;
		}
	abort();
}

void smmu_model_init_qemu(struct smmu_model *m, u64 pa, enum smmu_model_stages stages,
			  unsigned int ssidsize, bool cd2l)
{
	u32 idr0 = stages == SMMU_MODEL_S2_ONLY ? SMMU_MODEL_IDR0_QEMU_S2 :
		   stages == SMMU_MODEL_S1_ONLY ? SMMU_MODEL_IDR0_QEMU_S1 :
						  SMMU_MODEL_IDR0_QEMU;

	smmu_model_init(m, pa, idr0 | (cd2l ? IDR0_CD2L : 0),
			(SMMU_MODEL_IDR1_QEMU & ~MASK(10, 6)) | (ssidsize & 0x1f) << 6,
			SMMU_MODEL_IDR3_QEMU, SMMU_MODEL_IDR5_QEMU);
}

void smmu_model_power_loss(struct smmu_model *m)
{
	unsigned int i;

	m->cr0 = m->cr0ack = m->cr1 = m->cr2 = 0;
	m->gbpa = 0x1000; /* this model's (and QEMU's) reset value: bypass */
	m->irq_ctrl = m->irq_ctrlack = m->gerror = m->gerrorn = 0;
	m->strtab_base = m->strtab_base_cfg = m->cmdq_base = m->evtq_base = 0;
	m->cmdq_prod = m->cmdq_cons = m->evtq_prod = m->evtq_cons = 0;
	m->holding_sync = false;
	for (i = 0; i < SMMU_MODEL_TLB; i++)
		m->tlb[i].valid = false;
	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++)
		m->walk[i].valid = m->s1walk[i].valid = false;
	for (i = 0; i < SMMU_MODEL_CFG_CACHE; i++)
		m->ste_cache[i].valid = m->cd_cache[i].valid = false;
	m->nr_power_losses++;
}

void smmu_model_remove(struct smmu_model *m)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (models[i] == m)
			models[i] = NULL;
}

static u32 q_log2(u64 base)
{
	return base & 0x1f;
}

/*
 * A table's or queue's effective base: the SMMU ignores the address bits
 * below its size, and below @min bytes (6.3.23, 6.3.24, 5.1.2's L2Ptr).
 */
static u64 aligned_base(u64 addr, u64 bytes, u64 min)
{
	return addr & ~((bytes > min ? bytes : min) - 1);
}

/* The address of entry @idx of a queue. */
static u64 q_ent(u64 base, u32 idx, unsigned int dwords)
{
	u64 bytes = (1ull << q_log2(base)) * dwords * 8;

	return aligned_base(base & MASK(51, 5), bytes, 32) +
	       (u64)(idx & ((1u << q_log2(base)) - 1)) * dwords * 8;
}

/* The SMMU's own memory accesses: coherent, or at the PoC. */
u64 smmu_mem_rd(const struct smmu_model *m, u64 addr)
{
	if (m->mem_backed && !m->mem_backed(addr))
		return 0;
	return m->noncoherent ? poc_read64(addr) : *(const u64 *)(uintptr_t)addr;
}

static void mem_wr(const struct smmu_model *m, u64 addr, u64 val)
{
	if (m->mem_backed && !m->mem_backed(addr))
		return;
	if (m->noncoherent)
		poc_write64(addr, val);
	else
		*(u64 *)(uintptr_t)addr = val;
}

static void mem_rd_n(const struct smmu_model *m, u64 addr, u64 *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = smmu_mem_rd(m, addr + 8 * i);
}

/* Walks and fetches asked for (IRGN, ORGN, SH): fit for how the SMMU is attached? */
bool smmu_attrs_ok(const struct smmu_model *m, u32 irgn, u32 orgn, u32 sh)
{
	if (m->noncoherent)
		return irgn == 0 && orgn == 0; /* Non-cacheable: read at the PoC */
	/* Write-back (RA, WA or both) and shareable: snoops the CPU's caches. */
	return (irgn == 1 || irgn == 3) && (orgn == 1 || orgn == 3) && sh >= 2;
}

/* IDR5.OAS and the STE/CD (I)PS encodings, in bits (6.3.6, 5.2). */
const unsigned int smmu_model_ps_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

unsigned int smmu_oas_bits(const struct smmu_model *m)
{
	return smmu_model_ps_bits[GET(m->idr[5], 2, 0)];
}

/* ---- events (chapter 7) --------------------------------------------------- */

static void record_event(struct smmu_model *m, const u64 *rec, struct smmu_dma *r)
{
	u32 log2 = q_log2(m->evtq_base), mask = (2u << log2) - 1;
	u64 e;

	if (!(m->cr0 & CR0_EVTQEN))
		return;
	/* Full: PROD index == CONS index, wrap bits differ. Then overflow (7.4). */
	if (((m->evtq_prod ^ m->evtq_cons) & mask) == (1u << log2)) {
		if (!((m->evtq_prod ^ m->evtq_cons) & (1u << 31)))
			m->evtq_prod ^= 1u << 31;
		return;
	}
	e = q_ent(m->evtq_base, m->evtq_prod, 4);
	mem_wr(m, e, rec[0]);
	mem_wr(m, e + 8, rec[1]);
	mem_wr(m, e + 16, rec[2]);
	mem_wr(m, e + 24, rec[3]);
	memcpy(m->last_evt, rec, sizeof(m->last_evt));
	m->has_last_evt = true;
	/* The worst moment for the CPU's caches to write back a dirty copy of the entry. */
	if (m->noncoherent)
		poc_evict(e, 32);
	m->evtq_prod = (m->evtq_prod & (1u << 31)) | ((m->evtq_prod + 1) & mask);
	r->event = rec[0] & 0xff;
}

/*
 * Event record (7.3): dword 0 type [7:0], SSV [11], SubstreamID [31:12],
 * StreamID [63:32]; dword 1 RnW [35], S2 [39], CLASS [41:40]; dword 2 the
 * input address; dword 3 the IPA [51:12] of a stage-2 fault.
 */
void smmu_fault(struct smmu_model *m, const struct xlate *x, u8 id, bool s2, u8 cls, u64 ipa,
		bool rec, struct smmu_dma *r)
{
	u64 e[4];

	r->ok = false;
	r->fault = id;
	r->s2 = s2;
	r->class = cls;
	if (!x->record || !rec)
		return;
	e[0] = id | (u64)x->ssv << 11 | (u64)(x->ssv ? x->ssid & 0xfffff : 0) << 12 |
	       (u64)x->sid << 32;
	e[1] = (x->write ? 0 : 1ull << 35);
	if (id >= EVT_TRANSLATION && id <= EVT_PERMISSION)
		e[1] |= (u64)s2 << 39 | (u64)cls << 40;
	e[2] = x->addr;
	e[3] = s2 ? ipa & MASK(51, 12) : 0;
	record_event(m, e, r);
}

void smmu_model_event_decode(const u64 rec[4], struct smmu_model_event *e)
{
	e->type = GET(rec[0], 7, 0);
	e->ssv = GET(rec[0], 11, 11);
	e->ssid = GET(rec[0], 31, 12);
	e->sid = GET(rec[0], 63, 32);
	e->rnw = GET(rec[1], 35, 35);
	e->s2 = GET(rec[1], 39, 39);
	e->class = GET(rec[1], 41, 40);
	e->input_addr = rec[2];
	e->ipa = rec[3] & MASK(51, 12);
}

bool smmu_model_last_event(const struct smmu_model *m, struct smmu_model_event *e)
{
	if (m->has_last_evt)
		smmu_model_event_decode(m->last_evt, e);
	return m->has_last_evt;
}

/* ---- stream table and stage 2 ------------------------------------------------ */

/*
 * The address of the STE for @sid (5.2, 3.3.2), or 0 when the stream table
 * has none, with the event that raises in @evt: C_BAD_STREAMID beyond the
 * table (LOG2SIZE, at most SIDSIZE) or for a level-1 descriptor with Span 0,
 * C_BAD_STE beyond a descriptor's Span (QEMU's reading of 7.3.3 and 7.3.5).
 */
static u64 find_ste(struct smmu_model *m, u32 sid, u8 *evt)
{
	u32 cfg = m->strtab_base_cfg, log2size = GET(cfg, 5, 0), fmt = GET(cfg, 17, 16);
	u64 base = m->strtab_base & MASK(51, 6);

	if (log2size > GET(m->idr[1], 5, 0))
		log2size = GET(m->idr[1], 5, 0);
	*evt = EVT_BAD_STREAMID;
	if (sid >= (1u << log2size))
		return 0;
	if (fmt == 0)
		return aligned_base(base, (1ull << log2size) * 64, 64) + (u64)sid * 64;
	if (fmt == 1) {
		u32 split = GET(cfg, 10, 6);
		u64 l1_bytes = log2size > split ? (1ull << (log2size - split)) * 8 : 8;
		u64 l1 = smmu_mem_rd(m, aligned_base(base, l1_bytes, 64) + (u64)(sid >> split) * 8);
		u32 span = GET(l1, 4, 0);
		u64 l2 = l1 & MASK(51, 6);

		*evt = EVT_BAD_STE;
		if (split != 6 && split != 8 && split != 10)
			return 0;
		if (!span) {
			*evt = EVT_BAD_STREAMID;
			return 0;
		}
		if (span > split + 1 || (sid & ((1u << split) - 1)) >= (1u << (span - 1)))
			return 0;
		return aligned_base(l2, (1ull << (span - 1)) * 64, 64) +
		       (u64)(sid & ((1u << split) - 1)) * 64;
	}
	*evt = EVT_BAD_STE;
	return 0;
}

/*
 * The stage-2 fields of an STE (dword 2, 3), with the settings the
 * hypervisor relies on: S2AA64, little-endian, 4 KiB granule, faults
 * recorded (S2R), never stall, walk attributes that fit the coherency, one
 * start-level table (no concatenation), S2PS within OAS.
 */
static bool ste_s2_ok(const struct smmu_model *m, const u64 *ste, struct ste_s2 *s2)
{
	u32 t0sz = GET(ste[2], 37, 32), sl0 = GET(ste[2], 39, 38), ps = GET(ste[2], 50, 48);
	u32 oas = GET(m->idr[5], 2, 0);

	s2->vmid = GET(ste[2], 15, 0);
	if (!(ste[2] & (1ull << 51)) || (ste[2] & (1ull << 52)))
		return false; /* S2AA64, little-endian */
	if (GET(ste[2], 47, 46) != 0 || !(ste[2] & (1ull << 58)) || (ste[2] & (1ull << 57)))
		return false; /* 4 KiB granule, record faults, never stall */
	if (!smmu_attrs_ok(m, GET(ste[2], 41, 40), GET(ste[2], 43, 42), GET(ste[2], 45, 44)))
		return false; /* S2IR0, S2OR0, S2SH0 */
	if (ps > oas || t0sz < 16 || t0sz > 39)
		return false;
	s2->ia_bits = 64 - t0sz;
	if (sl0 == 2)
		s2->level = 0;
	else if (sl0 == 1)
		s2->level = 1;
	else
		return false;
	/* One table (no concatenation) at the start level covers 40-48 or 31-39 bits. */
	if (s2->ia_bits > 48 - 9 * s2->level || s2->ia_bits < 40 - 9 * s2->level)
		return false;
	s2->ttb = ste[3] & MASK(51, 4);
	return !(s2->ttb & 0xfff);
}

/*
 * STE.Config (5.2) if the STE is valid and the model implements it, else -1
 * (C_BAD_STE). A stage-2-only STE must also use VMID 0, the hypervisor's.
 */
static int ste_config(const struct smmu_model *m, const u64 *ste, struct ste_s2 *s2)
{
	u32 config = GET(ste[0], 3, 1);

	if (!(ste[0] & 1))
		return -1;
	if (config == 0)
		return 0; /* abort */
	if (config < 4)
		return -1; /* reserved */
	if (((config & 1) && !(m->idr[0] & IDR0_S1P)) || ((config & 2) && !(m->idr[0] & IDR0_S2P)))
		return -1; /* a stage the SMMU does not implement */
	if ((config & 2) && !ste_s2_ok(m, ste, s2))
		return -1;
	if (config == 6 && s2->vmid != 0)
		return -1;
	if ((config & 1) && !smmu_ste_s1_ok(m, ste, config))
		return -1;
	return config;
}

/* Stream @sid's STE at @ste_pa, from the configuration cache if it is on. */
static void ste_fetch(struct smmu_model *m, const struct xlate *x, u64 ste_pa, u64 *ste)
{
	bool cache = m->cache_config && x->use_tlb;
	unsigned int i;

	for (i = 0; cache && i < SMMU_MODEL_CFG_CACHE; i++)
		if (m->ste_cache[i].valid && m->ste_cache[i].sid == x->sid) {
			memcpy(ste, m->ste_cache[i].ste, 64);
			m->ste_cache_hits++;
			return;
		}
	mem_rd_n(m, ste_pa, ste, 8);
	if (!cache)
		return;
	i = m->ste_cache_next++ % SMMU_MODEL_CFG_CACHE;
	m->ste_cache[i].valid = true;
	m->ste_cache[i].sid = x->sid;
	memcpy(m->ste_cache[i].ste, ste, 64);
}

/* A stage-2 translation fault (IA beyond S2T0SZ, invalid or misplaced descriptor) or 0. */
static u8 s2_table_walk(struct smmu_model *m, const struct xlate *x, const struct ste_s2 *s2,
			u64 ipa, u64 *leaf, unsigned int *leaf_shift)
{
	unsigned int level = s2->level;
	u64 table, d;

	if (ipa >> s2->ia_bits)
		return EVT_TRANSLATION;
	table = x->use_tlb ? smmu_walk_find(m, s2->vmid, ipa, &level) : 0;
	if (!table)
		table = s2->ttb;
	for (;; level++) {
		unsigned int shift = 39 - 9 * level;

		d = smmu_mem_rd(m, table + ((ipa >> shift) & 511) * 8);
		if (!(d & 1) || (level == 3 && !(d & 2)) || (level == 0 && !(d & 2)))
			return EVT_TRANSLATION;
		if (level < 3 && (d & 2)) {
			table = d & MASK(47, 12);
			if (x->use_tlb)
				smmu_walk_add(m, s2->vmid, ipa, level, table);
			continue;
		}
		*leaf = d;
		*leaf_shift = shift;
		return 0;
	}
}

u8 smmu_s2_walk(struct smmu_model *m, const struct xlate *x, const struct ste_s2 *s2, u64 ipa,
		bool write, struct s2_out *o)
{
	unsigned int shift, i;
	int t = x->use_tlb ? smmu_tlb_find(m, TLB_S2, s2->vmid, 0, ipa) : -1;
	u8 f;
	u64 d;

	/* A permission miss walks again. */
	if (t >= 0 && (m->tlb[t].s2ap & (write ? 2 : 1))) {
		o->pa = m->tlb[t].pa | (ipa & 0xfff);
		o->memattr = m->tlb[t].memattr, o->sh = m->tlb[t].sh, o->s2ap = m->tlb[t].s2ap;
		return 0;
	}
	f = s2_table_walk(m, x, s2, ipa, &d, &shift);
	if (f)
		return f;
	o->pa = (d & MASK(47, 12) & ~((1ull << shift) - 1)) | (ipa & ((1ull << shift) - 1));
	if (!(d & (1ull << 10)))
		return EVT_ACCESS;
	if (!(GET(d, 7, 6) & (write ? 2 : 1)))
		return EVT_PERMISSION;
	if (o->pa >> smmu_oas_bits(m))
		return EVT_ADDR_SIZE;
	o->memattr = GET(d, 5, 2);
	o->sh = GET(d, 9, 8);
	o->s2ap = GET(d, 7, 6);
	if (!x->use_tlb)
		return 0;
	i = smmu_tlb_add(m, TLB_S2, s2->vmid, 0, ipa, o->pa);
	m->tlb[i].memattr = o->memattr, m->tlb[i].sh = o->sh, m->tlb[i].s2ap = o->s2ap;
	return 0;
}

static struct smmu_dma translate(struct smmu_model *m, const struct xlate *x);

struct smmu_dma smmu_model_dma(struct smmu_model *m, u32 sid, u64 addr, bool write)
{
	struct xlate x = {
		.sid = sid, .addr = addr, .write = write, .use_tlb = true, .record = true
	};

	return translate(m, &x);
}

struct smmu_dma smmu_model_dma_ssid(struct smmu_model *m, u32 sid, u32 ssid, u64 addr, bool write)
{
	struct xlate x = { .sid = sid,
			   .ssid = ssid,
			   .ssv = true,
			   .addr = addr,
			   .write = write,
			   .use_tlb = true,
			   .record = true };

	return translate(m, &x);
}

static struct smmu_dma translate(struct smmu_model *m, const struct xlate *x)
{
	struct smmu_dma r = { 0 };
	struct ste_s2 s2 = { 0 };
	struct s2_out o = { 0 };
	u64 ste_pa, ste[8];
	int config;
	u8 f;

	if (!(m->cr0 & CR0_SMMUEN)) {
		if (m->gbpa & GBPA_ABORT) {
			r.fault = EVT_BYPASS_ABORT;
			return r;
		}
		r.ok = true, r.pa = x->addr;
		return r;
	}
	ste_pa = find_ste(m, x->sid, &f);
	if (!ste_pa) {
		smmu_fault(m, x, f, false, 0, 0, true, &r);
		return r;
	}
	ste_fetch(m, x, ste_pa, ste);
	config = ste_config(m, ste, &s2);
	if (config < 0) {
		smmu_fault(m, x, EVT_BAD_STE, false, 0, 0, true, &r);
		return r;
	}
	if (config == 0) {
		r.fault = SMMU_MODEL_STE_ABORT; /* terminated, no event (5.2 Config) */
		return r;
	}
	if (config & 1)
		return smmu_s1_translate(m, x, ste, config & 2 ? &s2 : NULL);
	/* Stage 1 bypassed: a SubstreamID has no CD to select (S1CDMax is 0). */
	if (x->ssv) {
		smmu_fault(m, x, EVT_BAD_SUBSTREAMID, false, 0, 0, true, &r);
		return r;
	}
	if (config == 4) {
		r.ok = true, r.pa = x->addr;
		return r;
	}
	f = smmu_s2_walk(m, x, &s2, x->addr, x->write, &o);
	if (f) {
		smmu_fault(m, x, f, true, SMMU_MODEL_CLASS_IN, x->addr, true, &r);
		r.pa = o.pa;
		return r;
	}
	r.ok = true;
	r.pa = o.pa, r.memattr = o.memattr, r.sh = o.sh;
	return r;
}

/* Check the STE of every stream ID the SMMU can see (see smmu_model.h). */
static void check_all_stes(struct smmu_model *m)
{
	u32 sid, nr = 1u << GET(m->idr[1], 5, 0);
	struct ste_s2 s2;

	m->ste_checks++;
	for (sid = 0; sid < nr; sid++) {
		u64 ste[8] = { 0 };
		u8 evt;
		u64 ste_pa = find_ste(m, sid, &evt);
		int config;

		if (ste_pa)
			mem_rd_n(m, ste_pa, ste, 8);
		if (!ste_pa || !(ste[0] & 1)) {
			m->missing_stes++;
			continue;
		}
		/* Invalid, or letting DMA past stage 2 (bypass, stage 1 only). */
		config = ste_config(m, ste, &s2);
		if (config < 0 || config == 4 || config == 5)
			m->bad_stes++;
	}
}

/* ---- the command queue (chapter 4) --------------------------------------- */

static void log_cmd(struct smmu_model *m, struct smmu_cmd_log l)
{
	if (m->nr_log < SMMU_MODEL_LOG)
		m->log[m->nr_log++] = l;
}

/* Execute one command; false if it is illegal (4.1.x, CERROR_ILL). */
static bool exec_cmd(struct smmu_model *m, const u64 *c)
{
	u8 op = c[0] & 0xff;
	struct smmu_cmd_log l = { .op = op };

	if (op == m->illegal_op)
		return false;
	switch (op) {
	case 0x01: /* PREFETCH_CONFIG, PREFETCH_ADDR: hints this model ignores (4.2) */
	case 0x02:
		break;
	case 0x20: /* TLBI_EL2_ALL: only with IDR0.HYP */
		if (!(m->idr[0] & IDR0_HYP))
			return false;
		break;
	case 0x46: /* CMD_SYNC: no MSI, no SEV, no IRQ in this model */
		if (GET(c[0], 13, 12) != 0)
			return false;
		m->nr_sync++;
		break;
	default:
		if (!smmu_exec_inval(m, c, &l))
			return false;
		if (op == 0x04 && GET(c[1], 4, 0) == 31)
			check_all_stes(m); /* CFGI_ALL */
	}
	log_cmd(m, l);
	return true;
}

static void consume_cmdq(struct smmu_model *m)
{
	u32 log2 = q_log2(m->cmdq_base), mask = (2u << log2) - 1;

	if (!(m->cr0 & CR0_CMDQEN) || m->cmdq_stuck)
		return;
	if ((m->gerror ^ m->gerrorn) & GERROR_CMDQ_ERR)
		return; /* stopped until software acknowledges the error */
	while ((m->cmdq_cons & mask) != (m->cmdq_prod & mask)) {
		unsigned int w;
		u64 cmd[2];

		for (w = 0; w < m->nr_watch; w++) {
			struct xlate x = { .sid = m->watch_sid[w], .addr = m->watch[w] };

			struct smmu_dma r = translate(m, &x);

			if (!r.ok)
				m->transient_faults++;
			if (!r.ok && r.fault != SMMU_MODEL_STE_ABORT)
				m->transient_bad++;
		}
		mem_rd_n(m, q_ent(m->cmdq_base, m->cmdq_cons, 2), cmd, 2);
		if ((cmd[0] & 0xff) == 0x46 && m->late_syncs && !m->holding_sync) {
			m->holding_sync = true; /* completes at the next PROD write */
			return;
		}
		if ((cmd[0] & 0xff) == 0x46 && m->holding_sync) {
			m->holding_sync = false;
			m->late_syncs--;
		}
		if (!exec_cmd(m, cmd)) {
			m->nr_bad_cmds++;
			m->cmdq_cons = (m->cmdq_cons & mask) | (1u << 24); /* CERROR_ILL */
			m->gerror ^= GERROR_CMDQ_ERR;
			return;
		}
		m->cmdq_cons = (m->cmdq_cons + 1) & mask;
		if (m->on_step)
			m->on_step(m, SMMU_MODEL_STEP_CMD, cmd[0] & 0xff);
	}
}

bool smmu_model_invalidated(const struct smmu_model *m, unsigned int from, u64 addr)
{
	bool inv = false;
	unsigned int i;

	for (i = from; i < m->nr_log; i++) {
		const struct smmu_cmd_log *l = &m->log[i];

		if ((l->op == 0x28 || l->op == 0x2a || l->op == 0x30) && l->vmid == 0 &&
		    (l->all || (addr >= l->start && addr < l->end)))
			inv = true;
		if (inv && l->op == 0x46)
			return true;
	}
	return false;
}

/* ---- registers ------------------------------------------------------------ */

u64 fake_mmio_read(u64 addr, unsigned int size)
{
	u64 off;
	struct smmu_model *m = model_at(addr, &off);

	switch (off) {
	case R_IDR0:
	case R_IDR1:
	case R_IDR2:
	case R_IDR3:
	case R_IDR4:
	case R_IDR5:
		return m->idr[off / 4];
	case R_IIDR:
		return 0;
	case R_AIDR:
		return 1; /* SMMUv3.1 */
	case R_CR0:
		return m->cr0;
	case R_CR0ACK:
		return m->cr0ack;
	case R_CR1:
		return m->cr1;
	case R_CR2:
		return m->cr2;
	case R_GBPA:
		return m->gbpa;
	case R_IRQ_CTRL:
		return m->irq_ctrl;
	case R_IRQ_CTRLACK:
		return m->irq_ctrlack;
	case R_GERROR:
		return m->gerror;
	case R_GERRORN:
		return m->gerrorn;
	case R_STRTAB_BASE:
		return m->strtab_base;
	case R_STRTAB_BASE_CFG:
		return m->strtab_base_cfg;
	case R_CMDQ_BASE:
		return m->cmdq_base;
	case R_CMDQ_PROD:
		return m->cmdq_prod;
	case R_CMDQ_CONS:
		return m->cmdq_cons;
	case R_EVTQ_BASE:
		return m->evtq_base;
	case R_EVTQ_PROD:
		return m->evtq_prod;
	case R_EVTQ_CONS:
		return m->evtq_cons;
	}
	fprintf(stdout, "# smmu_model: read of unknown register %llx\n", (unsigned long long)off);
	abort();
}

static void reg_write(struct smmu_model *m, u64 off, u64 val);

void fake_mmio_write(u64 addr, u64 val, unsigned int size)
{
	u64 off;
	struct smmu_model *m = model_at(addr, &off);

	reg_write(m, off, val);
	if (m->on_step)
		m->on_step(m, off, 0);
}

static void reg_write(struct smmu_model *m, u64 off, u64 val)
{
	if (!(m->cr0 & CR0_SMMUEN) && !(m->gbpa & GBPA_ABORT) &&
	    !(off == R_GBPA && (val & GBPA_UPDATE) && (val & GBPA_ABORT)))
		m->writes_in_bypass++;

	switch (off) {
	case R_CR0:
		if ((val & CR0_SMMUEN) && !(m->cr0 & CR0_SMMUEN)) {
			/* CR1 (6.3.11): tables [11:6], queues [5:0], each SH, OC, IC. */
			m->bad_cr1 = !smmu_attrs_ok(m, GET(m->cr1, 7, 6), GET(m->cr1, 9, 8),
						    GET(m->cr1, 11, 10)) ||
				     !smmu_attrs_ok(m, GET(m->cr1, 1, 0), GET(m->cr1, 3, 2),
						    GET(m->cr1, 5, 4));
			check_all_stes(m);
		}
		m->cr0 = val;
		if (!m->cr0ack_stuck)
			m->cr0ack = val;
		consume_cmdq(m);
		return;
	case R_CR1:
		m->cr1 = val;
		return;
	case R_CR2:
		m->cr2 = val;
		return;
	case R_GBPA:
		if ((val & GBPA_UPDATE) && !m->gbpa_stuck)
			m->gbpa = val & ~GBPA_UPDATE;
		return;
	case R_IRQ_CTRL:
		m->irq_ctrl = m->irq_ctrlack = val;
		return;
	case R_GERRORN:
		m->gerrorn = val;
		consume_cmdq(m);
		return;
	case R_STRTAB_BASE:
		m->strtab_base = val;
		return;
	case R_STRTAB_BASE_CFG:
		m->strtab_base_cfg = val;
		return;
	case R_CMDQ_BASE:
		m->cmdq_base = val;
		return;
	case R_CMDQ_PROD:
		m->cmdq_prod = val;
		consume_cmdq(m);
		return;
	case R_CMDQ_CONS:
		m->cmdq_cons = val;
		return;
	case R_EVTQ_BASE:
		m->evtq_base = val;
		return;
	case R_EVTQ_PROD:
		m->evtq_prod = val;
		return;
	case R_EVTQ_CONS:
		m->evtq_cons = val;
		return;
	}
	fprintf(stdout, "# smmu_model: write of %llx to unknown register %llx\n",
		(unsigned long long)val, (unsigned long long)off);
	abort();
}
