// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "its_cmd": drivers/gic/its_cmd.c's its_cmd_check() (the real
 * file) on arbitrary 32-byte commands, ITS limits and lists of mapped
 * devices.
 *
 * Input: limits (devid_bits, event_bits, lpi_bits, nr_collections,
 * nr_rdbase, ite_size: folded into what a GICv3 ITS can report), a device
 * count byte (bit 7: a full table of ITS_MAX_DEVICES), the devices (DeviceID,
 * EventID bits), then the command's four doublewords.
 *
 * The expectation is a model written here from the GICv3 spec's command
 * layouts (IHI 0069, 5.3) and the limits, not from the checker or
 * drivers/gic/regs.h: a command is accepted exactly when the model accepts
 * it, and then the rebuilt command carries only defined fields of its
 * opcode, each equal to the host's, every reserved bit zero, and the MAPD
 * results (event_bits, ITT address and size) are what the host asked for.
 */
#include <string.h>

#include <isohyp/errno.h>

#include "fuzz.h"
#include "gic/its.h"

#define M(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define GET(dw, h, l) (((dw) & M(h, l)) >> (l))

/* Defined fields per doubleword of each command (everything else is RES0). */
struct layout {
	u8 op;
	u64 fields[4];
};

#define DW0_DEV (M(7, 0) | M(63, 32))
#define DW0_NODEV M(7, 0)

static const struct layout layouts[] = {
	{ 0x01 /* MOVI */, { DW0_DEV, M(31, 0), M(15, 0), 0 } },
	{ 0x03 /* INT */, { DW0_DEV, M(31, 0), 0, 0 } },
	{ 0x04 /* CLEAR */, { DW0_DEV, M(31, 0), 0, 0 } },
	{ 0x05 /* SYNC */, { DW0_NODEV, 0, M(51, 16), 0 } },
	{ 0x08 /* MAPD */, { DW0_DEV, M(4, 0), M(51, 8) | M(63, 63), 0 } },
	{ 0x09 /* MAPC */, { DW0_NODEV, 0, M(15, 0) | M(51, 16) | M(63, 63), 0 } },
	{ 0x0a /* MAPTI */, { DW0_DEV, M(63, 0), M(15, 0), 0 } },
	{ 0x0b /* MAPI */, { DW0_DEV, M(31, 0), M(15, 0), 0 } },
	{ 0x0c /* INV */, { DW0_DEV, M(31, 0), 0, 0 } },
	{ 0x0d /* INVALL */, { DW0_NODEV, 0, M(15, 0), 0 } },
	{ 0x0e /* MOVALL */, { DW0_NODEV, 0, M(51, 16), M(51, 16) } },
	{ 0x0f /* DISCARD */, { DW0_DEV, M(31, 0), 0, 0 } },
};

static const struct layout *layout_of(u8 op)
{
	unsigned int i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].op == op)
			return &layouts[i];
	return NULL;
}

static u64 take(const uint8_t **data, size_t *size, size_t n)
{
	u64 v = 0;

	n = n < *size ? n : *size;
	memcpy(&v, *data, n);
	*data += n;
	*size -= n;
	return v;
}

static struct its_device devs[ITS_MAX_DEVICES];
static unsigned int nr_devs;

static const struct its_device *find(u32 devid)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		if (devs[i].devid == devid)
			return &devs[i];
	return NULL;
}

static bool lpi_ok(const struct its_limits *lim, u64 intid)
{
	return intid >= 8192 && intid < (1ULL << lim->lpi_bits);
}

/* Whether the spec and @lim allow @h, with what the hypervisor may pass on. */
static bool model_accepts(const struct its_limits *lim, const u64 h[4])
{
	u8 op = h[0] & 0xff;
	u64 devid = GET(h[0], 63, 32), event = GET(h[1], 31, 0), icid = GET(h[2], 15, 0);
	u64 rd = GET(h[2], 51, 16), rd2 = GET(h[3], 51, 16);
	bool valid = h[2] >> 63;
	const struct its_device *dev;

	switch (op) {
	case 0x05: /* SYNC */
		return rd < lim->nr_rdbase;
	case 0x0e: /* MOVALL */
		return rd < lim->nr_rdbase && rd2 < lim->nr_rdbase;
	case 0x0d: /* INVALL */
		return icid < lim->nr_collections;
	case 0x09: /* MAPC */
		return icid < lim->nr_collections && (!valid || rd < lim->nr_rdbase);
	}
	if (!layout_of(op) || devid >= (1ULL << lim->devid_bits))
		return false;
	if (op == 0x08) { /* MAPD */
		if (!valid)
			return true;
		return GET(h[1], 4, 0) + 1 <= lim->event_bits &&
		       (find(devid) || nr_devs < ITS_MAX_DEVICES);
	}
	dev = find(devid);
	if (!dev || event >= (1ULL << dev->event_bits))
		return false;
	switch (op) {
	case 0x0a: /* MAPTI */
		return lpi_ok(lim, GET(h[1], 63, 32)) && icid < lim->nr_collections;
	case 0x0b: /* MAPI: the EventID is the pINTID */
		return lpi_ok(lim, event) && icid < lim->nr_collections;
	case 0x01: /* MOVI */
		return icid < lim->nr_collections;
	default: /* INT, CLEAR, INV, DISCARD */
		return true;
	}
}

