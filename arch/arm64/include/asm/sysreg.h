/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System register accessors and the fields isohyp uses.
 * Arm ARM (DDI 0487) D23 "AArch64 System Register Descriptions".
 */
#ifndef ISOHYP_ASM_SYSREG_H
#define ISOHYP_ASM_SYSREG_H

#include <isohyp/bits.h>

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define read_sysreg(r)                                                         \
	({                                                                     \
		u64 __val;                                                     \
		__asm__ __volatile__("mrs %0, " __stringify(r) : "=r"(__val)); \
		__val;                                                         \
	})

#define write_sysreg(v, r)                                                      \
	do {                                                                    \
		u64 __val = (u64)(v);                                           \
		__asm__ __volatile__("msr " __stringify(r) ", %x0" : : "rZ"(__val)); \
	} while (0)

#define isb() __asm__ __volatile__("isb" : : : "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt : : : "memory")

/* CurrentEL (D23.2.31): the exception level is in bits [3:2]. */
#define CURRENTEL_EL GENMASK(3, 2)

static inline unsigned int current_el(void)
{
	return FIELD_GET(CURRENTEL_EL, read_sysreg(CurrentEL));
}

#endif /* ISOHYP_ASM_SYSREG_H */
