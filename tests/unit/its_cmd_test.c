// SPDX-License-Identifier: GPL-2.0-only
/*
 * drivers/gic/its_cmd.c: the check of each ITS command the host queues
 * (GICv3 spec IHI 0069, 5.3 "ITS commands"). Every command the hypervisor
 * knows is fed with good fields and with each identifier at and one past its
 * limit (DeviceID, EventID, pINTID, ICID, RDbase, MAPD Size, the device
 * count), every GICv4 and unknown opcode is refused, and the rebuilt command
 * must carry exactly the checked fields with every reserved bit zero -- the
 * host's commands here have all their reserved bits set.
 *
 * The command layouts below are written from the spec's tables (5.3.x), not
 * from drivers/gic/regs.h, so a wrong mask there fails here.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include <isohyp/errno.h>

#include "gic/its.h"

/* ---- the spec's command layouts --------------------------------------------- */

#define M(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))

/* One command's defined fields, per doubleword (everything else is RES0). */
struct layout {
	u8 op;
	const char *name;
	u64 fields[4];
};

/* DW0: [7:0] opcode, [63:32] DeviceID where the command names a device. */
#define DW0_DEV (M(7, 0) | M(63, 32))
#define DW0_NODEV M(7, 0)

static const struct layout layouts[] = {
	{ 0x01, "MOVI", { DW0_DEV, M(31, 0), M(15, 0), 0 } }, /* 5.3.10 */
	{ 0x03, "INT", { DW0_DEV, M(31, 0), 0, 0 } }, /* 5.3.6 */
	{ 0x04, "CLEAR", { DW0_DEV, M(31, 0), 0, 0 } }, /* 5.3.1 */
	{ 0x05, "SYNC", { DW0_NODEV, 0, M(51, 16), 0 } }, /* 5.3.11 */
	/* MAPD: Size [4:0], ITT_addr [51:8], V [63]. */
	{ 0x08, "MAPD", { DW0_DEV, M(4, 0), M(51, 8) | M(63, 63), 0 } }, /* 5.3.8 */
	/* MAPC: ICID [15:0], RDbase [51:16], V [63]. */
	{ 0x09, "MAPC", { DW0_NODEV, 0, M(15, 0) | M(51, 16) | M(63, 63), 0 } }, /* 5.3.7 */
	/* MAPTI: EventID [31:0], pINTID [63:32]; ICID. */
	{ 0x0a, "MAPTI", { DW0_DEV, M(63, 0), M(15, 0), 0 } }, /* 5.3.9 */
	{ 0x0b, "MAPI", { DW0_DEV, M(31, 0), M(15, 0), 0 } }, /* 5.3.8 */
	{ 0x0c, "INV", { DW0_DEV, M(31, 0), 0, 0 } }, /* 5.3.4 */
	{ 0x0d, "INVALL", { DW0_NODEV, 0, M(15, 0), 0 } }, /* 5.3.5 */
	/* MOVALL: RDbase1 in DW2, RDbase2 in DW3, both [51:16]. */
	{ 0x0e, "MOVALL", { DW0_NODEV, 0, M(51, 16), M(51, 16) } }, /* 5.3.9 */
	{ 0x0f, "DISCARD", { DW0_DEV, M(31, 0), 0, 0 } }, /* 5.3.3 */
};

static const struct layout *layout_of(u8 op)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++)
		if (layouts[i].op == op)
			return &layouts[i];
	return NULL;
}

/* The GICv4 commands: VMOVI, VMOVP, VSGI, VSYNC, VMAPP, VMAPTI, VMAPI, VINVALL, INVDB. */
static const u8 gicv4_ops[] = { 0x21, 0x22, 0x23, 0x25, 0x29, 0x2a, 0x2b, 0x2d, 0x2e };

/* ---- building commands ------------------------------------------------------ */

struct fields {
	u64 devid, event, intid, icid, rd, rd2, size, itt;
	bool valid;
};

