// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests and fuzz targets: the software GICv3 of gic_model.h --
 * what it models, and what it checks, is described there.
 */
#include <stdio.h>
#include <string.h>

#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

#include "gic_model.h"

#define M(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define GET(v, h, l) (((v)&M(h, l)) >> (l))

/* GITS_TYPER: physical LPIs, 12-byte ITEs, 16 DeviceID and ICID bits, CIL. */
#define ITS_DEV_BITS 16
#define ITS_ID_BITS (m.its_id_bits)
#define ITS_TYPER                                                                  \
	(1ULL | (u64)(GIC_MODEL_ITE_SIZE - 1) << 4 | (u64)(ITS_ID_BITS - 1) << 8 | \
	 (u64)(ITS_DEV_BITS - 1) << 13 | 1ULL << 36 | 15ULL << 32)
#define RD_FRAME(vlpis) ((vlpis) ? 0x40000ULL : 0x20000ULL)

struct gic_model gic_model;
#define m gic_model

/* A coherent GIC: cache maintenance by the drivers changes nothing here. */
void fake_dcache_clean_poc(const void *addr, size_t size)
{
}

void fake_dcache_clean_inval_poc(const void *addr, size_t size)
{
}

void fake_dcache_inval_poc(const void *addr, size_t size)
{
}

static void model_bad(const char *what)
{
	printf("# gic model: %s (last command %016llx %016llx %016llx %016llx)\n", what,
	       (unsigned long long)m.last[0], (unsigned long long)m.last[1],
	       (unsigned long long)m.last[2], (unsigned long long)m.last[3]);
	fflush(stdout); /* a fuzz target aborts next */
	m.nr_bad++;
}

bool gic_model_pages_are(u64 pa, u64 size, int state)
{
	u64 p;

	if (!size)
		return true;
	if (pa + size < pa)
		return false;
	for (p = pa & ~0xfffULL; p < pa + size; p += 0x1000)
		if (__pkvm_host_page_state(p >> 12) != state)
			return false;
	return true;
}

/* ---- the ITS: tables ------------------------------------------------------------- */

static u64 baser_page_size(u64 baser)
{
	static const u64 sizes[4] = { 0x1000, 0x4000, 0x10000, 0x10000 };

	return sizes[GET(baser, 9, 8)];
}

/*
 * The table of GITS_BASERn of @type (1 device, 4 collection), if valid: its
 * base, size, entry size, and whether it is two-level (then of @ps pages).
 */
static bool its_table(unsigned int type, u64 *base, u64 *size, u64 *esz, bool *indirect, u64 *page)
{
	unsigned int n;

	for (n = 0; n < 8; n++) {
		u64 b = m.baser[n], ps = baser_page_size(b);

		if (GET(b, 58, 56) != type || !(b >> 63))
			continue;
		*base = ps == 0x10000 ? (b & M(47, 16)) | GET(b, 15, 12) << 48 : b & M(47, 12);
		*size = (GET(b, 7, 0) + 1) * ps;
		*esz = GET(b, 52, 48) + 1;
		*indirect = GET(b, 62, 62);
		*page = ps;
		return true;
	}
	return false;
}

/*
 * Where the ITS keeps the entry of @id in the table of @type (12.19.1, the
 * two-level form for an indirect device table): 0 and the entry's
 * address, or false after counting what is wrong.
 */
static bool its_entry(unsigned int type, u64 id, u64 *pa, u64 *esz)
{
	u64 base, size, per_page, l1, ps;
	bool indirect;

	if (!its_table(type, &base, &size, esz, &indirect, &ps)) {
		model_bad("command needs a table the ITS was not given");
		return false;
	}
	if (!gic_model_pages_are(base, size, ISOHYP_PAGE_HYP_OWNED)) {
		model_bad("ITS table is not hypervisor memory");
		return false;
	}
	if (!indirect) {
		if (id * *esz + *esz > size) {
			model_bad("ID beyond the ITS's flat table");
			return false;
		}
		*pa = base + id * *esz;
		return true;
	}
	per_page = ps / *esz;
	if ((id / per_page) * 8 + 8 > size) {
		model_bad("ID beyond the ITS's level-1 table");
		return false;
	}
	memcpy(&l1, (void *)(uintptr_t)(base + (id / per_page) * 8), sizeof(l1));
	if (!(l1 >> 63)) {
		model_bad("ID whose level-2 table is not valid");
		return false;
	}
	*pa = (l1 & M(51, 12)) + (id % per_page) * *esz;
	if (!gic_model_pages_are(l1 & M(51, 12), ps, ISOHYP_PAGE_HYP_OWNED)) {
		model_bad("level-2 device table page is not hypervisor memory");
		return false;
	}
	return true;
}

