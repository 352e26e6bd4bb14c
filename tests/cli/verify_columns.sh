# Command-level test: docs/verify.md, "What covers each stored value",
# names every column of the round file's schema, and only those (issue 13:
# verify derives, never trusts). A fresh round from `simsa init` holds the
# whole schema of the current version; every table and column it has
# (PRAGMA table_info) must have its row in the doc's table, and every row
# there must name a column that exists. Each row says what covers the
# value and whether points use it.
. "$(dirname "$0")/../cli_lib.sh"

doc=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/docs/verify.md
db=$T/round.db
expect_ok "init a round" init "$db" --title "columns"

if [ -f "$doc" ]; then ok "docs/verify.md is there"; else not_ok "docs/verify.md is there" "$doc"; fi

sqlite3 "$db" "SELECT m.name || ' ' || p.name FROM sqlite_schema m, pragma_table_info(m.name) p
	WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid" >"$T/schema"
if [ -s "$T/schema" ]; then
	ok "the schema lists $(wc -l <"$T/schema") columns"
else
	not_ok "the schema lists its columns" "sqlite3 gave none"
fi

# The doc's table: the first one under the heading, rows of four cells.
# Prints "table column" per row; a malformed row is reported on stderr.
python3 - "$doc" >"$T/doc" 2>"$T/doc.err" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
try:
    i = lines.index("## What covers each stored value")
except ValueError:
    print("no section '## What covers each stored value'", file=sys.stderr)
    sys.exit(1)
i += 1
while i < len(lines) and not lines[i].startswith("| table | column |"):
    if lines[i].startswith("## "):
        break
    i += 1
if i >= len(lines) or not lines[i].startswith("| table | column |"):
    print("no table '| table | column | covered by | points |' in the section", file=sys.stderr)
    sys.exit(1)
bad = 0
seen = set()
for line in lines[i + 2:]:
    if not line.startswith("|"):
        break
    cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
    if len(cells) != 4 or not cells[0] or not cells[1] or not cells[2]:
        print("malformed row: " + line, file=sys.stderr); bad = 1; continue
    if not re.match(r"(yes|no|gate)\b", cells[3]):
        print("points is not yes, no or gate: " + line, file=sys.stderr); bad = 1
    key = cells[0] + " " + cells[1]
    if key in seen:
        print("twice: " + key, file=sys.stderr); bad = 1
    seen.add(key)
    print(key)
sys.exit(bad)
PY
if [ $? -eq 0 ] && [ -s "$T/doc" ]; then
	ok "the doc's table parses: $(wc -l <"$T/doc") rows"
else
	not_ok "the doc's table parses" "$(cat "$T/doc.err")"
fi

sort "$T/schema" >"$T/schema.s"
sort "$T/doc" >"$T/doc.s"
missing=$(comm -23 "$T/schema.s" "$T/doc.s")
gone=$(comm -13 "$T/schema.s" "$T/doc.s")
if [ -z "$missing" ]; then
	ok "every column of the schema is in docs/verify.md"
else
	not_ok "every column of the schema is in docs/verify.md" "missing (table column): $(echo "$missing" | paste -sd, -)"
fi
if [ -z "$gone" ]; then
	ok "every column in docs/verify.md is in the schema"
else
	not_ok "every column in docs/verify.md is in the schema" "no longer in the schema: $(echo "$gone" | paste -sd, -)"
fi

finish
