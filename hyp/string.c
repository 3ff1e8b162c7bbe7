// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C string functions freestanding isohyp code needs, and that libfdt's
 * archive references. Byte-at-a-time on purpose: small, obviously correct, and
 * safe with the MMU off (no unaligned accesses). memcpy and memset are in
 * hyp/memcpy.c: gnu-efi's libefi brings its own, so the loader leaves ours out.
 * Built with
 * -fno-tree-loop-distribute-patterns so GCC does not turn these loops back
 * into calls to themselves.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
		return dst;
	}
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return INT_MAX;
}

/* C11 7.22.1.4 for bases 0 and 2..36; saturates at ULONG_MAX on overflow. */
unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	const char *p = s;
	unsigned long v = 0;
	bool neg = false, any = false, over = false;
	int d;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (; (d = digit_value(*p)) < base; p++) {
		any = true;
		if (v > (ULONG_MAX - d) / base)
			over = true;
		v = v * base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (over)
		return ULONG_MAX;
	return neg ? -v : v;
}