/* The ITS writes an entry of a table of @type. */
static void its_table_write(unsigned int type, u64 id, u64 val)
{
	u64 pa, esz;

	if (its_entry(type, id, &pa, &esz))
		memcpy((void *)(uintptr_t)pa, &val, esz < 8 ? esz : 8);
}

/* ---- the ITS: commands (5.3) -------------------------------------------------------- */

/* The defined fields of each physical command, per doubleword. */
static bool fields_of(u8 op, u64 f[4])
{
	u64 dev = M(7, 0) | M(63, 32), nodev = M(7, 0);

	memset(f, 0, 4 * sizeof(u64));
	switch (op) {
	case 0x01:
	case 0x0b: /* MOVI, MAPI */
		f[0] = dev, f[1] = M(31, 0), f[2] = M(15, 0);
		return true;
	case 0x03:
	case 0x04:
	case 0x0c:
	case 0x0f: /* INT, CLEAR, INV, DISCARD */
		f[0] = dev, f[1] = M(31, 0);
		return true;
	case 0x05: /* SYNC */
		f[0] = nodev, f[2] = M(51, 16);
		return true;
	case 0x08: /* MAPD */
		f[0] = dev, f[1] = M(4, 0), f[2] = M(51, 8) | M(63, 63);
		return true;
	case 0x09: /* MAPC */
		f[0] = nodev, f[2] = M(15, 0) | M(51, 16) | M(63, 63);
		return true;
	case 0x0a: /* MAPTI */
		f[0] = dev, f[1] = M(63, 0), f[2] = M(15, 0);
		return true;
	case 0x0d: /* INVALL */
		f[0] = nodev, f[2] = M(15, 0);
		return true;
	case 0x0e: /* MOVALL */
		f[0] = nodev, f[2] = M(51, 16), f[3] = M(51, 16);
		return true;
	}
	return false;
}

static int dte_find(u32 devid)
{
	unsigned int i;

	for (i = 0; i < GIC_MODEL_MAX_DTE; i++)
		if (m.dte[i].valid && m.dte[i].devid == devid)
			return i;
	return -1;
}

/*
 * The ITS reads, or writes with @val (>= 0), an ITT entry: it must be
 * pinned host RAM right now.
 */
static void itt_access(int d, u32 event, int val)
{
	u64 pa = m.dte[d].itt + (u64)event * GIC_MODEL_ITE_SIZE;

	if (!gic_model_pages_are(pa, GIC_MODEL_ITE_SIZE, ISOHYP_PAGE_HOST_PINNED)) {
		model_bad("ITT access outside pinned host RAM");
		return;
	}
	if (val < 0)
		return;
	memset((void *)(uintptr_t)pa, val, GIC_MODEL_ITE_SIZE);
	m.itt_writes++;
}

static bool rd_ok(u64 rdbase)
{
	if (rdbase < m.nr_rd)
		return true;
	model_bad("RDbase names no redistributor");
	return false;
}

static bool icid_ok(u64 icid)
{
	u64 pa, esz;

	return its_entry(4, icid, &pa, &esz);
}

