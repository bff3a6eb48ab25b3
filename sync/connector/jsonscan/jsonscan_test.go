package jsonscan_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// TestMembersMatchEncodingJSON: on generated objects (escapes, unicode,
// invalid UTF-8, nested values, every literal, odd spacing), Members gives
// the same names and values as encoding/json's map of raw messages, in
// document order, and String the same strings.
func TestMembersMatchEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	strs := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline", "é ü 日本 🚀", "\x00\x1f", "\xff\xfe bad utf8", "</script>&", "\u2028"}
	randString := func() string {
		if rng.IntN(3) == 0 {
			return strs[rng.IntN(len(strs))]
		}
		return fmt.Sprintf("v%d", rng.IntN(1000))
	}
	var value func(depth int) any
	value = func(depth int) any {
		switch n := rng.IntN(9); {
		case n < 3 || depth > 2:
			return randString()
		case n == 3:
			return nil
		case n == 4:
			return rng.IntN(2) == 0
		case n == 5:
			return json.Number([]string{"0", "-12", "3.5e+10", "1E-3", "123456789012345678901234567890"}[rng.IntN(5)])
		case n == 6:
			return []any{value(depth + 1), value(depth + 1)}
		default:
			return map[string]any{randString(): value(depth + 1), "x": value(depth + 1)}
		}
	}
	space := func() string { return []string{"", " ", "\n\t ", "\r\n"}[rng.IntN(4)] }
	for n := range 3000 {
		var doc strings.Builder
		var wantNames []string
		var wantValues []string
		doc.WriteString(space() + "{" + space())
		members := rng.IntN(6)
		for m := range members {
			name := randString() + fmt.Sprint(m) // distinct names
			nb, _ := json.Marshal(name)
			vb, _ := json.Marshal(value(0))
			if m > 0 {
				doc.WriteString(space() + "," + space())
			}
			doc.WriteString(string(nb) + space() + ":" + space() + string(vb))
			var decodedName string
			_ = json.Unmarshal(nb, &decodedName)
			wantNames = append(wantNames, decodedName)
			wantValues = append(wantValues, string(vb))
		}
		doc.WriteString(space() + "}" + space())
		b := []byte(doc.String())
		var ref map[string]json.RawMessage
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatalf("case %d: generated invalid JSON %s: %v", n, b, err)
		}
		var gotNames, gotValues []string
		err := jsonscan.Members(b, func(name, value []byte) error {
			gotNames = append(gotNames, string(name))
			gotValues = append(gotValues, string(value))
			if value[0] == '"' {
				s, err := jsonscan.String(value)
				var want string
				_ = json.Unmarshal(value, &want)
				if err != nil || s != want {
					t.Fatalf("case %d: String(%s) = %q, %v; encoding/json: %q", n, value, s, err, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("case %d: %s: %v", n, b, err)
		}
		if !reflect.DeepEqual(gotNames, wantNames) || !reflect.DeepEqual(gotValues, wantValues) {
			t.Fatalf("case %d: %s\nnames %q values %q\nwant %q %q", n, b, gotNames, gotValues, wantNames, wantValues)
		}
		for i, name := range gotNames {
			if string(ref[name]) != gotValues[i] {
				t.Fatalf("case %d: member %q: %s, encoding/json %s", n, name, gotValues[i], ref[name])
			}
		}
	}
}

// TestMembersRefusesDamage: truncated or malformed input is an error, not
// a panic or a partial success.
func TestMembersRefusesDamage(t *testing.T) {
	full := `{"a": "x\"y", "b": [1, {"c": "}"}], "d": null}`
	for i := range len(full) {
		if err := jsonscan.Members([]byte(full[:i]), func(_, _ []byte) error { return nil }); err == nil {
			t.Errorf("truncated at %d (%q): no error", i, full[:i])
		}
	}
	for _, bad := range []string{`[1]`, `"x"`, `{"a" 1}`, `{"a":}`, `{a: 1}`, `{"a": 1,}`, `{"a": 1 "b": 2}`, ``, `{"\x": 1}`} {
		if err := jsonscan.Members([]byte(bad), func(_, _ []byte) error { return nil }); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := jsonscan.String([]byte(`"bad \q escape"`)); err == nil {
		t.Error(`String accepted "\q"`)
	}
}
