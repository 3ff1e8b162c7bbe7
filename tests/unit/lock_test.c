// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/lock.c and hyp/console.c: the lock order (include/isohyp/lock.h) is
 * asserted when a lock is taken -- out of order, the hypervisor panics naming
 * both locks (the unit tests' hyp_panic() aborts: those tests run in a child
 * process) -- and what is logged while a lock is held reaches the UART only
 * when the CPU releases its last lock, in order, with a count of what a full
 * ring dropped. The UART is lib/uart_record.c's, which notes every byte
 * written while a lock was held.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "lib/uart_record.h"
#include <asm/spinlock.h>
#include <isohyp/bits.h>
#include <isohyp/console.h>
#include <isohyp/lock.h>
#include <isohyp/panic.h>

static hyp_spinlock_t mmio, host_mmu_l, pool, smmu0, smmu1, cpu, unranked;

static void locks_init(void)
{
	hyp_spin_lock_init(&mmio, HYP_LOCK_MMIO);
	hyp_spin_lock_init(&host_mmu_l, HYP_LOCK_HOST_MMU);
	hyp_spin_lock_init(&pool, HYP_LOCK_POOL);
	hyp_spin_lock_init(&smmu0, HYP_LOCK_SMMU);
	hyp_spin_lock_init(&smmu1, HYP_LOCK_SMMU);
	hyp_spin_lock_init(&cpu, HYP_LOCK_CPU);
	unranked = (hyp_spinlock_t)HYP_SPINLOCK_INIT;
}

/*
 * Run @fn in a child with its stdout in @out; true when it died of SIGABRT
 * (the unit tests' hyp_panic()).
 */