/* The defined fields of @op placed as the spec says; nothing else set. */
static void encode(u8 op, const struct fields *f, u64 out[4])
{
	memset(out, 0, 4 * sizeof(u64));
	out[0] = op;
	switch (op) {
	case 0x05: /* SYNC */
		out[2] = f->rd << 16;
		return;
	case 0x0d: /* INVALL */
		out[2] = f->icid;
		return;
	case 0x0e: /* MOVALL */
		out[2] = f->rd << 16;
		out[3] = f->rd2 << 16;
		return;
	case 0x09: /* MAPC */
		out[2] = f->icid | f->rd << 16 | (u64)f->valid << 63;
		return;
	}
	out[0] |= f->devid << 32;
	switch (op) {
	case 0x08: /* MAPD */
		out[1] = f->size;
		out[2] = (f->itt & M(51, 8)) | (u64)f->valid << 63;
		return;
	case 0x0a: /* MAPTI */
		out[1] = f->event | f->intid << 32;
		out[2] = f->icid;
		return;
	case 0x0b: /* MAPI */
	case 0x01: /* MOVI */
		out[1] = f->event;
		out[2] = f->icid;
		return;
	default: /* INT, CLEAR, INV, DISCARD */
		out[1] = f->event;
		return;
	}
}

/* @cmd as a host would queue it with every reserved bit of @op set. */
static void dirty(u8 op, const u64 clean[4], u64 out[4])
{
	const struct layout *l = layout_of(op);
	unsigned int i;

	for (i = 0; i < 4; i++)
		out[i] = clean[i] | ~l->fields[i];
}

/* ---- the machine the checks run against ------------------------------------- */

FIXTURE(its_cmd)
{
	struct its_limits lim;
	struct its_device devs[ITS_MAX_DEVICES];
	unsigned int nr_devs;
	struct its_device *dev; /* one mapped device, at the last DeviceID */
	struct fields good; /* fields every command accepts */
};

FIXTURE_VARIANT(its_cmd)
{
	struct its_limits lim;
};

/* QEMU virt's ITS as the hypervisor sets it up: 16-bit IDs, 512 collections, 4 CPUs. */
FIXTURE_VARIANT_ADD(its_cmd, qemu_virt){
	.lim = { .devid_bits = 16, .event_bits = 16, .lpi_bits = 16, .nr_collections = 512,
		 .nr_rdbase = 4, .ite_size = 12 },
};

/* A small ITS: 8-bit DeviceIDs, 5-bit EventIDs, the smallest LPI space, 2 CPUs. */
FIXTURE_VARIANT_ADD(its_cmd, small){
	.lim = { .devid_bits = 8, .event_bits = 5, .lpi_bits = 14, .nr_collections = 16,
		 .nr_rdbase = 2, .ite_size = 8 },
};

/* A large one: 32-bit DeviceIDs and EventIDs, 24-bit LPIs. */
FIXTURE_VARIANT_ADD(its_cmd, large){
	.lim = { .devid_bits = 32, .event_bits = 32, .lpi_bits = 24, .nr_collections = 4096,
		 .nr_rdbase = 512, .ite_size = 16 },
};

FIXTURE_SETUP(its_cmd)
{
	self->lim = variant->lim;
	self->dev = &self->devs[self->nr_devs++];
	*self->dev = (struct its_device){
		.devid = (u32)(BIT(self->lim.devid_bits) - 1),
		.event_bits = self->lim.event_bits,
		.itt = 0x40000000,
		.itt_size = BIT(self->lim.event_bits) * self->lim.ite_size,
	};
	self->good = (struct fields){
		.devid = self->dev->devid,
		.event = BIT(self->dev->event_bits) - 1,
		.intid = BIT(self->lim.lpi_bits) - 1,
		.icid = self->lim.nr_collections - 1,
		.rd = self->lim.nr_rdbase - 1,
		.rd2 = 0,
		.size = self->lim.event_bits - 1,
		.itt = 0x40001200,
		.valid = true,
	};
}

FIXTURE_TEARDOWN(its_cmd)
{
}

static int check(FIXTURE_DATA(its_cmd) *self, const u64 host[4], struct its_cmd *cmd,
		 const char **why)
{
	return its_cmd_check(&self->lim, self->devs, self->nr_devs, host, cmd, why);
}

/* Refused with @reason, and nothing of the command handed back to queue. */
#define EXPECT_REFUSED(_self, _op, _f, _reason)                                               \
	do {                                                                               \
		u64 __clean[4], __host[4];                                                 \
		struct its_cmd __cmd;                                                      \
		const char *__why;                                                         \
                                                                                           \
		encode(_op, _f, __clean);                                                    \
		dirty(_op, __clean, __host);                                                \
		EXPECT_EQ(-EINVAL, check(_self, __host, &__cmd, &__why));                   \
		EXPECT_STREQ(_reason, __why ? __why : "(none)");                            \
	} while (0)

