// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests: the hypervisor's console and panic, for code built for the
 * host. Warnings are counted (tests can read hyp_test_log_count); a panic
 * prints and aborts the test program, which the runner reports as a failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <isohyp/console.h>
#include <isohyp/panic.h>

unsigned long hyp_test_log_count[4];

void hyp_log(enum hyp_log_level level, const char *fmt, ...)
{
	va_list ap;

	hyp_test_log_count[level & 3]++;
	if (level > LOG_WARN)
		return;
	va_start(ap, fmt);
	fprintf(stdout, "# hyp: ");
	vfprintf(stdout, fmt, ap);
	va_end(ap);
}

void hyp_console_write(const char *s)
{
	fputs(s, stdout);
}

void hyp_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "# hyp_panic: ");
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fflush(stdout);
	abort();
}
