/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bit and field helpers in the style of Linux's <linux/bits.h> and
 * <linux/bitfield.h>: register fields are masks (GENMASK) used through
 * FIELD_PREP/FIELD_GET, never separate SHIFT constants.
 */
#ifndef ISOHYP_BITS_H
#define ISOHYP_BITS_H

#ifdef __ASSEMBLER__
#define _ULL(x) x
#else
#include <isohyp/types.h>
#define _ULL(x) x##ULL
#endif

#define BIT(n) (_ULL(1) << (n))
/* Bits h..l inclusive, 64-bit. C only: the assembler's >> is arithmetic. */
#define GENMASK(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))

/* Value of the lowest set bit of a (constant) mask: the field's unit. */
#define __bf_lowbit(mask) ((mask) & -(mask))

#define FIELD_PREP(mask, val) ((((u64)(val)) * __bf_lowbit((u64)(mask))) & (u64)(mask))
#define FIELD_GET(mask, reg) ((((u64)(reg)) & (u64)(mask)) / __bf_lowbit((u64)(mask)))
/* Largest value a field can hold. */
#define FIELD_MAX(mask) FIELD_GET(mask, mask)

#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (__typeof__(x))(a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SZ_4K _ULL(0x1000)
#define SZ_64K _ULL(0x10000)
#define SZ_1M _ULL(0x100000)
#define SZ_2M _ULL(0x200000)
#define SZ_1G _ULL(0x40000000)

#endif /* ISOHYP_BITS_H */
