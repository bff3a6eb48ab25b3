package store

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFieldsCodecMatchesEncodingJSON checks the hand-written codec against
// encoding/json on generated maps with quotes, escapes, control characters,
// HTML characters, non-ASCII, surrogate-pair emoji and invalid UTF-8.
func TestFieldsCodecMatchesEncodingJSON(t *testing.T) {
	pieces := []string{"", "a", "Ada Lovelace", `"`, `\`, "\n", "\t", "\x01", "\x1f", "<b>&</b>", "é", "日本", "😀", "\u2028", "\xff", "/", `\/`, `\u0041`, ":", ",", "{}", "}"}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		s := ""
		for range rng.IntN(5) {
			s += pieces[rng.IntN(len(pieces))]
		}
		return s
	}
	for i := range 20000 {
		m := map[string]string{}
		for range rng.IntN(6) {
			m[str()] = str()
		}
		ours := EncodeFields(m)
		// What we write, encoding/json reads back the same as it reads its own.
		std, _ := json.Marshal(m)
		var fromOurs, fromStd map[string]string
		if err := json.Unmarshal([]byte(ours), &fromOurs); err != nil {
			t.Fatalf("case %d: encoding/json cannot read %q: %v", i, ours, err)
		}
		if err := json.Unmarshal(std, &fromStd); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(fromOurs, fromStd) && len(m) > 0 {
			t.Fatalf("case %d: %q reads as %q, encoding/json's %q as %q", i, ours, fromOurs, std, fromStd)
		}
		// What we or encoding/json wrote, DecodeFields reads as encoding/json does.
		for _, s := range []string{ours, string(std)} {
			if got := DecodeFields(s); !maps.Equal(got, fromStd) && len(m) > 0 {
				t.Fatalf("case %d: DecodeFields(%q) = %q, want %q", i, s, got, fromStd)
			}
		}
	}
}

func TestDecodeFieldsDamaged(t *testing.T) {
	for _, s := range []string{`{"a":`, `{"a":"b"`, `["a"]`, `not json`, `{"a":"b",}`} {
		if got := DecodeFields(s); len(got) != 0 {
			t.Errorf("DecodeFields(%q) = %q, want empty", s, got)
		}
	}
	if got := DecodeFields(`{"a":"b","c":"d"}`); got["a"] != "b" || got["c"] != "d" || len(got) != 2 {
		t.Errorf("plain object: %q", got)
	}
}

func BenchmarkDecodeFields(b *testing.B) {
	s := EncodeFields(map[string]string{"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace", "phone": "+1 212 555 0100", "jobtitle": "Analyst", "city": "London"})
	for b.Loop() {
		DecodeFields(s)
	}
}

// BenchmarkDecodeFieldsEncodingJSON is the same object through
// encoding/json, for comparison with BenchmarkDecodeFields.
func BenchmarkDecodeFieldsEncodingJSON(b *testing.B) {
	s := EncodeFields(map[string]string{"email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace", "phone": "+1 212 555 0100", "jobtitle": "Analyst", "city": "London"})
	for b.Loop() {
		m := map[string]string{}
		_ = json.Unmarshal([]byte(s), &m)
	}
}

// TestKeysCodecMatchesEncodingJSON checks the keys column's codec: it
// writes what json.Marshal writes, so stored columns written by either
// compare equal, and reads back what was written, whichever wrote it.
func TestKeysCodecMatchesEncodingJSON(t *testing.T) {
	pieces := []string{"", "a", "ada@example.com", "+15551234567", `"`, `\`, "\n", "\x01", "<b>&</b>", "&", ">", "é", "😀", "\u2028", "\xff", `","`, "[", "]", ","}
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 20000 {
		keys := make([]string, 1+rng.IntN(3))
		for i := range keys {
			for range rng.IntN(4) {
				keys[i] += pieces[rng.IntN(len(pieces))]
			}
		}
		want, _ := json.Marshal(keys)
		got := encodeKeys(keys)
		if got != string(want) {
			t.Fatalf("case %d: encodeKeys(%q) = %s, json.Marshal gives %s", n, keys, got, want)
		}
		var back []string
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatal(err)
		}
		if dec := decodeKeys(got); !slices.Equal(dec, back) {
			t.Fatalf("case %d: decodeKeys(%s) = %q, encoding/json reads %q", n, got, dec, back)
		}
	}
	if got := decodeKeys("[]"); got != nil {
		t.Fatalf("decodeKeys([]) = %q", got)
	}
}
