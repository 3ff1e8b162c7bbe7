// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "mmio_decode": hyp/mmio.c's mmio_decode(), mmio_load_result()
 * and hyp_mmio_emulate() (the real file) on arbitrary ESR_EL2 values,
 * addresses and host register files, against a one-page fake region.
 *
 * Input: ESR (8 bytes), a signed 32-bit offset of the address from the
 * region's base, the value the region's read handler returns (8 bytes), one
 * byte of handler behaviour (bit 0: refuse), then x0..x30 (missing bytes are
 * zero).
 *
 * Invariants, written from the Arm ARM's ISS layout (D23.2.41) and the
 * contract in include/isohyp/mmio.h rather than from the decoder:
 *  - decode accepts only EC 0x24 with ISV = 1, CM = 0, S1PTW = 0, and then
 *    reports SAS/SRT/WnR/SSE/SF exactly; never a store that sign-extends,
 *    never an 8-byte access without SF or with SSE;
 *  - a load's result is the handler's value truncated to the size, sign- or
 *    zero-extended by C casts, and cut to 32 bits without SF;
 *  - the handler only sees aligned accesses inside the region;
 *  - a store hands the handler regs[srt] (0 for XZR) cut to W and to the size;
 *  - no register other than the transfer register ever changes, none at all
 *    on a store or a refusal, and regs[31] does not exist (the file is exactly
 *    31 heap u64s: ASan reports a write past it).
 */
#include <string.h>

#include <isohyp/errno.h>
#include <isohyp/mmio.h>

#include "fuzz.h"

#define REGION_BASE 0x09000000ULL
#define REGION_SIZE 0x1000ULL
#define NR_REGS 31

struct fake_dev {
	u64 read_val;
	bool refuse;
	unsigned int calls;
	u64 off, val;
	unsigned int size;
};

static void check_access(u64 off, unsigned int size)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK(off < REGION_SIZE && size <= REGION_SIZE - off);
	FUZZ_CHECK(off % size == 0);
}

static int fake_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	struct fake_dev *d = priv;

	check_access(off, size);
	d->calls++;
	d->off = off;
	d->size = size;
	*val = d->read_val;
	return d->refuse ? -EPERM : 0;
}

static int fake_write(void *priv, u64 off, unsigned int size, u64 val)
{
	struct fake_dev *d = priv;

	check_access(off, size);
	d->calls++;
	d->off = off;
	d->size = size;
	d->val = val;
	return d->refuse ? -EPERM : 0;
}

static const struct hyp_mmio_ops fake_ops = { .read = fake_read, .write = fake_write };

static u64 take(const uint8_t **data, size_t *size, size_t n)
{
	u64 v = 0;

	n = n < *size ? n : *size;
	memcpy(&v, *data, n);
	*data += n;
	*size -= n;
	return v;
}

/* What a load of @acc->size bytes puts in the register, by C conversions. */
static u64 expected_load(const struct mmio_access *acc, u64 v)
{
	u64 r;

	switch (acc->size) {
	case 1:
		r = acc->sign_extend ? (u64)(int64_t)(int8_t)v : (uint8_t)v;
		break;
	case 2:
		r = acc->sign_extend ? (u64)(int64_t)(int16_t)v : (uint16_t)v;
		break;
	case 4:
		r = acc->sign_extend ? (u64)(int64_t)(int32_t)v : (uint32_t)v;
		break;
	default:
		r = v;
	}
	return acc->sf ? r : (uint32_t)r;
}

static void check_decode(u64 esr, int ret, const struct mmio_access *acc)
{
	unsigned int ec = (esr >> 26) & 0x3f;
	bool isv = esr >> 24 & 1, cm = esr >> 8 & 1, s1ptw = esr >> 7 & 1;

	if (ec != 0x24 || !isv || cm || s1ptw) {
		FUZZ_CHECK(ret == -EINVAL);
		return;
	}
	if (ret) {
		FUZZ_CHECK(ret == -EINVAL);
		/* Refused although the syndrome describes a real A64 access? */
		FUZZ_CHECK((esr >> 6 & 1 && esr >> 21 & 1) ||
			   (((esr >> 22) & 3) == 3 && (!(esr >> 15 & 1) || esr >> 21 & 1)));
		return;
	}
	FUZZ_CHECK(acc->size == 1U << ((esr >> 22) & 3));
	FUZZ_CHECK(acc->srt == ((esr >> 16) & 31));
	FUZZ_CHECK(acc->write == (esr >> 6 & 1));
	FUZZ_CHECK(acc->sign_extend == (esr >> 21 & 1));
	FUZZ_CHECK(acc->sf == (esr >> 15 & 1));
	FUZZ_CHECK(!(acc->write && acc->sign_extend));
	FUZZ_CHECK(acc->size != 8 || (acc->sf && !acc->sign_extend));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_dev dev;
	static struct hyp_mmio_region region = {
		.name = "fuzz", .base = REGION_BASE, .size = REGION_SIZE,
		.ops = &fake_ops, .priv = &dev,
	};
	struct mmio_access acc = { 0 };
	u64 esr, addr, before[NR_REGS], *regs;
	unsigned int i;
	int ret;

	esr = take(&data, &size, 8);
	addr = REGION_BASE + (u64)(int64_t)(int32_t)take(&data, &size, 4);
	dev = (struct fake_dev){ .read_val = take(&data, &size, 8) };
	dev.refuse = take(&data, &size, 1) & 1;
	regs = malloc(NR_REGS * sizeof(*regs));
	for (i = 0; i < NR_REGS; i++)
		regs[i] = before[i] = take(&data, &size, 8);

	ret = mmio_decode(esr, &acc);
	check_decode(esr, ret, &acc);
	if (ret)
		goto out;

	/* mmio_load_result() alone, on the read value. */
	FUZZ_CHECK(mmio_load_result(&acc, dev.read_val) == expected_load(&acc, dev.read_val));

	hyp_spin_lock_init(&region.lock, HYP_LOCK_MMIO);
	ret = hyp_mmio_emulate(&region, addr, &acc, regs);
	FUZZ_CHECK(!region.lock.held);
	if (addr % acc.size || addr < REGION_BASE || addr > REGION_BASE + REGION_SIZE - acc.size) {
		/* Outside the region or unaligned: refused before any handler runs. */
		FUZZ_CHECK(ret == -EINVAL && dev.calls == 0);
	} else {
		FUZZ_CHECK(dev.calls == 1 && dev.off == addr - REGION_BASE && dev.size == acc.size);
		FUZZ_CHECK(dev.refuse ? ret == -EPERM : ret == 0);
	}
	if (!ret && acc.write) {
		u64 v = acc.srt == 31 ? 0 : before[acc.srt];

		if (!acc.sf)
			v = (uint32_t)v;
		if (acc.size < 8)
			v &= (1ULL << (acc.size * 8)) - 1;
		FUZZ_CHECK(dev.val == v);
	}
	for (i = 0; i < NR_REGS; i++) {
		if (!ret && !acc.write && i == acc.srt)
			FUZZ_CHECK(regs[i] == expected_load(&acc, dev.read_val));
		else
			FUZZ_CHECK(regs[i] == before[i]);
	}
out:
	free(regs);
	return 0;
}
