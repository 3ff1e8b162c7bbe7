/* SPDX-License-Identifier: GPL-2.0-only */
/* strtoul for freestanding code and libfdt; see hyp/string.c. */
#ifndef ISOHYP_LIBC_STDLIB_H
#define ISOHYP_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);

#endif /* ISOHYP_LIBC_STDLIB_H */
