#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# Writes the seed inputs of fuzz target smmu_nested (tests/fuzz/smmu_nested.c,
# whose file comment gives the input format) to tests/fuzz/corpus/smmu_nested/:
# a host's bring-up as Linux's arm-smmu-v3 does it, and the attacks the
# target's invariants are about. Encodings are IHI 0070's (STE 5.2, CD 5.4,
# commands 4, registers 6.3) and VMSAv8-64's stage-1 descriptors.
#
#   tests/fuzz/smmu_nested_seeds.py        (re)write the seeds
import os
import struct

RAM = 0x40000000
CARVE = RAM + (4 << 20)

# Host memory (offsets into RAM).
STRTAB, L2, CMDQ = RAM + 0x10000, RAM + 0x20000, RAM + 0x30000
EVTQ, CD = RAM + 0x40000, RAM + 0x50000
S1_L1, S1_L2, S1_L3 = RAM + 0x60000, RAM + 0x61000, RAM + 0x62000
DATA, VICTIM = RAM + 0x70000, RAM + 0x80000
VA, VA_HYP, VA_VICTIM, VA_NONE = 0x12345000, 0x12346000, 0x12347000, 0x12348000
ASID = 0x42

CR0, GBPA, GERROR, GERRORN = 0x20, 0x44, 0x60, 0x64
STRTAB_BASE, STRTAB_BASE_CFG, CMDQ_BASE, CMDQ_PROD, CMDQ_CONS = 0x80, 0x88, 0x90, 0x98, 0x9c
EVTQ_BASE, EVTQ_PROD, EVTQ_CONS = 0xa0, 0x100a8, 0x100ac
SMMUEN, EVTQEN, CMDQEN = 1, 4, 8

S1_PAGE = 3 | 1 << 6 | 1 << 10 | 1 << 11  # EL0 access, AF, nG
STE1_S1_WB = 1 << 2 | 1 << 4 | 3 << 6  # S1CIR, S1COR WBRA; S1CSH inner


class Seed:
    def __init__(self, variant):
        self.b = bytearray([variant])
        self.prod = 0
        self.cmdq, self.cmdq_log2 = CMDQ, 8

    def reg(self, off, val, size=4, write=True):
        # Raw offset form: r < 0x80, off = r << 10 | o << 2; s: 4 | size index.
        s = 4 | {4: 0, 8: 1, 1: 2, 2: 3}[size]
        self.b += bytes([0 if write else 1, off >> 10, (off >> 2) & 0xff, s])
        self.b += struct.pack('<Q', val)

    def read(self, off, size=4):
        self.reg(off, 0, size, write=False)

    def mem(self, pa, val):
        a = pa - RAM
        self.b += bytes([2, a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, 0])
        self.b += struct.pack('<Q', val)

    def donate(self, pa):
        page = (pa - RAM) >> 12
        self.b += bytes([3, page & 0xff, (page >> 8) & 0x7f])

    def reclaim(self, pa):
        page = (pa - RAM) >> 12
        self.b += bytes([3, page & 0xff, 0x80 | ((page >> 8) & 0x7f)])

    def probe(self, sid, iova, write=False):
        self.b += bytes([4, sid]) + struct.pack('<Q', iova)[:5] + bytes([1 if write else 0])

    def ste(self, sid, d, rel=0, cfgi=True):
        self.b += bytes([6, sid, rel | (0 if cfgi else 0x80)])
        for w in d:
            self.b += struct.pack('<Q', w)

    def command(self, d0, d1=0, sync=True):
        self.b += bytes([7]) + struct.pack('<QQ', d0, d1) + bytes([1 if sync else 0])

    def poll(self):
        self.b += bytes([5])

    def cmd(self, d0, d1=0):
        e = self.cmdq + (self.prod & ((1 << self.cmdq_log2) - 1)) * 16
        self.mem(e, d0)
        self.mem(e + 8, d1)
        self.prod = (self.prod + 1) & ((2 << self.cmdq_log2) - 1)

    def kick(self):
        self.reg(CMDQ_PROD, self.prod)

    def sync(self):
        self.cmd(0x46)
        self.kick()

    def ste_s1(self, ste, cd):
        self.mem(ste + 8, STE1_S1_WB if not self.b[0] & 4 else 2 << 6)  # NC if not coherent
        self.mem(ste, 1 | 5 << 1 | cd)


def cd_words(ttb, coherent=True):
    # AArch64, T0SZ 25, TG0 4 KiB, WBRA inner (Non-cacheable if not coherent), EPD1, V,
    # IPS 44 bits, AA64, R, A, ASID.
    walk = 1 << 8 | 1 << 10 | 3 << 12 if coherent else 2 << 12
    return [25 | walk | 1 << 30 | 1 << 31 | 4 << 32 | 1 << 41 | 1 << 45 | 1 << 46 | ASID << 48,
            ttb]


