/* SPDX-License-Identifier: GPL-2.0-only */
/* isohyp's version: REVISION hypercall, /isohyp "version" property, banner. */
#ifndef ISOHYP_VERSION_H
#define ISOHYP_VERSION_H

#define ISOHYP_VERSION_MAJOR 0
#define ISOHYP_VERSION_MINOR 1
#define ISOHYP_VERSION_STRING "0.1"

#endif /* ISOHYP_VERSION_H */
