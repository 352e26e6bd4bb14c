#!/usr/bin/python3
"""A second verifier of simsa rounds, written from docs/ alone.

    /usr/bin/python3 tools/verify.py ROUND.db|BUNDLE... [--format text|json]
        [--checkpoint FILE]... [--organizer-pubkey HEX] [--root HEX]

It runs the steps of `simsa verify` (docs/verify.md) with the same names, in
the same order, with the same exit statuses and a JSON report with the same
keys, but shares no code with simsa: every format it checks is taken from the
documents (docs/ballot-format.md, docs/opening.md, docs/manifest.md,
docs/assignment.md, docs/round-file.md, docs/rubrics.md, and for the values
pinned on the command line docs/checkpoint.md). It needs Debian's
python3 and python3-nacl (Ed25519) and nothing else: BLAKE2b is hashlib's,
ChaCha20 (the assignment's random stream) is written out below, and the file
is read with the standard sqlite3 module, read-only.

Exit status: 0 every step passed (of every file named), 1 a step failed, a
file cannot be read or a checkpoint is malformed (refused before any round
is read), 2 a bad command line (a pinned key or root not 64 hex digits,
more than 64 checkpoints). tools/README.md says how an auditor runs it and
what it does not check.
"""

import argparse
import base64
import binascii
import functools
import hashlib
import json
import os
import sqlite3
import struct
import sys
import time
import unicodedata
import urllib.parse

try:
    import nacl.exceptions
    import nacl.signing
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("verify.py: needs PyNaCl (Debian: apt-get install python3-nacl)\n")
    sys.exit(1)


class Unreadable(Exception):
    """The file cannot be read far enough to verify (exit status 1, no report)."""


# ---------------------------------------------------------------------------
# Hashing and the canonical encoding (docs/ballot-format.md, "Encoding")


def h256(data, key=b""):
    """BLAKE2b-256, keyed when key is given (libsodium's crypto_generichash)."""
    return hashlib.blake2b(data, digest_size=32, key=key).digest()


def u8(x):
    return struct.pack("<B", x)


def u32(x):
    return struct.pack("<I", x & 0xFFFFFFFF)


def enc_str(b):
    return u32(len(b)) + b


def enc_opt(b):
    return b"\0" if b is None else b"\1" + enc_str(b)


def verify_sig(public_key, message, signature):
    """Ed25519 (crypto_sign_detached) of message under public_key."""
    if not isinstance(public_key, bytes) or len(public_key) != 32:
        return False
    if not isinstance(signature, bytes) or len(signature) != 64:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
        return True
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError, TypeError):
        return False


# ---------------------------------------------------------------------------
# The Merkle tree (docs/ballot-format.md, "Closing and the seal"): RFC 6962
# structure over BLAKE2b-256.


def leaf(row):
    """A ballot row's Merkle leaf data: its bytes and signature."""
    return (row[6] if isinstance(row[6], bytes) else b"") + (row[7] if isinstance(row[7], bytes) else b"")


def merkle_root(leaves):
    if not leaves:
        return h256(b"")

    def node(lo, hi):
        n = hi - lo
        if n == 1:
            return h256(b"\0" + leaves[lo])
        k = 1
        while k * 2 < n:
            k *= 2
        return h256(b"\1" + node(lo, lo + k) + node(lo + k, hi))

    return node(0, len(leaves))


# ---------------------------------------------------------------------------
# ChaCha20 (RFC 8439), the keystream of crypto_stream_chacha20_ietf: the
# assignment's random words (docs/assignment.md, "The random stream").

_M32 = 0xFFFFFFFF


def _chacha_block(key_words, counter):
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574] + key_words + [counter, 0, 0, 0]
    x = list(s)

    def qr(a, b, c, d):
        x[a] = (x[a] + x[b]) & _M32
        t = x[d] ^ x[a]
        x[d] = ((t << 16) | (t >> 16)) & _M32
        x[c] = (x[c] + x[d]) & _M32
        t = x[b] ^ x[c]
        x[b] = ((t << 12) | (t >> 20)) & _M32
        x[a] = (x[a] + x[b]) & _M32
        t = x[d] ^ x[a]
        x[d] = ((t << 8) | (t >> 24)) & _M32
        x[c] = (x[c] + x[d]) & _M32
        t = x[b] ^ x[c]
        x[b] = ((t << 7) | (t >> 25)) & _M32

    for _ in range(10):
        qr(0, 4, 8, 12)
        qr(1, 5, 9, 13)
        qr(2, 6, 10, 14)
        qr(3, 7, 11, 15)
        qr(0, 5, 10, 15)
        qr(1, 6, 11, 12)
        qr(2, 7, 8, 13)
        qr(3, 4, 9, 14)
    return [(x[i] + s[i]) & _M32 for i in range(16)]


def chacha20_keystream(key, nblocks, counter=0):
    """nblocks × 64 bytes of keystream (all-zero nonce), for the self-test."""
    kw = list(struct.unpack("<8I", key))
    return b"".join(struct.pack("<16I", *_chacha_block(kw, counter + i)) for i in range(nblocks))


class Stream:
    """One context's words: uniform, shuffle, iota, coin."""

    def __init__(self, seed, manifest_hash, label, suffix=b""):
        msg = b"simsa/assign/v1/" + label + b"\0" + manifest_hash + suffix
        self.key = list(struct.unpack("<8I", h256(msg, key=seed)))
        self.counter = 0
        self.words = []
        self.pos = 0

    def word(self):
        if self.pos == len(self.words):
            if self.counter > _M32:
                raise Unreadable("the assignment's random stream ran out")
            self.words = _chacha_block(self.key, self.counter)
            self.counter += 1
            self.pos = 0
        w = self.words[self.pos]
        self.pos += 1
        return w

    def uniform(self, b):
        limit = 2**32 - (2**32 % b)
        while True:
            x = self.word()
            if x < limit:
                return x % b

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.uniform(i + 1)
            a[i], a[j] = a[j], a[i]
        return a

    def iota(self, n):
        return self.shuffle(list(range(n)))


# ---------------------------------------------------------------------------
# The assignment (docs/assignment.md)

NONE_GOLD, EXTRA = 0xFFFFFFFF, 0xFFFF
NORMAL, REPEAT, KNOWN = 0, 1, 2
KIND_NAME = {NORMAL: b"normal", REPEAT: b"gold_repeat", KNOWN: b"gold_known"}


class Refused(Exception):
    pass


