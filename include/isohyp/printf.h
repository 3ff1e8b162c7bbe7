/* SPDX-License-Identifier: GPL-2.0-only */
/* Formatted output for the hypervisor (hyp/printf.c): a vsnprintf subset. */
#ifndef ISOHYP_PRINTF_H
#define ISOHYP_PRINTF_H

#include <stdarg.h>
#include <isohyp/types.h>

/*
 * Conversions: %d %i %u %x %X %p %s %c %%, flags '0' and '-', a width, a
 * precision for %s (".N" or ".*"), and the length modifiers l, ll, z. Always NUL-terminates when size > 0; returns
 * the length the whole output would have had.
 */
size_t hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* ISOHYP_PRINTF_H */
