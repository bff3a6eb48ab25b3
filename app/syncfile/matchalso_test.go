package syncfile

import (
	"slices"
	"strings"
	"testing"
)

// TestAlsoInSyncFile: a match rule's "also" list is read from a sync
// file into the engine's definition and written back by Marshal, so
// `sync apply` and `sync export` keep it.
func TestAlsoInSyncFile(t *testing.T) {
	src := strings.Replace(sample, "  - {a: email, b: Email, normalize: email}",
		"  - {a: email, b: Email, normalize: email}\n  - {a: phone, b: Phone, normalize: e164, also: [firstname, LastName]}", 1)
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	def := d.File.Definition()
	if len(def.Match) != 2 || !slices.Equal(def.Match[1].Also, []string{"firstname", "LastName"}) {
		t.Fatalf("match rules read as %+v", def.Match)
	}
	out, err := Marshal(FromDefinition(def))
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse of the marshalled file: %v\n%s", err, out)
	}
	if got := back.File.Definition().Match[1].Also; !slices.Equal(got, []string{"firstname", "LastName"}) {
		t.Fatalf("also after a round trip = %v\n%s", got, out)
	}
}
