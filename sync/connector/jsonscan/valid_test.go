package jsonscan_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// TestValidMatchesEncodingJSON: Valid agrees with json.Valid on generated
// documents and on every kind of damage done to them: cuts, a byte
// replaced by one of JSON's structural or troublesome bytes, a byte
// inserted, a byte dropped.
func TestValidMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	var value func(depth int) string
	value = func(depth int) string {
		switch n := rng.IntN(10); {
		case n < 3 || depth > 3:
			b, _ := json.Marshal([]string{"", "plain", `q"\`, "tab\tnl\n", "é 🚀", "\x00\x1f", "\xff", "</x>&"}[rng.IntN(8)])
			return string(b)
		case n == 3:
			return []string{"null", "true", "false"}[rng.IntN(3)]
		case n == 4:
			return []string{"0", "-0", "12", "-3.25", "1e5", "2E-7", "6.02e+23", "123456789012345678901234567890"}[rng.IntN(8)]
		case n == 5:
			return `"\u00e9\ud83d\ude80\/\b\f\r"`
		case n < 8:
			parts := make([]string, rng.IntN(4))
			for i := range parts {
				parts[i] = value(depth + 1)
			}
			return "[" + strings.Join(parts, ", ") + "]"
		default:
			parts := make([]string, rng.IntN(4))
			for i := range parts {
				parts[i] = `"k` + string(rune('a'+i)) + `" :` + value(depth+1)
			}
			return "{\n" + strings.Join(parts, ",\t") + "}"
		}
	}
	check := func(b []byte) {
		t.Helper()
		if got, want := jsonscan.Valid(b), json.Valid(b); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid = %v", b, got, want)
		}
	}
	swaps := []byte(`{}[]:,"\ ` + "\x00\x1f\xff" + `0-.eE+utfnlx`)
	for range 4000 {
		doc := []byte(" " + value(0) + " ")
		check(doc)
		for range 8 {
			check(doc[:rng.IntN(len(doc)+1)])
			i := rng.IntN(len(doc))
			mut := append([]byte(nil), doc...)
			mut[i] = swaps[rng.IntN(len(swaps))]
			check(mut)
			check(append(append(append([]byte(nil), doc[:i]...), swaps[rng.IntN(len(swaps))]), doc[i:]...))
			check(append(append([]byte(nil), doc[:i]...), doc[i+1:]...))
		}
	}
	for _, s := range []string{``, ` `, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `"\u12"`, `"\x"`, `[1,]`, `{"a":1,}`, `nul`, `truex`, `"a" "b"`, "\"\t\""} {
		check([]byte(s))
	}
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	check([]byte(deep))
	check([]byte("[" + deep + "]"))
}

// TestElements: each element of an array, in order, as encoding/json
// splits it; damage is an error.
func TestElements(t *testing.T) {
	doc := ` [ {"a": [1, "]"]}, "x\"", null , 1.5e3, [] ] `
	var want []json.RawMessage
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := jsonscan.Elements([]byte(doc), func(v []byte) error { got = append(got, string(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != string(want[i]) {
			t.Fatalf("element %d: %s, encoding/json %s", i, got[i], want[i])
		}
	}
	if err := jsonscan.Elements([]byte(`[]`), func([]byte) error { t.Fatal("called on an empty array"); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range len(doc) - 1 {
		if err := jsonscan.Elements([]byte(doc[:i]), func([]byte) error { return nil }); err == nil && strings.TrimSpace(doc[:i]) != "" {
			t.Errorf("cut at %d (%q): no error", i, doc[:i])
		}
	}
	for _, bad := range []string{`{}`, `"x"`, `[1 2]`, `[1,]`, ``} {
		if err := jsonscan.Elements([]byte(bad), func([]byte) error { return nil }); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestCheckedMembers: the whole object is checked before any member is
// handed over, and a repeated name is refused.
func TestCheckedMembers(t *testing.T) {
	var names []string
	collect := func(name, _ []byte) error { names = append(names, string(name)); return nil }
	if err := jsonscan.CheckedMembers([]byte(`{"a":1,"b":[2],"c":{"a":3}}`), collect); err != nil || strings.Join(names, ",") != "a,b,c" {
		t.Fatalf("names %q, err %v", names, err)
	}
	names = nil
	if err := jsonscan.CheckedMembers([]byte(`{"a":1,"b":tru}`), collect); err == nil || len(names) != 0 {
		t.Fatalf("damaged object: err %v after handing over %q", err, names)
	}
	if err := jsonscan.CheckedMembers([]byte(`{"a":1,"a":2}`), collect); !errors.Is(err, jsonscan.ErrRepeated) {
		t.Fatalf("repeated name: %v", err)
	}
}
