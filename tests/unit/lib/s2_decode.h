/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: an independent decoder of stage-2 tables (Arm ARM D8.3,
 * 4 KiB granule). It reads raw descriptors from the root itself instead of
 * using hyp/pgtable.c's helpers, so a level mix-up, a wrong attribute bit or
 * a lost entry in the engine shows up as a wrong translation.
 */
#ifndef ISOHYP_TEST_S2_DECODE_H
#define ISOHYP_TEST_S2_DECODE_H

#include <isohyp/pgtable.h>

struct xlate {
	bool valid;
	bool sw0; /* software bit 55 */
	u64 pa;
	int level;
	unsigned int memattr, s2ap, sh;
	bool af, xn;
	unsigned int owner; /* invalid entries: bits [9:2] */
};

static inline struct xlate ref_walk(const struct kvm_pgtable *pgt, u64 ia)
{
	const u64 *table = (const u64 *)pgt->pgd;
	struct xlate x = { 0 };
	int level;

	for (level = pgt->start_level; level <= 3; level++) {
		int shift = 39 - 9 * level;
		u64 d = table[(ia >> shift) & 511];

		if (!(d & 1)) {
			x.level = level;
			x.owner = (d >> 2) & 0xff;
			return x;
		}
		if (level < 3 && (d & 2)) {
			table = (const u64 *)(uintptr_t)(d & 0x0000fffffffff000ull);
			continue;
		}
		if (level == 3 && !(d & 2))
			return x; /* reserved encoding: treat as invalid */
		x.valid = true;
		x.level = level;
		x.pa = (d & 0x0000fffffffff000ull & ~((1ull << shift) - 1)) | (ia & ((1ull << shift) - 1));
		x.memattr = (d >> 2) & 0xf;
		x.s2ap = (d >> 6) & 3;
		x.sh = (d >> 8) & 3;
		x.af = (d >> 10) & 1;
		x.xn = (d >> 54) & 1;
		x.sw0 = (d >> 55) & 1;
		return x;
	}
	return x;
}

static inline bool same_xlate(struct xlate a, struct xlate b)
{
	return a.valid == b.valid && a.pa == b.pa && a.memattr == b.memattr && a.s2ap == b.s2ap &&
	       a.sh == b.sh && a.af == b.af && a.xn == b.xn && a.owner == b.owner &&
	       a.sw0 == b.sw0;
}

#endif
