package syncfile

import (
	"strings"
	"testing"
)

const sample = `name: contacts
a: {connection: hs, object: contacts}
b: {connection: sf, object: Contact}
direction: two-way
match:
  - {a: email, b: Email, normalize: email}
unmatched: create
conflict: newer
fields:
  - {a: firstname, b: FirstName}
  - {a: lastname, b: LastName, rule: unless-blank}
  - {a: phone, b: Phone, transform: e164}
  - {a: company, b: Company, direction: a-to-b}
filters:
  a: [{field: lifecyclestage, op: eq, value: customer}]
schedule: every 15m
safety: {max_change_percent: 25, propagate_deletes: false}
`

func TestParseSample(t *testing.T) {
	d, err := Parse([]byte(sample))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	f := d.File
	if f.Name != "contacts" || f.A.Connection != "hs" || f.B.Object != "Contact" || f.Direction != "two-way" {
		t.Fatalf("sides: %+v", f)
	}
	if len(f.Fields) != 4 || f.Fields[1].Rule != "unless-blank" || f.Fields[2].Transform != "e164" || f.Fields[3].Direction != "a-to-b" {
		t.Fatalf("fields: %+v", f.Fields)
	}
	if f.Filters == nil || len(f.Filters.A) != 1 || f.Filters.A[0].Value != "customer" {
		t.Fatalf("filters: %+v", f.Filters)
	}
	if f.Safety == nil || f.Safety.MaxChangePercent != 25 || f.Schedule != "every 15m" {
		t.Fatalf("safety/schedule: %+v %q", f.Safety, f.Schedule)
	}
	if got := d.Line("$.fields[2]"); got != 12 {
		t.Fatalf("line of fields[2] = %d, want 12", got)
	}
	if got := d.Line("$.fields[2].nonexistent"); got != 12 {
		t.Fatalf("nearest parent line = %d, want 12", got)
	}
}

func TestUnknownKeyIsAnErrorWithItsLine(t *testing.T) {
	bad := strings.Replace(sample, "  - {a: phone, b: Phone, transform: e164}", "  - {a: phone, b: Phone, transfrom: e164}", 1)
	_, err := Parse([]byte(bad))
	ps, ok := err.(Problems)
	if !ok || len(ps) != 1 {
		t.Fatalf("err = %v", err)
	}
	if ps[0].Line != 12 || !strings.Contains(ps[0].Message, "transfrom") {
		t.Fatalf("problem = %+v", ps[0])
	}
}

func TestMalformedYAML(t *testing.T) {
	_, err := Parse([]byte("name: x\na: {connection: hs, object: contacts\nb: [\n"))
	ps, ok := err.(Problems)
	if !ok || len(ps) == 0 || ps[0].Line == 0 {
		t.Fatalf("err = %#v", err)
	}
}

func TestMissingKeysNamed(t *testing.T) {
	_, err := Parse([]byte("name: x\na: {connection: hs}\n"))
	if err == nil {
		t.Fatal("want problems")
	}
	for _, want := range []string{"a.object is missing", "b.connection is missing", "fields"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

func TestEmptyFile(t *testing.T) {
	if _, err := Parse([]byte("  \n")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("err = %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	d, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(d.File)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Parse(out)
	if err != nil {
		t.Fatalf("re-parse of export failed: %v\n%s", err, out)
	}
	if d2.File.Fields[2].Transform != "e164" || d2.File.Safety.MaxChangePercent != 25 {
		t.Fatalf("round trip lost data:\n%s", out)
	}
}

// A reverse value map survives a file read into a definition and written
// back out.
func TestReverseValueMapRoundTrip(t *testing.T) {
	src := strings.Replace(sample, "  - {a: company, b: Company, direction: a-to-b}",
		"  - {a: dealstage, b: stage_id, transform: map, value_map: {closedwon: \"5\", contractsent: \"5\"}, reverse_transform: map, reverse_value_map: {\"5\": contractsent}}", 1)
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	def := d.File.Definition()
	if got := def.Fields[3].ReverseValueMap["5"]; got != "contractsent" {
		t.Fatalf("definition's reverse value map: %v", def.Fields[3])
	}
	out, err := Marshal(FromDefinition(def))
	if err != nil || !strings.Contains(string(out), "reverse_value_map") {
		t.Fatalf("export lost the reverse value map (%v):\n%s", err, out)
	}
}
