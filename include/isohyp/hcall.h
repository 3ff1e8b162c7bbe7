/* SPDX-License-Identifier: GPL-2.0-only */
/* The host ABI's entry point (hyp/hcall.c), ARCHITECTURE.md section 4. */
#ifndef ISOHYP_HCALL_H
#define ISOHYP_HCALL_H

#include <isohyp/types.h>

struct host_ctxt;

void handle_host_hcall(struct host_ctxt *ctxt);
/* Log the host's traps to EL2 since boot, by kind (hyp/trap.c). */
void hyp_trap_report(void);
/*
 * The loader's test_hooks=1: TEST_HOOK is accepted (hyp/main.c). Only a
 * test build (CONFIG_TEST_KEYS) has it; elsewhere it is a constant false,
 * so the hooks' code is not even in the image.
 */
#ifdef CONFIG_TEST_KEYS
bool hyp_test_hooks_enabled(void);
#else
static inline bool hyp_test_hooks_enabled(void)
{
	return false;
}
#endif

#endif /* ISOHYP_HCALL_H */