/* Accepted, and rebuilt to exactly the clean command. */
#define EXPECT_ACCEPTED(_self, _op, _f)                                                      \
	do {                                                                               \
		u64 __clean[4], __host[4];                                                 \
		struct its_cmd __cmd;                                                      \
		const char *__why = NULL;                                                  \
                                                                                           \
		encode(_op, _f, __clean);                                                    \
		dirty(_op, __clean, __host);                                                \
		EXPECT_EQ(0, check(_self, __host, &__cmd, &__why));                         \
		if (__why)                                                                 \
			TH_LOG("%s refused: %s", layout_of(_op)->name, __why);              \
		EXPECT_EQ(__clean[0], __cmd.raw[0]);                                       \
		EXPECT_EQ(__clean[1], __cmd.raw[1]);                                       \
		EXPECT_EQ(__clean[2], __cmd.raw[2]);                                       \
		EXPECT_EQ(__clean[3], __cmd.raw[3]);                                       \
		EXPECT_EQ((u64)(_op), (u64)__cmd.op);                                       \
	} while (0)

static const u8 device_ops[] = { 0x01, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0f }; /* + MAPD */
static const u8 event_ops[] = { 0x01, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0f };

/* MAPI's EventID is its pINTID: good fields need an LPI that is also an EventID. */
static bool mapi_possible(const struct its_limits *lim, const struct its_device *dev)
{
	return dev->event_bits >= 14;
}

static void mapi_fields(struct fields *f)
{
	f->event = 8192;
}

/* ---- every command, good fields, every reserved bit set --------------------- */

/* Each known command with good fields is accepted and rebuilt with its fields only. */
TEST_F(its_cmd, good_commands_rebuilt_with_reserved_bits_zero)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		struct fields f = self->good;
		u8 op = layouts[i].op;

		if (op == 0x0b) {
			if (!mapi_possible(&self->lim, self->dev))
				continue;
			mapi_fields(&f);
		}
		EXPECT_ACCEPTED(self, op, &f);
	}
}

/* The same at the other end of every range: zero IDs, the first LPI. */
TEST_F(its_cmd, lowest_ids_accepted)
{
	struct fields f = { .devid = 0, .event = 0, .intid = 8192, .icid = 0, .rd = 0,
			    .rd2 = 0, .size = 0, .itt = 0x40000000, .valid = true };
	unsigned int i;

	self->dev->devid = 0;
	for (i = 0; i < ARRAY_SIZE(layouts); i++) {
		if (layouts[i].op == 0x0b)
			continue; /* EventID 0 is no LPI: below */
		EXPECT_ACCEPTED(self, layouts[i].op, &f);
	}
}

/* Seeded random good fields and random junk in the reserved bits: always the clean command. */
TEST_F(its_cmd, random_reserved_bits_never_reach_the_its)
{
	u64 seed = 0x2545f4914f6cdd1dULL;
	unsigned int n;

	for (n = 0; n < 20000; n++) {
		const struct layout *l = &layouts[n % ARRAY_SIZE(layouts)];
		struct fields f = self->good;
		u64 clean[4], host[4], r;
		struct its_cmd cmd;
		const char *why;
		unsigned int i;

#define NEXT() (seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17, seed)
		f.event = NEXT() % BIT(self->dev->event_bits);
		f.intid = 8192 + NEXT() % (BIT(self->lim.lpi_bits) - 8192);
		f.icid = NEXT() % self->lim.nr_collections;
		f.rd = NEXT() % self->lim.nr_rdbase;
		f.rd2 = NEXT() % self->lim.nr_rdbase;
		f.size = NEXT() % self->lim.event_bits;
		f.itt = NEXT() & M(47, 8);
		f.valid = l->op == 0x08 || l->op == 0x09 ? true : NEXT() & 1;
		if (l->op == 0x0b) {
			if (!mapi_possible(&self->lim, self->dev))
				continue;
			u32 bits = self->dev->event_bits < self->lim.lpi_bits ?
					   self->dev->event_bits : self->lim.lpi_bits;

			f.event = 8192 + NEXT() % (BIT(bits) - 8192);
		}
		encode(l->op, &f, clean);
		for (i = 0; i < 4; i++) {
			r = NEXT();
			host[i] = clean[i] | (r & ~l->fields[i]);
		}
		ASSERT_EQ(0, check(self, host, &cmd, &why));
		for (i = 0; i < 4; i++)
			ASSERT_EQ(clean[i], cmd.raw[i]);
#undef NEXT
	}
}

