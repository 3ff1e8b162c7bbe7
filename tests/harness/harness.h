/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * isohyp's kselftest-style test harness, header only.
 *
 * The same header builds host unit tests (hosted C, run under ASan/UBSan) and
 * freestanding payloads that run at EL1 under the hypervisor. It needs no libc:
 * output goes through a function the caller hands to harness_run(), and the
 * formatter below is its own. Tests register themselves in the linker section
 * "harness_tests" (and fixture variants in "harness_variants"); the linker's
 * __start_/__stop_ symbols delimit them, so no constructors are needed.
 *
 * Shape of a test file:
 *
 *	TEST(adds_up) { ASSERT_EQ(2, 1 + 1); }
 *
 *	FIXTURE(pool) { int pages; };
 *	FIXTURE_VARIANT(pool) { int order; };
 *	FIXTURE_VARIANT_ADD(pool, small) { .order = 0 };
 *	FIXTURE_SETUP(pool) { self->pages = 1 << variant->order; }
 *	FIXTURE_TEARDOWN(pool) { }
 *	TEST_F(pool, has_pages) { EXPECT_GT(self->pages, 0); }
 *
 * ASSERT_* ends the current test function on failure; EXPECT_* records the
 * failure and carries on. SKIP() ends the test as skipped. The output is KTAP
 * (TAP version 13) and ends with the line "N passed, N failed[, N skipped]".
 *
 * A failed ASSERT inside a helper function returns from the helper only; the
 * test is still marked failed (same contract as googletest's ASSERT).
 */
#ifndef ISOHYP_TESTS_HARNESS_H
#define ISOHYP_TESTS_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct __test_metadata;
struct harness_fixture;

typedef void (*harness_out_fn)(const char *str, void *ctx);

struct harness_variant {
	const struct harness_fixture *fixture;
	const char *name;
	const void *data;
};

struct harness_test {
	const char *name;
	const struct harness_fixture *fixture; /* NULL for TEST() */
	/* Runs setup, body and teardown for one variant (NULL if none). */
	void (*run)(struct __test_metadata *md, const void *variant);
};

struct harness_fixture {
	const char *name;
};

struct __test_metadata {
	const char *name;
	bool failed;
	bool skipped;
	bool aborted; /* an ASSERT failed: skip the body, still tear down */
	harness_out_fn out;
	void *out_ctx;
	char skip_reason[96];
};

/* ---- formatting (freestanding) ---------------------------------------- */

struct harness_buf {
	char *s;
	size_t len, cap;
};

static inline void harness_buf_putc(struct harness_buf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->s[b->len] = c;
	b->len++;
}

static inline void harness_buf_num(struct harness_buf *b, uintmax_t v, unsigned int base,
				   bool neg, int width, char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width-- > n)
		harness_buf_putc(b, pad);
	while (n)
		harness_buf_putc(b, tmp[--n]);
}

/*
 * vsnprintf subset: %d %i %u %x %p %s %c %%, flags '0', a width, and the
 * length modifiers l, ll, z, j. Always NUL-terminates when cap > 0; returns
 * the length the full output would have.
 */