static void model_mapd(const u64 *c, u32 devid, int d)
{
	u32 bits = GET(c[1], 4, 0) + 1;
	u64 itt = c[2] & M(51, 8), size = (1ULL << bits) * GIC_MODEL_ITE_SIZE;
	unsigned int i;

	m.nr_mapd++;
	if (d >= 0) {
		/* Remapped or unmapped: the old ITT must still be pinned now. */
		if (!gic_model_pages_are(m.dte[d].itt, m.dte[d].itt_size, ISOHYP_PAGE_HOST_PINNED))
			model_bad("ITT unpinned before its MAPD was consumed");
		m.dte[d].valid = false;
	}
	if (!(c[2] >> 63)) {
		its_table_write(1, devid, 0);
		return;
	}
	if (bits > ITS_ID_BITS) {
		model_bad("MAPD Size beyond GITS_TYPER.ID_bits");
		return;
	}
	if (!gic_model_pages_are(itt, size, ISOHYP_PAGE_HOST_PINNED))
		model_bad("MAPD of an ITT that is not pinned host RAM");
	for (i = 0; i < GIC_MODEL_MAX_DTE && m.dte[i].valid; i++)
		;
	if (i == GIC_MODEL_MAX_DTE) {
		model_bad("more devices mapped than the model holds");
		return;
	}
	m.dte[i].devid = devid, m.dte[i].event_bits = bits;
	m.dte[i].itt = itt, m.dte[i].itt_size = size, m.dte[i].valid = true;
	its_table_write(1, devid, itt | 1ULL << 63);
}

/* A command on (DeviceID, EventID): the device mapped, the EventID inside its ITT. */
static int event_ok(u32 devid, u32 event)
{
	int d = dte_find(devid);

	if (d < 0) {
		model_bad("command on a DeviceID that is not mapped");
		return -1;
	}
	if (event >= 1ULL << m.dte[d].event_bits) {
		model_bad("EventID beyond the device's ITT");
		return -1;
	}
	return d;
}

static void model_exec(const u64 *c)
{
	u8 op = c[0] & 0xff;
	u32 devid = c[0] >> 32, event = c[1] & 0xffffffff;
	u64 f[4], intid;
	int i, d;

	memcpy(m.last, c, sizeof(m.last));
	m.nr_cmds++;
	if (!fields_of(op, f)) {
		model_bad("unknown command");
		return;
	}
	for (i = 0; i < 4; i++)
		if (c[i] & ~f[i])
			model_bad("reserved bits set");
	if ((f[0] & M(63, 32)) && devid >= 1ULL << ITS_DEV_BITS) {
		model_bad("DeviceID beyond GITS_TYPER.Devbits");
		return;
	}
	switch (op) {
	case 0x08: /* MAPD */
		model_mapd(c, devid, dte_find(devid));
		return;
	case 0x09: /* MAPC */
		if (icid_ok(GET(c[2], 15, 0)) && (!(c[2] >> 63) || rd_ok(GET(c[2], 51, 16))))
			its_table_write(4, GET(c[2], 15, 0), c[2]);
		return;
	case 0x05: /* SYNC */
		rd_ok(GET(c[2], 51, 16));
		return;
	case 0x0e: /* MOVALL */
		if (rd_ok(GET(c[2], 51, 16)))
			rd_ok(GET(c[3], 51, 16));
		return;
	case 0x0d: /* INVALL */
		icid_ok(GET(c[2], 15, 0));
		return;
	}
	d = event_ok(devid, event);
	if (d < 0)
		return;
	switch (op) {
	case 0x0a: /* MAPTI */
	case 0x0b: /* MAPI */
		intid = op == 0x0a ? GET(c[1], 63, 32) : event;
		if (intid < 8192 || intid >= 1ULL << m.gicd_idbits)
			model_bad("pINTID is not an LPI of the GIC");
		else if (icid_ok(GET(c[2], 15, 0)))
			itt_access(d, event, 0xa5);
		return;
	case 0x01: /* MOVI: the entry gets the new collection */
		if (icid_ok(GET(c[2], 15, 0)))
			itt_access(d, event, 0x5a);
		return;
	case 0x0f: /* DISCARD */
		itt_access(d, event, 0);
		return;
	default: /* INT, CLEAR, INV: read the entry */
		itt_access(d, event, -1);
		return;
	}
}

