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
#include "smmu_model.h"

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

#define EVT_BAD_STREAMID 0x02
#define EVT_BAD_STE 0x04
#define EVT_TRANSLATION 0x10
#define EVT_ADDR_SIZE 0x11
#define EVT_ACCESS 0x12
#define EVT_PERMISSION 0x13
#define EVT_BYPASS_ABORT 0xff /* not an event: GBPA aborted it */

#define MASK(h, l) ((~0ull >> (63 - (h))) & (~0ull << (l)))
#define GET(v, h, l) (((v) & MASK(h, l)) >> (l))

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
		m->walk[i].valid = false;
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
static u64 mem_rd(const struct smmu_model *m, u64 addr)
{
	return m->noncoherent ? poc_read64(addr) : *(const u64 *)(uintptr_t)addr;
}

static void mem_wr(const struct smmu_model *m, u64 addr, u64 val)
{
	if (m->noncoherent)
		poc_write64(addr, val);
	else
		*(u64 *)(uintptr_t)addr = val;
}

static void mem_rd_n(const struct smmu_model *m, u64 addr, u64 *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = mem_rd(m, addr + 8 * i);
}

/* Walks and fetches asked for (IRGN, ORGN, SH): fit for how the SMMU is attached? */
static bool attrs_ok(const struct smmu_model *m, u32 irgn, u32 orgn, u32 sh)
{
	if (m->noncoherent)
		return irgn == 0 && orgn == 0; /* Non-cacheable: read at the PoC */
	/* Write-back (RA, WA or both) and shareable: snoops the CPU's caches. */
	return (irgn == 1 || irgn == 3) && (orgn == 1 || orgn == 3) && sh >= 2;
}

/* ---- translation --------------------------------------------------------- */

static void tlb_drop(struct smmu_model *m, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_TLB; i++)
		if (m->tlb[i].valid && m->tlb[i].page >= start && m->tlb[i].page < end)
			m->tlb[i].valid = false;
}

/* Cached table walks of regions overlapping [start, end) (4.4: Leaf = 0). */
static void walk_drop(struct smmu_model *m, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++) {
		u64 size = 1ull << (39 - 9 * m->walk[i].level);

		if (m->walk[i].valid && m->walk[i].ipa < end && start < m->walk[i].ipa + size)
			m->walk[i].valid = false;
	}
}