static inline size_t harness_vsnprintf(char *s, size_t cap, const char *fmt, va_list ap)
{
	struct harness_buf b = { s, 0, cap };

	for (; *fmt; fmt++) {
		int lng = 0, width = 0;
		char pad = ' ';
		uintmax_t u;
		intmax_t i;

		if (*fmt != '%') {
			harness_buf_putc(&b, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 'j')
				lng = 3;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			i = lng == 3 ? va_arg(ap, intmax_t) : lng == 2 ? va_arg(ap, long long)
			    : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			u = i < 0 ? -(uintmax_t)i : (uintmax_t)i;
			harness_buf_num(&b, u, 10, i < 0, width, pad);
			break;
		case 'u':
		case 'x':
			u = lng == 3 ? va_arg(ap, uintmax_t) : lng == 2 ? va_arg(ap, unsigned long long)
			    : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			harness_buf_num(&b, u, *fmt == 'x' ? 16 : 10, false, width, pad);
			break;
		case 'p':
			harness_buf_putc(&b, '0');
			harness_buf_putc(&b, 'x');
			harness_buf_num(&b, (uintptr_t)va_arg(ap, void *), 16, false, 0, ' ');
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			for (str = str ? str : "(null)"; *str; str++)
				harness_buf_putc(&b, *str);
			break;
		}
		case 'c':
			harness_buf_putc(&b, (char)va_arg(ap, int));
			break;
		case '%':
			harness_buf_putc(&b, '%');
			break;
		default: /* unknown conversion: print it verbatim */
			harness_buf_putc(&b, '%');
			if (!*fmt)
				fmt--;
			else
				harness_buf_putc(&b, *fmt);
		}
	}
	if (cap)
		s[b.len < cap ? b.len : cap - 1] = '\0';
	return b.len;
}

static inline size_t __attribute__((format(printf, 3, 4)))
harness_snprintf(char *s, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = harness_vsnprintf(s, cap, fmt, ap);
	va_end(ap);
	return n;
}

static inline void __attribute__((format(printf, 2, 3)))
harness_printf(const struct __test_metadata *md, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	harness_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	md->out(line, md->out_ctx);
}

/* Print a diagnostic line ("# ...") from inside a test. */
#define TH_LOG(fmt, ...) harness_printf(_metadata, "# " fmt "\n", ##__VA_ARGS__)

/* ---- registration ----------------------------------------------------- */

#define __HARNESS_USED __attribute__((used))
#define __HARNESS_SECTION(s) __attribute__((section(s), used, aligned(sizeof(void *))))

extern const struct harness_test *const __start_harness_tests[] __attribute__((weak));
extern const struct harness_test *const __stop_harness_tests[] __attribute__((weak));
extern const struct harness_variant *const __start_harness_variants[] __attribute__((weak));
extern const struct harness_variant *const __stop_harness_variants[] __attribute__((weak));

/* Define a test descriptor without registering it (the harness self-test uses this). */
#define HARNESS_TEST_DESC(test_name)                                                     \
	static void test_name(struct __test_metadata *_metadata);                         \
	static void __run_##test_name(struct __test_metadata *md, const void *v)           \
	{                                                                                  \
		(void)v;                                                                   \
		test_name(md);                                                             \
	}                                                                                  \
	static const struct harness_test __desc_##test_name = { #test_name, NULL,          \
								__run_##test_name }

#define __HARNESS_REGISTER(desc)                                                          \
	static const struct harness_test *const __reg_##desc __HARNESS_SECTION("harness_tests") = &desc