def s1_map(s, va, pa):
    # Start level 1 (T0SZ 25): one table per level, as the seeds use one 2 MiB region.
    s.mem(S1_L1 + ((va >> 30) & 511) * 8, S1_L2 | 3)
    s.mem(S1_L2 + ((va >> 21) & 511) * 8, S1_L3 | 3)
    s.mem(S1_L3 + ((va >> 12) & 511) * 8, pa | S1_PAGE)


def bring_up(s, two_level=True, cmdq=CMDQ, cmdq_log2=8, evtq=EVTQ, evtq_log2=7):
    """arm_smmu_device_reset(): tables and queues, CFGI_ALL, TLBI_NSNH_ALL, SYNC, enable."""
    s.cmdq, s.cmdq_log2 = cmdq, cmdq_log2
    s.reg(CR0, 0)
    s.reg(STRTAB_BASE, STRTAB, 8)
    # 2-level, SPLIT 8, 8-bit stream IDs (Linux's); linear with 6-bit ones.
    s.reg(STRTAB_BASE_CFG, 1 << 16 | 8 << 6 | 8 if two_level else 6)
    s.reg(CMDQ_BASE, cmdq | cmdq_log2, 8)
    s.reg(EVTQ_BASE, evtq | evtq_log2, 8)
    s.reg(CR0, CMDQEN)
    s.cmd(0x04, 31)  # CFGI_ALL
    s.cmd(0x30)  # TLBI_NSNH_ALL
    s.sync()
    s.reg(CR0, CMDQEN | EVTQEN)
    s.reg(CR0, CMDQEN | EVTQEN | SMMUEN)


def ste_addr(sid, two_level=True):
    return (L2 if two_level else STRTAB) + sid * 64


def linux_streams(s, two_level=True):
    """Stream 8: stage 1 at CD, VA -> DATA; stream 9: bypass. Then CFGI_STE + SYNC."""
    if two_level:
        s.mem(STRTAB, L2 | 9)  # level-1 descriptor: span 9 (SPLIT + 1)
    for i, w in enumerate(cd_words(S1_L1, not s.b[0] & 4)):
        s.mem(CD + 8 * i, w)
    s1_map(s, VA, DATA)
    s.ste_s1(ste_addr(8, two_level), CD)
    s.mem(ste_addr(9, two_level), 1 | 4 << 1)
    s.cmd(0x03 | 8 << 32, 1)
    s.cmd(0x03 | 9 << 32, 1)
    s.sync()


def linux_bringup(variant=0):
    s = Seed(variant)
    bring_up(s)
    linux_streams(s)
    s.probe(8, VA + 0x18, write=True)  # stage 1 nested over stage 2: DATA
    s.probe(9, DATA)  # bypass: the identity stage 2
    s.probe(9, CARVE + 0x1000)  # ... which does not map the carve-out
    # Stage 1 maps a carve-out page (the control probe runs) and a page the host donates.
    s1_map(s, VA_HYP, CARVE + 0x5000)
    s1_map(s, VA_VICTIM, VICTIM)
    s.probe(8, VA_HYP, write=True)
    s.probe(8, VA_VICTIM)  # cached in the SMMU's TLB now
    s.donate(VICTIM)
    s.probe(8, VA_VICTIM)  # the donation invalidated it
    s.donate(STRTAB)  # pinned: -EBUSY
    s.donate(CMDQ)
    s.probe(8, VA_NONE)  # a stage-1 fault: the host's event
    s.read(EVTQ_PROD)
    s.reg(EVTQ_CONS, 1)
    s.cmd(0x11 | ASID << 48)  # TLBI_NH_ASID
    s.cmd(0x12 | ASID << 48, VA)  # TLBI_NH_VA
    s.cmd(0x05 | 8 << 32, 1)  # CFGI_CD
    s.sync()
    s.poll()
    s.reclaim(VICTIM)
    s.reg(CR0, 0)  # everything off: the pins go
    s.donate(STRTAB)
    return s


def illegal_command():
    s = Seed(0)
    bring_up(s)
    linux_streams(s)
    # TLBI_EL2_ALL: no HYP offered. CERROR_ILL, the queue stops until GERRORN.
    s.cmd(0x20)
    s.sync()
    s.read(CMDQ_CONS)
    s.read(GERROR)
    s.mem(CMDQ + ((s.prod - 2) & 255) * 16, 0x46)  # replaced by a CMD_SYNC (Linux)
    s.reg(GERRORN, 1)
    s.read(CMDQ_CONS)
    # More the host may not have: CMD_SYNC with an interrupt, ATC_INV, TLBI_S2_IPA, RESUME.
    gerror = 1
    for d0 in (0x46 | 1 << 12, 0x40, 0x2a, 0x44, 0x28, 0x21):
        s.cmd(d0)
        s.kick()
        s.mem(CMDQ + ((s.prod - 1) & 255) * 16, 0x46)
        gerror ^= 1  # GERROR.CMDQ_ERR toggled: acknowledged by writing the same
        s.reg(GERRORN, gerror)
    s.probe(8, VA)
    return s


