/* SPDX-License-Identifier: GPL-2.0-only */
/* The host ABI's entry point (hyp/hcall.c), ARCHITECTURE.md section 4. */
#ifndef ISOHYP_HCALL_H
#define ISOHYP_HCALL_H

#include <isohyp/types.h>

struct host_ctxt;

void handle_host_hcall(struct host_ctxt *ctxt);
/* The loader's test_hooks=1: TEST_HOOK is accepted (hyp/main.c). */
bool hyp_test_hooks_enabled(void);

#endif /* ISOHYP_HCALL_H */