/* ---- MAPD and MAPC, both forms -------------------------------------------------- */

/* MAPD V=1 says what to pin: the ITT at ITT_addr, 2^(Size+1) entries. */
TEST_F(its_cmd, mapd_map_reports_its_itt)
{
	struct fields f = self->good;
	u64 clean[4], host[4];
	struct its_cmd cmd;
	const char *why;

	f.devid = 5;
	f.size = self->lim.event_bits > 4 ? 4 : self->lim.event_bits - 1;
	f.itt = 0x40001200;
	encode(0x08, &f, clean);
	dirty(0x08, clean, host);
	ASSERT_EQ(0, check(self, host, &cmd, &why));
	EXPECT_TRUE(cmd.map);
	EXPECT_FALSE(cmd.unmap);
	EXPECT_EQ(5U, cmd.devid);
	EXPECT_EQ(f.size + 1, (u64)cmd.event_bits);
	EXPECT_EQ(0x40001200ULL, cmd.itt);
	EXPECT_EQ(BIT(f.size + 1) * self->lim.ite_size, cmd.itt_size);
	/* ITT_addr is [51:8]: the low byte of dword 2 is RES0, never part of the address. */
	EXPECT_EQ(0ULL, cmd.itt & 0xff);
}

/* MAPD V=0 unmaps: Size and ITT_addr are not queued, nothing to pin. */
TEST_F(its_cmd, mapd_unmap_drops_size_and_itt)
{
	struct fields f = self->good;
	u64 clean[4], host[4];
	struct its_cmd cmd;
	const char *why;

	f.valid = false;
	encode(0x08, &f, clean);
	dirty(0x08, clean, host);
	host[2] &= ~BIT(63); /* dirty() set V with the reserved bits: V=0 is the point */
	ASSERT_EQ(0, check(self, host, &cmd, &why));
	EXPECT_TRUE(cmd.unmap);
	EXPECT_FALSE(cmd.map);
	EXPECT_EQ(0x08ULL | self->good.devid << 32, cmd.raw[0]);
	EXPECT_EQ(0ULL, cmd.raw[1]);
	EXPECT_EQ(0ULL, cmd.raw[2]);
	EXPECT_EQ(0ULL, cmd.raw[3]);
	EXPECT_EQ(0ULL, cmd.itt_size);
}

/* MAPD V=0 of a device that was never mapped is harmless and goes through. */
TEST_F(its_cmd, mapd_unmap_of_unmapped_device_accepted)
{
	u64 host[4] = { 0x08 | 7ULL << 32, 0, 0, 0 };
	struct its_cmd cmd;
	const char *why;

	EXPECT_EQ(0, check(self, host, &cmd, &why));
	EXPECT_TRUE(cmd.unmap);
}

/* MAPD Size + 1 may reach the ITS's EventID bits, not pass them. */
TEST_F(its_cmd, mapd_size_past_event_bits_refused)
{
	struct fields f = self->good;

	f.size = self->lim.event_bits - 1;
	EXPECT_ACCEPTED(self, 0x08, &f);
	if (self->lim.event_bits < 32) {
		f.size = self->lim.event_bits;
		EXPECT_REFUSED(self, 0x08, &f, "MAPD Size larger than the ITS's EventID bits");
	}
	f.size = 31;
	if (self->lim.event_bits < 32)
		EXPECT_REFUSED(self, 0x08, &f, "MAPD Size larger than the ITS's EventID bits");
}

