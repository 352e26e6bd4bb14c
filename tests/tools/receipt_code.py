"""Receipt codes as docs/ballot-format.md ("Receipts") defines them, written
from that page alone: the tests' own second implementation.

    python3 tests/tools/receipt_code.py PLACE HASH_HEX   prints the code
    from receipt_code import code                        code(place, hash_bytes)
"""
import sys

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U"


def code(place, digest):
    """The receipt code of the ballot at place (0-based) with this hash."""
    head = ""
    while True:
        head = ALPHABET[place % 32] + head
        place //= 32
        if not place:
            break
    bits = int.from_bytes(bytes(digest[:10]), "big")
    body = "".join(ALPHABET[(bits >> (75 - 5 * i)) & 31] for i in range(16))
    value = 0
    for ch in head + body:
        value = value * 32 + ALPHABET.index(ch)
    groups = "-".join(body[i:i + 4] for i in range(0, 16, 4))
    return "%s-%s-%s" % (head, groups, ALPHABET[value % 37])


if __name__ == "__main__":
    print(code(int(sys.argv[1]), bytes.fromhex(sys.argv[2])))
