/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GCC's own <limits.h> is complete for freestanding code but, unless told that
 * a C library's limits.h was seen, recurses into one with #include_next. There
 * is no C library here: say so, then use GCC's.
 */
#ifndef ISOHYP_LIBC_LIMITS_H
#define ISOHYP_LIBC_LIMITS_H
#define _LIBC_LIMITS_H_
#include_next <limits.h>
#endif