/* MAPC V=1 checks ICID and RDbase; V=0 checks the ICID and drops RDbase. */
TEST_F(its_cmd, mapc_both_forms)
{
	struct fields f = self->good;
	u64 clean[4], host[4];
	struct its_cmd cmd;
	const char *why;

	EXPECT_ACCEPTED(self, 0x09, &f);
	f.rd = self->lim.nr_rdbase;
	EXPECT_REFUSED(self, 0x09, &f, "RDbase names no redistributor");
	f.rd = self->lim.nr_rdbase - 1;
	f.icid = self->lim.nr_collections;
	EXPECT_REFUSED(self, 0x09, &f, "ICID outside the collection table");
	/* V=0 with a wild RDbase: accepted, queued without it. */
	f = self->good;
	f.valid = false;
	f.rd = FIELD_MAX(M(51, 16));
	encode(0x09, &f, clean);
	dirty(0x09, clean, host);
	host[2] &= ~BIT(63);
	ASSERT_EQ(0, check(self, host, &cmd, &why));
	EXPECT_EQ(0x09ULL, cmd.raw[0]);
	EXPECT_EQ(0ULL, cmd.raw[1]);
	EXPECT_EQ(f.icid, cmd.raw[2]);
	EXPECT_EQ(0ULL, cmd.raw[3]);
	/* V=0 still names a collection: its ICID must be in the table. */
	f.icid = self->lim.nr_collections;
	encode(0x09, &f, clean);
	EXPECT_EQ(-EINVAL, check(self, clean, &cmd, &why));
}

/* ---- identifiers at and past their limits ------------------------------------ */

/* A DeviceID at 2^devid_bits is refused by every command that names a device. */
TEST_F(its_cmd, deviceid_past_devid_bits_refused)
{
	struct fields f = self->good;
	unsigned int i;

	if (self->lim.devid_bits >= 32)
		return; /* every 32-bit DeviceID exists */
	f.devid = BIT(self->lim.devid_bits);
	EXPECT_REFUSED(self, 0x08, &f, "DeviceID outside the ITS's DeviceID bits");
	for (i = 0; i < ARRAY_SIZE(device_ops); i++)
		EXPECT_REFUSED(self, device_ops[i], &f,
			       "DeviceID outside the ITS's DeviceID bits");
	/* A mapped device there (as if the table said so) does not change that. */
	self->dev->devid = f.devid;
	EXPECT_REFUSED(self, 0x03, &f, "DeviceID outside the ITS's DeviceID bits");
	/* The last DeviceID is fine. */
	f.devid = BIT(self->lim.devid_bits) - 1;
	self->dev->devid = f.devid;
	EXPECT_ACCEPTED(self, 0x08, &f);
	EXPECT_ACCEPTED(self, 0x03, &f);
}

/* A command about events of a device no MAPD mapped is refused. */
TEST_F(its_cmd, unmapped_device_refused)
{
	struct fields f = self->good;
	unsigned int i;

	f.devid = self->dev->devid - 1;
	f.event = 0;
	for (i = 0; i < ARRAY_SIZE(event_ops); i++) {
		if (event_ops[i] == 0x0b)
			f.event = 8192;
		EXPECT_REFUSED(self, event_ops[i], &f, "DeviceID not mapped");
	}
	/* ... and after its MAPD V=0 (its.c drops it from the list). */
	self->nr_devs = 0;
	f = self->good;
	EXPECT_REFUSED(self, 0x03, &f, "DeviceID not mapped");
}

/* An EventID at 2^event_bits of the device's MAPD is refused; the last one is not. */
TEST_F(its_cmd, eventid_past_the_devices_itt_refused)
{
	struct fields f = self->good;
	unsigned int i;

	self->dev->event_bits = self->lim.event_bits > 14 ? 14 : self->lim.event_bits - 1;
	f.event = BIT(self->dev->event_bits);
	for (i = 0; i < ARRAY_SIZE(event_ops); i++)
		EXPECT_REFUSED(self, event_ops[i], &f, "EventID outside the device's ITT");
	f.event = BIT(self->dev->event_bits) - 1;
	for (i = 0; i < ARRAY_SIZE(event_ops); i++) {
		if (event_ops[i] == 0x0b)
			continue; /* MAPI: below, the EventID must also be an LPI */
		EXPECT_ACCEPTED(self, event_ops[i], &f);
	}
	/* The largest EventID a 32-bit field can carry. */
	f.event = 0xffffffffULL;
	if (self->dev->event_bits < 32)
		EXPECT_REFUSED(self, 0x03, &f, "EventID outside the device's ITT");
}