static void check_rebuilt(const struct its_limits *lim, const u64 h[4], const struct its_cmd *c)
{
	const struct layout *l = layout_of(h[0] & 0xff);
	unsigned int i;

	FUZZ_CHECK(l && c->op == l->op);
	for (i = 0; i < 4; i++) {
		FUZZ_CHECK((c->raw[i] & ~l->fields[i]) == 0); /* reserved bits zero */
		FUZZ_CHECK((c->raw[i] & ~h[i]) == 0); /* nothing the host did not ask */
	}
	FUZZ_CHECK((c->raw[0] & 0xff) == l->op);
	if (l->fields[0] & M(63, 32))
		FUZZ_CHECK(c->raw[0] == (h[0] & l->fields[0]) && c->devid == GET(h[0], 63, 32));
	switch (l->op) {
	case 0x08: /* MAPD */
		FUZZ_CHECK(c->map == (bool)(h[2] >> 63) && c->unmap == !c->map);
		if (c->map) {
			FUZZ_CHECK(c->raw[1] == (h[1] & l->fields[1]));
			FUZZ_CHECK(c->raw[2] == (h[2] & l->fields[2]));
			FUZZ_CHECK(c->event_bits == GET(h[1], 4, 0) + 1);
			FUZZ_CHECK(c->event_bits <= lim->event_bits);
			FUZZ_CHECK(c->itt == (h[2] & M(51, 8)));
			FUZZ_CHECK(c->itt_size == (1ULL << c->event_bits) * lim->ite_size);
		}
		break;
	case 0x09: /* MAPC: RDbase only when V = 1 */
		FUZZ_CHECK(c->raw[2] == (h[2] & (h[2] >> 63 ? l->fields[2] : M(15, 0))));
		break;
	default: /* everything defined is passed on */
		for (i = 0; i < 4; i++)
			FUZZ_CHECK(c->raw[i] == (h[i] & l->fields[i]));
	}
	if (l->op != 0x08)
		FUZZ_CHECK(!c->map && !c->unmap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct its_limits lim;
	struct its_cmd cmd;
	const char *why;
	u64 host[4];
	unsigned int i, n;
	int ret;

	/* What GITS_TYPER/GICD_TYPER can report, and what its.c sets up. */
	lim.devid_bits = take(&data, &size, 1) % 32 + 1;
	lim.event_bits = take(&data, &size, 1) % 32 + 1;
	lim.lpi_bits = take(&data, &size, 1) % 19 + 14;
	lim.nr_collections = take(&data, &size, 2) % 65536 + 1;
	lim.nr_rdbase = take(&data, &size, 2) % 4096 + 1;
	lim.ite_size = take(&data, &size, 1) % 16 + 1;
	n = take(&data, &size, 1);
	nr_devs = 0;
	if (n & 0x80) {
		for (i = 0; i < ITS_MAX_DEVICES; i++)
			devs[nr_devs++] = (struct its_device){
				.devid = i, .event_bits = lim.event_bits, .itt = 0x40000000 };
		n &= 0x7f;
	}
	/* More devices from the input (a later copy of a DeviceID never matches). */
	for (i = 0; i < n && nr_devs < ITS_MAX_DEVICES; i++) {
		u32 devid = take(&data, &size, 4);

		devs[nr_devs++] = (struct its_device){
			.devid = (u32)(devid & ((1ULL << lim.devid_bits) - 1)),
			.event_bits = take(&data, &size, 1) % lim.event_bits + 1,
		};
	}
	for (i = 0; i < 4; i++)
		host[i] = take(&data, &size, 8);

	ret = its_cmd_check(&lim, devs, nr_devs, host, &cmd, &why);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	if (ret)
		FUZZ_CHECK(why != NULL);
	FUZZ_CHECK(!ret == model_accepts(&lim, host));
	if (!ret)
		check_rebuilt(&lim, host, &cmd);
	return 0;
}