void gic_model_its_process(void)
{
	u64 base = m.cbaser & M(51, 12), size = (GET(m.cbaser, 7, 0) + 1) * 4096;

	if (!(m.ctlr & 1) || !(m.cbaser >> 63) || m.its_hold || m.creadr == m.cwriter)
		return;
	if (m.cwriter >= size) {
		model_bad("GITS_CWRITER beyond the command queue");
		return;
	}
	if (!gic_model_pages_are(base, size, ISOHYP_PAGE_HYP_OWNED)) {
		model_bad("command queue is not hypervisor memory");
		return;
	}
	while (m.creadr != m.cwriter) {
		model_exec((const u64 *)(uintptr_t)(base + m.creadr));
		m.creadr = (m.creadr + 32) % size;
	}
}

/* ---- the ITS: registers (12.19) ---------------------------------------------------- */

static u64 its_read(u64 off, unsigned int size)
{
	switch (off) {
	case 0x0: /* GITS_CTLR: Quiescent while disabled (nothing is ever in flight here) */
		return m.ctlr | (m.ctlr & 1 ? 0 : 1u << 31);
	case 0x8:
		return size == 8 ? ITS_TYPER : (u32)ITS_TYPER;
	case 0xc:
		return ITS_TYPER >> 32;
	case 0x80:
		return m.cbaser;
	case 0x88:
		return m.cwriter;
	case 0x90:
		return m.creadr;
	}
	if (off >= 0x100 && off < 0x140 && !(off & 7))
		return m.baser[(off - 0x100) / 8];
	return 0;
}

/* A 32-bit write of half of a 64-bit register: the whole register's new value. */
static u64 its_reg64(u64 off, u64 val, unsigned int size)
{
	u64 old = its_read(off & ~7ULL, 8);

	if (size == 8)
		return val;
	return off & 4 ? (old & M(31, 0)) | val << 32 : (old & M(63, 32)) | (u32)val;
}

static void its_write(u64 off, u64 val, unsigned int size)
{
	u64 ro = M(58, 56) | M(52, 48), base, tsize, esz, ps, *b;
	bool indirect;

	m.nr_reg_writes++;
	if (off != 0x0) {
		val = its_reg64(off, val, size);
		off &= ~7ULL;
	}
	switch (off) {
	case 0x0:
		if ((val & 1) && !(m.ctlr & 1)) {
			/* Enabled: from now on it reads the queue and uses the tables. */
			if ((m.cbaser >> 63) &&
			    !gic_model_pages_are(m.cbaser & M(51, 12),
						 (GET(m.cbaser, 7, 0) + 1) * 4096,
						 ISOHYP_PAGE_HYP_OWNED))
				model_bad("ITS enabled with its queue outside hypervisor memory");
			if ((its_table(1, &base, &tsize, &esz, &indirect, &ps) &&
			     !gic_model_pages_are(base, tsize, ISOHYP_PAGE_HYP_OWNED)) ||
			    (its_table(4, &base, &tsize, &esz, &indirect, &ps) &&
			     !gic_model_pages_are(base, tsize, ISOHYP_PAGE_HYP_OWNED)))
				model_bad("ITS enabled with a table outside hypervisor memory");
		}
		m.ctlr = val & 1;
		gic_model_its_process();
		return;
	case 0x80:
		if (!(m.ctlr & 1)) {
			m.cbaser = val;
			m.creadr = 0; /* 12.19.3: GITS_CREADR only */
		}
		return;
	case 0x88:
		m.cwriter = val & M(19, 5);
		gic_model_its_process();
		return;
	}
	if (off >= 0x100 && off < 0x140 && !(m.ctlr & 1)) {
		b = &m.baser[(off - 0x100) / 8];
		if (!GET(*b, 58, 56))
			return; /* an unimplemented BASERn: RAZ/WI */
		*b = (*b & ro) | (val & ~ro);
		if (m.no_indirect)
			*b &= ~M(62, 62);
	}
}

/* ---- the redistributors (12.11) ----------------------------------------------------- */

static u64 rd_frame(void)
{
	return RD_FRAME(m.rd_vlpis);
}