def assign(seed, mh, E, N, cat, raters, k, m, gold, late_tasks=0, passes=("user", "expert")):
    """The tasks, sorted by (rater, position): tuples (rater, position,
    prompt, left, right, kind, replica, gold). raters: dicts with role
    ('user', 'expert', 'auditor'), late, cats (list of category indices,
    empty = all) and key (32 bytes, late raters). gold: dicts with kind
    (REPEAT, KNOWN), role, and for KNOWN prompt, left, right. passes: the
    components the round has a rubric for; the pass (and refusal) of a
    component without one is skipped."""
    if not 2 <= E <= 64:
        raise Refused("the round has %d entrants (2 to 64 can be assigned)" % E)
    if not 1 <= N <= 2**24:
        raise Refused("the round has %d prompts (1 to 2^24 can be assigned)" % N)
    if not (1 <= k <= 1024 and 1 <= m <= 1024):
        raise Refused("raters per slot or ratings per output out of range")
    seen_late = False
    for i, r in enumerate(raters):
        if r["late"]:
            seen_late = True
        elif seen_late:
            raise Refused("rater %d is not late but comes after a late rater" % i)
    for g, gd in enumerate(gold):
        if gd["kind"] not in (REPEAT, KNOWN) or gd["role"] not in ("user", "expert"):
            raise Refused("gold item %d has an unknown kind or role" % g)
        if gd["kind"] == KNOWN:
            if not (0 <= gd["prompt"] < N and 0 <= gd["left"] < E and 0 <= gd["right"] < E):
                raise Refused("gold item %d names a prompt or entrant that does not exist" % g)
            if gd["left"] == gd["right"]:
                raise Refused("gold item %d compares an entrant with itself" % g)
    pairs = [(a, b) for a in range(E) for b in range(a + 1, E)]
    P = len(pairs)
    users = [i for i, r in enumerate(raters) if r["role"] == "user" and not r["late"]]
    experts = [i for i, r in enumerate(raters) if r["role"] == "expert" and not r["late"]]
    U, X = len(users), len(experts)
    T = (m * E + 1) // 2

    def may(r, c):
        return not r["cats"] or c in r["cats"]

    if "user" in passes and U < P * k:
        raise Refused(
            "the user rubric asks for %d raters per slot: %d entrants make %d pairs, so at least %d users"
            " are needed; the round has %d" % (k, E, P, P * k, U)
        )
    need = min(T, 2 * m - 1 + (m * E) % 2)
    for q in range(N if "expert" in passes else 0):
        may_rate = sum(1 for x in experts if may(raters[x], cat[q]))
        if may_rate < need:
            raise Refused(
                "prompt %d (category %d) needs at least %d experts who may rate its category; %d may"
                % (q, cat[q], need, may_rate)
            )

    def sides(p, occ, flip):
        a, b = pairs[p]
        return (a, b) if (occ + flip) % 2 == 0 else (b, a)

    normal = {}  # rater index -> [(prompt, left, right, replica)] in generation order

    s = Stream(seed, mh, b"users")
    flip = [s.uniform(2) for _ in range(P)]
    load, occ = [0] * U, [0] * P
    pc = [[0] * P for _ in range(U)]
    for q in s.iota(N) if "user" in passes else []:
        rank = [0] * U
        for i, u in enumerate(s.iota(U)):
            rank[u] = i
        taken = [False] * U
        for j in s.iota(P * k):
            p = j // k
            best, bkey = -1, None
            for u in range(U):
                if taken[u]:
                    continue
                key = (load[u], pc[u][p], rank[u])
                if bkey is None or key < bkey:
                    best, bkey = u, key
            taken[best] = True
            load[best] += 1
            pc[best][p] += 1
            left, right = sides(p, occ[p], flip[p])
            normal.setdefault(users[best], []).append((q, left, right, j % k))
            occ[p] += 1

    s = Stream(seed, mh, b"experts")
    load, d = [0] * X, [0] * E
    for q in s.iota(N) if "expert" in passes else []:
        el = [x for x in range(X) if may(raters[experts[x]], cat[q])]
        rank = {}
        for i, v in enumerate(s.iota(len(el))):
            rank[el[v]] = i
        seq = []
        for _ in range(m):
            sh = s.iota(E)
            if len(seq) % 2 == 1 and sh[0] == seq[-1]:
                sh[0], sh[1] = sh[1], sh[0]
            seq += sh
        tasks = [(seq[i], seq[i + 1]) for i in range(0, len(seq) - 1, 2)]
        if len(seq) % 2 == 1:
            z, j = seq[-1], s.uniform(E - 1)
            tasks.append((z, j if j < z else j + 1))
        relaxed = len(el) < len(tasks)
        held = {e: 0 for e in el}
        holds = {e: set() for e in el}
        for t, (x, y) in enumerate(tasks):
            coin = s.uniform(2)
            best, bkey = None, None
            for e in el:
                if x in holds[e] or y in holds[e]:
                    continue
                key = (load[e], held[e], rank[e]) if relaxed else (held[e], load[e], rank[e])
                if bkey is None or key < bkey:
                    best, bkey = e, key
            if best is None:
                raise Refused("prompt %d: no expert can take a task (the refusal rule should prevent it)" % q)
            holds[best] |= {x, y}
            held[best] += 1
            load[best] += 1
            if d[x] < d[y] or (d[x] == d[y] and coin == 0):
                left, right = x, y
            else:
                left, right = y, x
            d[left] += 1
            d[right] -= 1
            normal.setdefault(experts[best], []).append((q, left, right, 2 * t // E))

    out = []
    for r, ra in enumerate(raters):
        if ra["role"] not in ("user", "expert"):
            continue
        if ra["late"]:
            s = Stream(seed, mh, b"late", ra["key"])
            qs = [q for q in range(N) if ra["role"] == "user" or may(ra, cat[q])]
            s.shuffle(qs)
            if late_tasks:
                L = late_tasks
            elif ra["role"] == "user":
                L = -(-N * P * k // U) if U else 0
            else:
                L = -(-N * T // X) if X else 0
            L = min(L, len(qs))
            lflip = [s.uniform(2) for _ in range(P)]
            locc = [0] * P
            mine = []
            cyc = []
            for t in range(L):
                if t % P == 0:
                    cyc = s.iota(P)
                p = cyc[t % P]
                left, right = sides(p, locc[p], lflip[p])
                mine.append((qs[t], left, right, EXTRA))
                locc[p] += 1
        else:
            s = Stream(seed, mh, b"order", u32(r))
            mine = normal.get(r, [])
        n = len(mine)
        # entries: [task, kind, gold, normal ordinal or None]
        lst = [[mine[i], NORMAL, NONE_GOLD, o] for o, i in enumerate(s.iota(n))]
        rep = 0
        for g, gd in enumerate(gold):
            if gd["role"] != ra["role"]:
                continue
            if gd["kind"] == KNOWN:
                swap = s.uniform(2)
                a, b = (gd["right"], gd["left"]) if swap else (gd["left"], gd["right"])
                pos = s.uniform(len(lst) + 1)
                lst.insert(pos, [(gd["prompt"], a, b, 0), KNOWN, g, None])
            elif rep < n:
                o = next(i for i, e in enumerate(lst) if e[3] == rep)
                q, a, b, replica = lst[o][0]
                pos = o + 1 + s.uniform(len(lst) - o)
                lst.insert(pos, [(q, b, a, replica), REPEAT, g, None])
                rep += 1
        for pos, (task, kind, g, _) in enumerate(lst):
            q, a, b, replica = task
            out.append((r, pos, q, a, b, kind, replica, g))
    return out


def assign_encode(tasks):
    return b"".join(struct.pack("<IIIHHHHI", *t) for t in tasks)


# ---------------------------------------------------------------------------
# Rubrics (docs/rubrics.md): what verify needs of them, validated as simsa
# validates them, since simsa refuses to verify a round whose rubric it
# cannot parse.

MAX_LINE = 8192
PREF_KEYS = [
    o + "_" + lang
    for o in ("a_much_better", "a_better", "tie", "b_better", "b_much_better", "both_bad")
    for lang in ("ko", "en")
]
SCORING_KEYS = {
    "bootstrap_resamples": ("both", (100, 100000)),
    "bootstrap_seed": ("both", (0, 18446744073709551615)),
    "much_better_weight": ("user", (1, 100)),
    "both_bad": ("user", ("tie", "exclude")),
    "identity_revealed": ("expert", ("exclude", "count")),
    "failed_gold": ("both", ("exclude", "count")),
    "gold_min_items": ("both", (1, 1000)),
    "gold_pass_percent": ("both", (0, 100)),
}
ASSIGNMENT_KEYS = {
    "raters_per_slot": ("user", (1, 100)),
    "ratings_per_output": ("expert", (1, 100)),
    "by_category": ("expert", ("yes", "no")),
}


def _is_control(ch):
    o = ord(ch)
    return o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F


def _integer(text, where, lo, hi):
    digits = text[1:] if text.startswith("-") and lo < 0 else text
    if not digits or not all("0" <= c <= "9" for c in digits):
        raise Unreadable('%s: not an integer: "%s"' % (where, text))
    v = int(text)
    if not lo <= v <= hi:
        raise Unreadable("%s: must be between %d and %d, not %d" % (where, lo, hi, v))
    return v


def _scale(text, where):
    lo, sep, hi = text.partition("-")
    if not sep:
        raise Unreadable('%s: not a scale LOW-HIGH: "%s"' % (where, text))
    lo = _integer(lo, where, 0, 100)
    hi = _integer(hi, where, 0, 100)
    if lo >= hi:
        raise Unreadable("%s: %d-%d: LOW must be below HIGH" % (where, lo, hi))
    if hi - lo + 1 > 11:
        raise Unreadable("%s: %d-%d has %d levels; at most 11 are allowed" % (where, lo, hi, hi - lo + 1))
    return lo, hi


def _scale_section(sec, keys, where, weighted):
    """A criterion (weighted) or [satisfaction]: (scale, required, weight)."""
    base = ["name_ko", "name_en", "scale", "required"] + (["weight"] if weighted else [])
    for kname in base:
        if kname not in keys:
            raise Unreadable("%s: missing %s" % (where, kname))
    lo, hi = _scale(keys["scale"], where + " scale")
    if keys["required"] not in ("yes", "no"):
        raise Unreadable('%s required: "%s" (yes or no)' % (where, keys["required"]))
    weight = _integer(keys["weight"], where + " weight", 1, 100) if weighted else 0
    anchors = set()
    for kname in keys:
        if kname in base:
            continue
        if kname.startswith("anchor") and (kname.endswith("_ko") or kname.endswith("_en")):
            num = kname[6:-3]
            if num.isdigit() and (num == "0" or not num.startswith("0")) and lo <= int(num) <= hi:
                anchors.add(kname)
                continue
            if num.isdigit():
                raise Unreadable("%s %s: level %s is outside the scale %d-%d" % (where, kname, num, lo, hi))
        raise Unreadable('%s unknown key "%s"' % (where, kname))
    for lvl in range(lo, hi + 1):
        for lang in ("ko", "en"):
            if "anchor%d_%s" % (lvl, lang) not in anchors:
                raise Unreadable("%s: missing anchor%d_%s" % (where, lvl, lang))
    return {"lo": lo, "hi": hi, "required": keys["required"] == "yes", "weight": weight}


@functools.lru_cache(maxsize=16)  # many files of one round share their rubrics
def parse_rubric(text, name):
    """The parts verify uses: component, criteria [(id, scale)], satisfaction,
    raters_per_slot, ratings_per_output, by_category. Raises Unreadable with
    the line at fault, as simsa refuses such a round."""
    if b"\0" in text:
        line = text[: text.index(b"\0")].count(b"\n") + 1
        raise Unreadable("%s:%d: NUL byte in the line" % (name, line))
    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("%s: not valid UTF-8" % name)
    if s.startswith("\ufeff"):
        s = s[1:]
    sections = []  # (name, line, {key: value})
    current = None
    for ln, raw in enumerate(s.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if len(line.encode("utf-8")) > MAX_LINE:
            raise Unreadable("%s:%d: line longer than %d bytes" % (name, ln, MAX_LINE))
        st = line.strip(" \t")
        if not st or st[0] in "#;":
            continue
        if st[0] == "[":
            if not st.endswith("]"):
                raise Unreadable('%s:%d: expected a [section] line, a "key = value" line or a comment' % (name, ln))
            sname = st[1:-1]
            for prev in sections:
                if prev[0] == sname:
                    raise Unreadable("%s:%d: [%s] appears twice (first at line %d)" % (name, ln, sname, prev[1]))
            current = (sname, ln, {})
            sections.append(current)
            continue
        cut = [i for i in (line.find("="), line.find(":")) if i >= 0]
        if not cut or line[0] in " \t":
            raise Unreadable('%s:%d: expected a [section] line, a "key = value" line or a comment' % (name, ln))
        key, value = line[: min(cut)].strip(" \t"), line[min(cut) + 1 :].strip(" \t")
        if current is None:
            raise Unreadable("%s:%d: a key before the first section" % (name, ln))
        if not value:
            raise Unreadable("%s:%d: [%s] %s: empty value" % (name, ln, current[0], key))
        if any(_is_control(c) for c in value) or any(_is_control(c) for c in key):
            raise Unreadable("%s:%d: [%s] %s: control character" % (name, ln, current[0], key))
        if key in current[2]:
            raise Unreadable("%s:%d: [%s] %s: given twice" % (name, ln, current[0], key))
        current[2][key] = value
    if not sections or sections[0][0] != "rubric":
        raise Unreadable("%s: the first section must be [rubric]" % name)
    for sname, ln, keys in sections:
        if not keys:
            raise Unreadable("%s:%d: [%s] has no keys" % (name, ln, sname))
    head = sections[0][2]
    for kname in head:
        if kname not in ("component", "points", "version", "title_ko", "title_en", "instructions_ko",
                         "instructions_en"):
            raise Unreadable('%s: [rubric] unknown key "%s"' % (name, kname))
    for kname in ("component", "points", "version", "title_ko", "title_en"):
        if kname not in head:
            raise Unreadable("%s: [rubric] missing %s" % (name, kname))
    # the instructions files: optional, but both languages or neither
    if ("instructions_ko" in head) != ("instructions_en" in head):
        raise Unreadable("%s: [rubric] missing %s" % (
            name, "instructions_en" if "instructions_ko" in head else "instructions_ko"))
    comp = head["component"]
    if comp not in ("expert", "user"):
        raise Unreadable('%s: [rubric] component: "%s" (expert or user)' % (name, comp))
    want_points = 35 if comp == "expert" else 25
    if _integer(head["points"], name + ": [rubric] points", 0, 1000) != want_points:
        raise Unreadable("%s: [rubric] points: a %s rubric is worth %d points" % (name, comp, want_points))
    _integer(head["version"], name + ": [rubric] version", 1, 1000000)
    out = {
        "component": comp,
        "criteria": [],
        "satisfaction": None,
        "raters_per_slot": 2,
        "ratings_per_output": 2,
        "by_category": False,
    }
    has_pref = False
    for sname, ln, keys in sections[1:]:
        where = "%s:%d: [%s]" % (name, ln, sname)
        if sname.startswith("criterion ") and comp == "expert":
            cid = sname[len("criterion ") :]
            ok = 1 <= len(cid) <= 32 and "a" <= cid[0] <= "z"
            ok = ok and all("a" <= c <= "z" or "0" <= c <= "9" or c in "_-" for c in cid)
            if not ok:
                raise Unreadable("%s: not a criterion ID" % where)
            out["criteria"].append((cid, _scale_section(sname, keys, where, True)))
        elif sname == "preference" and comp == "user":
            for kname in keys:
                if kname not in PREF_KEYS:
                    raise Unreadable('%s unknown key "%s"' % (where, kname))
            for kname in PREF_KEYS:
                if kname not in keys:
                    raise Unreadable("%s: missing %s" % (where, kname))
            has_pref = True
        elif sname == "satisfaction" and comp == "user":
            out["satisfaction"] = _scale_section(sname, keys, where, False)
        elif sname in ("scoring", "assignment"):
            table = SCORING_KEYS if sname == "scoring" else ASSIGNMENT_KEYS
            for kname, value in keys.items():
                if kname not in table:
                    raise Unreadable('%s unknown key "%s"' % (where, kname))
                comps, rng = table[kname]
                if comps != "both" and comps != comp:
                    raise Unreadable("%s %s: only for %s rubrics" % (where, kname, comps))
                if isinstance(rng[0], str):
                    if value not in rng:
                        raise Unreadable('%s %s: "%s" (%s)' % (where, kname, value, " or ".join(rng)))
                    parsed = value
                else:
                    parsed = _integer(value, "%s %s" % (where, kname), rng[0], rng[1])
                if kname == "by_category":
                    out["by_category"] = parsed == "yes"
                elif kname in ("raters_per_slot", "ratings_per_output"):
                    out[kname] = parsed
        else:
            raise Unreadable("%s: unknown section [%s]" % (where, sname))
    if comp == "expert":
        if not 1 <= len(out["criteria"]) <= 16:
            raise Unreadable("%s: an expert rubric needs 1 to 16 criteria" % name)
        total = sum(c[1]["weight"] for c in out["criteria"])
        if total != 100:
            raise Unreadable(
                "%s: weights of the %d criteria add up to %d, not 100" % (name, len(out["criteria"]), total)
            )
    elif not has_pref:
        raise Unreadable("%s: a user rubric needs [preference]" % name)
    return out


# ---------------------------------------------------------------------------
# Ballots (docs/ballot-format.md, version 1)

BALLOT_TAG = b"simsa/ballot\0"
NOT_APPLICABLE = 0xFFFFFFFE
NOT_GIVEN = 0xFFFFFFFF
MAX_COMMENT = 4000
CRITERION_MAX = 32
CRITERION_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789_-"
CAST_AT_MAX = 31


class BadBallot(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise BadBallot("truncated")
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def str(self, limit):
        n = self.u32()
        if n > limit:
            raise BadBallot("a string of %d bytes, beyond its limit of %d" % (n, limit))
        b = self.take(n)
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            raise BadBallot("a string that is not UTF-8")
        if b"\0" in b:
            raise BadBallot("a string with a NUL byte")
        return b


def decode_ballot(data):
    """The fields of a ballot's signed bytes; raises BadBallot."""
    r = Reader(data)
    if r.take(len(BALLOT_TAG)) != BALLOT_TAG:
        raise BadBallot("not a ballot (wrong tag)")
    b = {"version": r.u32()}
    if b["version"] != 1:
        raise BadBallot("unknown version %d" % b["version"])
    b["round_id"] = r.str(32)
    if len(b["round_id"]) != 32:
        raise BadBallot("a round id of %d bytes (32)" % len(b["round_id"]))
    b["manifest_hash"] = r.take(32)
    b["rater_key"] = r.take(32)
    b["task_position"] = r.u32()
    b["left_hash"] = r.take(32)
    b["right_hash"] = r.take(32)
    kind = r.u8()
    if kind == 1:
        b["kind"] = "expert"
        n = r.u32()
        if not 1 <= n <= 16:
            raise BadBallot("%d criteria (1 to 16)" % n)
        b["criteria"] = [r.str(CRITERION_MAX) for _ in range(n)]
        for c in b["criteria"]:
            if not c or any(x not in CRITERION_BYTES for x in c):
                raise BadBallot("a criterion id that is not 1 to 32 of a-z, 0-9, _ and -")
        sides = []
        for _ in range(2):
            scores = [r.u32() for _ in range(n)]
            if NOT_GIVEN in scores:
                raise BadBallot("a missing score")
            flags = r.u32()
            if flags & ~7:
                raise BadBallot("unknown flags %#x" % flags)
            sides.append((scores, flags, r.str(MAX_COMMENT)))
        b["sides"] = sides
    elif kind == 2:
        b["kind"] = "user"
        b["preference"] = r.u32()
        if b["preference"] > 5:
            raise BadBallot("unknown preference %d" % b["preference"])
        b["satisfaction"] = r.u32()
        b["reason"] = r.str(MAX_COMMENT)
    else:
        raise BadBallot("unknown kind %d" % kind)
    b["active_seconds"] = r.u32()
    b["seq"] = r.u32()
    b["prev_hash"] = r.take(32)
    has = r.u8()
    if has not in (0, 1):
        raise BadBallot("has_supersedes is %d" % has)
    b["supersedes"] = r.take(32) if has else None
    b["cast_at"] = r.str(CAST_AT_MAX)
    if not b["cast_at"]:
        raise BadBallot("no time")
    if r.pos != len(data):
        raise BadBallot("%d trailing bytes" % (len(data) - r.pos))
    return b


def scores_json(sides):
    """The stored `scores` column: both sides' scores, null for not applicable."""
    return [[None if v == NOT_APPLICABLE else v for v in side[0]] for side in sides]


# ---------------------------------------------------------------------------
# Reading the file (docs/round-file.md, "Reading")

# Every table and column of schema 8, in order (docs/verify.md, "What
# covers each stored value").
SCHEMA_VERSION = 8
APPLICATION_ID = 0x53494D53
TABLES = {
    "round": "one round_id title state created_at",
    "rubric": "component source text hash instructions_ko instructions_en",
    "entrant": "id name team model endpoint api_key_env params system aliases",
    "prompt": "id ext_id category prompt system reference",
    "output": "id prompt_id entrant_id text hash origin created_at finish_reason usage latency_ms params generated_at",
    "import_log": "id at kind path file_hash records",
    "organizer": "one public_key",
    "rater": "id name role public_key categories late enrolled_at signature",
    "screen_decision": "output_id term decision at",
    "screen_word": "word",
    "opening": "one manifest_hash seed_commitment assignment_hash opened_at signature sealed",
    "blind_output": "id prompt_id text hash",
    "task": "id rater_id position prompt_id left_output right_output kind replica",
    "draft": "rater_id position data updated_at",
    "ballot": "id hash rater_id seq task_position supersedes bytes signature kind left_hash right_hash"
    " preference satisfaction scores flags_left flags_right comment_left comment_right reason"
    " active_seconds cast_at",
    "closing": "one seed salt ballot_count merkle_root closed_at signature",
    "reveal": "output_id entrant_id",
    "chain_head": "rater_id count head",
    "generation": "id prompt_id entrant_id status reason detail http_status attempts latency_ms at",
    "gold": "id kind role prompt_id better_id worse_id",
    # the raters' SSH keys for a station: read by nothing here (bundles
    # are written without its rows; docs/station.md)
    "station_key": "rater_id key set_at",
    "practice": "id ext_id role required prompt answer_a answer_b reference note_ko note_en",
    # what raters answered in practice: read by nothing here either
    # (working state like a draft, signed by no one; bundles are written
    # without its rows; docs/round-file.md)
    "practice_done": "rater_id practice_id answer at",
}
# The longest value of the round record a reader holds (docs/verify.md,
# step state); the other steps see the value cut there and at a NUL.
FIELD_MAX = {"round_id": 32, "title": 1023, "created_at": 31}
# The ballot columns that hold a number and those that hold text
# (docs/verify.md, step ballots: each of its type, or NULL where allowed).
BALLOT_INTS = ("rater_id", "seq", "task_position", "preference", "satisfaction", "flags_left", "flags_right",
               "active_seconds")
BALLOT_TEXTS = ("kind", "scores", "comment_left", "comment_right", "reason", "cast_at")
# What each step reads besides the round record, the rubrics and the
# ballots' own columns, and the type it must hold (docs/verify.md, "Stored
# values of their type"): "i" an integer (not a REAL, not text), "t" text
# (not a BLOB, no NUL byte); NULL passes.
_MANIFEST_TYPED = [
    ("entrant", "name", "t"), ("entrant", "team", "t"), ("entrant", "model", "t"), ("entrant", "aliases", "t"),
    ("prompt", "ext_id", "t"), ("prompt", "category", "t"), ("prompt", "prompt", "t"), ("prompt", "system", "t"),
    ("prompt", "reference", "t"), ("rater", "name", "t"), ("rater", "categories", "t"),
    ("blind_output", "id", "t"), ("blind_output", "prompt_id", "i"), ("reveal", "output_id", "t"),
    ("reveal", "entrant_id", "i"), ("gold", "prompt_id", "i"), ("gold", "better_id", "i"), ("gold", "worse_id", "i"),
    ("rubric", "instructions_ko", "t"), ("rubric", "instructions_en", "t"),
    ("practice", "ext_id", "t"), ("practice", "role", "t"), ("practice", "required", "i"),
    ("practice", "prompt", "t"), ("practice", "answer_a", "t"), ("practice", "answer_b", "t"),
    ("practice", "reference", "t"), ("practice", "note_ko", "t"), ("practice", "note_en", "t"),
]
TYPED = {
    "opening": [("opening", "opened_at", "t")],
    "enrolments": [("rater", "name", "t"), ("rater", "categories", "t"), ("rater", "enrolled_at", "t")],
    "ballots": [("task", "left_output", "t"), ("task", "right_output", "t"), ("blind_output", "id", "t")],
    "seal": [("closing", "closed_at", "t")],
    "manifest": _MANIFEST_TYPED,
    "assignment": [("task", "left_output", "t"), ("task", "right_output", "t"), ("reveal", "output_id", "t"),
                   ("reveal", "entrant_id", "i"), ("gold", "prompt_id", "i"), ("gold", "better_id", "i"),
                   ("gold", "worse_id", "i")],
}
STEP_LIMIT = 200_000_000  # SQLite VM steps, as simsa's backstop


def connect(path):
    """(connection, how it was read), read-only, never writing beside the file."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        raise Unreadable("%s: no such round file" % path)
    except OSError as e:
        raise Unreadable("%s: cannot read: %s" % (path, e.strerror))
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0") or head[18:20] not in (b"\1\1", b"\2\2"):
        raise Unreadable("%s: not a simsa round file" % path)
    uri = "file:" + urllib.parse.quote(os.path.abspath(path))
    if head[18] == 1:
        modes = [("?mode=ro&immutable=1", "a bundle: immutable (no -wal, -shm or -journal read or made)")]
    else:
        modes = [("?mode=ro", "a working round file with its WAL (read-only)")]
        if not os.path.exists(path + "-wal") and not os.path.exists(path + "-shm"):
            modes.append(("?mode=ro&immutable=1", "a working round file, immutable (its -shm could not be made)"))
    err = None
    for mode, read_as in modes:
        try:
            con = sqlite3.connect(uri + mode, uri=True, isolation_level=None)
            con.text_factory = bytes
            con.execute("PRAGMA trusted_schema = OFF")
            con.execute("PRAGMA query_only = ON")
            con.execute("SELECT count(*) FROM sqlite_schema").fetchone()
            return con, read_as
        except sqlite3.Error as e:
            err = e
    raise Unreadable("%s: cannot be read: %s" % (path, err))


def check_schema(con, path):
    """Refuses a file that is not simsa's schema 8 (tables and columns)."""
    app = con.execute("PRAGMA application_id").fetchone()[0]
    if app != APPLICATION_ID:
        raise Unreadable("%s: not a simsa round file (application_id %#x)" % (path, app & 0xFFFFFFFF))
    ver = con.execute("PRAGMA user_version").fetchone()[0]
    if ver != SCHEMA_VERSION:
        raise Unreadable(
            "%s: schema version %d; this verifier reads schema %d only (simsa verify upgrades an older one in memory)"
            % (path, ver, SCHEMA_VERSION)
        )
    rows = con.execute("SELECT type, name, tbl_name FROM sqlite_schema").fetchall()
    tables = set()
    for typ, name, tbl in rows:
        typ, name, tbl = typ.decode(), name.decode("utf-8", "replace"), tbl.decode("utf-8", "replace")
        if typ == "table":
            if name not in TABLES:
                raise Unreadable("%s: unexpected table '%s' (not in simsa's schema %d)" % (path, name, ver))
            tables.add(name)
        elif typ in ("index", "trigger"):
            if tbl not in TABLES:
                raise Unreadable("%s: unexpected %s '%s' (not in simsa's schema %d)" % (path, typ, name, ver))
        else:
            raise Unreadable("%s: unexpected %s '%s' (not in simsa's schema %d)" % (path, typ, name, ver))
    for name, cols in TABLES.items():
        if name not in tables:
            raise Unreadable("%s: table '%s' is missing (simsa's schema %d has it)" % (path, name, ver))
        have = [r[1].decode() for r in con.execute("PRAGMA table_info(%s)" % name)]
        if have != cols.split():
            raise Unreadable("%s: table '%s' differs from simsa's schema %d" % (path, name, ver))


def _untyped_text(col):
    """SQL true when col holds a value that is not text (a BLOB) or has a NUL
    byte: a reader of text would cut it there; NULL passes."""
    return "(%s IS NOT NULL AND (typeof(%s) <> 'text' OR instr(CAST(%s AS BLOB), x'00') > 0))" % (col, col, col)


def load(con):
    """Every row verify reads, in one read transaction."""
    steps = [0]

    def progress():
        steps[0] += 1000
        return 1 if steps[0] > STEP_LIMIT else 0

    con.set_progress_handler(progress, 1000)

    def q(sql):
        return con.execute(sql).fetchall()

    con.execute("BEGIN")
    try:
        d = {}
        d["round"] = q(
            "SELECT round_id, typeof(round_id), title, typeof(title), created_at, typeof(created_at), state,"
            " typeof(state) FROM round"
        )
        d["organizer"] = q("SELECT public_key FROM organizer")
        d["rubric"] = q(
            "SELECT component, source, text, hash, instructions_ko, instructions_en FROM rubric ORDER BY component"
        )
        d["entrant"] = q(
            "SELECT id, name, team, model, aliases, endpoint, api_key_env, params, system FROM entrant ORDER BY id"
        )
        d["prompt"] = q("SELECT id, ext_id, category, prompt, system, reference FROM prompt ORDER BY id")
        # each row's last column: whether a value of it is not of its type
        # (docs/verify.md, "Stored values of their type"): a check that
        # reads it fails
        d["rater"] = q(
            "SELECT id, name, role, public_key, categories, late, enrolled_at, signature, %s OR %s OR %s"
            " FROM rater ORDER BY id"
            % (_untyped_text("name"), _untyped_text("categories"), _untyped_text("enrolled_at"))
        )
        d["opening"] = q(
            "SELECT manifest_hash, seed_commitment, assignment_hash, opened_at, signature, sealed FROM opening"
        )
        d["blind_output"] = q("SELECT id, prompt_id, text, hash, %s FROM blind_output ORDER BY id"
                              % _untyped_text("id"))
        d["task"] = q(
            "SELECT id, rater_id, position, prompt_id, left_output, right_output, kind, replica, %s, %s FROM task"
            " ORDER BY id" % (_untyped_text("left_output"), _untyped_text("right_output"))
        )
        d["ballot"] = q(
            "SELECT id, hash, rater_id, seq, task_position, supersedes, bytes, signature, kind, left_hash,"
            " right_hash, preference, satisfaction, scores, flags_left, flags_right, comment_left,"
            " comment_right, reason, active_seconds, cast_at, "
            + ", ".join("typeof(%s)" % c for c in BALLOT_INTS + BALLOT_TEXTS)
            + " FROM ballot ORDER BY id"
        )
        # tasks whose id is not above the one before them in (rater,
        # position) order, as SQLite orders the stored values
        d["task_disorder"] = q(
            "SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY rater_id, position) AS prev FROM task)"
            " WHERE prev >= id")[0][0]
        d["closing"] = q("SELECT seed, salt, ballot_count, merkle_root, closed_at, signature FROM closing")
        # the 32-byte values the replay reads (not NULL, 32 bytes whatever
        # the storage class)
        d["not32"] = {
            (t, c): q("SELECT count(*) FROM %s WHERE length(CAST(%s AS BLOB)) IS NOT 32" % (t, c))[0][0]
            for t, c in (("opening", "manifest_hash"), ("closing", "seed"))
        }
        d["reveal"] = q("SELECT output_id, entrant_id, %s OR typeof(entrant_id) <> 'integer' FROM reveal"
                        % _untyped_text("output_id"))
        d["chain_head"] = q("SELECT rater_id, count, head FROM chain_head ORDER BY rater_id")
        d["gold"] = q("SELECT id, kind, role, prompt_id, better_id, worse_id FROM gold ORDER BY id")
        d["practice"] = q(
            "SELECT id, ext_id, role, required, prompt, answer_a, answer_b, reference, note_ko, note_en"
            " FROM practice ORDER BY id"
        )
        d["untyped"] = {}
        for table, col, typ in sorted({tc for cols in TYPED.values() for tc in cols}):
            cond = _untyped_text(col) if typ == "t" else "(%s IS NOT NULL AND typeof(%s) <> 'integer')" % (col, col)
            d["untyped"][(table, col)] = q("SELECT count(*) FROM %s WHERE %s" % (table, cond))[0][0]
        d["cleared"] = {
            t: q("SELECT count(*) FROM %s" % t)[0][0]
            for t in ("output", "generation", "screen_decision", "screen_word", "import_log", "draft")
        }
        # open empties every rubric's source (text '', not NULL, not a BLOB)
        # and clears the entrants' settings (docs/verify.md, step cleared)
        d["cleared"]["rubric_sources"] = q("SELECT count(*) FROM rubric WHERE source IS NOT ''")[0][0]
        d["cleared"]["entrant_settings"] = q(
            "SELECT count(*) FROM entrant WHERE endpoint IS NOT NULL OR api_key_env IS NOT NULL"
            " OR params IS NOT NULL OR system IS NOT NULL")[0][0]
    except sqlite3.Error as e:
        raise Unreadable("the file cannot be read: %s" % e)
    finally:
        try:
            con.execute("COMMIT")
        except sqlite3.Error:
            pass
    if len(d["round"]) != 1:
        raise Unreadable("the round record is missing")
    return d


# ---------------------------------------------------------------------------
# The steps (docs/verify.md)

CHECKED = {
    "state": "the round record: round_id, title and created_at whole, and round.state draft, open or closed"
    " as the opening and closing rows say",
    "opening": "the organizer's signature on the opening statement (with the hash of the sealed secrets)",
    "enrolments": "the organizer's signature on every rater's enrolment (and, closed, its time not after the close)",
    "outputs": "every output's and rubric's text against its BLAKE2b-256 hash",
    "cleared": "what open removes (draft outputs, generation records, screening, the import log, rubric paths,"
    " entrants' endpoints and settings) and close removes (drafts) is gone",
    "ballots": "every ballot's signature, canonical bytes, stored columns, round, manifest, rater, assigned task,"
    " the outputs shown and (closed) its time not after the close",
    "chains": "every rater's chain: sequence, links from the genesis value, supersession, one counted ballot per task",
    "seal": "the organizer's signature on the seal, and the Merkle root and every chain head against the ballots",
    "seed": "the revealed seed against the commitment made at open",
    "manifest": "the manifest hash recomputed from the revealed inputs",
    "assignment": "every task against the assignment replayed from the revealed seed and the manifest",
    "pinned": "values published outside the file: the organizer's key, the sealed Merkle root, and each"
    " checkpoint's signature and the ballots it covers",
}
OPEN_STEPS = ["state", "opening", "enrolments", "outputs", "cleared", "ballots", "chains"]
CLOSED_STEPS = ["seal", "seed", "manifest", "assignment"]
MAX_SHOWN = 50


class Step:
    def __init__(self, name):
        self.name, self.items, self.failures, self.t0 = name, 0, [], time.monotonic()
        self.seconds = 0.0

    def fail(self, msg):
        self.failures.append(msg)

    def report(self):
        shown = self.failures[:MAX_SHOWN]
        if len(self.failures) > MAX_SHOWN:
            shown.append("... and %d more" % (len(self.failures) - MAX_SHOWN))
        return {
            "step": self.name,
            "checked": CHECKED[self.name],
            "items": self.items,
            "passed": not self.failures,
            "failed": len(self.failures),
            "failures": shown,
            "seconds": self.seconds,
        }


def txt(b):
    """Bytes of a stored text for a message, made harmless to print: a
    bundle may come from someone hostile, so control, format (bidi,
    zero-width) and unassigned characters show as \\u{XXXX}."""
    if b is None:
        return "NULL"
    if not isinstance(b, bytes):  # a number (an integer or a REAL where one was due)
        return str(b)
    out = []
    for ch in b.decode("utf-8", "replace"):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append("\\u{%04X}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def whole(value, field):
    """A round record value as the other steps use it (cut at a NUL and at
    the field's length), and whether it was whole."""
    if not isinstance(value, bytes):
        value = b"" if value is None else str(value).encode()
    cut = value.split(b"\0", 1)[0][: FIELD_MAX[field]]
    return cut


def is_utc(t):
    """A UTC time (docs/verify.md, "Times"): exactly YYYY-MM-DDTHH:MM:SSZ,
    ASCII digits where the pattern has them and the other characters
    exactly, and a real time: year 0001-9999, month 01-12, a day of that
    month (29 February in a Gregorian leap year only), hour 00-23, minute
    and second 00-59 (no leap second). Such times compare in time order
    as byte strings."""
    if not isinstance(t, bytes) or len(t) != 20:
        return False
    if not all(c in b"0123456789" if p == "9" else bytes([c]) == p.encode()
               for c, p in zip(t, "9999-99-99T99:99:99Z")):
        return False
    year, month, day = int(t[0:4]), int(t[5:7]), int(t[8:10])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return (1 <= year and 1 <= month <= 12 and 1 <= day <= days[month - 1]
            and int(t[11:13]) <= 23 and int(t[14:16]) <= 59 and int(t[17:19]) <= 59)


def close_time(closing):
    """The sealed close time the after-close checks and the report use:
    closing.closed_at's bytes up to any NUL, whatever their storage class (a
    value not of its type is the seal step's failure); None before close."""
    if closing is None:
        return None
    v = closing[4]
    if v is None:
        return b""
    if not isinstance(v, bytes):
        v = str(v).encode()
    return v.split(b"\0", 1)[0]


def after_close(t, closed, verb):
    """Why a signed time fails against the sealed close time, or None: it
    must be a UTC time not after the close (which must be one too)."""
    if closed is None:
        return None
    if is_utc(t) and is_utc(closed) and t <= closed:
        return None
    return "%s at %s, after the close at %s" % (
        verb, txt(t) if is_utc(t) else "%s (not a UTC time)" % txt(t),
        txt(closed) if is_utc(closed) else "(not a UTC time)")


class Round:
    """What the steps share: the rows, decoded."""

    def __init__(self, d):
        self.d = d
        rid, rid_t, title, title_t, created, created_t, state, state_t = d["round"][0]
        self.raw = {
            "round_id": (rid, rid_t),
            "title": (title, title_t),
            "created_at": (created, created_t),
        }
        self.round_id = whole(rid, "round_id")
        self.title = whole(title, "title")
        self.created_at = whole(created, "created_at")
        # the state is text (not a BLOB, no NUL byte) or it is none of the three
        self.state = (state.decode("utf-8", "replace") if isinstance(state, bytes) else None)
        if state is not None and (state_t != b"text" or b"\0" in state):
            self.state = "%s (not text)" % txt(state)
        self.organizer = d["organizer"][0][0] if len(d["organizer"]) == 1 else None
        self.opening = d["opening"][0] if d["opening"] else None
        self.closing = d["closing"][0] if d["closing"] else None
        self.closed_at = close_time(self.closing)
        self.manifest_hash = self.opening[0] if self.opening else None
        self.raters = d["rater"]
        self.rater_by_id = {r[0]: r for r in self.raters}
        # an output whose id is not of its type is no task's output
        self.blind = {o[0]: o for o in d["blind_output"] if not o[4]}
        self.rubrics = {}
        for comp, _src, text, _hash, *_instructions in d["rubric"]:
            if comp not in (b"expert", b"user"):  # the schema's CHECK lets NULL through
                raise Unreadable("the round holds a rubric for an unknown component")
            name = comp.decode("utf-8", "replace")
            self.rubrics[name] = parse_rubric(text if isinstance(text, bytes) else b"", name)
        # the tasks whose rater and position are integers in range; the
        # others are left out (and reported by the assignment step)
        self.tasks = [row for row in d["task"] if _in_range(row[1], 2**63 - 1) and _in_range(row[2], U32_MAX)]
        self.valid_ballots = set()  # ids whose signature verifies under their rater's key
        self.decoded = {}  # ballot id -> decoded fields

    def rater_name(self, rid):
        r = self.rater_by_id.get(rid)
        return txt(r[1]) if r else "#%s" % rid


def step_state(rnd, st):
    st.items = 1
    for field, (value, typ) in rnd.raw.items():
        if typ != b"text" or not isinstance(value, bytes) or b"\0" in value or len(value) > FIELD_MAX[field]:
            st.fail("round.%s is not text of the expected length" % field)
        elif field == "round_id" and (len(value) != 32 or any(c not in b"0123456789abcdef" for c in value)):
            st.fail("round.round_id is not 32 lower-case hex digits")
    has_open, has_close = rnd.opening is not None, rnd.closing is not None
    # one failure each: a closing without an opening; the state not one of
    # the three, or not the one the rows say
    if has_close and not has_open:
        st.fail("the round has a closing but no opening")
    if rnd.state not in ("draft", "open", "closed"):
        st.fail("round.state is %s, not draft, open or closed" % ("NULL" if rnd.state is None else repr(rnd.state)))
    else:
        want = "closed" if has_close else "open" if has_open else "draft"
        if rnd.state != want:
            what = "a closing" if has_close else "an opening" if has_open else "no opening"
            st.fail("round.state is '%s' but the round has %s" % (rnd.state, what))


def step_opening(rnd, st):
    if rnd.opening is None:
        st.fail("the round has not been opened")
        return
    st.items = 1
    mh, commitment, ahash, opened_at, sig, sealed = rnd.opening
    if rnd.organizer is None:
        st.fail("the round has no organizer key")
        return
    stmt = (
        b"simsa/opening/v2\0"
        + enc_str(rnd.round_id)
        + mh
        + commitment
        + ahash
        + enc_str(opened_at)
        + h256(sealed if isinstance(sealed, bytes) else b"")
    )
    if rnd.d["untyped"][("opening", "opened_at")]:
        # not the value signed (docs/verify.md, "Stored values of their type")
        st.fail("the opening statement's signature is not checked: the time it signs is not text")
    elif not verify_sig(rnd.organizer, stmt, sig):
        st.fail("the opening statement's signature does not verify under the organizer's key")


def step_enrolments(rnd, st):
    for rid, name, role, key, cats, late, enrolled_at, sig, untyped in rnd.raters:
        st.items += 1
        if untyped:  # not the values signed: checked no further
            st.fail("rater '%s': enrolment signature not checked: a value it signs is not of its type"
                    " (name, categories or enrolment time not text)" % txt(name))
            continue
        stmt = (
            b"simsa/enrolment/v1\0"
            + enc_str(rnd.round_id)
            + enc_str(name)
            + enc_str(role)
            + (key if isinstance(key, bytes) else b"")
            + enc_opt(cats)
            + u8(late if late in (0, 1) else 0xFF)
            + enc_str(enrolled_at)
        )
        if rnd.organizer is None or not verify_sig(rnd.organizer, stmt, sig) or late not in (0, 1):
            st.fail("rater '%s': enrolment signature does not verify" % txt(name))
            continue  # checked no further, as a ballot whose signature fails
        late_msg = after_close(enrolled_at, rnd.closed_at, "enrolled")
        if late_msg:
            st.fail("rater '%s': %s" % (txt(name), late_msg))


def step_outputs(rnd, st):
    for oid, _prompt, text, hsh, _untyped in rnd.d["blind_output"]:
        st.items += 1
        if not isinstance(text, bytes) or h256(text) != hsh:
            st.fail("output %s: its text does not match its hash (altered after open)" % txt(oid))
    for comp, _src, text, hsh, *_instructions in rnd.d["rubric"]:
        st.items += 1
        if not isinstance(text, bytes) or h256(text) != hsh:
            st.fail("rubric '%s': its text does not match rubric.hash" % txt(comp))


def step_cleared(rnd, st):
    if rnd.opening is None:
        return
    c = rnd.d["cleared"]
    for table, what in (
        ("output", "draft outputs"),
        ("generation", "generation records"),
        ("screen_decision", "screening decisions"),
        ("screen_word", "screening words"),
        ("import_log", "import log rows"),
    ):
        st.items += 1
        if c[table]:
            st.fail("%d %s are still in the round (open removes them)" % (c[table], what))
    # one failure per check that finds something left (the check's items),
    # saying how many rows or values
    st.items += 1
    if c["rubric_sources"]:
        st.fail("%d rubrics have a source path (open empties rubric.source)" % c["rubric_sources"])
    st.items += 1
    if c["entrant_settings"]:
        st.fail("%d entrants have an endpoint, api_key_env, params or system (open clears them)"
                % c["entrant_settings"])
    if rnd.closing is not None:
        st.items += 1
        if c["draft"]:
            st.fail("%d drafts are still in the round (close removes them)" % c["draft"])


def _col_int(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _in_range(v, hi):
    """Whether a stored value is an integer in 0..hi."""
    return _col_int(v) is not None and 0 <= v <= hi


def step_ballots(rnd, st):
    tasks = {}
    for _tid, rater_id, pos, _p, left, right, _k, _r, bad_left, bad_right in rnd.tasks:
        # an output id not of its type names no output
        tasks[(rater_id, pos)] = (None if bad_left else left, None if bad_right else right)
    for row in rnd.d["ballot"]:
        (bid, hsh, rater_id, seq, tpos, sup, data, sig, kind, lh, rh, pref, sat, scores, fl, fr, cl, cr, reason,
         active, cast_at) = row[:21]
        st.items += 1
        who = "ballot %s (%s)" % (bid, rnd.rater_name(rater_id))
        rater = rnd.rater_by_id.get(rater_id)
        if rater is None:
            st.fail("%s: cast by no enrolled rater" % who)
            continue
        data = data if isinstance(data, bytes) else b""
        if not verify_sig(rater[3], data, sig):
            st.fail("%s: signature does not verify under the rater's key" % who)
            continue
        try:
            b = decode_ballot(data)
        except BadBallot as e:
            st.fail("%s: its signed bytes do not decode: %s" % (who, e))
            continue
        rnd.valid_ballots.add(bid)
        rnd.decoded[bid] = b
        problems = []
        if hsh != h256(data):
            problems.append("stored hash is not the hash of its bytes")
        # every stored column of its type and the signed value: one failure
        # per column that is not (docs/verify.md, "How failures are
        # counted"); the other kind's columns NULL
        text = _texts_typed(row)
        expert = b["kind"] == "expert"
        sides = b["sides"] if expert else None
        if expert:
            try:
                stored_scores = json.loads(scores) if text["scores"] and scores is not None else None
            except ValueError:
                stored_scores = None
        want_sat = None if expert or b["satisfaction"] == NOT_GIVEN else b["satisfaction"]
        cols = [
            ("seq", _col_int(seq) == b["seq"], False),
            ("task_position", _col_int(tpos) == b["task_position"], False),
            ("supersedes", sup == b["supersedes"], False),
            ("kind", text["kind"] and kind == b["kind"].encode(), False),
            ("left_hash", lh == b["left_hash"], False),
            ("right_hash", rh == b["right_hash"], False),
            ("active_seconds", _col_int(active) == b["active_seconds"], False),
            ("cast_at", text["cast_at"] and cast_at == b["cast_at"], False),
            # an expert's
            ("scores", stored_scores == scores_json(sides) and _strict_ints(stored_scores) if expert
             else scores is None, not expert),
            ("flags_left", _col_int(fl) == sides[0][1] if expert else fl is None, not expert),
            ("flags_right", _col_int(fr) == sides[1][1] if expert else fr is None, not expert),
            ("comment_left", text["comment_left"] and cl == sides[0][2] if expert else cl is None, not expert),
            ("comment_right", text["comment_right"] and cr == sides[1][2] if expert else cr is None, not expert),
            # a user's
            ("preference", pref is None if expert else _col_int(pref) == b["preference"], expert),
            ("satisfaction", sat is None if want_sat is None else _col_int(sat) == want_sat, expert),
            ("reason", reason is None if expert else text["reason"] and reason == b["reason"], expert),
        ]
        for name, same, other_kind in cols:
            if not same:
                problems.append("stored column '%s' differs from the signed ballot%s" % (
                    name, "" if not other_kind else " (none on an expert ballot)" if expert
                    else " (none on a user ballot)"))
        if b["round_id"] != rnd.round_id:
            problems.append("cast in another round (%s)" % txt(b["round_id"]))
        if rnd.manifest_hash is None or b["manifest_hash"] != rnd.manifest_hash:
            problems.append("signed for another manifest than the one signed at open")
        if b["rater_key"] != rater[3]:
            problems.append("signed bytes name another rater's key")
        task = tasks.get((rater_id, b["task_position"]))
        if task is None:
            problems.append("task %d was never assigned to this rater" % (b["task_position"] + 1))
        else:
            shown = []
            for out_id in task:
                o = rnd.blind.get(out_id) if out_id is not None else None
                shown.append(o[3] if o else None)
            if None in shown or (b["left_hash"], b["right_hash"]) != tuple(shown):
                problems.append("the outputs signed are not those task %d showed, in that order"
                                % (b["task_position"] + 1))
        problems += _against_rubric(rnd, rater, b)
        late_msg = after_close(b["cast_at"], rnd.closed_at, "cast")
        if late_msg:
            problems.append(late_msg)
        for p in problems:
            st.fail("%s: %s" % (who, p))


def _texts_typed(row):
    """For each text column of a ballot row: NULL, or text without a NUL
    byte (not a BLOB)."""
    types = dict(zip(BALLOT_INTS + BALLOT_TEXTS, row[21:]))
    values = dict(zip(BALLOT_TEXTS, (row[8], row[13], row[16], row[17], row[18], row[20])))
    return {c: types[c] == b"null" or (types[c] == b"text" and b"\0" not in values[c]) for c in BALLOT_TEXTS}


def _strict_ints(scores):
    """The stored scores are whole numbers (json.loads would equal 1.0 and 1)."""
    return all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for side in scores for v in side)


def _against_rubric(rnd, rater, b):
    role = rater[2]
    if role != b["kind"].encode():
        return ["a %s ballot from a rater enrolled as %s" % (b["kind"], txt(role))]
    rub = rnd.rubrics.get(b["kind"])
    if rub is None:
        return ["the round has no %s rubric" % b["kind"]]
    out = []
    if b["kind"] == "expert":
        want = [c[0].encode() for c in rub["criteria"]]
        if b["criteria"] != want:
            return ["its criteria are not the expert rubric's, in its order"]
        for side_name, side in zip("AB", b["sides"]):
            for (cid, crit), v in zip(rub["criteria"], side[0]):
                if v == NOT_APPLICABLE:
                    if crit["required"]:
                        out.append("criterion %s on side %s marked not applicable, but required" % (cid, side_name))
                elif not crit["lo"] <= v <= crit["hi"]:
                    out.append("criterion %s on side %s: %d is outside the scale %d-%d"
                               % (cid, side_name, v, crit["lo"], crit["hi"]))
    else:
        sat = rub["satisfaction"]
        v = b["satisfaction"]
        # not given passes, whatever [satisfaction] says of required: no
        # cast requires it (docs/ballot-format.md, docs/verify.md)
        if v == NOT_GIVEN:
            pass
        elif sat is None:
            out.append("a satisfaction the user rubric does not ask for")
        elif not sat["lo"] <= v <= sat["hi"]:
            out.append("satisfaction %d is outside the scale %d-%d" % (v, sat["lo"], sat["hi"]))
    return out


def chains(rnd):
    """rater id -> its chain: the ballots whose signature verifies, in cast order."""
    out = {}
    for row in rnd.d["ballot"]:
        if row[0] in rnd.valid_ballots:
            out.setdefault(row[2], []).append(row)
    return out


def genesis(rnd, key):
    return h256(b"simsa/chain-genesis/v1\0" + enc_str(rnd.round_id) + (key if isinstance(key, bytes) else b""))


def step_chains(rnd, st):
    per = chains(rnd)
    for rater in rnd.raters:
        rows = per.get(rater[0], [])
        name = txt(rater[1])
        prev_seq, prev_hash = 0, genesis(rnd, rater[3])
        current = {}  # task position -> stored hash of its current ballot
        for row in rows:
            st.items += 1
            bid, hsh = row[0], row[1]
            b = rnd.decoded[bid]
            if b["seq"] != prev_seq + 1:
                st.fail("rater '%s': ballot %s has sequence %d after %d (a ballot is missing or repeated)"
                        % (name, bid, b["seq"], prev_seq))
            if b["prev_hash"] != prev_hash:
                st.fail("rater '%s': ballot %s does not link to the previous ballot of the chain" % (name, bid))
            pos = b["task_position"]
            if b["supersedes"] is not None and current.get(pos) != b["supersedes"]:
                st.fail("rater '%s': ballot %s supersedes a ballot that is not the counted one of the same task"
                        % (name, bid))
            elif b["supersedes"] is None and pos in current:
                st.fail("rater '%s': ballot %s answers task %d again without superseding its ballot"
                        % (name, bid, pos + 1))
            current[pos] = hsh
            prev_seq, prev_hash = b["seq"], hsh


def step_seal(rnd, st):
    st.items = 1
    seed, salt, count, root, closed_at, sig = rnd.closing
    ballots = rnd.d["ballot"]
    # the statement signs the counts as u32 and the close time as text: a
    # value not of its type (a count past 32 bits, a REAL, a BLOB) or a
    # head missing is not the one signed (docs/verify.md, "Stored values of
    # their type"), and a check that reads it fails
    count_ok = _in_range(count, U32_MAX)
    unsigned = not count_ok or rnd.d["untyped"][("closing", "closed_at")] > 0
    if not count_ok:
        st.fail("closing.ballot_count is not an integer in range")
        st.fail("the round has %d ballots, the seal's count is no count (not an integer in range)" % len(ballots))
    elif count != len(ballots):
        st.fail("the round has %d ballots, the seal counts %s (ballots added or removed after close)"
                % (len(ballots), txt(count)))
    if merkle_root([leaf(r) for r in ballots]) != root:
        st.fail("the Merkle root of the ballots is not the sealed root")
    heads = {h[0]: h for h in rnd.d["chain_head"]}
    per = chains(rnd)
    stmt = b"simsa/seal/v1\0" + enc_str(rnd.round_id) + (rnd.manifest_hash or b"") + seed + salt
    stmt += u32(count if count_ok else 0) + root + u32(len(rnd.raters))
    for rater in rnd.raters:
        rid, key = rater[0], rater[3]
        chain = per.get(rid, [])
        # the head is the last ballot's sequence number and stored hash, as
        # a cast reads it (docs/ballot-format.md, "Casting"); a gap in the
        # chain is the chains step's
        have_count = rnd.decoded[chain[-1][0]]["seq"] if chain else 0
        have_head = chain[-1][1] if chain else genesis(rnd, key)
        h = heads.get(rid)
        if h is None:
            st.fail("rater '%s' has no sealed chain head" % txt(rater[1]))
            unsigned = True
            continue
        head_ok = _in_range(h[1], U32_MAX)
        if not head_ok:
            st.fail("rater '%s': the sealed chain head's count is not an integer in range" % txt(rater[1]))
            unsigned = True
        stmt += key + u32(h[1] if head_ok else 0) + (h[2] if isinstance(h[2], bytes) else b"")
        if not head_ok or h[1] != have_count or h[2] != have_head:
            st.fail("rater '%s': the chain ends at ballot %d, the seal says %s" % (txt(rater[1]), have_count,
                                                                                    txt(h[1])))
    for rid in heads:
        if rid not in rnd.rater_by_id:
            st.fail("a sealed chain head for no enrolled rater (#%s)" % rid)
    stmt += enc_str(closed_at)
    if unsigned:
        st.fail("the seal's signature is not checked: a value it signs is missing or not of its type")
    elif rnd.organizer is None or not verify_sig(rnd.organizer, stmt, sig):
        st.fail("the seal's signature does not verify under the organizer's key")


def step_seed(rnd, st):
    st.items = 1
    seed = rnd.closing[0]
    if rnd.opening is None:
        st.fail("the round has no opening to hold the seed's commitment")
        return
    want = h256(b"simsa/seed-commitment/v1\0" + enc_str(rnd.round_id) + rnd.manifest_hash, key=seed)
    if want != rnd.opening[1]:
        st.fail("the revealed seed does not match its commitment")


def _indices(rnd):
    """prompt id -> index, entrant id -> index, output id -> (prompt index, entrant index)."""
    pidx = {p[0]: i for i, p in enumerate(rnd.d["prompt"])}
    eidx = {e[0]: i for i, e in enumerate(rnd.d["entrant"])}
    owner = {o: e for o, e, untyped in rnd.d["reveal"] if not untyped}  # a row not of its type reveals nothing
    return pidx, eidx, owner


def manifest_bytes(rnd, version=3):
    """The manifest's encoding (docs/manifest.md): v3, or v2 (what simsa
    signed before schema 8: no instructions, no practice tasks)."""
    pidx, eidx, owner = _indices(rnd)
    salt = rnd.closing[1]
    m = b"simsa/manifest/v%d\0" % version + enc_str(rnd.round_id) + enc_str(rnd.title) + enc_str(rnd.created_at) + salt
    m += b"\1" + rnd.organizer if rnd.organizer is not None else b"\0"
    m += u32(len(rnd.d["rubric"]))
    for comp, _src, text, _hash, instr_ko, instr_en in sorted(rnd.d["rubric"], key=lambda r: r[0]):
        m += enc_str(comp) + enc_str(text)
        if version >= 3:
            m += enc_opt(instr_ko) + enc_opt(instr_en)
    m += u32(len(rnd.d["entrant"]))
    for _id, name, team, model, aliases, *_rest in rnd.d["entrant"]:
        m += enc_str(name) + enc_opt(team) + enc_opt(model) + enc_opt(aliases)
    m += u32(len(rnd.d["prompt"]))
    for _id, ext_id, category, prompt, system, reference in rnd.d["prompt"]:
        m += enc_str(ext_id) + enc_str(category) + enc_str(prompt) + enc_opt(system) + enc_opt(reference)
    outs = []
    for oid, prompt_id, _text, hsh, _untyped in rnd.d["blind_output"]:
        if prompt_id not in pidx or owner.get(oid) not in eidx:
            return None
        outs.append((pidx[prompt_id], eidx[owner[oid]], hsh))
    outs.sort(key=lambda o: (o[0], o[1]))
    m += u32(len(outs))
    for p, e, hsh in outs:
        m += u32(p) + u32(e) + hsh
    regular = [r for r in rnd.raters if r[5] == 0]
    m += u32(len(regular))
    for _id, name, role, key, cats, *_rest in regular:
        m += enc_str(name) + enc_str(role) + key + enc_opt(cats)
    m += u32(len(rnd.d["gold"]))
    for _id, kind, role, prompt_id, better, worse in rnd.d["gold"]:
        known = kind == b"known"
        m += u8(1 if known else 0) + enc_str(role)
        if known:
            if prompt_id not in pidx or better not in eidx or worse not in eidx:
                return None
            m += u32(pidx[prompt_id]) + u32(eidx[better]) + u32(eidx[worse])
        else:
            m += u32(0) * 3
    if version < 3:
        return m
    m += u32(len(rnd.d["practice"]))
    for _id, ext_id, role, required, prompt, a, b, reference, note_ko, note_en in rnd.d["practice"]:
        m += enc_str(ext_id) + enc_str(role if role in (b"expert", b"user") else b"")
        m += u8(1 if required != 0 else 0) + enc_str(prompt) + enc_str(a) + enc_str(b)
        m += enc_opt(reference) + enc_opt(note_ko) + enc_opt(note_en)
    return m


def step_manifest(rnd, st):
    st.items = 1
    if any(rnd.d["untyped"][(t, c)] for t, c, _typ in _MANIFEST_TYPED):
        # an input not of its type is not the one hashed at open: one failure
        st.fail("the manifest is not recomputed: an input is not of its type")
        return
    m = manifest_bytes(rnd)
    ok = m is not None and h256(m) == rnd.manifest_hash
    # v2 stands for a round only when nothing v3 added is stored
    if not ok and not rnd.d["practice"] and all(r[4] is None and r[5] is None for r in rnd.d["rubric"]):
        m = manifest_bytes(rnd, 2)
        ok = m is not None and h256(m) == rnd.manifest_hash
    if not ok:
        st.fail("the inputs (rubrics, entrants, prompts, outputs, raters) do not hash to the manifest signed at open")


def replay_inputs(rnd):
    pidx, eidx, _owner = _indices(rnd)
    prompts = rnd.d["prompt"]
    # categories are numbered by first appearance in prompt order
    cat_index = {}
    cat = []
    for p in prompts:
        cat.append(cat_index.setdefault(p[2], len(cat_index)))
    expert_rub = rnd.rubrics.get("expert")
    user_rub = rnd.rubrics.get("user")
    by_category = bool(expert_rub and expert_rub["by_category"])
    raters = []
    for rid, _name, role, key, cats, late, *_rest in rnd.raters:
        role = role.decode("utf-8", "replace") if isinstance(role, bytes) else ""
        idx = []
        if role == "expert" and by_category and cats is not None:
            try:
                names = json.loads(cats)
            except ValueError:
                raise Refused("rater #%s: categories are not a JSON array" % rid)
            for c in names:
                c = c.encode() if isinstance(c, str) else b""
                if c in cat_index:  # a category no prompt has is dropped
                    idx.append(cat_index[c])
        raters.append({"role": role, "late": late == 1, "cats": idx, "key": key})
    gold = []
    for _id, kind, role, prompt_id, better, worse in rnd.d["gold"]:
        g = {"kind": KNOWN if kind == b"known" else REPEAT if kind == b"repeat" else -1,
             "role": role.decode("utf-8", "replace") if isinstance(role, bytes) else ""}
        if g["kind"] == KNOWN:
            g["prompt"] = pidx.get(prompt_id, -1)
            g["left"] = eidx.get(better, -1)
            g["right"] = eidx.get(worse, -1)
        gold.append(g)
    k = user_rub["raters_per_slot"] if user_rub else 2
    m = expert_rub["ratings_per_output"] if expert_rub else 2
    passes = tuple(c for c in ("user", "expert") if c in rnd.rubrics)
    return len(rnd.d["entrant"]), len(prompts), cat, raters, k, m, gold, passes


# What the replay reads besides the rubrics and the numbers of entrants and
# prompts: a value not of its type (and a manifest hash or seed not of 32
# bytes) is not the one the assignment was drawn from, and the assignment
# cannot be replayed.
REPLAY_READS = [("gold", "prompt_id"), ("gold", "better_id"), ("gold", "worse_id"), ("prompt", "category"),
                ("rater", "categories")]


def step_assignment(rnd, st):
    seed = rnd.closing[0]
    if rnd.opening is None:  # no manifest hash was signed to replay from
        st.fail("the assignment cannot be replayed: the round has no opening")
        return
    if any(rnd.d["untyped"][tc] for tc in REPLAY_READS) or any(rnd.d["not32"].values()):
        st.fail("the assignment cannot be replayed: a value it reads is not of its type")
        return
    try:
        E, N, cat, raters, k, m, gold, passes = replay_inputs(rnd)
        tasks = assign(seed, rnd.manifest_hash or b"", E, N, cat, raters, k, m, gold, passes=passes)
    except Refused as e:
        st.fail("the assignment cannot be replayed: %s" % e)
        return
    st.items = len(tasks)
    at_open = [t for t in tasks if not raters[t[0]]["late"]]
    if h256(assign_encode(at_open)) != rnd.opening[2]:
        st.fail("the replayed assignment's hash is not the one signed at open")
    prompts, entrants = rnd.d["prompt"], rnd.d["entrant"]
    _pidx, _eidx, owner = _indices(rnd)
    left_out = len(rnd.d["task"]) - len(rnd.tasks)
    if left_out:
        st.fail("%d tasks have a rater or position that is not an integer in range" % left_out)
    stored = {(row[1], row[2]): row for row in rnd.tasks}
    if len(rnd.tasks) != len(tasks):
        st.fail("the round stores %d tasks, the replay gives %d" % (len(rnd.tasks), len(tasks)))
    want_keys = set()
    for r, pos, q, a, b, kind, replica, _g in tasks:
        rid = rnd.raters[r][0]
        name = txt(rnd.raters[r][1])
        want_keys.add((rid, pos))
        row = stored.get((rid, pos))
        if row is None:
            st.fail("rater '%s': task %d is missing" % (name, pos + 1))
            continue
        # A task's outputs are checked by the entrant each id reveals to (as
        # simsa does, docs/verify.md); which prompt an output id belongs to
        # is the manifest step's (blind_output.prompt_id).
        pid = prompts[q][0]
        left = None if row[8] else owner.get(row[4])  # an id not of its type reveals to no one
        right = None if row[9] else owner.get(row[5])
        if _col_int(row[3]) != pid or left != entrants[a][0] or right != entrants[b][0]:
            st.fail("rater '%s': task %d is not the one the seed assigns (prompt or order of outputs differs)"
                    % (name, pos + 1))
        if not (_in_range(row[3], 2**63 - 1) and _in_range(row[7], U32_MAX)):
            st.fail("rater '%s': task %d has a prompt or replica that is not an integer in range" % (name, pos + 1))
        elif row[6] != KIND_NAME[kind] or row[7] != replica:
            st.fail("rater '%s': task %d is stored as %s (replica %s); the seed assigns %s (replica %d)"
                    % (name, pos + 1, txt(row[6]), txt(row[7]), KIND_NAME[kind].decode(), replica))
    for key, row in stored.items():
        if key not in want_keys:
            st.fail("rater '%s': task %d is not in the replayed assignment" % (rnd.rater_name(key[0]), row[2] + 1))
    if rnd.d["task_disorder"]:
        st.fail("task ids do not ascend in (rater, position) order")


STEP_FUNCS = {
    "state": step_state,
    "opening": step_opening,
    "enrolments": step_enrolments,
    "outputs": step_outputs,
    "cleared": step_cleared,
    "ballots": step_ballots,
    "chains": step_chains,
    "seal": step_seal,
    "seed": step_seed,
    "manifest": step_manifest,
    "assignment": step_assignment,
}


# ---------------------------------------------------------------------------
# Checkpoints (docs/checkpoint.md) and the step pinned (docs/verify.md,
# "Pinned values"): values published outside the file, given on the command
# line.

CHECKPOINT_MAX_BYTES = 1 << 20
CHECKPOINT_MAX_SIGS = 100
MAX_CHECKPOINTS = 64
U32_MAX = 0xFFFFFFFF


class Malformed(Exception):
    """A checkpoint file that is not exactly the format: refused before any
    round is read (exit status 1)."""


def _quote(s):
    """Text of a checkpoint for a message, made harmless to print."""
    return txt(s.encode("utf-8", "replace"))


def _b64(s, size=None, least=0):
    """The bytes of canonical RFC 4648 base64 (standard alphabet, padded),
    or None."""
    if not s or len(s) % 4 or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
                                  for c in s):
        return None
    try:
        raw = base64.b64decode(s, validate=True)
    except (ValueError, binascii.Error):
        return None
    if base64.b64encode(raw).decode() != s:
        return None
    if (size is not None and len(raw) != size) or len(raw) < least:
        return None
    return raw


def _decimal(s, least):
    """A count: decimal digits, no leading zeros, least..2^32-1; or None."""
    if not s or not all("0" <= c <= "9" for c in s) or (len(s) > 1 and s[0] == "0") or len(s) > 10:
        return None
    v = int(s)
    return v if least <= v <= U32_MAX else None


def parse_checkpoint(path):
    """A checkpoint file, checked to be exactly the format (docs/checkpoint.md,
    "Format" and "Reading a checkpoint"): a dict with origin, round_id, size,
    root, heads [(key, count, hash)], text (the signed note text) and sigs
    [(name, key ID, signature)]; raises Malformed naming the file, line and
    field."""
    name = txt(os.fsencode(path))
    try:
        with open(path, "rb") as f:
            data = f.read(CHECKPOINT_MAX_BYTES + 1)
    except OSError as e:
        raise Malformed("%s: cannot read the checkpoint: %s" % (name, e.strerror))
    if len(data) > CHECKPOINT_MAX_BYTES:
        raise Malformed("%s: more than 1 MiB, not a checkpoint" % name)
    if not data:
        raise Malformed("%s: empty, not a checkpoint" % name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Malformed("%s:%d: not valid UTF-8" % (name, data[: e.start].count(b"\n") + 1))
    for i, ch in enumerate(text):
        o = ord(ch)
        if ch != "\n" and (o < 0x20 or o == 0x7F):  # ASCII's, as signed-note's rule
            line = text[:i].count("\n") + 1
            crlf = ": CRLF line ends" if ch == "\r" and text[i + 1 : i + 2] == "\n" else ""
            raise Malformed("%s:%d: a control character (0x%02X)%s" % (name, line, o, crlf))
    if not text.endswith("\n"):
        raise Malformed("%s:%d: the last line does not end with a newline" % (name, text.count("\n") + 1))
    lines = text[:-1].split("\n")
    if "" not in lines:
        raise Malformed("%s: no blank line between the checkpoint text and its signature lines" % name)
    blank = lines.index("")
    body, sig_lines = lines[:blank], lines[blank + 1 :]
    if blank == 0:
        raise Malformed("%s:1: checkpoint text: empty" % name)
    if not sig_lines:
        raise Malformed("%s: no signature lines after the blank line" % name)
    for j, ln in enumerate(sig_lines):
        if ln == "":
            raise Malformed("%s:%d: checkpoint text: an empty line inside the text (only one blank line, before"
                            " the signatures)" % (name, blank + 2 + j))
    if len(body) < 4:
        raise Malformed("%s:%d: checkpoint text: %d lines; origin, tree size, root hash and time are needed"
                        % (name, len(body), len(body)))
    cp = {"file": name, "text": "".join(ln + "\n" for ln in body).encode("utf-8")}
    origin = body[0]
    rid = origin[len("simsa/") :]
    if not (origin.startswith("simsa/") and len(rid) == 32 and all(c in "0123456789abcdef" for c in rid)):
        raise Malformed('%s:1: origin: \'%s\' is not "simsa/" and a round id (32 lower-case hex digits)'
                        % (name, _quote(origin)))
    cp["origin"], cp["round_id"] = origin, rid
    cp["size"] = _decimal(body[1], 0)
    if cp["size"] is None:
        raise Malformed("%s:2: tree size: '%s' is not a ballot count (a decimal number without leading zeros,"
                        " at most %d)" % (name, _quote(body[1]), U32_MAX))
    cp["root"] = _b64(body[2], 32)
    if cp["root"] is None:
        raise Malformed("%s:3: root hash: '%s' is not the canonical base64 of a 32-byte hash"
                        % (name, _quote(body[2])))
    if not (body[3].startswith("time ") and is_utc(body[3][5:].encode())):
        raise Malformed("%s:4: time: '%s' is not \"time \" and a UTC time (YYYY-MM-DDTHH:MM:SSZ)"
                        % (name, _quote(body[3])))
    cp["time"] = body[3][5:]
    heads, keys = [], set()
    for i, ln in enumerate(body[4:], 5):
        if not ln.startswith("head "):
            raise Malformed("%s:%d: extension line: '%s' is not a line of a simsa checkpoint"
                            % (name, i, _quote(ln)))
        parts = ln[5:].split(" ")
        if len(parts) != 3:
            raise Malformed("%s:%d: chain head: '%s' is not \"head KEY COUNT HASH\"" % (name, i, _quote(ln)))
        key, count, hsh = _b64(parts[0], 32), _decimal(parts[1], 1), _b64(parts[2], 32)
        if key is None:
            raise Malformed("%s:%d: chain head key: '%s' is not the canonical base64 of a 32-byte key"
                            % (name, i, _quote(parts[0])))
        if count is None:
            raise Malformed("%s:%d: chain head count: '%s' is not a ballot count (1 or more, no leading zeros)"
                            % (name, i, _quote(parts[1])))
        if hsh is None:
            raise Malformed("%s:%d: chain head hash: '%s' is not the canonical base64 of a 32-byte hash"
                            % (name, i, _quote(parts[2])))
        if key in keys:
            raise Malformed("%s:%d: chain head: a second head of the same rater's key" % (name, i))
        keys.add(key)
        heads.append((key, count, hsh))
    total = sum(h[1] for h in heads)
    if total != cp["size"]:
        raise Malformed("%s: tree size: %d ballots, but the chain heads count %d (lines 5 to %d)"
                        % (name, cp["size"], total, len(body)))
    cp["heads"] = heads
    sigs, seen = [], set()
    for j, ln in enumerate(sig_lines):
        at = blank + 2 + j
        if j >= CHECKPOINT_MAX_SIGS:
            raise Malformed("%s:%d: signature line: more than %d signature lines" % (name, at, CHECKPOINT_MAX_SIGS))
        if not ln.startswith("\u2014 "):
            raise Malformed("%s:%d: signature line: does not begin with an em dash (U+2014) and a space"
                            % (name, at))
        rest = ln[2:]
        kname, sp, b64 = rest.partition(" ")
        if not sp or not kname:
            raise Malformed("%s:%d: signature line: '%s' is not \"\u2014 NAME SIGNATURE\"" % (name, at, _quote(rest)))
        if "+" in kname:
            raise Malformed("%s:%d: key name: '%s' has a plus sign" % (name, at, _quote(kname)))
        raw = _b64(b64, least=5)
        if raw is None:
            raise Malformed("%s:%d: signature: '%s' is not the canonical base64 of a key ID and a signature"
                            % (name, at, _quote(b64)))
        if (kname, raw[:4]) in seen:
            raise Malformed("%s:%d: signature line: a second signature with the same key name and ID" % (name, at))
        seen.add((kname, raw[:4]))
        sigs.append((kname, raw[:4], raw[4:]))
    cp["sigs"] = sigs
    return cp


def _leaf_typed(row):
    """Whether a ballot row's columns are of their types, as the pinned step
    needs them: rater_id a non-negative integer, seq and task_position
    integers in 0..2^32-1, and kind, scores, comments, reason and cast_at NULL
    or text without a NUL byte."""
    for v, hi in ((row[2], 2**63 - 1), (row[3], U32_MAX), (row[4], U32_MAX)):
        if _col_int(v) is None or not 0 <= v <= hi:
            return False
    texts = dict(zip(BALLOT_TEXTS, row[21 + len(BALLOT_INTS):]))
    values = dict(zip(BALLOT_TEXTS, (row[8], row[13], row[16], row[17], row[18], row[20])))
    return all(texts[c] == b"null" or (texts[c] == b"text" and b"\0" not in values[c]) for c in BALLOT_TEXTS)


def key_id(name, public_key):
    """A signed-note Ed25519 key ID: SHA-256(name || LF || 0x01 || key), first 4 bytes."""
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()[:4]


def step_pinned(rnd, st, pins):
    """Every value pinned on the command line against the round."""
    pub, root, checkpoints = pins.get("organizer_pubkey"), pins.get("root"), pins.get("checkpoints", [])
    organizer = rnd.organizer if isinstance(rnd.organizer, bytes) else None
    if pub is not None:
        st.items += 1
        if organizer != pub:
            st.fail("the round's organizer key is %s, not the pinned %s"
                    % (organizer.hex() if organizer is not None else "missing", pub.hex()))
    if root is not None:
        st.items += 1
        if rnd.closing is None:
            st.fail("the round is not closed: no sealed root to compare with the pinned %s" % root.hex())
        elif rnd.closing[3] != root:
            sealed = rnd.closing[3]
            st.fail("the sealed Merkle root is %s, not the pinned %s (the round was sealed again, or is not the one"
                    " published)" % (sealed.hex() if isinstance(sealed, bytes) else txt(sealed), root.hex()))
    if not checkpoints:
        return
    # the log as stored: every ballot row in cast order, as the seal's
    # Merkle tree takes it, each the ballot numbered by its `seq` column of
    # the rater its `rater_id` names (docs/checkpoint.md, "Reading a
    # checkpoint"); a row not of its types is no rater's
    log = []
    for row in rnd.d["ballot"]:
        data = row[6] if isinstance(row[6], bytes) else b""
        if _leaf_typed(row):
            log.append((row[2], row[3], h256(data), leaf(row)))
        else:
            log.append((None, _col_int(row[3]), h256(data), leaf(row)))
    place = {}  # (rater id, seq) -> first leaf index
    for i, (rid, seq, _h, _l) in enumerate(log):
        place.setdefault((rid, seq), i)
    seqs = {}  # rater id -> its sequence numbers in the log, ascending
    # (a number past the log's length is not looked for: such a head
    # covers more ballots than the log has, which fails anyway)
    for rid, seq in sorted(k for k in place if k[0] is not None and k[1] is not None and k[1] <= len(log)):
        seqs.setdefault(rid, []).append(seq)
    by_key = {}
    for r in rnd.raters:
        if isinstance(r[3], bytes):
            by_key.setdefault(r[3], r)
    for cp in checkpoints:
        st.items += 1
        f = cp["file"]
        if cp["round_id"].encode() != rnd.round_id:
            st.fail("%s: a checkpoint of round %s, not of this round (%s)" % (f, cp["round_id"], txt(rnd.round_id)))
            continue
        key = pub if pub is not None else organizer
        which = "the pinned organizer key" if pub is not None else "the round's organizer key"
        if key is None:
            st.fail("%s: not checked: the round has no organizer key" % f)
            continue
        kid = key_id(cp["origin"], key)
        sig = [s for s in cp["sigs"] if s[0] == cp["origin"] and s[1] == kid]
        if not sig:
            st.fail("%s: not signed by %s (no signature line of %s with key ID %s)" % (f, which, cp["origin"],
                                                                                     kid.hex()))
            continue
        if not verify_sig(key, cp["text"], sig[0][2]):
            st.fail("%s: its signature by the organizer's key (key ID %s) does not verify: the checkpoint was"
                    " altered or forged" % (f, kid.hex()))
            continue
        n = cp["size"]
        before = len(st.failures)
        covered = {}  # rater id -> count
        for hkey, count, hsh in cp["heads"]:
            rater = by_key.get(hkey)
            if rater is None:
                st.fail("%s: a chain head of a key no rater of the round holds (%s)"
                        % (f, base64.b64encode(hkey).decode()))
                continue
            rname = txt(rater[1])
            covered[rater[0]] = count

            def missing(lo, hi):  # a run of missing ballots is one failure
                if lo == hi:
                    st.fail("%s: rater '%s': ballot %d, covered by the checkpoint, is missing from the log"
                            % (f, rname, lo))
                elif lo < hi:
                    st.fail("%s: rater '%s': ballots %d to %d, covered by the checkpoint, are missing from the log"
                            % (f, rname, lo, hi))

            want = 1  # the first sequence number not yet seen
            for s in seqs.get(rater[0], []):
                if s < 1 or s > count:
                    continue
                missing(want, s - 1)
                want = s + 1
                i = place[(rater[0], s)]
                if i >= n:
                    st.fail("%s: rater '%s': ballot %d is at leaf %d, after the checkpoint's %d leaves (moved)"
                            % (f, rname, s, i, n))
                if s == count and log[i][2] != hsh:
                    st.fail("%s: rater '%s': ballot %d (leaf %d) is not the one the checkpoint covers: the chain"
                            " was changed at or before it" % (f, rname, s, i))
            missing(want, count)
        for i, (rid, seq, _h, _l) in enumerate(log[:n]):
            if rid is None or seq is None or not 1 <= seq <= covered.get(rid, 0):
                owner = "rater '%s's" % rnd.rater_name(rid) if rid is not None else "no rater's"
                st.fail("%s: leaf %d holds %s ballot %s, which the checkpoint does not cover (a ballot before it"
                        " was removed or moved)" % (f, i, owner, seq))
        if len(log) < n:
            st.fail("%s: the checkpoint covers %d ballots; the log has only %d" % (f, n, len(log)))
        elif merkle_root([entry[3] for entry in log[:n]]) != cp["root"]:
            st.fail("%s: the first %d leaves of the log do not hash to the checkpoint's root%s" % (
                f, n, " (every ballot it covers is here: their order changed)" if len(st.failures) == before else ""))


def published(rnd):
    """What an auditor compares with what the organizer published
    (docs/verify.md, "What to compare"): the organizer key as stored and its
    fingerprint; the sealed ballot count, Merkle root and close time (open
    or draft: the count and root of the ballots now, no close time)."""
    key = rnd.organizer if isinstance(rnd.organizer, bytes) else None
    out = {
        "organizer_key": key.hex() if key is not None else None,
        "organizer_fingerprint": h256(key).hex() if key is not None else None,
    }
    if rnd.closing is not None:
        count, root = rnd.closing[2], rnd.closing[3]
        # the stored count; null when it is not an integer in 0..2^32-1
        # (the seal step fails it)
        out["ballot_count"] = count if _col_int(count) is not None and 0 <= count <= U32_MAX else None
        out["merkle_root"] = root.hex() if isinstance(root, bytes) else txt(root)
        out["closed_at"] = txt(rnd.closed_at) if is_utc(rnd.closed_at) else "(not a UTC time)"
    else:
        out["ballot_count"] = len(rnd.d["ballot"])
        out["merkle_root"] = merkle_root([leaf(r) for r in rnd.d["ballot"]]).hex()
        out["closed_at"] = None
    return out


def verify(path, pins=None):
    """The report of one file (a dict with simsa's keys); raises Unreadable."""
    t0 = time.monotonic()
    con, read_as = connect(path)
    try:
        check_schema(con, path)
        d = load(con)
    finally:
        con.close()
    load_seconds = time.monotonic() - t0
    try:
        rnd = Round(d)
    except Unreadable as e:
        raise Unreadable("%s: %s" % (path, e))
    names = OPEN_STEPS + (CLOSED_STEPS if rnd.closing is not None else []) + (["pinned"] if pins else [])
    steps = []
    for name in names:
        st = Step(name)
        try:
            if name == "pinned":
                step_pinned(rnd, st, pins)
            else:
                STEP_FUNCS[name](rnd, st)
            for table, col, typ in TYPED.get(name, ()):
                n = rnd.d["untyped"][(table, col)]
                if n:
                    st.fail("%d values of %s.%s are not %s" % (
                        n, table, col, "integers" if typ == "i" else "text (a BLOB, or a NUL byte with a tail after it)"))
        except (TypeError, ValueError, KeyError, IndexError, struct.error) as e:
            # a value of an unexpected type: the step cannot vouch for it
            st.fail("a stored value cannot be read as the documents say (%s: %s)" % (type(e).__name__, e))
        st.seconds = time.monotonic() - st.t0
        steps.append(st.report())
    state = rnd.state if rnd.state in ("draft", "open", "closed") else "unknown-state"
    return {
        "round_id": txt(rnd.round_id),
        "state": state,
        **published(rnd),
        "complete": rnd.closing is not None,
        "ok": all(s["passed"] for s in steps),
        "steps": steps,
        "load_seconds": load_seconds,
        "seconds": time.monotonic() - t0,
        "read_as": read_as,
    }


def text_report(path, rep):
    lines = ["verify %s: %s round %s" % (txt(os.fsencode(path)), rep["state"], rep["round_id"]),
             "  read as %s" % rep["read_as"],
             "  organizer key %s" % (rep["organizer_key"] or ""),
             "  fingerprint   %s" % (rep["organizer_fingerprint"] or ""),
             "  %-13s %s ballots, Merkle root %s" % (
                 "sealed" if rep["complete"] else "so far",
                 "(not a ballot count)" if rep["ballot_count"] is None else rep["ballot_count"], rep["merkle_root"])]
    if rep["complete"]:
        lines.append("  closed at     %s" % rep["closed_at"])
    for s in rep["steps"]:
        if s["passed"]:
            lines.append("  ok    %-11s %d checked: %s" % (s["step"], s["items"], s["checked"]))
        else:
            lines.append("  FAIL  %-11s %d checked, %d failed: %s" % (s["step"], s["items"], s["failed"], s["checked"]))
            lines += ["          - %s" % f for f in s["failures"]]
    if not rep["complete"]:
        lines.append(
            "  note: the seal, the seed, the manifest and the assignment can be checked once the round is closed"
        )
    failed = [s for s in rep["steps"] if not s["passed"]]
    if failed:
        lines.append("result: FAILED (%d of %d steps)" % (len(failed), len(rep["steps"])))
    else:
        lines.append("result: all %d steps passed" % len(rep["steps"]))
    return "\n".join(lines) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(
        prog="verify.py",
        description="check every signature, chain, assignment and the seal of simsa rounds or bundles, "
        "independently of simsa; exit 0 only if all pass",
        epilog="With several files, one report each, in order (with --format json, one JSON document a line); "
        "the exit status is 0 only if every file passes.",
    )
    ap.add_argument("files", nargs="+", metavar="ROUND.db|BUNDLE")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                    help="a checkpoint the organizer published (simsa checkpoint); at most %d" % MAX_CHECKPOINTS)
    ap.add_argument("--organizer-pubkey", metavar="HEX",
                    help="the organizer's published public key (64 hex digits): the round's must be it, and"
                    " checkpoints are checked under it")
    ap.add_argument("--root", metavar="HEX", help="the Merkle root published at close (64 hex digits)")
    args = ap.parse_args(argv)
    pins = {}
    for opt, what in (("organizer_pubkey", "the key"), ("root", "the Merkle root")):
        v = getattr(args, opt)
        if v is None:
            continue
        if len(v) != 64 or any(c not in "0123456789abcdefABCDEF" for c in v):
            ap.error("--%s takes %s as 64 hex digits" % (opt.replace("_", "-"), what))
        pins[opt] = bytes.fromhex(v)
    if len(args.checkpoint) > MAX_CHECKPOINTS:
        ap.error("at most %d --checkpoint files" % MAX_CHECKPOINTS)
    if args.checkpoint:
        # every checkpoint is read, and a malformed one refused, before any round
        try:
            pins["checkpoints"] = [parse_checkpoint(f) for f in args.checkpoint]
        except Malformed as e:
            sys.stderr.write("verify.py: %s\n" % e)
            return 1
    several = len(args.files) > 1
    status = 0
    for path in args.files:
        try:
            rep = verify(path, pins)
        except Unreadable as e:
            msg = txt(str(e).encode("utf-8", "replace"))
            sys.stderr.write("verify.py: %s\n" % (msg if msg.startswith(path) else "%s: %s" % (path, msg)))
            if several and args.format == "json":
                print(json.dumps({"ok": False, "error": msg}, ensure_ascii=False), flush=True)
            status = 1
            continue
        if not rep["ok"]:
            status = 1
        if args.format == "json":
            print(json.dumps(rep, ensure_ascii=False, indent=None if several else 2), flush=True)
        else:
            sys.stdout.write(text_report(path, rep))
            sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
