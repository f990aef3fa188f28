#!/usr/bin/env python3
"""An independent verifier of the evidence ledger's proofs, written from RFC 9162 section 2.1
(the Merkle tree of Certificate Transparency 2.0) with nothing but hashlib. It shares no code
with the hub: tests/api/ledger.rs runs it on what the hub's API answers.

Reads one JSON object on standard input and exits 0 when the proof holds, 1 when it does not:

  {"check": "inclusion", "leaf_hash": HEX, "leaf_index": N, "tree_size": N,
   "path": [HEX...], "root": HEX}
  {"check": "consistency", "first": M, "second": N, "first_root": HEX,
   "second_root": HEX, "path": [HEX...]}
  {"check": "leaf", "leaf": HEX, "leaf_hash": HEX}          (leaf hash = SHA-256(0x00 || leaf))
  {"check": "root", "leaf_hashes": [HEX...], "root": HEX}    (MTH of the leaves, section 2.1.1)
"""

import hashlib
import json
import sys


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def mth(hashes):
    """MTH over leaf hashes (section 2.1.1): split at the largest power of two below n."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def verify_inclusion(leaf, index, size, path, root):
    """Section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, path):
    """Section 2.1.4.2; equal sizes need an empty proof and equal roots."""
    if first < 1 or first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def main():
    asked = json.load(sys.stdin)
    h = bytes.fromhex
    check = asked["check"]
    if check == "inclusion":
        ok = verify_inclusion(h(asked["leaf_hash"]), asked["leaf_index"], asked["tree_size"],
                              [h(p) for p in asked["path"]], h(asked["root"]))
    elif check == "consistency":
        ok = verify_consistency(asked["first"], asked["second"], h(asked["first_root"]),
                                h(asked["second_root"]), [h(p) for p in asked["path"]])
    elif check == "leaf":
        ok = leaf_hash(h(asked["leaf"])) == h(asked["leaf_hash"])
    elif check == "root":
        ok = mth([h(x) for x in asked["leaf_hashes"]]) == h(asked["root"])
    else:
        print(f"unknown check {check!r}", file=sys.stderr)
        return 2
    print("ok" if ok else "REJECTED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
