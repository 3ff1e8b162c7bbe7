// SPDX-License-Identifier: GPL-2.0-only
/*
 * memcpy and memset for the EL2 image and host-free builds. The UEFI loader
 * does not link this file: gnu-efi's libefi defines both already.
 */
#include <string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