/* The tables a redistributor uses with PROPBASER/PENDBASER as they are (5.1.1, 5.1.2). */
static void rd_tables(struct gic_model_rd *rd)
{
	u32 bits = GET(rd->propbaser, 4, 0) + 1;

	if (bits > m.gicd_idbits)
		bits = m.gicd_idbits;
	rd->prop = rd->propbaser & M(51, 12);
	rd->prop_size = bits >= 14 ? (1ULL << bits) - 8192 : 0;
	/* Below 14 bits no LPI exists; the pending table is still counted, to be safe. */
	rd->pend = rd->pendbaser & M(51, 16);
	rd->pend_size = (1ULL << bits) / 8;
}

/* EnableLPIs 0 -> 1: from now on it uses those tables. */
static void rd_enable(struct gic_model_rd *rd)
{
	rd_tables(rd);
	if (!gic_model_pages_are(rd->prop, rd->prop_size, ISOHYP_PAGE_HOST_PINNED) ||
	    !gic_model_pages_are(rd->pend, rd->pend_size, ISOHYP_PAGE_HOST_PINNED))
		model_bad("EnableLPIs set with LPI tables that are not pinned host RAM");
	rd->ctlr |= 1;
	rd->in_use = true;
	rd->rwp_reads = 0;
}

static void rd_ctlr_write(struct gic_model_rd *rd, u32 val)
{
	if ((val & 1) && !(rd->ctlr & 1)) {
		rd_enable(rd);
	} else if (!(val & 1) && (rd->ctlr & 1) && !m.rd_no_disable) {
		/* Clearing EnableLPIs: the tables are in use until RWP reads 0. */
		rd->ctlr &= ~1u;
		rd->rwp_reads = m.rd_rwp_reads;
		rd->in_use = rd->rwp_reads != 0;
	}
}

static u64 rd_read(unsigned int i, u64 off, unsigned int size)
{
	struct gic_model_rd *rd = &m.rd[i];
	u64 typer = 1 | (u64)m.rd_vlpis << 1 | (u64)(i == m.nr_rd - 1) << 4 | (u64)i << 8 |
		    (u64)i << 32;
	u64 v = 0;

	switch (off & ~7ULL) {
	case 0x0:
		if (off == 0x0) {
			v = rd->ctlr | (rd->rwp_reads ? 1u << 3 : 0);
			if (rd->rwp_reads && rd->rwp_reads != ~0u && !--rd->rwp_reads)
				rd->in_use = false; /* the disable completed */
		}
		return v;
	case 0x8:
		v = typer;
		break;
	case 0x70:
		v = rd->propbaser;
		break;
	case 0x78:
		v = rd->pendbaser;
		break;
	default:
		return 0;
	}
	return size == 8 ? v : off & 4 ? v >> 32 : (u32)v;
}

static void rd_write(unsigned int i, u64 off, u64 val, unsigned int size)
{
	struct gic_model_rd *rd = &m.rd[i];
	u64 *reg, mask;

	m.nr_reg_writes++;
	if (off == 0x0) {
		/*
		 * GICR_CTLR is 32-bit; a 64-bit store at it covers GICR_IIDR too.
		 * The model acts on it as on its two 32-bit halves -- the worst
		 * a mediator must expect of a GIC.
		 */
		rd_ctlr_write(rd, (u32)val);
		return;
	}
	if ((off & ~7ULL) != 0x70 && (off & ~7ULL) != 0x78)
		return; /* the rest of RD_base: nothing the model needs */
	if (rd->in_use) {
		model_bad("GICR_PROPBASER/PENDBASER written while the redistributor uses them");
		return;
	}
	reg = (off & ~7ULL) == 0x70 ? &rd->propbaser : &rd->pendbaser;
	mask = size == 8 ? ~0ULL : off & 4 ? M(63, 32) : M(31, 0);
	*reg = (*reg & ~mask) | ((size == 8 ? val : off & 4 ? val << 32 : val) & mask);
}

/* The redistributor whose frame holds @addr, with @off the offset in it; or -1. */
static int rd_of(u64 addr, u64 *off)
{
	u64 rel = addr - GIC_MODEL_GICR;

	if (addr < GIC_MODEL_GICR || rel >= m.nr_rd * rd_frame())
		return -1;
	*off = rel % rd_frame();
	return rel / rd_frame();
}

