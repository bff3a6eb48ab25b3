package engine

import (
	"reflect"
	"strings"
	"testing"
)

// allSet fails the test if a field of v is its zero value: the samples below
// must exercise every field, so a field added to Write or LinkOp without a
// place in the codec is caught here.
func allSet(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			t.Fatalf("%T.%s is not set in the sample; add it to the sample and to the codec", v, rv.Type().Field(i).Name)
		}
	}
}

func TestPlanItemCodecRoundTrip(t *testing.T) {
	w := Write{Side: "b", ID: "003XX", Source: "101", Key: "x@example.com", ReviewID: 42,
		Changes: []Change{{Field: "Email", Old: "", New: "x@example.com", Rule: RuleCreate}, {Field: "Description", Old: "a\x00b", New: strings.Repeat("é😀\n", 100), Rule: "prefer-a"}},
		Base:    []BaseValue{{Row: "email", Value: "x@example.com"}, {Row: "note", Value: ""}}}
	allSet(t, w)
	got, err := decodeWrite(encodeWrite(w))
	if err != nil || !reflect.DeepEqual(got, w) {
		t.Fatalf("write round trip:\n got %+v, %v\nwant %+v", got, err, w)
	}
	l := LinkOp{A: "101", B: "003XX", New: true, Rule: "match:1", Evidence: `email = "x@example.com"`, ReviewID: -7,
		Base: []BaseValue{{Row: "email", Value: "x@example.com"}}, Replaces: "99"}
	allSet(t, l)
	gotL, err := decodeLink(encodeLink(l))
	if err != nil || !reflect.DeepEqual(gotL, l) {
		t.Fatalf("link round trip:\n got %+v, %v\nwant %+v", gotL, err, l)
	}
	if got, err := decodeWrite(encodeWrite(Write{Side: "a"})); err != nil || got.Changes != nil || got.Base != nil || got.Side != "a" {
		t.Fatalf("empty write: %+v, %v", got, err)
	}
}

// TestPlanItemCodecRefusesDamage: a truncated, padded, foreign or
// oversized item is an error, never a wrong write.
func TestPlanItemCodecRefusesDamage(t *testing.T) {
	good := encodeWrite(Write{Side: "b", Source: "101", Changes: []Change{{Field: "Email", New: "x@example.com"}}})
	for name, s := range map[string]string{
		"empty":          "",
		"truncated":      good[:len(good)-3],
		"padded":         good + "x",
		"json":           `{"w":{"side":"b"}}`,
		"huge count":     string([]byte{planItemVersion, 1, 'b', 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0x0f}),
		"huge string":    string([]byte{planItemVersion, 0xff, 0xff, 0xff, 0xff, 0x0f}),
		"endless varint": string([]byte{planItemVersion, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}),
	} {
		if w, err := decodeWrite(s); err == nil {
			t.Errorf("%s: decoded as %+v", name, w)
		}
	}
}
