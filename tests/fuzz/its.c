// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "its": the GICv3 ITS mediation -- drivers/gic/its.c and
 * its_cmd.c, the real files, behind hyp/mmio.c's decode and region dispatch
 * -- against the software GIC of tests/unit/lib/gic_model.c, on the machine
 * of mediator.h. Each input boots the machine, then runs a sequence of the
 * host's actions: loads and stores anywhere in the ITS control frame (any
 * size: GITS_CTLR, CBASER, CWRITER, BASERn, ...), commands written into the
 * host's queue and published, a new queue (anywhere: host RAM, the
 * carve-out, the hypervisor's own queue, MMIO), stores to host memory (its
 * queue, ITTs, anything), donations and reclaims, and an ITS that stops
 * consuming commands.
 *
 * What must hold (ARCHITECTURE.md section 9, GICv3 IHI 0069 5.3 and 12.19),
 * checked by the model on everything that reaches the ITS and here after
 * every action:
 *  - the ITS reads its queue and writes its tables only in hypervisor memory;
 *  - each command it runs is a GICv3 physical command with no reserved bit
 *    set and identifiers in range; every ITT a MAPD gives it is pinned host
 *    RAM (PAGE_STATE 5) from then until the MAPD that unmaps it has run;
 *  - the hypervisor reads and writes host memory only where the host owns it;
 *  - what the host writes and the ITS does not act on (GITS_BASERn,
 *    GITS_CBASER, read-only and reserved offsets, host memory) changes
 *    nothing the ITS sees, and no page the host can store to is one the ITS
 *    reads from hypervisor memory;
 *  - no crash, no sanitizer report, no hang (libFuzzer's -timeout).
 *
 * Input: one configuration byte (bit 0: the ITS has no two-level device
 * table; bits 1-2: the GIC's INTID bits; bit 3: 16 EventID bits, not 12),
 * then actions of a kind byte and
 * its operands (see the switch below), at most 64.
 */
#include <string.h>

#include <isohyp/errno.h>
#include <uapi/isohyp.h>

#include "../unit/lib/gic_model.h"
#include "gic/regs.h"
#include "mediator.h"

#define M(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define MAX_ACTIONS 64

/* What the host's queue is, as the input set it; its next free slot. */
static u64 q_base, q_size, q_next;

/* The registers the input names by index, else a raw offset. */
static const u16 regs[] = {
	GITS_CTLR,     GITS_IIDR,
	GITS_TYPER,    GITS_TYPER + 4,
	GITS_CBASER,   GITS_CBASER + 4,
	GITS_CWRITER,  GITS_CWRITER + 4,
	GITS_CREADR,   GITS_CREADR + 4,
	GITS_BASER(0), GITS_BASER(0) + 4,
	GITS_BASER(1), GITS_BASER(1) + 4,
	GITS_BASER(2), GITS_BASER(7) + 4,
	0x40,	       0xffd0,
	0xffe8,	       0xfffc,
};

static u64 reg_off(struct fz_in *in)
{
	u8 sel = fz_u8(in);

	if (sel < 2 * ARRAY_SIZE(regs))
		return regs[sel % ARRAY_SIZE(regs)];
	return fz_u16(in) & ~3u; /* anywhere in the frame */
}

static unsigned int access_size(u8 b)
{
	static const unsigned int sizes[8] = { 4, 8, 4, 8, 4, 8, 1, 2 };

	return sizes[b & 7];
}

/* What the physical ITS has been told: a host action that must not change it compares this. */
struct its_view {
	u32 ctlr;
	u64 cbaser, cwriter, baser[8];
	unsigned int nr_cmds, nr_reg_writes;
};

static void its_view(struct its_view *v)
{
	memset(v, 0, sizeof(*v));
	v->ctlr = gic_model.ctlr;
	v->cbaser = gic_model.cbaser;
	v->cwriter = gic_model.cwriter;
	memcpy(v->baser, gic_model.baser, sizeof(v->baser));
	v->nr_cmds = gic_model.nr_cmds;
	v->nr_reg_writes = gic_model.nr_reg_writes;
}

static void unchanged_since(const struct its_view *before)
{
	struct its_view now;

	its_view(&now);
	FUZZ_CHECK(!memcmp(before, &now, sizeof(now)));
}

/* A DeviceID: small ones, one per level-2 page (512 per page), or beyond 16 bits. */
static u64 devid_of(u8 b)
{
	if (b == 0xff)
		return 0x10000;
	return b & 0x80 ? (u64)(b & 0x7f) << 9 : b;
}

/* An EventID: small ones, or powers of two up to 2^31 (the edges of a Size). */
static u64 event_of(u8 b)
{
	return b < 0xe0 ? b : 1ULL << (b & 0x1f);
}

/* An ICID: the first ones, or around the end of a 4 KiB table of 8-byte entries. */
static u64 icid_of(u8 b)
{
	return b < 0xf0 ? b : 508 + (b & 0xf);
}

/*
 * A host command, from its kind byte: an opcode (GICv3's, a GICv4 one, or
 * raw), then its identifiers; bit 7 of the kind sets reserved bits too.
 */
static void build_cmd(struct fz_in *in, u64 c[4])
{
	static const u8 ops[16] = { 0x08, 0x0a, 0x0b, 0x03, 0x04, 0x0f, 0x01, 0x0c,
				    0x05, 0x09, 0x0d, 0x0e, 0x08, 0x0a, 0x29, 0x00 };
	u8 kind = fz_u8(in), op = ops[kind & 15];
	u64 devid = devid_of(fz_u8(in)), event = event_of(fz_u8(in));
	u64 intid = fz_u16(in), icid = icid_of(fz_u8(in)), rd = fz_u8(in) & 7;
	u8 cls = fz_u8(in), size = fz_u8(in);
	u64 itt = fz_where(cls, fz_u16(in), 256);

	if (op == 0x00)
		op = fz_u8(in); /* anything */
	intid = intid & 0x8000 ? intid & 0x7fff : 8192 + intid;
	c[0] = op | devid << 32;
	c[1] = event;
	if (op == 0x08) /* MAPD: Size */
		c[1] = size & 0x1f;
	else if (op == 0x0a) /* MAPTI: pINTID */
		c[1] |= intid << 32;
	c[2] = icid | rd << 16;
	c[3] = rd << 16;
	if (op == 0x08) /* MAPD: Size, ITT_addr, V */
		c[2] = (itt & M(51, 8)) | (u64) !(size & 0x80) << 63;
	else if (op == 0x09) /* MAPC: V */
		c[2] |= (u64) !(size & 0x80) << 63;
	if (kind & 0x80) {
		u64 noise = fz_u64(in);

		c[0] |= noise & M(31, 8);
		c[1] |= noise & M(63, 32) & (op == 0x0a ? 0 : ~0ULL);
		c[2] |= noise & (M(62, 52) | M(7, 0));
		c[3] |= noise;
	}
}

/* A new host queue: disable, GITS_CBASER, enable (as a host driver does it). */
static void new_queue(struct fz_in *in)
{
	u8 cls = fz_u8(in), pages = fz_u8(in) % 4 + 1;
	u64 base = fz_where(cls, fz_u16(in), 0x1000) & ~0xfffULL, v = 0;

	fz_mmio(GIC_MODEL_ITS + GITS_CTLR, 4, true, &v);
	v = GITS_CBASER_VALID | base | (pages - 1);
	fz_mmio(GIC_MODEL_ITS + GITS_CBASER, 8, true, &v);
	v = GITS_CTLR_ENABLED;
	fz_mmio(GIC_MODEL_ITS + GITS_CTLR, 4, true, &v);
	q_base = base, q_size = pages * 0x1000ULL, q_next = 0;
}

/* One of the host's actions. */
static void act(struct fz_in *in)
{
	u8 kind = fz_u8(in);
	struct its_view before;
	u64 off, val, c[4], pa;
	unsigned int size;
	bool wrote;

	its_view(&before);
	switch (kind % 8) {
	case 0: /* a store in the control frame */
		off = reg_off(in);
		size = access_size(kind >> 3);
		val = fz_u64(in);
		fz_mmio(GIC_MODEL_ITS + (off & ~(u64)(size - 1)), size, true, &val);
		/* Only GITS_CTLR and GITS_CWRITER make the ITS do anything. */
		if ((off & ~7ULL) != GITS_CTLR && (off & ~7ULL) != GITS_CWRITER)
			unchanged_since(&before);
		break;
	case 1: /* a load */
		off = reg_off(in);
		size = access_size(kind >> 3);
		fz_mmio(GIC_MODEL_ITS + (off & ~(u64)(size - 1)), size, false, &val);
		break;
	case 2: /* a command into the host's queue, not yet published */
		build_cmd(in, c);
		if (q_size) {
			wrote = fz_host_write(q_base + q_next, c, sizeof(c));
			FUZZ_CHECK(!wrote || !gic_model_its_memory_overlaps(q_base + q_next, 32));
			q_next = (q_next + 32) % q_size;
		}
		unchanged_since(&before);
		break;
	case 3: /* publish: GITS_CWRITER */
		val = q_next;
		fz_mmio(GIC_MODEL_ITS + GITS_CWRITER, 8, true, &val);
		break;
	case 4:
		new_queue(in);
		break;
	case 5: /* a store anywhere in memory the host can reach */
		pa = fz_where(fz_u8(in), fz_u16(in), 8);
		val = fz_u64(in);
		wrote = fz_host_write(pa & ~7ULL, &val, 8);
		FUZZ_CHECK(!wrote || !gic_model_its_memory_overlaps(pa & ~7ULL, 8));
		unchanged_since(&before);
		break;
	case 6: /* donate a page, or reclaim it */
		fz_host_donate_toggle(fz_where(fz_u8(in), fz_u16(in), 0x1000));
		unchanged_since(&before);
		break;
	default: /* the ITS stops consuming commands, or starts again */
		gic_model.its_hold = !gic_model.its_hold;
		if (!gic_model.its_hold)
			gic_model_its_process();
		break;
	}
	FUZZ_CHECK(gic_model.nr_bad == 0);
	/* Pins move only through the ITS's registers (and donations try to take them). */
	if (kind % 8 != 1 && kind % 8 != 2 && kind % 8 != 5)
		FUZZ_CHECK(gic_model_tables_in_use_pinned("after a host action"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 idbits[4] = { 16, 14, 20, 24 };
	static struct boot_info bi;
	struct fz_in in = { data, size };
	u8 cfg = fz_u8(&in);

	gic_model_reset();
	gic_model.no_indirect = cfg & 1;
	gic_model.gicd_idbits = idbits[(cfg >> 1) & 3];
	/* ITTs of up to 48 KiB, or (slower to check) 768 KiB. */
	gic_model.its_id_bits = cfg & 8 ? 16 : 12;
	bi = (struct boot_info){ .gicd_base = GIC_MODEL_GICD, .nr_cpus = 4, .nr_its = 1 };
	bi.its[0] = (struct boot_mem_range){ GIC_MODEL_ITS, 2 * GITS_FRAME_SIZE };
	FUZZ_CHECK(!fz_machine_reset(GIC_MODEL_ITS, GITS_FRAME_SIZE, "gic_its", &bi));
	FUZZ_CHECK(gic_model.nr_bad == 0);
	q_base = q_size = q_next = 0;
	for (unsigned int n = 0; n < MAX_ACTIONS && in.n; n++)
		act(&in);
	return 0;
}