/* MAPTI's pINTID must be an LPI the GIC implements: 8192 .. 2^lpi_bits - 1. */
TEST_F(its_cmd, mapti_pintid_outside_the_lpis_refused)
{
	struct fields f = self->good;

	f.intid = 8191;
	EXPECT_REFUSED(self, 0x0a, &f, "pINTID is not an LPI the GIC implements");
	f.intid = 0;
	EXPECT_REFUSED(self, 0x0a, &f, "pINTID is not an LPI the GIC implements");
	f.intid = 1023; /* a special INTID */
	EXPECT_REFUSED(self, 0x0a, &f, "pINTID is not an LPI the GIC implements");
	f.intid = BIT(self->lim.lpi_bits);
	EXPECT_REFUSED(self, 0x0a, &f, "pINTID is not an LPI the GIC implements");
	f.intid = 0xffffffffULL;
	EXPECT_REFUSED(self, 0x0a, &f, "pINTID is not an LPI the GIC implements");
	f.intid = 8192;
	EXPECT_ACCEPTED(self, 0x0a, &f);
	f.intid = BIT(self->lim.lpi_bits) - 1;
	EXPECT_ACCEPTED(self, 0x0a, &f);
}

/* MAPI's EventID doubles as its pINTID: it must be both in the ITT and an LPI. */
TEST_F(its_cmd, mapi_eventid_must_be_an_lpi)
{
	struct fields f = self->good;

	f.event = 8191;
	if (self->dev->event_bits >= 13)
		EXPECT_REFUSED(self, 0x0b, &f, "pINTID is not an LPI the GIC implements");
	f.event = 0;
	EXPECT_REFUSED(self, 0x0b, &f, "pINTID is not an LPI the GIC implements");
	if (!mapi_possible(&self->lim, self->dev))
		return;
	f.event = 8192;
	EXPECT_ACCEPTED(self, 0x0b, &f);
	if (self->dev->event_bits > self->lim.lpi_bits) {
		f.event = BIT(self->lim.lpi_bits);
		EXPECT_REFUSED(self, 0x0b, &f, "pINTID is not an LPI the GIC implements");
	}
}

/* An ICID at nr_collections is refused by every command that names a collection. */
TEST_F(its_cmd, icid_past_the_collection_table_refused)
{
	static const u8 ops[] = { 0x09, 0x0a, 0x0b, 0x01, 0x0d }; /* MAPC MAPTI MAPI MOVI INVALL */
	struct fields f = self->good;
	unsigned int i;

	if (mapi_possible(&self->lim, self->dev))
		mapi_fields(&f);
	f.icid = self->lim.nr_collections;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (ops[i] == 0x0b && !mapi_possible(&self->lim, self->dev))
			continue;
		EXPECT_REFUSED(self, ops[i], &f, "ICID outside the collection table");
	}
	f.icid = 0xffff;
	if (self->lim.nr_collections < 0x10000)
		EXPECT_REFUSED(self, 0x0d, &f, "ICID outside the collection table");
}

/* An RDbase at nr_rdbase is refused by SYNC, MAPC V=1 and both fields of MOVALL. */
TEST_F(its_cmd, rdbase_past_the_redistributors_refused)
{
	struct fields f = self->good;

	f.rd = self->lim.nr_rdbase;
	EXPECT_REFUSED(self, 0x05, &f, "RDbase names no redistributor");
	EXPECT_REFUSED(self, 0x09, &f, "RDbase names no redistributor");
	EXPECT_REFUSED(self, 0x0e, &f, "RDbase names no redistributor");
	f.rd = 0;
	f.rd2 = self->lim.nr_rdbase;
	EXPECT_REFUSED(self, 0x0e, &f, "RDbase names no redistributor");
	f.rd2 = FIELD_MAX(M(51, 16)); /* the largest RDbase the field holds */
	EXPECT_REFUSED(self, 0x0e, &f, "RDbase names no redistributor");
	f.rd = FIELD_MAX(M(51, 16));
	EXPECT_REFUSED(self, 0x05, &f, "RDbase names no redistributor");
	f.rd = self->lim.nr_rdbase - 1;
	f.rd2 = self->lim.nr_rdbase - 1;
	EXPECT_ACCEPTED(self, 0x05, &f);
	EXPECT_ACCEPTED(self, 0x0e, &f);
}

/* ---- devices: how many, and which ------------------------------------------------ */

