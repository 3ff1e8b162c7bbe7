// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-test of tests/harness/harness.h: the formatter, the assertions, fixture
 * and variant plumbing, and -- by running a private list of deliberately
 * failing tests with a capturing output function -- that failures, skips and
 * totals are reported as failures, skips and totals.
 */
#include <string.h>

#include "harness.h"

/* Output sink that appends to a buffer, for the nested runs below. */
struct capture {
	char text[8192];
	size_t len;
};

static void capture_out(const char *s, void *ctx)
{
	struct capture *c = ctx;
	size_t n = strlen(s);

	if (c->len + n >= sizeof(c->text))
		n = sizeof(c->text) - 1 - c->len;
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
}

/* Formatter: every conversion the harness documents. */
TEST(snprintf_formats_every_conversion)
{
	char buf[128];

	harness_snprintf(buf, sizeof(buf), "%d|%i|%u|%x|%s|%c|%%", -42, 7, 4000000000u, 0xbeefu,
			 "str", 'q');
	ASSERT_STREQ("-42|7|4000000000|beef|str|q|%", buf);
	harness_snprintf(buf, sizeof(buf), "%lld|%llx|%zu|%jd|%08x|%5d", -9223372036854775807ll - 1,
			 0xfedcba9876543210ull, (size_t)12, (intmax_t)-1, 0x1234u, 42);
	ASSERT_STREQ("-9223372036854775808|fedcba9876543210|12|-1|00001234|   42", buf);
	harness_snprintf(buf, sizeof(buf), "%p %s", (void *)0x1000, (char *)NULL);
	ASSERT_STREQ("0x1000 (null)", buf);
}

/* Formatter: truncation keeps a terminator and reports the full length. */
TEST(snprintf_truncates_and_terminates)
{
	char buf[6];

	ASSERT_EQ(11u, harness_snprintf(buf, sizeof(buf), "hello %s", "world"));
	ASSERT_STREQ("hello", buf);
	ASSERT_EQ(3u, harness_snprintf(NULL, 0, "abc"));
}

/* Mixed-sign comparisons follow the documented rule (unsigned if either is). */
TEST(comparisons_of_signed_and_unsigned_values)
{
	long ret = -22;
	unsigned long long all = ~0ull;

	ASSERT_EQ(-22, ret);
	ASSERT_EQ(~0ull, all);
	ASSERT_LT(-1, 0);
	ASSERT_GT(2u, 1u);
	EXPECT_LE(3, 3);
	EXPECT_GE(4, 3);
	EXPECT_NE(1, 2);
	EXPECT_TRUE(1);
	EXPECT_FALSE(0);
	EXPECT_NULL((void *)0);
	EXPECT_NE_NULL(&ret);
	EXPECT_STRNE("a", "b");
}

FIXTURE(counter)
{
	int value;
	int setups;
};

FIXTURE_VARIANT(counter)
{
	int start;
};

FIXTURE_VARIANT_ADD(counter, from_one){ .start = 1 };
FIXTURE_VARIANT_ADD(counter, from_ten){ .start = 10 };

static int counter_teardowns;

FIXTURE_SETUP(counter)
{
	self->value = variant->start;
	self->setups++;
}

FIXTURE_TEARDOWN(counter)
{
	counter_teardowns++;
}

/* Setup ran once with the variant's data before the body. */
TEST_F(counter, setup_sees_variant)
{
	ASSERT_EQ(1, self->setups);
	ASSERT_TRUE(self->value == 1 || self->value == 10);
}

/* Teardown ran after each of the two variants of the previous test. */
TEST(teardown_ran_for_every_variant)
{
	ASSERT_EQ(2, counter_teardowns);
}

/* ---- tests that must fail, run privately below -------------------------- */

static int after_assert_reached;
static int teardown_after_failure;

HARNESS_TEST_DESC(fails_eq);
static void fails_eq(struct __test_metadata *_metadata)
{
	int got = 41;

	ASSERT_EQ(42, got);
	after_assert_reached = 1;
}

