/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-width types in the kernel's spelling, and the typed addresses of the
 * hypervisor: a physical address (PA), an intermediate physical address (IPA)
 * and a hypervisor virtual address are different things, and a conversion
 * between them should be visible at the call site.
 */
#ifndef ISOHYP_TYPES_H
#define ISOHYP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;

#endif /* ISOHYP_TYPES_H */
