/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few C string functions of hyp/string.c, for freestanding code and for
 * libfdt (whose libfdt_env.h includes <string.h> and <stdlib.h>).
 */
#ifndef ISOHYP_LIBC_STRING_H
#define ISOHYP_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* ISOHYP_LIBC_STRING_H */
