/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the EL1 payload's files. */
#ifndef ISOHYP_PAYLOAD_H
#define ISOHYP_PAYLOAD_H

#include <efi.h>
#include <isohyp/types.h>

/* Written by payload_vector_common (el1.S); layout fixed there. */
struct payload_caught {
	u64 esr, far, elr, count;
};

extern volatile struct payload_caught payload_caught;
extern char payload_vectors[];
extern char payload_secondary_entry[];

struct smccc_res {
	u64 a0, a1, a2, a3;
};

void payload_hvc(u64 fn, u64 a1, u64 a2, u64 a3, struct smccc_res *res);
void payload_smc(u64 fn, u64 a1, u64 a2, u64 a3, struct smccc_res *res);

#endif /* ISOHYP_PAYLOAD_H */