HARNESS_TEST_DESC(fails_expect_but_continues);
static void fails_expect_but_continues(struct __test_metadata *_metadata)
{
	EXPECT_STREQ("abc", "abd");
	EXPECT_TRUE(0);
	after_assert_reached += 10;
}

HARNESS_TEST_DESC(skips);
static void skips(struct __test_metadata *_metadata)
{
	SKIP(return, "needs %s", "hardware");
}

HARNESS_TEST_DESC(passes);
static void passes(struct __test_metadata *_metadata)
{
	ASSERT_EQ(1, 1);
}

FIXTURE(failing_setup)
{
	int unused;
};
FIXTURE_VARIANT(failing_setup)
{
	int unused;
};
FIXTURE_SETUP(failing_setup)
{
	ASSERT_EQ(0, 1);
}
FIXTURE_TEARDOWN(failing_setup)
{
	teardown_after_failure++;
}

static int failing_setup_body_ran;

/* Not registered: TEST_F registers, so build the descriptor by hand. */
static void failing_setup_body(struct __test_metadata *md, const void *v)
{
	FIXTURE_DATA(failing_setup) self = { 0 };

	(void)v;
	__setup_failing_setup(md, &self, NULL);
	if (!md->aborted)
		failing_setup_body_ran = 1;
	md->aborted = false;
	__teardown_failing_setup(md, &self, NULL);
}

static const struct harness_test desc_failing_setup = { "failing_setup", NULL,
							 failing_setup_body };

static const struct harness_test *const must_fail[] = {
	&__desc_fails_eq, &__desc_fails_expect_but_continues, &__desc_skips, &__desc_passes,
	&desc_failing_setup,
};

/* A failing ASSERT is reported as "not ok" with both values, and stops the test. */
TEST(failures_are_reported_as_failures)
{
	static struct capture cap;
	struct harness_totals tot;

	tot = harness_run_list(must_fail, must_fail + 5, NULL, NULL, capture_out, &cap);
	EXPECT_EQ(3u, tot.failed);
	EXPECT_EQ(1u, tot.passed);
	EXPECT_EQ(1u, tot.skipped);
	/* ASSERT returned from fails_eq; EXPECT let the next test go on. */
	EXPECT_EQ(10, after_assert_reached);
	EXPECT_EQ(0, failing_setup_body_ran);
	EXPECT_EQ(1, teardown_after_failure);
	EXPECT_NE_NULL(strstr(cap.text, "TAP version 13\n1..5\n"));
	EXPECT_NE_NULL(strstr(cap.text, "not ok 1 fails_eq\n"));
	EXPECT_NE_NULL(strstr(cap.text, "expected 42 == got\n"));
	EXPECT_NE_NULL(strstr(cap.text, "#   got = 41 (0x29)\n"));
	EXPECT_NE_NULL(strstr(cap.text, "#   \"abc\" vs \"abd\"\n"));
	EXPECT_NE_NULL(strstr(cap.text, "not ok 2 fails_expect_but_continues\n"));
	EXPECT_NE_NULL(strstr(cap.text, "ok 3 skips # SKIP needs hardware\n"));
	EXPECT_NE_NULL(strstr(cap.text, "ok 4 passes\n"));
	EXPECT_NE_NULL(strstr(cap.text, "not ok 5 failing_setup\n"));
	EXPECT_NE_NULL(strstr(cap.text, "# Totals: pass:1 fail:3 xfail:0 xpass:0 skip:1 error:0\n"));
	/* The closing line is the last line. */
	ASSERT_GE(cap.len, strlen("1 passed, 3 failed, 1 skipped\n"));
	EXPECT_STREQ("1 passed, 3 failed, 1 skipped\n",
		     cap.text + cap.len - strlen("1 passed, 3 failed, 1 skipped\n"));
	if (_metadata->failed)
		TH_LOG("nested output was:\n%s", cap.text);
}

TEST_HARNESS_MAIN
