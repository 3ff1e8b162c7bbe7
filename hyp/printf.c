// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsnprintf for the hypervisor's console and panic messages. Deliberately
 * small: no floating point, no %n, no positional arguments.
 */
#include <isohyp/printf.h>

struct out {
	char *buf;
	size_t size, len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_number(struct out *o, u64 v, unsigned int base, bool neg, bool upper,
		       int width, char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && pad == '0')
		out_char(o, '-');
	for (; !left && width > len; width--)
		out_char(o, pad);
	if (neg && pad != '0')
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
	for (; left && width > len; width--)
		out_char(o, ' ');
}

/* @prec < 0: no precision, print up to the NUL. */
static void out_string(struct out *o, const char *s, int width, int prec, bool left)
{
	int len = 0, i;

	if (!s)
		s = "(null)";
	while ((prec < 0 || len < prec) && s[len])
		len++;
	for (; !left && width > len; width--)
		out_char(o, ' ');
	for (i = 0; i < len; i++)
		out_char(o, s[i]);
	for (; left && width > len; width--)
		out_char(o, ' ');
}

size_t hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0, prec = -1;
		s64 sv;
		u64 uv;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		for (fmt++; *fmt == '0' || *fmt == '-'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		if (left)
			pad = ' ';
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng = *fmt == 'z' ? 2 : lng + 1;
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = lng ? va_arg(ap, long long) : va_arg(ap, int);
			uv = sv < 0 ? -(u64)sv : (u64)sv;
			out_number(&o, uv, 10, sv < 0, false, width, pad, left);
			break;
		case 'u':
		case 'x':
		case 'X':
			uv = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			out_number(&o, uv, *fmt == 'u' ? 10 : 16, false, *fmt == 'X', width, pad,
				   left);
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, (u64)(uintptr_t)va_arg(ap, void *), 16, false, false, width,
				   pad, left);
			break;
		case 's':
			out_string(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '\0':
			fmt--;
			/* fall through */
		case '%':
			out_char(&o, '%');
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