def cd_in_hyp_memory():
    s = Seed(0)
    bring_up(s)
    linux_streams(s)
    s.ste_s1(ste_addr(8), CARVE + 0x2000)  # the CD in the carve-out: stage 2 stops the fetch
    s.cmd(0x03 | 8 << 32, 1)
    s.sync()
    s.probe(8, VA)
    s.mem(STRTAB, CARVE | 9)  # a level-2 table in the carve-out: streams abort
    s.cmd(0x04, 31)
    s.sync()
    s.probe(9, DATA)
    s.reg(CR0, CMDQEN | EVTQEN)
    s.reg(STRTAB_BASE, CARVE, 8)  # a stream table in the carve-out: enable refused
    s.reg(CR0, CMDQEN | EVTQEN | SMMUEN)
    s.read(0x24)
    s.probe(9, DATA)
    return s


def linear_stall():
    s = Seed(3)  # 6-bit stream IDs (linear tables), an SMMU that can stall
    bring_up(s, two_level=False)
    linux_streams(s, two_level=False)
    s.probe(8, VA)
    s.reg(GBPA, 1 << 31 | 1 << 20)  # abort while disabled
    s.reg(CR0, CMDQEN | EVTQEN)
    s.probe(9, DATA)
    return s


def ste_configs():
    """Stream 10 through every STE.Config (5.2) and stage-1 field the host might set."""
    s = Seed(0)
    bring_up(s)
    linux_streams(s)
    s1 = 1 | 5 << 1 | CD
    for d in ([1], [1 | 4 << 1], [s1, STE1_S1_WB], [1 | 6 << 1, 0, 5 | 24 << 32, S1_L1],
              [1 | 7 << 1 | CD, STE1_S1_WB, 5 | 24 << 32, S1_L1], [1 | 2 << 1],
              [s1 | 1 << 59 | 1 << 4, STE1_S1_WB | 1], [s1, STE1_S1_WB | 3 << 28 | 2 << 30],
              [0, 0], [s1, STE1_S1_WB | 1 << 27]):
        s.ste(10, (d + [0, 0, 0])[:4])
        s.probe(10, VA)
        s.probe(10, DATA)
    s.command(0x10)  # TLBI_NH_ALL
    for op in (0x10, 0x11, 0x12, 0x13):  # with a VMID: RES0 for the host (no stage 2)
        s.command(op | 0x77 << 32 | ASID << 48, VA)
    s.command(0x13, VA | 1)  # TLBI_NH_VAA, Leaf
    s.command(0x12 | 3 << 12 | ASID << 48, VA | 2 << 8)  # TLBI_NH_VA: RES0 NUM, TTL set
    s.command(0x04 | 8 << 32, 3)  # CFGI_STE_RANGE
    s.command(0x06 | 8 << 32)  # CFGI_CD_ALL
    s.command(0x01 | 8 << 32)  # PREFETCH_CONFIG
    s.probe(8, VA)
    return s


def queues_at_carveout_edge():
    """Tiny queues right below the carve-out: wrapping, full, overflowing, turned off."""
    s = Seed(0)
    bring_up(s, cmdq=CARVE - 64, cmdq_log2=2, evtq=CARVE - 0x1040, evtq_log2=1)
    linux_streams(s)
    for i in range(6):  # laps of the 4-entry command queue
        s.cmd(0x11 | ASID << 48)
        s.cmd(0x46)
        s.kick()
    for i in range(4):  # stage-1 faults: the 2-entry event queue fills, then overflows
        s.probe(8, VA_NONE + 0x1000 * i)
    s.read(EVTQ_PROD)
    s.reg(EVTQ_CONS, 2)
    s.probe(8, VA_NONE)
    s.poll()
    s.reg(CR0, CMDQEN | SMMUEN)  # event queue off with an event staged
    s.read(EVTQ_PROD)
    s.donate(CARVE - 0x2000)  # its page, unpinned now
    s.probe(8, VA_NONE)
    s.poll()
    s.read(EVTQ_PROD)
    s.reclaim(CARVE - 0x2000)
    s.reg(CR0, CMDQEN | EVTQEN | SMMUEN)
    s.probe(8, VA_NONE)
    s.read(EVTQ_PROD)
    return s


SEEDS = {
    'linux-bringup-noncoherent': lambda: linux_bringup(4),
    'queues-at-carveout-edge': queues_at_carveout_edge,
    'ste-configs': ste_configs,
    'linux-bringup': linux_bringup,
    'illegal-command': illegal_command,
    'cd-in-hyp-memory': cd_in_hyp_memory,
    'linear-stall': linear_stall,
}

if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'smmu_nested')
    os.makedirs(out, exist_ok=True)
    for name, make in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(make().b)
