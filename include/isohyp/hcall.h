/* SPDX-License-Identifier: GPL-2.0-only */
/* The host ABI's entry point (hyp/hcall.c), ARCHITECTURE.md section 4. */
#ifndef ISOHYP_HCALL_H
#define ISOHYP_HCALL_H

struct host_ctxt;

void handle_host_hcall(struct host_ctxt *ctxt);

#endif /* ISOHYP_HCALL_H */
