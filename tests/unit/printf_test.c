// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/printf.c: the hypervisor's vsnprintf, compared against the host C
 * library's snprintf for every conversion it documents.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include <isohyp/printf.h>

#define CHECK_FMT(fmt, ...)                                                        \
	do {                                                                       \
		char want[128], got[128];                                          \
		size_t n = hyp_snprintf(got, sizeof(got), fmt, __VA_ARGS__);       \
		int m = snprintf(want, sizeof(want), fmt, __VA_ARGS__);            \
		EXPECT_STREQ(want, got);                                           \
		EXPECT_EQ((size_t)m, n);                                           \
	} while (0)

/* Integers of every length in every base match the C library's output. */
TEST(integers_match_libc)
{
	CHECK_FMT("%d %i %u %x %X", -5, 42, 3000000000u, 0xdeadu, 0xbeefu);
	CHECK_FMT("%ld %lu %lx", -1234567890123l, 18446744073709551615ul, 0xfedcba9876543210ul);
	CHECK_FMT("%lld %llx %zu", -9223372036854775807ll - 1, 0x1ull, (size_t)77);
	CHECK_FMT("%d %u %x", 0, 0u, 0u);
}

/* Width, zero padding and left alignment match the C library's output. */
TEST(width_and_padding_match_libc)
{
	CHECK_FMT("[%5d] [%-5d] [%05d] [%016lx]", 42, 42, -42, 0xabcul);
	CHECK_FMT("[%-2u] [%8s] [%-8s]", 7u, "ab", "cd");
	CHECK_FMT("%c%c %%", 'o', 'k');
}

/* Strings, NULL strings and pointers. */
TEST(strings_and_pointers)
{
	char buf[64];
	const char *volatile none = NULL;

	CHECK_FMT("%s/%s", "a", "bc");
	CHECK_FMT("[%.3s] [%.*s] [%5.2s] [%.0s]", "abcdef", 2, "xyz", "pq", "gone");
	hyp_snprintf(buf, sizeof(buf), "%s", none);
	EXPECT_STREQ("(null)", buf);
	hyp_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	EXPECT_STREQ("0x1234", buf);
}

/* Output is truncated to the buffer, always terminated, full length returned. */
TEST(truncation)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	EXPECT_EQ(12u, hyp_snprintf(buf, sizeof(buf), "hello, %s", "world"));
	EXPECT_STREQ("hello, ", buf);
	EXPECT_EQ(3u, hyp_snprintf(buf, 0, "%d", 123));
	EXPECT_EQ('h', buf[0]);
}

/* A call the compiler cannot format-check, for a deliberately bad format. */
static size_t hyp_vsnprintf_test(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* An unknown conversion is printed verbatim rather than consuming arguments. */
TEST(unknown_conversion_is_verbatim)
{
	char buf[32];
	const char *volatile fmt = "%q %d";

	hyp_vsnprintf_test(buf, sizeof(buf), fmt, 5);
	EXPECT_STREQ("%q 5", buf);
}

TEST_HARNESS_MAIN