#define TEST(test_name)                                                                  \
	HARNESS_TEST_DESC(test_name);                                                      \
	__HARNESS_REGISTER(__desc_##test_name);                                            \
	static void test_name(struct __test_metadata *_metadata)

#define FIXTURE_DATA(fixture_name) struct _fixture_##fixture_name
#define FIXTURE(fixture_name)                                                            \
	static const struct harness_fixture __fixture_##fixture_name                       \
		__attribute__((unused)) = { #fixture_name };                               \
	struct _fixture_variant_##fixture_name;                                            \
	FIXTURE_DATA(fixture_name)

#define FIXTURE_VARIANT(fixture_name) struct _fixture_variant_##fixture_name

#define FIXTURE_VARIANT_ADD(fixture_name, variant_name)                                   \
	static const struct _fixture_variant_##fixture_name                                \
		__variant_##fixture_name##_##variant_name;                                 \
	static const struct harness_variant __hvariant_##fixture_name##_##variant_name = { \
		&__fixture_##fixture_name, #variant_name,                                  \
		&__variant_##fixture_name##_##variant_name                                 \
	};                                                                                 \
	static const struct harness_variant *const                                         \
		__reg_variant_##fixture_name##_##variant_name                              \
		__HARNESS_SECTION("harness_variants") =                                    \
			&__hvariant_##fixture_name##_##variant_name;                       \
	static const struct _fixture_variant_##fixture_name                                \
		__variant_##fixture_name##_##variant_name =

#define __FIXTURE_ARGS(fixture_name)                                                      \
	struct __test_metadata *_metadata, FIXTURE_DATA(fixture_name) *self,               \
		const struct _fixture_variant_##fixture_name *variant

#define FIXTURE_SETUP(fixture_name)                                                      \
	static void __setup_##fixture_name(__FIXTURE_ARGS(fixture_name))
#define FIXTURE_TEARDOWN(fixture_name)                                                   \
	static void __teardown_##fixture_name(__FIXTURE_ARGS(fixture_name))

#define TEST_F(fixture_name, test_name)                                                   \
	static void __test_##fixture_name##_##test_name(__FIXTURE_ARGS(fixture_name));     \
	static void __run_##fixture_name##_##test_name(struct __test_metadata *md,         \
						       const void *v)                      \
	{                                                                                  \
		FIXTURE_DATA(fixture_name) self;                                           \
		const struct _fixture_variant_##fixture_name *variant = v;                 \
                                                                                           \
		__builtin_memset(&self, 0, sizeof(self));                                  \
		__setup_##fixture_name(md, &self, variant);                                \
		if (!md->aborted && !md->skipped)                                          \
			__test_##fixture_name##_##test_name(md, &self, variant);           \
		md->aborted = false;                                                       \
		__teardown_##fixture_name(md, &self, variant);                             \
	}                                                                                  \
	static const struct harness_test __desc_##fixture_name##_##test_name = {           \
		#fixture_name "." #test_name, &__fixture_##fixture_name,                   \
		__run_##fixture_name##_##test_name                                         \
	};                                                                                 \
	__HARNESS_REGISTER(__desc_##fixture_name##_##test_name);                           \
	static void __test_##fixture_name##_##test_name(__FIXTURE_ARGS(fixture_name))

/* ---- assertions -------------------------------------------------------- */

static inline void harness_fail_cmp(struct __test_metadata *md, const char *file, int line,
				    const char *lhs, const char *op, const char *rhs,
				    intmax_t a, intmax_t b)
{
	harness_printf(md, "# %s:%d: expected %s %s %s\n", file, line, lhs, op, rhs);
	harness_printf(md, "#   %s = %jd (0x%jx)\n", lhs, a, (uintmax_t)a);
	harness_printf(md, "#   %s = %jd (0x%jx)\n", rhs, b, (uintmax_t)b);
	md->failed = true;
}

/*
 * Operands are compared as intmax_t when both are signed and as uintmax_t
 * otherwise, so that e.g. ASSERT_EQ(-22, ret) and ASSERT_EQ(~0ull, x) both work.
 */
#define __harness_is_signed(x) ((__typeof__(x))-1 < (__typeof__(x))1)
#define __HARNESS_CMP(is_assert, a, op, b)                                                \
	do {                                                                               \
		__typeof__(a) __a = (a);                                                   \
		__typeof__(b) __b = (b);                                                   \
		bool __ok = (__harness_is_signed(__a) && __harness_is_signed(__b))         \
				    ? ((intmax_t)__a op(intmax_t) __b)                     \
				    : ((uintmax_t)__a op(uintmax_t) __b);                  \
		if (!__ok) {                                                               \
			harness_fail_cmp(_metadata, __FILE__, __LINE__, #a, #op, #b,       \
					 (intmax_t)__a, (intmax_t)__b);                    \
			if (is_assert) {                                                   \
				_metadata->aborted = true;                                 \
				return;                                                    \
			}                                                                  \
		}                                                                          \
	} while (0)

#define __HARNESS_BOOL(is_assert, expr, want)                                             \
	do {                                                                               \
		if (!(expr) != !(want)) {                                                  \
			harness_printf(_metadata, "# %s:%d: expected %s to be %s\n",       \
				       __FILE__, __LINE__, #expr, (want) ? "true" : "false"); \
			_metadata->failed = true;                                          \
			if (is_assert) {                                                   \
				_metadata->aborted = true;                                 \
				return;                                                    \
			}                                                                  \
		}                                                                          \
	} while (0)

static inline int harness_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

#define __HARNESS_STR(is_assert, a, b, want_eq)                                           \
	do {                                                                               \
		const char *__a = (a), *__b = (b);                                         \
		if ((harness_strcmp(__a, __b) == 0) != (want_eq)) {                        \
			harness_printf(_metadata, "# %s:%d: expected %s %s %s\n", __FILE__, \
				       __LINE__, #a, (want_eq) ? "==" : "!=", #b);         \
			harness_printf(_metadata, "#   \"%s\" vs \"%s\"\n", __a, __b);     \
			_metadata->failed = true;                                          \
			if (is_assert) {                                                   \
				_metadata->aborted = true;                                 \
				return;                                                    \
			}                                                                  \
		}                                                                          \
	} while (0)

#define ASSERT_EQ(a, b) __HARNESS_CMP(1, a, ==, b)
#define ASSERT_NE(a, b) __HARNESS_CMP(1, a, !=, b)
#define ASSERT_LT(a, b) __HARNESS_CMP(1, a, <, b)
#define ASSERT_LE(a, b) __HARNESS_CMP(1, a, <=, b)
#define ASSERT_GT(a, b) __HARNESS_CMP(1, a, >, b)
#define ASSERT_GE(a, b) __HARNESS_CMP(1, a, >=, b)
#define ASSERT_TRUE(e) __HARNESS_BOOL(1, e, 1)
#define ASSERT_FALSE(e) __HARNESS_BOOL(1, e, 0)
#define ASSERT_NULL(p) __HARNESS_BOOL(1, (p) == NULL, 1)
#define ASSERT_NE_NULL(p) __HARNESS_BOOL(1, (p) != NULL, 1)
#define ASSERT_STREQ(a, b) __HARNESS_STR(1, a, b, 1)
#define ASSERT_STRNE(a, b) __HARNESS_STR(1, a, b, 0)
#define EXPECT_EQ(a, b) __HARNESS_CMP(0, a, ==, b)
#define EXPECT_NE(a, b) __HARNESS_CMP(0, a, !=, b)
#define EXPECT_LT(a, b) __HARNESS_CMP(0, a, <, b)
#define EXPECT_LE(a, b) __HARNESS_CMP(0, a, <=, b)
#define EXPECT_GT(a, b) __HARNESS_CMP(0, a, >, b)
#define EXPECT_GE(a, b) __HARNESS_CMP(0, a, >=, b)
#define EXPECT_TRUE(e) __HARNESS_BOOL(0, e, 1)
#define EXPECT_FALSE(e) __HARNESS_BOOL(0, e, 0)
#define EXPECT_NULL(p) __HARNESS_BOOL(0, (p) == NULL, 1)
#define EXPECT_NE_NULL(p) __HARNESS_BOOL(0, (p) != NULL, 1)
#define EXPECT_STREQ(a, b) __HARNESS_STR(0, a, b, 1)
#define EXPECT_STRNE(a, b) __HARNESS_STR(0, a, b, 0)

/* End the test as skipped; `statement` runs first (e.g. cleanup). */
#define SKIP(statement, fmt, ...)                                                         \
	do {                                                                               \
		harness_snprintf(_metadata->skip_reason, sizeof(_metadata->skip_reason),   \
				 fmt, ##__VA_ARGS__);                                      \
		_metadata->skipped = true;                                                 \
		_metadata->aborted = true;                                                 \
		statement;                                                                 \
		return;                                                                    \
	} while (0)

/* ---- runner ------------------------------------------------------------ */

struct harness_totals {
	unsigned int passed, failed, skipped;
};

static inline unsigned int harness_variant_count(const struct harness_test *t,
						 const struct harness_variant *const *vb,
						 const struct harness_variant *const *ve)
{
	unsigned int n = 0;

	if (t->fixture)
		for (; vb < ve; vb++)
			n += *vb && (*vb)->fixture == t->fixture;
	return n ? n : 1;
}

static inline void harness_run_one(const struct harness_test *t, const struct harness_variant *v,
				   unsigned int num, harness_out_fn out, void *ctx,
				   struct harness_totals *tot)
{
	struct __test_metadata md = { .out = out, .out_ctx = ctx };
	char name[160];

	if (v)
		harness_snprintf(name, sizeof(name), "%s.%s", t->name, v->name);
	else
		harness_snprintf(name, sizeof(name), "%s", t->name);
	md.name = name;
	harness_printf(&md, "# RUN %s\n", name);
	t->run(&md, v ? v->data : NULL);
	if (md.failed) {
		tot->failed++;
		harness_printf(&md, "not ok %u %s\n", num, name);
	} else if (md.skipped) {
		tot->skipped++;
		harness_printf(&md, "ok %u %s # SKIP %s\n", num, name, md.skip_reason);
	} else {
		tot->passed++;
		harness_printf(&md, "ok %u %s\n", num, name);
	}
}

/*
 * Run the tests in [tb, te) (each with every variant of its fixture in
 * [vb, ve)) and print KTAP through @out. Returns the totals.
 */
static inline struct harness_totals
harness_run_list(const struct harness_test *const *tb, const struct harness_test *const *te,
		 const struct harness_variant *const *vb, const struct harness_variant *const *ve,
		 harness_out_fn out, void *ctx)
{
	struct __test_metadata md = { .out = out, .out_ctx = ctx };
	struct harness_totals tot = { 0, 0, 0 };
	const struct harness_test *const *t;
	unsigned int n = 0, num = 0;

	for (t = tb; t < te; t++)
		if (*t)
			n += harness_variant_count(*t, vb, ve);
	harness_printf(&md, "TAP version 13\n1..%u\n", n);
	for (t = tb; t < te; t++) {
		const struct harness_variant *const *v;
		bool any = false;

		if (!*t)
			continue;
		if ((*t)->fixture) {
			for (v = vb; v < ve; v++) {
				if (!*v || (*v)->fixture != (*t)->fixture)
					continue;
				any = true;
				harness_run_one(*t, *v, ++num, out, ctx, &tot);
			}
		}
		if (!any)
			harness_run_one(*t, NULL, ++num, out, ctx, &tot);
	}
	harness_printf(&md, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
		       tot.passed, tot.failed, tot.skipped);
	if (tot.skipped)
		harness_printf(&md, "%u passed, %u failed, %u skipped\n", tot.passed, tot.failed,
			       tot.skipped);
	else
		harness_printf(&md, "%u passed, %u failed\n", tot.passed, tot.failed);
	return tot;
}

/* Run every registered test. Returns the number of failed tests. */
static inline unsigned int harness_run(harness_out_fn out, void *ctx)
{
	return harness_run_list(__start_harness_tests, __stop_harness_tests,
				__start_harness_variants, __stop_harness_variants, out, ctx)
		.failed;
}

#ifndef __STDC_HOSTED__
#error "compiler does not say whether it is hosted"
#elif __STDC_HOSTED__
#include <stdio.h>

static inline void harness_stdout(const char *s, void *ctx)
{
	(void)ctx;
	fputs(s, stdout);
	fflush(stdout);
}

/* Host test programs: `TEST_HARNESS_MAIN` at the end of the file. */
#define TEST_HARNESS_MAIN                                                                 \
	int main(void)                                                                     \
	{                                                                                  \
		return harness_run(harness_stdout, NULL) ? 1 : 0;                          \
	}
#endif

#endif /* ISOHYP_TESTS_HARNESS_H */