/* With ITS_MAX_DEVICES mapped, a new device is refused; remapping one or unmapping is not. */
TEST_F(its_cmd, too_many_devices_refused)
{
	struct fields f = self->good;
	u64 host[4];
	struct its_cmd cmd;
	const char *why;
	unsigned int i;

	if (self->lim.devid_bits < 9)
		return; /* fewer DeviceIDs than the table holds */
	self->nr_devs = 0;
	for (i = 0; i < ITS_MAX_DEVICES; i++)
		self->devs[self->nr_devs++] = (struct its_device){
			.devid = 2 * i, .event_bits = 1, .itt = 0x40000000 + i * 256,
			.itt_size = 2 * self->lim.ite_size,
		};
	f.devid = 1; /* not mapped */
	EXPECT_REFUSED(self, 0x08, &f, "too many devices mapped");
	f.devid = 2 * (ITS_MAX_DEVICES - 1); /* remap: no new slot */
	EXPECT_ACCEPTED(self, 0x08, &f);
	encode(0x08, &(struct fields){ .devid = 1 }, host);
	EXPECT_EQ(0, check(self, host, &cmd, &why)); /* V=0 of anything */
	self->nr_devs--;
	f.devid = 1;
	EXPECT_ACCEPTED(self, 0x08, &f);
}

/* its_device_find() finds exactly the mapped DeviceIDs. */
TEST(device_find)
{
	struct its_device devs[3] = { { .devid = 0 }, { .devid = 0xffffffff }, { .devid = 9 } };

	EXPECT_EQ(&devs[0], its_device_find(devs, 3, 0));
	EXPECT_EQ(&devs[1], its_device_find(devs, 3, 0xffffffff));
	EXPECT_EQ(&devs[2], its_device_find(devs, 3, 9));
	EXPECT_NULL(its_device_find(devs, 3, 1));
	EXPECT_NULL(its_device_find(devs, 2, 9));
	EXPECT_NULL(its_device_find(devs, 0, 0));
}

/* ---- opcodes the hypervisor does not know ---------------------------------------- */

/* Every GICv4 command is refused, with good-looking fields and without. */
TEST_F(its_cmd, gicv4_commands_refused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gicv4_ops); i++) {
		u64 host[4] = { gicv4_ops[i] | (u64)self->good.devid << 32, self->good.event,
				self->good.icid, 0 };
		u64 ones[4] = { gicv4_ops[i] | ~0xffULL, ~0ULL, ~0ULL, ~0ULL };
		struct its_cmd cmd;
		const char *why;

		EXPECT_EQ(-EINVAL, check(self, host, &cmd, &why));
		EXPECT_STREQ("unknown or GICv4 command", why);
		EXPECT_EQ(-EINVAL, check(self, ones, &cmd, &why));
		EXPECT_STREQ("unknown or GICv4 command", why);
	}
}

/* Of the 256 opcodes exactly the twelve physical commands are accepted. */
TEST_F(its_cmd, every_unknown_opcode_refused)
{
	unsigned int op, accepted = 0;

	for (op = 0; op < 256; op++) {
		struct fields f = self->good;
		u64 host[4];
		struct its_cmd cmd;
		const char *why;
		int ret;

		if (op == 0x0b)
			mapi_fields(&f);
		encode(op, &f, host);
		ret = check(self, host, &cmd, &why);
		if (!layout_of(op)) {
			EXPECT_EQ(-EINVAL, ret);
			EXPECT_STREQ("unknown or GICv4 command", why);
		} else if (!ret) {
			accepted++;
		}
	}
	EXPECT_EQ(mapi_possible(&self->lim, self->dev) ? 12U : 11U, accepted);
}

/* The check is pure: a refused MAPD leaves the device list alone, *cmd says nothing to do. */
TEST_F(its_cmd, refusal_changes_nothing)
{
	struct its_device before[ITS_MAX_DEVICES];
	struct fields f = self->good;
	u64 host[4];
	struct its_cmd cmd;
	const char *why;

	memcpy(before, self->devs, sizeof(before));
	f.size = 31;
	encode(0x08, &f, host);
	if (self->lim.event_bits < 32)
		EXPECT_EQ(-EINVAL, check(self, host, &cmd, &why));
	EXPECT_EQ(0, memcmp(before, self->devs, sizeof(before)));
	EXPECT_EQ(1U, self->nr_devs);
}

TEST_HARNESS_MAIN