static bool child_panics(void (*fn)(void), char *out, size_t size)
{
	int fds[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds))
		return false;
	pid = fork();
	if (!pid) {
		close(fds[0]);
		dup2(fds[1], 1);
		locks_init();
		fn();
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	while (len + 1 < (ssize_t)size && (n = read(fds[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* ---- the order ------------------------------------------------------------- */

/* The documented order, lowest rank first, does not panic; any release order is fine. */
TEST(locks_in_the_documented_order_do_not_panic)
{
	locks_init();
	hyp_spin_lock(&mmio);
	hyp_spin_lock(&host_mmu_l);
	hyp_spin_lock(&smmu0);
	hyp_spin_lock(&cpu);
	hyp_spin_lock(&pool);
	EXPECT_EQ(5u, hyp_lock_nr_held());
	hyp_spin_unlock(&smmu0); /* not last-in, first-out */
	hyp_spin_unlock(&pool);
	hyp_spin_unlock(&cpu);
	hyp_spin_lock(&smmu1); /* one SMMU after the other, never both */
	EXPECT_EQ(3u, hyp_lock_nr_held());
	hyp_spin_unlock(&smmu1);
	hyp_spin_unlock(&mmio);
	hyp_spin_unlock(&host_mmu_l);
	EXPECT_EQ(0u, hyp_lock_nr_held());
	/* Skipping ranks is fine too. */
	hyp_spin_lock(&mmio);
	hyp_spin_lock(&smmu0);
	hyp_spin_unlock(&smmu0);
	hyp_spin_unlock(&mmio);
	EXPECT_EQ(0u, hyp_lock_nr_held());
}

static void smmu_then_host_mmu(void)
{
	hyp_spin_lock(&smmu0);
	hyp_spin_lock(&host_mmu_l);
}

static void pool_then_host_mmu(void)
{
	hyp_spin_lock(&pool);
	hyp_spin_lock(&host_mmu_l);
}

/* The pool is a leaf: nothing is taken under it. */
static void pool_then_smmu(void)
{
	hyp_spin_lock(&pool);
	hyp_spin_lock(&smmu0);
}

static void host_mmu_then_mmio(void)
{
	hyp_spin_lock(&host_mmu_l);
	hyp_spin_lock(&mmio);
}

static void cpu_then_smmu(void)
{
	hyp_spin_lock(&cpu);
	hyp_spin_lock(&smmu0);
}

/* Out of order: a panic that names both locks. */
TEST(out_of_order_panics_naming_both_locks)
{
	static const struct {
		void (*fn)(void);
		const char *taking, *holding;
	} cases[] = {
		{ smmu_then_host_mmu, "taking host_mmu.lock", "holding an SMMU's lock" },
		{ pool_then_host_mmu, "taking host_mmu.lock", "holding a page pool's lock" },
		{ pool_then_smmu, "taking an SMMU's lock", "holding a page pool's lock" },
		{ host_mmu_then_mmio, "taking an MMIO region's lock", "holding host_mmu.lock" },
		{ cpu_then_smmu, "taking an SMMU's lock", "holding a CPU's PSCI lock" },
	};
	char out[1024];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_TRUE(child_panics(cases[i].fn, out, sizeof(out)));
		EXPECT_TRUE(strstr(out, "hyp_panic: lock order") != NULL);
		EXPECT_TRUE(strstr(out, cases[i].taking) != NULL);
		EXPECT_TRUE(strstr(out, cases[i].holding) != NULL);
	}
}

static void two_smmus(void)
{
	hyp_spin_lock(&smmu0);
	hyp_spin_lock(&smmu1);
}

static void an_unranked_lock(void)
{
	hyp_spin_lock(&unranked);
}

/* Two locks of one rank never nest (nothing orders them); a lock without a rank panics. */
TEST(same_rank_and_unranked_locks_panic)
{
	char out[1024];

	EXPECT_TRUE(child_panics(two_smmus, out, sizeof(out)));
	EXPECT_TRUE(strstr(out, "taking an SMMU's lock") && strstr(out, "holding an SMMU's lock"));
	EXPECT_TRUE(child_panics(an_unranked_lock, out, sizeof(out)));
	EXPECT_TRUE(strstr(out, "never initialised") != NULL);
}

/* The control: the same calls in order, in a child, end normally. */
static void in_order(void)
{
	hyp_spin_lock(&host_mmu_l);
	hyp_spin_lock(&smmu0);
	hyp_spin_unlock(&smmu0);
	hyp_spin_unlock(&host_mmu_l);
	printf("in order: done\n");
}

TEST(the_same_child_in_order_does_not_panic)
{
	char out[1024];

	EXPECT_FALSE(child_panics(in_order, out, sizeof(out)));
	EXPECT_TRUE(strstr(out, "in order: done") != NULL);
	EXPECT_TRUE(strstr(out, "hyp_panic") == NULL);
}

/* ---- calls ------------------------------------------------------------------ */

/*
 * A call (the budget of waits) is a host trap, or outside one a lock section,
 * or a lone wait with no lock held.
 */
TEST(a_call_is_a_trap_or_an_outermost_lock_section)
{
	u64 a, b;

	locks_init();
	a = hyp_call_id();
	b = hyp_call_id();
	EXPECT_NE(0ull, a);
	EXPECT_NE(a, b); /* no lock, no trap: each wait is a call */
	hyp_spin_lock(&host_mmu_l);
	a = hyp_call_id();
	hyp_spin_lock(&smmu0);
	EXPECT_EQ(a, hyp_call_id());
	hyp_spin_unlock(&smmu0);
	EXPECT_EQ(a, hyp_call_id());
	hyp_spin_unlock(&host_mmu_l);
	hyp_spin_lock(&smmu0);
	EXPECT_NE(a, hyp_call_id()); /* the next section is the next call */
	hyp_spin_unlock(&smmu0);
	/* A trap: one call across all its lock sections and the waits between them. */
	hyp_call_begin();
	a = hyp_call_id();
	hyp_spin_lock(&host_mmu_l);
	EXPECT_EQ(a, hyp_call_id());
	hyp_spin_unlock(&host_mmu_l);
	EXPECT_EQ(a, hyp_call_id());
	hyp_spin_lock(&smmu0);
	EXPECT_EQ(a, hyp_call_id());
	hyp_spin_unlock(&smmu0);
	hyp_call_end();
	EXPECT_NE(a, hyp_call_id());
	hyp_call_begin();
	EXPECT_NE(a, hyp_call_id()); /* the next trap */
	hyp_call_end();
}

/* ---- the console under locks ----------------------------------------------- */

/* Logged under locks: nothing reaches the UART until the last release, then all of it, in order. */
TEST(a_message_under_a_lock_waits_for_the_last_release)
{
	size_t len;

	locks_init();
	uart_record_reset();
	pr_info("one\n");
	EXPECT_TRUE(uart_record_has("isohyp: one"));
	hyp_spin_lock(&host_mmu_l);
	hyp_spin_lock(&smmu0);
	len = uart_rec.len;
	pr_err("two\n");
	hyp_spin_unlock(&smmu0);
	pr_warn("three\n");
	EXPECT_EQ(len, uart_rec.len); /* host_mmu.lock is still held */
	hyp_spin_unlock(&host_mmu_l);
	pr_info("four\n");
	EXPECT_TRUE(strstr(uart_rec.out, "isohyp: one\r\nisohyp: error: two\r\n"
					 "isohyp: warning: three\r\nisohyp: four\r\n") != NULL);
	EXPECT_EQ(0u, uart_rec.under_lock);
}

/* A full ring keeps the oldest messages, drops the rest, and says how many. */
TEST(a_full_ring_drops_the_newest_and_counts_them)
{
	unsigned int i, kept = 0, lost = 0;
	char line[64], *p;

	locks_init();
	uart_record_reset();
	hyp_spin_lock(&host_mmu_l);
	for (i = 0; i < 200; i++)
		pr_info("message %03u under host_mmu.lock\n", i);
	EXPECT_EQ(0u, uart_rec.len);
	hyp_spin_unlock(&host_mmu_l);
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "message %03u under", i);
		if (!uart_record_has(line))
			break;
		kept++;
	}
	EXPECT_GT(kept, 10u);
	EXPECT_LT(kept, 200u);
	p = strstr(uart_rec.out, "messages lost");
	ASSERT_TRUE(p != NULL);
	while (p > uart_rec.out && p[-1] != ':')
		p--;
	lost = strtoul(p, NULL, 10);
	EXPECT_EQ(200u, kept + lost);
	/* The count is the last line; the ring is empty afterwards. */
	EXPECT_TRUE(strstr(strstr(uart_rec.out, "messages lost"), "under host_mmu.lock") == NULL);
	pr_info("after\n");
	EXPECT_TRUE(uart_record_has("lost (logged under a lock)\r\nisohyp: after\r\n"));
	EXPECT_EQ(0u, uart_rec.under_lock);
}

/* The probe can fail: raw output (a panic's) under a lock is counted. */
TEST(the_uart_probe_sees_output_under_a_lock)
{
	locks_init();
	uart_record_reset();
	hyp_spin_lock(&smmu0);
	hyp_console_write("raw\n");
	hyp_spin_unlock(&smmu0);
	EXPECT_EQ(5u, uart_rec.under_lock); /* "raw\r\n" */
}

static void panic_under_a_lock(void)
{
	uart_rec.echo = true;
	hyp_spin_lock(&host_mmu_l);
	pr_err("deferred before the panic\n");
	hyp_panic("boom\n");
}

/* A panic writes what the CPU deferred first, then itself: it never releases the locks. */
TEST(a_panic_flushes_the_ring_first)
{
	char out[2048], *d, *b;

	ASSERT_TRUE(child_panics(panic_under_a_lock, out, sizeof(out)));
	d = strstr(out, "isohyp: error: deferred before the panic");
	b = strstr(out, "hyp_panic: boom");
	EXPECT_TRUE(d && b && d < b);
}

TEST_HARNESS_MAIN