/* The deepest cached table on @addr's walk from @level, or 0 (and @level unchanged). */
static u64 walk_find(struct smmu_model *m, u64 addr, unsigned int *level)
{
	u64 table = 0;
	unsigned int i, best = *level;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++) {
		u64 size = 1ull << (39 - 9 * m->walk[i].level);

		if (m->walk[i].valid && m->walk[i].level >= best &&
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

static void walk_add(struct smmu_model *m, u64 addr, unsigned int level, u64 table)
{
	u64 size = 1ull << (39 - 9 * level);
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_WALK_CACHE; i++)
		if (m->walk[i].valid && m->walk[i].level == level &&
		    m->walk[i].ipa == (addr & ~(size - 1)))
			return;
	i = m->walk_next++ % SMMU_MODEL_WALK_CACHE;
	m->walk[i].valid = true;
	m->walk[i].level = level;
	m->walk[i].ipa = addr & ~(size - 1);
	m->walk[i].table = table;
}

bool smmu_model_tlb_has(const struct smmu_model *m, u64 addr)
{
	unsigned int i;

	for (i = 0; i < SMMU_MODEL_TLB; i++)
		if (m->tlb[i].valid && m->tlb[i].page == (addr & ~0xfffull))
			return true;
	return false;
}

static void record_event(struct smmu_model *m, u8 id, u32 sid, u64 addr, bool write, bool s2,
			 struct smmu_dma *r)
{
	u32 log2 = q_log2(m->evtq_base), mask = (2u << log2) - 1;
	u64 e;

	r->fault = id;
	if (!(m->cr0 & CR0_EVTQEN))
		return;
	/* Full: PROD index == CONS index, wrap bits differ. Then overflow (7.4). */
	if (((m->evtq_prod ^ m->evtq_cons) & mask) == (1u << log2)) {
		if (!((m->evtq_prod ^ m->evtq_cons) & (1u << 31)))
			m->evtq_prod ^= 1u << 31;
		return;
	}
	e = q_ent(m->evtq_base, m->evtq_prod, 4);
	mem_wr(m, e, id | (u64)sid << 32);
	mem_wr(m, e + 8, (write ? 0 : 1ull << 35) | (s2 ? 1ull << 39 : 0));
	mem_wr(m, e + 16, addr);
	mem_wr(m, e + 24, addr & MASK(51, 12));
	/* The worst moment for the CPU's caches to write back a dirty copy of the entry. */
	if (m->noncoherent)
		poc_evict(e, 32);
	m->evtq_prod = (m->evtq_prod & (1u << 31)) | ((m->evtq_prod + 1) & mask);
	r->event = id;
}

/* The address of the STE for @sid (5.2, 3.3.2), or 0 when the stream table has none. */
static u64 find_ste(struct smmu_model *m, u32 sid)
{
	u32 cfg = m->strtab_base_cfg, log2size = GET(cfg, 5, 0), fmt = GET(cfg, 17, 16);
	u64 base = m->strtab_base & MASK(51, 6);

	if (sid >= (1u << log2size))
		return 0;
	if (fmt == 0)
		return aligned_base(base, (1ull << log2size) * 64, 64) + (u64)sid * 64;
	if (fmt == 1) {
		u32 split = GET(cfg, 10, 6);
		u64 l1_bytes = log2size > split ? (1ull << (log2size - split)) * 8 : 8;
		u64 l1 = mem_rd(m, aligned_base(base, l1_bytes, 64) + (u64)(sid >> split) * 8);
		u32 span = GET(l1, 4, 0);
		u64 l2 = l1 & MASK(51, 6);

		if (split != 6 && split != 8 && split != 10)
			return 0;
		if (!span || span > split + 1 || (sid & ((1u << split) - 1)) >= (1u << (span - 1)))
			return 0;
		return aligned_base(l2, (1ull << (span - 1)) * 64, 64) +
		       (u64)(sid & ((1u << split) - 1)) * 64;
	}
	return 0;
}

static const unsigned int ps_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

/* A stage-2-only STE with the settings the hypervisor relies on, or false. */
static bool ste_ok(const struct smmu_model *m, const u64 *ste, unsigned int *start_level,
		   unsigned int *ia_bits, u64 *ttb)
{
	u32 t0sz = GET(ste[2], 37, 32), sl0 = GET(ste[2], 39, 38), ps = GET(ste[2], 50, 48);
	u32 oas = GET(m->idr[5], 2, 0);

	if (!(ste[0] & 1) || GET(ste[0], 3, 1) != 6)
		return false; /* not valid, or not "stage 1 bypass, stage 2 translate" */
	if (GET(ste[2], 15, 0) != 0 || !(ste[2] & (1ull << 51)) || (ste[2] & (1ull << 52)))
		return false; /* VMID 0, S2AA64, little-endian */
	if (GET(ste[2], 47, 46) != 0 || !(ste[2] & (1ull << 58)) || (ste[2] & (1ull << 57)))
		return false; /* 4 KiB granule, record faults, never stall */
	if (!attrs_ok(m, GET(ste[2], 41, 40), GET(ste[2], 43, 42), GET(ste[2], 45, 44)))
		return false; /* S2IR0, S2OR0, S2SH0 */
	if (ps > oas || t0sz < 16 || t0sz > 39)
		return false;
	*ia_bits = 64 - t0sz;
	if (sl0 == 2)
		*start_level = 0;
	else if (sl0 == 1)
		*start_level = 1;
	else
		return false;
	/* One table (no concatenation) at the start level covers 40-48 or 31-39 bits. */
	if (*ia_bits > 48 - 9 * *start_level || *ia_bits < 40 - 9 * *start_level)
		return false;
	*ttb = ste[3] & MASK(51, 4);
	return !(*ttb & 0xfff);
}

static struct smmu_dma translate(struct smmu_model *m, u32 sid, u64 addr, bool write,
				 bool use_tlb, bool record);

struct smmu_dma smmu_model_dma(struct smmu_model *m, u32 sid, u64 addr, bool write)
{
	return translate(m, sid, addr, write, true, true);
}

static void record_event_if(struct smmu_model *m, bool record, u8 id, u32 sid, u64 addr,
			    bool write, bool s2, struct smmu_dma *r)
{
	if (record)
		record_event(m, id, sid, addr, write, s2, r);
	else
		r->fault = id;
}

static struct smmu_dma translate(struct smmu_model *m, u32 sid, u64 addr, bool write,
				 bool use_tlb, bool record)
{
	struct smmu_dma r = { 0 };
	unsigned int level, ia_bits, i;
	u64 ste_pa, ste[8], table, ttb, d = 0;

	if (!(m->cr0 & CR0_SMMUEN)) {
		if (m->gbpa & GBPA_ABORT) {
			r.fault = EVT_BYPASS_ABORT;
			return r;
		}
		r.ok = true, r.pa = addr;
		return r;
	}
	if (sid >= (1u << GET(m->idr[1], 5, 0)) || !(ste_pa = find_ste(m, sid))) {
		record_event_if(m, record, sid >= (1u << GET(m->idr[1], 5, 0)) ? EVT_BAD_STREAMID : EVT_BAD_STE,
			     sid, addr, write, false, &r);
		return r;
	}
	mem_rd_n(m, ste_pa, ste, 8);
	if (!ste_ok(m, ste, &level, &ia_bits, &ttb)) {
		record_event_if(m, record, EVT_BAD_STE, sid, addr, write, false, &r);
		return r;
	}
	for (i = 0; use_tlb && i < SMMU_MODEL_TLB; i++)
		if (m->tlb[i].valid && m->tlb[i].page == (addr & ~0xfffull)) {
			if (!(m->tlb[i].s2ap & (write ? 2 : 1)))
				break; /* a permission miss walks again */
			r.ok = true, r.pa = m->tlb[i].pa | (addr & 0xfff);
			r.memattr = m->tlb[i].memattr, r.sh = m->tlb[i].sh;
			return r;
		}
	if (addr >> ia_bits) {
		record_event_if(m, record, EVT_TRANSLATION, sid, addr, write, true, &r);
		return r;
	}
	table = use_tlb ? walk_find(m, addr, &level) : 0;
	if (!table)
		table = ttb;
	for (;; level++) {
		unsigned int shift = 39 - 9 * level;

		d = mem_rd(m, table + ((addr >> shift) & 511) * 8);
		if (!(d & 1) || (level == 3 && !(d & 2)) || (level == 0 && !(d & 2))) {
			record_event_if(m, record, EVT_TRANSLATION, sid, addr, write, true, &r);
			return r;
		}
		if (level < 3 && (d & 2)) {
			table = d & MASK(47, 12);
			if (use_tlb)
				walk_add(m, addr, level, table);
			continue;
		}
		r.pa = (d & MASK(47, 12) & ~((1ull << shift) - 1)) | (addr & ((1ull << shift) - 1));
		break;
	}
	if (!(d & (1ull << 10))) {
		record_event_if(m, record, EVT_ACCESS, sid, addr, write, true, &r);
		return r;
	}
	if (!(GET(d, 7, 6) & (write ? 2 : 1))) {
		record_event_if(m, record, EVT_PERMISSION, sid, addr, write, true, &r);
		return r;
	}
	if (r.pa >> ps_bits[GET(m->idr[5], 2, 0)]) {
		record_event_if(m, record, EVT_ADDR_SIZE, sid, addr, write, true, &r);
		return r;
	}
	r.ok = true;
	r.memattr = GET(d, 5, 2);
	r.sh = GET(d, 9, 8);
	if (!use_tlb)
		return r;
	i = m->tlb_next++ % SMMU_MODEL_TLB;
	m->tlb[i].valid = true;
	m->tlb[i].page = addr & ~0xfffull;
	m->tlb[i].pa = r.pa & ~0xfffull;
	m->tlb[i].memattr = r.memattr, m->tlb[i].sh = r.sh, m->tlb[i].s2ap = GET(d, 7, 6);
	return r;
}

/* Check the STE of every stream ID the SMMU can see (see smmu_model.h). */
static void check_all_stes(struct smmu_model *m)
{
	u32 sid, nr = 1u << GET(m->idr[1], 5, 0);
	unsigned int level, ia_bits;
	u64 ttb;

	m->ste_checks++;
	for (sid = 0; sid < nr; sid++) {
		u64 ste_pa = find_ste(m, sid), ste[8] = { 0 };

		if (ste_pa)
			mem_rd_n(m, ste_pa, ste, 8);
		if (!ste_pa || !(ste[0] & 1))
			m->missing_stes++;
		else if (!ste_ok(m, ste, &level, &ia_bits, &ttb))
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
	case 0x03: /* CFGI_STE */
		break;
	case 0x04: /* CFGI_ALL: Range must be 31 */
		if (GET(c[1], 4, 0) != 31)
			return false;
		check_all_stes(m);
		break;
	case 0x20: /* TLBI_EL2_ALL: only with IDR0.HYP */
		if (!(m->idr[0] & (1u << 9)))
			return false;
		break;
	case 0x28: /* TLBI_S12_VMALL */
		l.vmid = GET(c[0], 47, 32);
		l.all = true;
		if (!l.vmid) {
			tlb_drop(m, 0, ~0ull);
			walk_drop(m, 0, ~0ull);
		}
		m->nr_tlbi++;
		break;
	case 0x30: /* TLBI_NSNH_ALL */
		l.all = true;
		tlb_drop(m, 0, ~0ull);
		walk_drop(m, 0, ~0ull);
		m->nr_tlbi++;
		break;
	case 0x2a: { /* TLBI_S2_IPA */
		u32 tg = GET(c[1], 11, 10), num = GET(c[0], 16, 12), scale = GET(c[0], 24, 20);
		u64 pages = 1;

		l.vmid = GET(c[0], 47, 32);
		l.start = c[1] & MASK(51, 12);
		if (tg) {
			if (!(m->idr[3] & (1u << 10)) || tg != 1)
				return false; /* range form without RIL, or not 4 KiB */
			pages = (u64)(num + 1) << scale;
		} else if (num || scale) {
			return false;
		}
		l.end = l.start + (pages << 12);
		l.leaf = c[1] & 1;
		if (!l.vmid)
			tlb_drop(m, l.start, l.end);
		/* Leaf = 1: only leaf entries changed; cached table walks stay (4.4.1). */
		if (!l.vmid && !l.leaf)
			walk_drop(m, l.start, l.end);
		m->nr_tlbi++;
		break;
	}
	case 0x46: /* CMD_SYNC: no MSI, no SEV, no IRQ in this model */
		if (GET(c[0], 13, 12) != 0)
			return false;
		m->nr_sync++;
		break;
	default:
		return false;
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

		for (w = 0; w < m->nr_watch; w++)
			if (!translate(m, 0, m->watch[w], false, false, false).ok)
				m->transient_faults++;
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

		if (l->vmid == 0 && (l->all || (addr >= l->start && addr < l->end)))
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
			m->bad_cr1 = !attrs_ok(m, GET(m->cr1, 7, 6), GET(m->cr1, 9, 8),
					       GET(m->cr1, 11, 10)) ||
				     !attrs_ok(m, GET(m->cr1, 1, 0), GET(m->cr1, 3, 2),
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