/* ---- the bus -------------------------------------------------------------------------- */

u64 fake_mmio_read(u64 addr, unsigned int size)
{
	u64 off;
	int i;

	if (addr == GIC_MODEL_GICD + 0x4) /* GICD_TYPER: IDbits, LPIS */
		return (u64)(m.gicd_idbits - 1) << 19 | 1u << 17;
	if (addr >= GIC_MODEL_ITS && addr < GIC_MODEL_ITS + 0x10000)
		return its_read(addr - GIC_MODEL_ITS, size);
	i = rd_of(addr, &off);
	if (i >= 0 && off < 0x10000)
		return rd_read(i, off, size);
	if (i < 0)
		model_bad("read of an address the GIC does not decode");
	return 0;
}

void fake_mmio_write(u64 addr, u64 val, unsigned int size)
{
	u64 off;
	int i;

	if (addr >= GIC_MODEL_ITS && addr < GIC_MODEL_ITS + 0x10000) {
		its_write(addr - GIC_MODEL_ITS, val, size);
		return;
	}
	i = rd_of(addr, &off);
	if (i >= 0 && off < 0x10000)
		rd_write(i, off, val, size);
	else if (i >= 0 && off >= 0x20000)
		model_bad("VLPI frame written: GICv4 is hidden from the host");
	else if (i < 0)
		model_bad("write to an address the GIC does not decode");
}

void gic_model_rd_preset_enabled(unsigned int i)
{
	rd_tables(&m.rd[i]);
	m.rd[i].ctlr |= 1;
	m.rd[i].in_use = true;
}

/* ---- for tests -------------------------------------------------------------------------- */

bool gic_model_tables_in_use_pinned(const char *when)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < GIC_MODEL_MAX_DTE; i++)
		if (m.dte[i].valid &&
		    !gic_model_pages_are(m.dte[i].itt, m.dte[i].itt_size, ISOHYP_PAGE_HOST_PINNED))
			ok = false;
	for (i = 0; i < m.nr_rd; i++)
		if (m.rd[i].in_use && (!gic_model_pages_are(m.rd[i].prop, m.rd[i].prop_size,
							    ISOHYP_PAGE_HOST_PINNED) ||
				       !gic_model_pages_are(m.rd[i].pend, m.rd[i].pend_size,
							    ISOHYP_PAGE_HOST_PINNED)))
			ok = false;
	if (!ok) {
		printf("# gic model: a table in use is not pinned %s\n", when);
		fflush(stdout);
		m.nr_bad++;
	}
	return ok;
}

static bool overlaps(u64 a, u64 an, u64 b, u64 bn)
{
	return an && bn && a < b + bn && b < a + an;
}

bool gic_model_its_memory_overlaps(u64 pa, u64 size)
{
	u64 base, tsize, esz, l1, ps;
	bool indirect;
	unsigned int t, i;

	if ((m.cbaser >> 63) &&
	    overlaps(pa, size, m.cbaser & M(51, 12), (GET(m.cbaser, 7, 0) + 1) * 4096))
		return true;
	for (t = 1; t <= 4; t += 3) {
		if (!its_table(t, &base, &tsize, &esz, &indirect, &ps))
			continue;
		if (overlaps(pa, size, base, tsize))
			return true;
		if (!indirect || !gic_model_pages_are(base, tsize, ISOHYP_PAGE_HYP_OWNED))
			continue; /* a level-1 table the model cannot read: counted elsewhere */
		for (i = 0; i < tsize / 8; i++) {
			memcpy(&l1, (void *)(uintptr_t)(base + i * 8), sizeof(l1));
			if ((l1 >> 63) && overlaps(pa, size, l1 & M(51, 12), ps))
				return true;
		}
	}
	return false;
}

void gic_model_reset(void)
{
	memset(&m, 0, sizeof(m));
	m.gicd_idbits = 16;
	m.its_id_bits = 16;
	m.nr_rd = 4;
	m.baser[0] = 1ULL << 56 | 7ULL << 48; /* Device, 8-byte entries */
	m.baser[1] = 4ULL << 56 | 7ULL << 48; /* Collection, 8-byte entries */
}
