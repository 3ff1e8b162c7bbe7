// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "smmu_nested": the host driving nested mode's emulated SMMUv3
 * (drivers/smmuv3/nested*.c, issue 14) -- with the real driver, mem_protect,
 * page pool, iommu core and hyp/mmio's emulation path, and the software SMMU
 * of tests/unit/lib/smmu_model.c (which walks stage 1 and nested itself) as
 * the hardware -- in a small machine: 8 MiB of RAM, the host's first 4 MiB,
 * the carve-out (the hypervisor's pool: real stream table, queues, stage-2
 * tables) the rest, the SMMU's registers at SMMU_PA.
 *
 * Input: one variant byte (bit 0: 6-bit stream IDs, a linear real stream
 * table, else 8-bit and 2-level; bit 1: the SMMU can stall, IDR0.STALL_MODEL
 * 0b00, else QEMU's 0b01; bit 2: not coherent -- the device tree says so,
 * the SMMU reads memory at the PoC of lib/poc_memory.c, and the host cleans
 * what it writes), then operations (see the op_* functions):
 * register reads and writes at any offset and size of both 64 KiB pages,
 * 64-bit writes of host memory (stream tables, CDs, queues, stage-1 tables),
 * donate/reclaim of a page, the trap path's SMMU poll, DMA probes (stream
 * ID, IOVA, direction) through the model, and two steps of a host driver:
 * an STE rewritten where the host's registers say it is, followed by
 * CFGI_STE + CMD_SYNC, and a command put at the host's CMDQ_PROD. Values
 * may be "RAM-relative": bits [47:12] then name a page of the machine's
 * first 32 MiB, so that pointers land in RAM (host's or the hypervisor's)
 * or just beyond it.
 *
 * Invariants, from IHI 0070 and the issue (not from the driver's code):
 *  - every valid real STE, after each operation and at each command the SMMU
 *    executes, is abort, stage 2 only or stage 1 + stage 2; its
 *    stage-2 half (dwords 2, 3: VMID, VTCR fields, S2TTB = the identity
 *    table's root) and the fields outside the stage-1 ones are those of the
 *    stage-2 STE the hypervisor installed at boot; no substreams (S1CDMax,
 *    S1Fmt 0); S1STALLD set when the SMMU could stall (5.2);
 *  - the real command queue gets only commands the design lets through
 *    (configuration and stage-1 invalidations, our stage-2 ones, CMD_SYNC),
 *    TLBIs only for our VMID, and none the SMMU finds illegal;
 *  - no DMA probe's output nor any stage-1 read it makes (CD, table
 *    descriptors) is in a hypervisor page (carve-out, donated, the SMMU's
 *    registers). Control: when a probe's stage-1 output was a hypervisor
 *    page, the same probe with its leaf pointed at a host page must succeed
 *    there;
 *  - the host's tables and queues in use (enable acknowledged in CR0ACK) are
 *    pinned: PAGE_STATE 5 and DONATE -EBUSY; no other host page is pinned
 *    (checked at the end of each input); donated pages keep their content
 *    (the hypervisor never writes them for the host), and every read or write
 *    the hypervisor makes for the host (host_mem.h: STEs, level-1
 *    descriptors, commands, event records) is in a host page;
 *  - the host's CMDQ_CONS never passes its PROD; its event queue never holds
 *    more than its size, and only stage-1 records (S2 = 0) and the
 *    C_BAD_STREAMID/C_BAD_STE of streams a probe used while their real STE
 *    was V = 0 and marked with that event;
 *  - no crash, no hang, ASan/UBSan clean (the build).
 */
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE */
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include <isohyp/boot_info.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <isohyp/page_alloc.h>
#include <smmuv3/arm_smmu_v3.h>
/* Only to read the emulated EVTQ_PROD without the side effect of a host read. */
#include <smmuv3/nested.h>
#include <uapi/isohyp.h>

#include <asm/cache.h>

#include "../unit/lib/heap_pages.h"
#include "../unit/lib/poc_memory.h"
#include "../unit/lib/smmu_model.h"
/*
 * Memory as the SMMU reads it, at the PoC when not coherent (smmu_model_int.h's,
 * whose register names clash with the driver's).
 */
u64 smmu_mem_rd(const struct smmu_model *m, u64 addr);
#include "fuzz.h"

/* ---- the machine -------------------------------------------------------- */

#define RAM 0x40000000ull
#define RAM_SIZE (8ull << 20)
#define HOST_SIZE (4ull << 20) /* the host's part of RAM; the carve-out follows */
#define CARVE (RAM + HOST_SIZE)
#define CARVE_SIZE (RAM_SIZE - HOST_SIZE)
#define HOST_PAGES (HOST_SIZE >> 12)
#define RAM_PAGES (RAM_SIZE >> 12)
#define CONTROL_PAGE 0 /* never donated: the probe control's target */
#define SMMU_PA 0x9050000ull
#define SMMU_SIZE 0x20000ull
#define IA_BITS 32 /* the machine fits: a quick snapshot of the host stage-2 */
#define REL_SPAN 0x2000000ull /* RAM-relative values: the first 32 MiB from RAM */
#define MAX_OPS 160
#define EVT_BAD_STREAMID 0x02 /* 7.3.3 */
#define EVT_BAD_STE 0x04 /* 7.3.5 */

/* drivers/smmuv3/io_pgtable.c's identity table. */
extern struct kvm_pgtable smmu_idmap;

static struct smmu_model model;
static struct hyp_pool pool;
static struct hyp_mmio_region *regs;
static bool quiet = true;

enum { HOST, DONATED, HYP };
static u8 owner[RAM_PAGES];
static u64 donated_sum[RAM_PAGES];
static u64 boot_ste[8]; /* the real STE of stream 0 at boot: stage 2 only */
static u32 sid_bits;
/*
 * Per stream, the events (bit 0: C_BAD_STREAMID, bit 1: C_BAD_STE) a probe
 * made the real SMMU raise at a V = 0 STE the hypervisor marked with them:
 * only those may reach the host's event queue as configuration errors.
 */
static u8 bad_raised[256];
static bool can_stall;
static u64 last_s1_read;

/* The driver's messages: counted, printed only with FUZZ_VERBOSE set. */
void hyp_log(enum hyp_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
}

static u64 *p64(u64 pa)
{
	return (u64 *)(uintptr_t)pa;
}

static bool in_ram(u64 pa)
{
	return pa >= RAM && pa < RAM + RAM_SIZE;
}

/* A page the host may not reach: the carve-out, donated, the SMMU's registers. */
static bool hyp_page(u64 pa)
{
	if (pa >= SMMU_PA && pa < SMMU_PA + SMMU_SIZE)
		return true;
	return in_ram(pa) && owner[(pa - RAM) >> 12] != HOST;
}

static bool mem_backed(u64 addr)
{
	return addr >= RAM && addr <= RAM + RAM_SIZE - 8;
}

static void on_s1_read(struct smmu_model *m, u64 pa)
{
	FUZZ_CHECK(!hyp_page(pa)); /* a CD or table read through stage 2 reached the hypervisor */
	last_s1_read = pa;
}

static void zero_pages(phys_addr_t pa, u64 size)
{
	FUZZ_CHECK(in_ram(pa) && in_ram(pa + size - 1));
	memset(p64(pa), 0, size);
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

/*
 * include/isohyp/host_mem.h, in place of tests/unit/lib/host_mem.c: what
 * the hypervisor reads or writes for the host (its STEs, commands, event
 * records) must be the host's memory, never its own.
 */
static void host_range_ok(phys_addr_t pa, u64 len)
{
	FUZZ_CHECK(len && in_ram(pa) && in_ram(pa + len - 1));
	for (u64 p = pa & ~0xfffull; p < pa + len; p += 4096)
		FUZZ_CHECK(owner[(p - RAM) >> 12] == HOST);
}

void host_mem_read(phys_addr_t pa, void *dst, u64 len)
{
	host_range_ok(pa, len);
	memcpy(dst, p64(pa), len);
}

void host_mem_write(phys_addr_t pa, const void *src, u64 len)
{
	host_range_ok(pa, len);
	memcpy(p64(pa), src, len);
}

void host_mem_zero(phys_addr_t pa, u64 len)
{
	FUZZ_CHECK(len && in_ram(pa) && in_ram(pa + len - 1));
	memset(p64(pa), 0, len);
}

/* A store of the host's CPU; cleaned to the PoC when the SMMU is not coherent, as its driver would. */
static void host_store(u64 pa, u64 val)
{
	*p64(pa) = val;
	if (model.noncoherent)
		dcache_clean_poc(p64(pa), 8);
}

static u64 page_sum(u64 page)
{
	const u64 *p = p64(RAM + (page << 12));
	u64 s = 0;

	for (unsigned int i = 0; i < 512; i++)
		s = s * 31 + p[i];
	return s;
}

/* ---- host register access, through the trap path's emulation --------------- */

static int reg_access(u64 off, unsigned int size, bool write, u64 *val)
{
	struct mmio_access acc = { .size = size, .srt = 0, .write = write, .sf = size == 8 };
	u64 x[31] = { 0 };
	int ret;

	x[0] = write ? (size == 8 ? *val : (u32)*val) : 0;
	ret = hyp_mmio_emulate(regs, SMMU_PA + off, &acc, x);
	if (!write)
		*val = x[0];
	return ret;
}

static u64 rd(u64 off, unsigned int size)
{
	u64 v = 0;

	FUZZ_CHECK(!reg_access(off, size, false, &v));
	return v;
}

static void wr(u64 off, unsigned int size, u64 v)
{
	reg_access(off, size, true, &v);
}

/* Register offsets and fields the checks read (IHI 0070 6.3). */
#define R_IDR1 0x04
#define R_CR0 0x20
#define R_CR0ACK 0x24
#define R_STRTAB_BASE 0x80
#define R_STRTAB_BASE_CFG 0x88
#define R_CMDQ_BASE 0x90
#define R_CMDQ_PROD 0x98
#define R_CMDQ_CONS 0x9c
#define R_EVTQ_BASE 0xa0
#define R_EVTQ_PROD 0x100a8
#define R_EVTQ_CONS 0x100ac
#define SMMUEN 1u
#define EVTQEN 4u
#define CMDQEN 8u
#define ADDR_MASK 0x000fffffffffffc0ull /* [51:6] */
#define Q_ADDR_MASK 0x000fffffffffffe0ull /* [51:5] */
#define PA_MASK 0x0000fffffffff000ull

/* ---- the host's structures in use, as the spec sizes them ------------------ */

struct range {
	u64 start, end;
};

/* 6.3.23-6.3.26: the table or queue of @bytes at @base, aligned down to its size. */
static struct range span_of(u64 base, u64 bytes)
{
	u64 align = bytes > 64 ? bytes : 64;
	struct range r = { base & ~(align - 1), (base & ~(align - 1)) + bytes };

	return r;
}

/*
 * The host's stream table (level 1 or linear), command and event queues
 * whose enables CR0ACK shows, as [start, end); end 0 when not in use.
 */
static void in_use(struct range r[3])
{
	u32 idr1 = rd(R_IDR1, 4), ack = rd(R_CR0ACK, 4), cfg = rd(R_STRTAB_BASE_CFG, 4);
	u32 log2 = cfg & 0x3f, split = (cfg >> 6) & 0x1f, sidsize = idr1 & 0x3f;
	u32 cmdqs = (idr1 >> 21) & 0x1f, evtqs = (idr1 >> 16) & 0x1f;
	u64 q;

	memset(r, 0, 3 * sizeof(*r));
	if (log2 > sidsize)
		log2 = sidsize;
	if (ack & SMMUEN)
		r[0] = span_of(rd(R_STRTAB_BASE, 8) & ADDR_MASK,
			       ((cfg >> 16) & 3) ? 8ull << (log2 > split ? log2 - split : 0) :
						   64ull << log2);
	if (ack & CMDQEN) {
		q = rd(R_CMDQ_BASE, 8);
		r[1] = span_of(q & Q_ADDR_MASK, 16ull << ((q & 31) < cmdqs ? (q & 31) : cmdqs));
	}
	if (ack & EVTQEN) {
		q = rd(R_EVTQ_BASE, 8);
		r[2] = span_of(q & Q_ADDR_MASK, 32ull << ((q & 31) < evtqs ? (q & 31) : evtqs));
	}
}

/* Host pages that were in use at some point of this input: pinned once, unpinned at the end. */
static bool was_in_use[HOST_PAGES];

static bool page_in_use(const struct range r[3], u64 pa)
{
	for (int i = 0; i < 3; i++)
		if (r[i].end && pa + 4096 > r[i].start && pa < r[i].end)
			return true;
	return false;
}

/* Every page of a structure in use is the host's and pinned. */
static void check_pins(void)
{
	struct range r[3];

	in_use(r);
	for (int i = 0; i < 3; i++) {
		for (u64 pa = r[i].start & ~0xfffull; r[i].end && pa < r[i].end; pa += 4096) {
			FUZZ_CHECK(in_ram(pa) && owner[(pa - RAM) >> 12] == HOST);
			was_in_use[(pa - RAM) >> 12] = true;
			FUZZ_CHECK(__pkvm_host_page_state(pa >> 12) == ISOHYP_PAGE_HOST_PINNED);
		}
	}
}

/* ---- the real SMMU: its STEs, its command log ----------------------------- */

/*
 * Stream @sid's real STE as the SMMU finds and reads it (5.1; at the PoC
 * when it is not coherent) into @ste: its address, or 0 (no level-2 table).
 */
static u64 real_ste(u32 sid, u64 *ste)
{
	u64 base = model.strtab_base & ADDR_MASK, l1, pa;
	u32 cfg = model.strtab_base_cfg, split = (cfg >> 6) & 0x1f, span;

	if (!((cfg >> 16) & 3)) {
		pa = base + (u64)sid * 64;
	} else {
		l1 = smmu_mem_rd(&model, base + (u64)(sid >> split) * 8);
		span = l1 & 0x1f;
		if (!span || (sid & ((1u << split) - 1)) >= (1u << (span - 1)))
			return 0;
		pa = (l1 & ADDR_MASK) + (u64)(sid & ((1u << split) - 1)) * 64;
	}
	for (int d = 0; d < 8; d++)
		ste[d] = smmu_mem_rd(&model, pa + 8 * d);
	return pa;
}

/* STE dword 1's stage-1 fields (5.2): S1CIR, S1COR, S1CSH, S1STALLD. */
#define STE1_S1_FIELDS (0xffull | 1ull << 27)
#define STE1_S1STALLD (1ull << 27)
#define STE0_S1CTXPTR ADDR_MASK

static void check_real_stes(void)
{
	for (u32 sid = 0; sid < (1u << sid_bits); sid++) {
		u64 s[8], pa = real_ste(sid, s);
		u32 cfg;

		if (!pa)
			continue; /* no table: the SMMU aborts it (C_BAD_STE) */
		if (!(s[0] & 1)) {
			/* V = 0 (C_BAD_STE), marked with nothing or a host event. */
			u8 evt = (s[0] >> 8) & 0xff;

			FUZZ_CHECK(evt == 0 || evt == EVT_BAD_STREAMID || evt == EVT_BAD_STE);
			continue;
		}
		FUZZ_CHECK(in_ram(pa) && hyp_page(pa));
		cfg = (s[0] >> 1) & 7;
		FUZZ_CHECK(cfg == 0 || cfg == 6 ||
			   cfg == 7); /* never bypass, never stage 1 alone */
		if (cfg == 0)
			continue;
		/* Our stage 2: VMID, VTCR fields, S2TTB; nothing in dwords 4-7. */
		for (int d = 2; d < 8; d++)
			FUZZ_CHECK(s[d] == boot_ste[d]);
		/* Outside stage 1's fields (which stage 2 only ignores, mid-update), ours. */
		FUZZ_CHECK((s[1] & ~STE1_S1_FIELDS) == (boot_ste[1] & ~STE1_S1_FIELDS));
		if (cfg == 6)
			continue;
		/* Stage 1: the host's CD pointer and its fetch attributes, no substreams. */
		FUZZ_CHECK((s[0] & ~(STE0_S1CTXPTR | 0xfull)) == 0);
		if (can_stall)
			FUZZ_CHECK(s[1] & STE1_S1STALLD);
	}
}

/* Not only between operations: at every command the SMMU executes (a CFGI_STE mid-update). */
static void on_step(struct smmu_model *m, u64 reg, u8 op)
{
	if (reg == SMMU_MODEL_STEP_CMD)
		check_real_stes();
}

/* Commands (4.1): what may reach the real queue once the host runs. */
static bool cmd_allowed(u8 op)
{
	switch (op) {
	case 0x01: /* PREFETCH_CONFIG, PREFETCH_ADDR: hints */
	case 0x02:
	case 0x03: /* CFGI_STE, CFGI_STE_RANGE (CFGI_ALL), CFGI_CD, CFGI_CD_ALL */
	case 0x04:
	case 0x05:
	case 0x06:
	case 0x10: /* TLBI_NH_ALL, _ASID, _VA, _VAA */
	case 0x11:
	case 0x12:
	case 0x13:
	case 0x28: /* TLBI_S12_VMALL, TLBI_S2_IPA: ours */
	case 0x2a:
	case 0x46: /* CMD_SYNC */
		return true;
	default: /* TLBI_EL2/EL3, NSNH_ALL, ATC_INV, PRI_RESP, RESUME, STALL_TERM, ... */
		return false;
	}
}

static void check_cmds(void)
{
	u16 vmid = boot_ste[2] & 0xffff;

	if (model.nr_bad_cmds && !quiet) {
		u32 log2 = model.cmdq_base & 31;
		const u64 *c = p64((model.cmdq_base & Q_ADDR_MASK) +
				   (model.cmdq_cons & ((1u << log2) - 1)) * 16);

		printf("real command refused: %016llx %016llx\n", (unsigned long long)c[0],
		       (unsigned long long)c[1]);
	}
	FUZZ_CHECK(model.nr_bad_cmds == 0);
	FUZZ_CHECK(model.nr_log < SMMU_MODEL_LOG);
	for (unsigned int i = 0; i < model.nr_log; i++) {
		const struct smmu_cmd_log *l = &model.log[i];

		FUZZ_CHECK(cmd_allowed(l->op));
		if ((l->op >= 0x10 && l->op <= 0x13) || l->op == 0x28 || l->op == 0x2a)
			FUZZ_CHECK(l->vmid == vmid);
	}
	model.nr_log = 0;
}

/* ---- the host's queues ---------------------------------------------------- */

static u32 q_log2(u64 base_reg, u32 idr_max)
{
	return (base_reg & 31) < idr_max ? (base_reg & 31) : idr_max;
}

/* Entries from @from to @to, index and wrap bit of a queue of 2^@log2. */
static u32 q_dist(u32 from, u32 to, u32 log2)
{
	return (to - from) & ((2u << log2) - 1);
}

struct cmdq_view {
	bool on;
	u32 log2, prod, cons;
};

static struct cmdq_view cmdq_view(void)
{
	struct cmdq_view v = { .on = rd(R_CR0ACK, 4) & CMDQEN };

	v.log2 = q_log2(rd(R_CMDQ_BASE, 8), (rd(R_IDR1, 4) >> 21) & 0x1f);
	v.prod = rd(R_CMDQ_PROD, 4) & ((2u << v.log2) - 1);
	v.cons = rd(R_CMDQ_CONS, 4) & ((2u << v.log2) - 1);
	return v;
}

/* The SMMU moved CONS forward from @b.cons toward PROD, never past it. */
static void check_cmdq(struct cmdq_view b)
{
	struct cmdq_view a = cmdq_view();

	if (!b.on || !a.on || a.log2 != b.log2)
		return;
	FUZZ_CHECK(q_dist(b.cons, a.cons, a.log2) <= q_dist(b.cons, a.prod, a.log2));
}

/*
 * A host read of EVTQ_PROD moved it from @from to @to: if the host's CONS
 * was within the queue before, it still is, and what arrived is the host's.
 */
static void check_evtq(u32 from, u32 to)
{
	u64 base = rd(R_EVTQ_BASE, 8);
	u32 log2 = q_log2(base, (rd(R_IDR1, 4) >> 16) & 0x1f), mask = (2u << log2) - 1;
	u32 cons = rd(R_EVTQ_CONS, 4) & mask;
	u64 q = span_of(base & Q_ADDR_MASK, 32ull << log2).start;

	from &= mask, to &= mask;
	if (!(rd(R_CR0ACK, 4) & EVTQEN) || q_dist(cons, from, log2) > (1u << log2))
		return; /* off, or the host's CONS is nonsense already */
	FUZZ_CHECK(q_dist(cons, to, log2) <= (1u << log2));
	for (u32 i = from; (i & mask) != to; i++) {
		const u64 *e = p64(q + (u64)(i & ((1u << log2) - 1)) * 32);
		u8 id = e[0] & 0xff;

		if (id == EVT_BAD_STREAMID || id == EVT_BAD_STE) {
			/* For a stream the host configured so, which a probe used. */
			u32 sid = e[0] >> 32;

			if (!quiet)
				printf("event %#x for stream %u\n", id, sid);

			FUZZ_CHECK(sid < 256 && (bad_raised[sid] & (id == EVT_BAD_STE ? 2 : 1)));
			continue;
		}
		/* Stage-1 faults (S2 = 0), CD and substream errors only (7.3). */
		FUZZ_CHECK((id >= 0x08 && id <= 0x0b) || (id >= 0x10 && id <= 0x13));
		FUZZ_CHECK(!(e[1] & (1ull << 39)));
	}
}

/* ---- operations ------------------------------------------------------------- */

/* Known registers (6.3) and their natural sizes: half of the register choices. */
static const struct {
	u32 off;
	u8 size;
} known[32] = {
	{ 0x00, 4 },	{ 0x04, 4 },  { 0x0c, 4 },  { 0x14, 4 },    { 0x20, 4 },    { 0x24, 4 },
	{ 0x28, 4 },	{ 0x2c, 4 },  { 0x40, 4 },  { 0x44, 4 },    { 0x50, 4 },    { 0x54, 4 },
	{ 0x60, 4 },	{ 0x64, 4 },  { 0x68, 8 },  { 0x80, 8 },    { 0x84, 4 },    { 0x88, 4 },
	{ 0x90, 8 },	{ 0x94, 4 },  { 0x98, 4 },  { 0x9c, 4 },    { 0xa0, 8 },    { 0xb0, 8 },
	{ 0xc0, 8 },	{ 0x100, 4 }, { 0x110, 8 }, { 0x100a8, 4 }, { 0x100ac, 4 }, { 0x100c8, 4 },
	{ 0x100cc, 4 }, { 0x48, 4 },
};

static u64 get64(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A RAM-relative value: bits [47:12] name a page of the first REL_SPAN bytes from RAM. */
static u64 rel(u64 v)
{
	return (v & ~PA_MASK) | ((RAM + (v & (REL_SPAN - 1) & PA_MASK)) & PA_MASK);
}

/* [r][o][s] v[8]: r bit 7: known[r & 31], else offset (r << 10 | o << 2) & 0x1ffff; s below. */
static void op_reg(const u8 *p, bool write)
{
	static const u8 sizes[4] = { 4, 8, 1, 2 };
	u64 off =
		(p[0] & 0x80) ? known[p[0] & 31].off : ((u64)p[0] << 10 | (u64)p[1] << 2) & 0x1ffff;
	unsigned int size = (p[0] & 0x80) ? known[p[0] & 31].size : 4;
	u64 val = get64(p + 3);
	struct cmdq_view before = cmdq_view();

	if (p[2] & 4) /* another size, and maybe misaligned */
		size = sizes[p[2] & 3], off += (p[2] >> 4) & 7;
	if (p[2] & 0x80)
		val = rel(val);
	if (write) {
		wr(off, size, val);
		/* The host moves CONS itself only while the queue is off. */
		if (off != R_CMDQ_CONS)
			check_cmdq(before);
	} else {
		/* EVTQ_PROD as it was: the emulation's register, before the read updates it. */
		u32 from = ((struct smmu_nested *)regs->priv)->evtq.prod;

		if (!reg_access(off, size, false, &val) && off == R_EVTQ_PROD && size == 4)
			check_evtq(from, val);
	}
}

/* [a0][a1][a2][f] v[8]: a 64-bit store at host address RAM + a, if the host owns it. */
static void op_mem(const u8 *p)
{
	u64 pa = RAM + ((p[0] | (u64)p[1] << 8 | (u64)p[2] << 16) & (HOST_SIZE - 8));
	u64 val = get64(p + 4);

	if (owner[(pa - RAM) >> 12] != HOST)
		return; /* its stage 2 would stop the host's CPU */
	host_store(pa, p[3] & 1 ? rel(val) : val);
}

/*
 * [p0][p1]: donate (p1 bit 7 clear) or reclaim one page of the host's part
 * of RAM, or of the carve-out's first 16 (refused).
 */
static void op_own(const u8 *p)
{
	u64 page = (p[0] | (u64)(p[1] & 0x7f) << 8) % (HOST_PAGES + 16), pa = RAM + (page << 12);
	struct range r[3];
	int ret;

	if (page == CONTROL_PAGE)
		return;
	in_use(r);
	if (!(p[1] & 0x80)) {
		ret = __pkvm_host_donate_hyp(pa >> 12, 1);
		if (!quiet)
			printf("donate %llx: %d\n", (unsigned long long)pa, ret);
		if (owner[page] != HOST)
			FUZZ_CHECK(ret == -EPERM);
		else if (page_in_use(r, pa))
			FUZZ_CHECK(ret == -EBUSY); /* pinned: never donatable while in use */
		else
			FUZZ_CHECK(ret == 0); /* and nothing else is pinned */
		if (!ret) {
			owner[page] = DONATED;
			donated_sum[page] = page_sum(page);
		}
	} else {
		ret = __pkvm_host_reclaim(pa >> 12, 1);
		FUZZ_CHECK(!ret == (owner[page] == DONATED));
		if (!ret)
			owner[page] = HOST;
	}
}

/*
 * [sid][i0..i4][f]: a DMA by stream sid to a 40-bit IOVA (f bit 0: write;
 * bit 1: RAM-relative IOVA). Neither it nor its stage-1 reads may reach a
 * hypervisor page. Control: stage 1 took it to a hypervisor page and stage
 * 2 refused; with the leaf pointed at a host page, it gets there.
 */
static void op_probe(const u8 *p)
{
	u64 iova = 0, leaf_pa, leaf, ctl = RAM + ((u64)CONTROL_PAGE << 12);
	bool write = p[6] & 1;
	struct smmu_dma r, c;

	for (int i = 4; i >= 0; i--)
		iova = iova << 8 | p[1 + i];
	if (p[6] & 2)
		iova = RAM + (iova & (REL_SPAN - 1));
	last_s1_read = 0;
	r = smmu_model_dma(&model, p[0], iova, write);
	if (!r.ok && r.fault == EVT_BAD_STE) {
		/*
		 * At a V = 0 STE, perhaps marked; a valid one the model refused
		 * (the host's own CD-fetch attributes, say) raises nothing ours.
		 */
		u64 ste[8];
		u8 evt;

		if (real_ste(p[0], ste) && !(ste[0] & 1)) {
			evt = (ste[0] >> 8) & 0xff;
			if (evt == EVT_BAD_STREAMID || evt == EVT_BAD_STE)
				bad_raised[p[0]] |= evt == EVT_BAD_STE ? 2 : 1;
			if (!quiet)
				printf("probe: stream %u: V = 0 STE, marked %#x\n", p[0], evt);
		}
	}
	if (!quiet)
		printf("probe: stream %u %s %llx: %s %llx (fault %#x, s2 %d, class %d, ipa %llx)\n",
		       p[0], write ? "write" : "read", (unsigned long long)iova,
		       r.ok ? "ok" : "refused", (unsigned long long)r.pa, r.fault, r.s2, r.class,
		       (unsigned long long)r.ipa);
	if (r.ok) {
		FUZZ_CHECK(!hyp_page(r.pa));
		return;
	}
	leaf_pa = last_s1_read;
	if (!r.s2 || r.class != SMMU_MODEL_CLASS_IN || !hyp_page(r.ipa) || !leaf_pa)
		return;
	leaf = *p64(leaf_pa);
	if (!(leaf & 2) || (leaf & PA_MASK) != (r.ipa & PA_MASK))
		return; /* a block: its output is not one page to move */
	host_store(leaf_pa, (leaf & ~PA_MASK) | ctl);
	c = smmu_model_dma(&model, p[0], iova, write);
	host_store(leaf_pa, leaf);
	FUZZ_CHECK(c.ok && c.pa == (ctl | (iova & 0xfff)));
	if (!quiet)
		printf("probe: control at %llx: ok\n", (unsigned long long)c.pa);
	/* Forget that translation: the host did not make it. */
	for (unsigned int i = 0; i < SMMU_MODEL_TLB; i++)
		if ((model.tlb[i].pa & PA_MASK) == ctl)
			model.tlb[i].valid = false;
}

/*
 * As the host's driver does it: the host's structures found from the
 * registers it programmed, as the SMMU would (5.1, 6.3.23-6.3.26).
 */

/* Commands into the host's queue at its CMDQ_PROD, then PROD written: the queue runs them. */
static void host_cmds(const u64 *cmds, unsigned int nr)
{
	u64 base = rd(R_CMDQ_BASE, 8);
	u32 log2 = q_log2(base, (rd(R_IDR1, 4) >> 21) & 0x1f), prod = rd(R_CMDQ_PROD, 4);
	u64 q = span_of(base & Q_ADDR_MASK, 16ull << log2).start;
	struct cmdq_view before = cmdq_view();

	if (!(rd(R_CR0ACK, 4) & CMDQEN))
		return;
	for (unsigned int i = 0; i < nr; i++) {
		u64 e = q + (u64)(prod & ((1u << log2) - 1)) * 16;

		if (!in_ram(e) || owner[(e - RAM) >> 12] != HOST)
			return;
		host_store(e, cmds[2 * i]);
		host_store(e + 8, cmds[2 * i + 1]);
		prod = (prod + 1) & ((2u << log2) - 1);
	}
	wr(R_CMDQ_PROD, 4, prod);
	check_cmdq(before);
}

/* [d0 8][d1 8][f]: command (d0, d1), then (f bit 0) a CMD_SYNC. */
static void op_cmd(const u8 *p)
{
	u64 c[4] = { get64(p), get64(p + 8), 0x46, 0 };

	host_cmds(c, p[16] & 1 ? 2 : 1);
}

/* The host's STE of @sid, as the SMMU would find it, or 0. */
static u64 host_ste_pa(u32 sid)
{
	u64 base = rd(R_STRTAB_BASE, 8) & ADDR_MASK, l1;
	u32 cfg = rd(R_STRTAB_BASE_CFG, 4), split = (cfg >> 6) & 0x1f, span;

	if (!((cfg >> 16) & 3))
		return base + (u64)sid * 64;
	if (!in_ram(base) || owner[(base - RAM) >> 12] != HOST)
		return 0;
	l1 = *p64(base + (u64)(sid >> split) * 8);
	span = l1 & 0x1f;
	if (!span || span > 12 || (sid & ((1u << split) - 1)) >= (1u << (span - 1)))
		return 0;
	return (l1 & ADDR_MASK & ~((64ull << (span - 1)) - 1)) +
	       (u64)(sid & ((1u << split) - 1)) * 64;
}

/*
 * [sid][f][d0..d3 8 each]: the host's STE of stream sid becomes (d0, d1,
 * d2, d3) (f bit i: d_i RAM-relative), then, unless f bit 7, CFGI_STE and
 * CMD_SYNC on its queue.
 */
static void op_ste(const u8 *p)
{
	u64 pa = host_ste_pa(p[0]), c[4] = { 0x03 | (u64)p[0] << 32, 1, 0x46, 0 };

	if (!pa || !in_ram(pa) || owner[(pa - RAM) >> 12] != HOST)
		return;
	for (int d = 0; d < 4; d++)
		host_store(pa + 8 * d,
			   p[1] & (1 << d) ? rel(get64(p + 2 + 8 * d)) : get64(p + 2 + 8 * d));
	if (!(p[1] & 0x80))
		host_cmds(c, 2);
}

/* ---- one input -------------------------------------------------------------- */

static void machine_up(u8 variant)
{
	static const struct boot_mem_range ram[] = { { RAM, RAM_SIZE } };
	static bool mapped;
	struct boot_smmu b = { .base = SMMU_PA,
			       .size = SMMU_SIZE,
			       .coherent = !(variant & 4),
			       .mode = BOOT_SMMU_NESTED };
	u32 idr0 = SMMU_MODEL_IDR0_QEMU, idr1 = SMMU_MODEL_IDR1_QEMU & ~0x3fu;
	if (!mapped) {
		FUZZ_CHECK(mmap(p64(RAM), RAM_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE,
				-1, 0) == p64(RAM));
		mapped = true;
		quiet = !getenv("FUZZ_VERBOSE");
		if (!quiet)
			setvbuf(stdout, NULL, _IONBF, 0); /* all of it, up to an abort() */
	}
	/* A fresh machine: every page of RAM reads as zero again. */
	FUZZ_CHECK(!madvise(p64(RAM), RAM_SIZE, MADV_DONTNEED));
	sid_bits = variant & 1 ? 6 : 8;
	can_stall = variant & 2;
	idr1 |= sid_bits;
	if (can_stall)
		idr0 &= ~(3u << 24); /* STALL_MODEL 0b00: stall and terminate */
	memset(owner, HOST, sizeof(owner));
	memset(was_in_use, 0, sizeof(was_in_use));
	memset(bad_raised, 0, sizeof(bad_raised));
	memset(owner + HOST_PAGES, HYP, RAM_PAGES - HOST_PAGES);
	smmu_model_init(&model, SMMU_PA, idr0, idr1, SMMU_MODEL_IDR3_QEMU, SMMU_MODEL_IDR5_QEMU);
	model.mem_backed = mem_backed;
	model.noncoherent = !b.coherent;
	poc_memory_reset();
	model.on_s1_read = on_s1_read;
	hyp_pool_init(&pool, CARVE, CARVE_SIZE >> 12);
	kvm_iommu_ops = NULL;
	FUZZ_CHECK(!host_stage2_init(ram, 1, IA_BITS, &heap_mm_ops, NULL, &mp_ops));
	FUZZ_CHECK(!host_stage2_protect_hyp(CARVE, CARVE_SIZE));
	FUZZ_CHECK(!host_stage2_protect_hyp(SMMU_PA, SMMU_SIZE));
	FUZZ_CHECK(!kvm_arm_smmu_v3_register(&b, 1, &pool, IA_BITS));
	FUZZ_CHECK(!kvm_iommu_init());
	regs = hyp_mmio_find(SMMU_PA);
	FUZZ_CHECK(regs);
	/* The STE every stream has before the host enables its SMMU: stage 2 only. */
	FUZZ_CHECK(real_ste(0, boot_ste) && ((boot_ste[0] >> 1) & 7) == 6);
	FUZZ_CHECK((boot_ste[3] & 0x000ffffffffffff0ull) == kvm_pgtable_root_pa(&smmu_idmap));
	model.nr_log = 0;
	model.on_step = on_step;
}

static void machine_down(void)
{
	wr(R_CR0, 4, 0);
	/*
	 * Everything off: no host page is pinned any more. (A pin elsewhere
	 * shows as a DONATE that fails: op_own().)
	 */
	for (u64 page = 0; page < HOST_PAGES; page++)
		FUZZ_CHECK(!was_in_use[page] ||
			   __pkvm_host_page_state((RAM >> 12) + page) != ISOHYP_PAGE_HOST_PINNED);
	hyp_mmio_unregister(regs);
	regs = NULL;
	smmu_model_remove(&model);
	kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	host_mmu.pgt.pgd = NULL;
	FUZZ_CHECK(heap_tables == 0);
}

static void check_all(void)
{
	check_real_stes();
	check_cmds();
	check_pins();
	for (u64 page = 0; page < HOST_PAGES; page++)
		if (owner[page] == DONATED)
			FUZZ_CHECK(page_sum(page) == donated_sum[page]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Operand bytes per operation. */
	static const size_t len[8] = { 11, 11, 12, 2, 7, 0, 34, 17 };
	size_t at = 1;

	if (!size)
		return 0;
	machine_up(data[0]);
	for (int n = 0; n < MAX_OPS && at < size; n++) {
		u8 op = data[at++] % 8;

		if (at + len[op] > size)
			break;
		switch (op) {
		case 0:
			op_reg(data + at, true);
			break;
		case 1:
			op_reg(data + at, false);
			break;
		case 2:
			op_mem(data + at);
			break;
		case 3:
			op_own(data + at);
			break;
		case 4:
			op_probe(data + at);
			break;
		case 5:
			kvm_iommu_poll(); /* what every host trap does first */
			break;
		case 6:
			op_ste(data + at);
			break;
		default:
			op_cmd(data + at);
			break;
		}
		at += len[op];
		check_all();
	}
	machine_down();
	return 0;
}
