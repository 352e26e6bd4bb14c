# Identity screening sees through disguises (docs/opening.md, "Identity
# screening"): look-alike letters from other scripts, a name spelled in
# invisible Unicode tag characters, letters spaced out, and well-known model
# vendors and families named with no alias given; Latin names match as whole
# words. Rater names that read the same as an enrolled rater's are refused.
. "$(dirname "$0")/../cli_lib.sh"

db=$T/round.db
# Dasol gives no aliases at all: the vendor names come from simsa's own list
cat >"$T/entrants.jsonl" <<'J'
{"name": "Dasol"}
{"name": "gaon", "team": "가온"}
J
: >"$T/prompts.jsonl"
: >"$T/outputs.jsonl"
# tags STRING: STRING spelled in Unicode tag characters (U+E0000 + ASCII),
# which a terminal draws as nothing
tags() { python3 -c "import sys; sys.stdout.write(''.join(chr(0xE0000 + ord(c)) for c in sys.argv[1]))" "$1"; }
i=0
# out ID TEXT: a prompt and the outputs of both entrants, Dasol's being TEXT
out() {
	printf '{"id": "%s", "category": "c", "prompt": "자기소개를 해 주세요."}\n' "$1" >>"$T/prompts.jsonl"
	python3 -c 'import json, sys
for e, t in (("Dasol", sys.argv[2]), ("gaon", "좋은 질문입니다.")):
    print(json.dumps({"prompt_id": sys.argv[1], "entrant": e, "output": t}, ensure_ascii=False))' \
		"$1" "$2" >>"$T/outputs.jsonl"
}
out cyrillic "안녕하세요, 저는 D$(printf '\320\260')sol입니다."
out tagged "안녕하세요$(tags Dasol) 반갑습니다."
out spaced "제 이름은 D a s o l 입니다."
out dotted "제 이름은 D.a.s.o.l 입니다."
out dashed "제 이름은 D-a-s-o-l 입니다."
out capital_i "저는 DasoI 모델입니다."
out vendor "저는 Cohere의 Command R+ 모델입니다."
out korean_vendor "저는 클로드입니다."
out coherence "Coherence matters: 글의 일관성이 중요합니다."
out dasolution "Dasolution is not a name."

expect_ok "init" init "$db" --title "위장 시험"
expect_ok "entrants import" entrants import "$db" "$T/entrants.jsonl"
expect_ok "prompts import" prompts import "$db" "$T/prompts.jsonl"
expect_ok "outputs import" outputs import "$db" "$T/outputs.jsonl"
expect_fail "outputs screen finds the disguised names" 1 "hits undecided" outputs screen "$db" --format json
cp "$T/out" "$T/hits.json"
# hits PROMPT: "term:source" of Dasol's output for PROMPT, sorted
hits() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s:%s" % (h["term"], h["source"]) for h in d if h["prompt"] == sys.argv[2] and h["entrant"] == "Dasol")))' \
		"$T/hits.json" "$1"
}
# expect_hits DESC PROMPT WANT
expect_hits() {
	got=$(hits "$2")
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1" "want: $3" "got: $got"; fi
}
expect_hits "a Cyrillic look-alike letter (Dаsol) is seen through" cyrillic "Dasol:entrant"
expect_hits "a name spelled in Unicode tag characters is seen through" tagged "Dasol:entrant"
expect_hits "letters spaced out (D a s o l) are seen through" spaced "Dasol:entrant"
expect_hits "letters separated by dots (D.a.s.o.l) are seen through" dotted "Dasol:entrant"
expect_hits "letters separated by hyphens (D-a-s-o-l) are seen through" dashed "Dasol:entrant"
expect_hits "a capital I for an l (DasoI) is seen through" capital_i "Dasol:entrant"
expect_hits "a vendor and a model family are flagged with no alias given" vendor "Cohere:builtin Command R:builtin"
expect_hits "a Korean spelling of a model family is flagged" korean_vendor "클로드:builtin"
expect_hits "Coherence is not Cohere: Latin names match as whole words" coherence ""
expect_hits "Dasolution is not Dasol" dasolution ""
if [ "$(json_get "$T/hits.json" "len([h for h in d if h['entrant'] == 'gaon'])")" = 0 ]; then
	ok "the plain outputs have no hits"
else
	not_ok "the plain outputs have no hits" "$(cat "$T/hits.json")"
fi
# every hit carries its context, sanitized for display
ctx=$(json_get "$T/hits.json" "[h['context'] for h in d if h['prompt'] == 'vendor' and h['term'] == 'Cohere'][0]")
case $ctx in
*"저는 Cohere의 Command R+ 모델입니다."*) ok "a hit carries its context" ;;
*) not_ok "a hit carries its context" "$ctx" ;;
esac
ctx=$(json_get "$T/hits.json" "[h['context'] for h in d if h['prompt'] == 'tagged'][0]")
case $ctx in
*"안녕하세요⟨tag:D⟩⟨tag:a⟩⟨tag:s⟩⟨tag:o⟩⟨tag:l⟩ 반갑"*) ok "the context shows the hidden tag characters readably" ;;
*) not_ok "the context shows the hidden tag characters readably" "$ctx" ;;
esac
run outputs screen "$db"
if grep -q 'undecided  prompt vendor, entrant Dasol: mentions "Cohere" (a well-known model name)' "$T/out" &&
	grep -qF '저는 Cohere의 Command R+ 모델입니다.' "$T/out"; then
	ok "the text listing names the built-in term and shows the context"
else
	not_ok "the text listing names the built-in term and shows the context" "$(cat "$T/out")"
fi

# raters whose names read the same are refused at enrolment
expect_ok "rater add alice" rater add "$db" --name alice --role user
expect_fail "a name with a capital I for an l is refused, naming both" 1 \
	"rater name 'aIice' is confusable with the enrolled rater 'alice'" rater add "$db" --name aIice --role user
check "the refused rater gets no key file" test ! -e "$T/round.keys/aIice.key"
expect_fail "a name with a digit 1 for an l is refused" 1 "confusable with the enrolled rater 'alice'" \
	rater add "$db" --name a1ice --role user
expect_fail "the same name in capitals is refused" 1 "confusable with the enrolled rater 'alice'" \
	rater add "$db" --name ALICE --role user
expect_ok "a different name is enrolled" rater add "$db" --name alicia --role user
if [ "$(sqlite3 "$db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM rater ORDER BY id)")" = "alice alicia" ]; then
	ok "only the distinct names were enrolled"
else
	not_ok "only the distinct names were enrolled" "$(sqlite3 "$db" 'SELECT name FROM rater')"
fi

finish
