/* SPDX-License-Identifier: GPL-2.0-only */
/* The errno values of the host ABI (ARCHITECTURE.md section 4) and internal errors. */
#ifndef ISOHYP_ERRNO_H
#define ISOHYP_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define E2BIG 7
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EOPNOTSUPP 95
#define ETIMEDOUT 110

#endif /* ISOHYP_ERRNO_H */
