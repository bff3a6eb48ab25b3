package mapping

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// pairs is Links over fixed pairs of one sync.
type pairs struct {
	sync string
	ab   map[string]string
}

func (p pairs) B(sync, a string) (string, bool) {
	b, ok := p.ab[a]
	return b, ok && sync == p.sync
}

func (p pairs) A(sync, b string) (string, bool) {
	for a, x := range p.ab {
		if x == b && sync == p.sync {
			return a, true
		}
	}
	return "", false
}

func (p pairs) LinkedB(sync, b string) bool { _, ok := p.A(sync, b); return ok }

func linkSchemas() (connector.Schema, connector.Schema) {
	a := connector.Schema{Object: "contacts", Fields: []connector.Field{
		{Name: "associatedcompanyid", Type: connector.TypeNumber}, {Name: "optin", Type: connector.TypeBool}}}
	b := connector.Schema{Object: "Contact", Fields: []connector.Field{{Name: "AccountId", Type: connector.TypeID}}}
	return a, b
}

// A reference translates through the named sync's links both ways; one
// that sync has not linked is ErrNotRead (left alone, never blanked), and
// the error names the record and the sync.
func TestLinkTransformTranslatesThroughLinks(t *testing.T) {
	a, b := linkSchemas()
	links := pairs{sync: "companies", ab: map[string]string{"5001": "001A", "5002": "001B"}}
	rows, ps := CompileLinked([]Field{{A: "associatedcompanyid", B: "AccountId", Transform: "link:companies"}}, TwoWay, a, b, links)
	if len(ps) != 0 || len(rows) != 1 {
		t.Fatalf("compile: %v", ps)
	}
	r := rows[0]
	if got, err := r.CanonA(map[string]string{"associatedcompanyid": "5002"}); err != nil || got != "001B" {
		t.Fatalf("CanonA(5002) = %q, %v; want 001B", got, err)
	}
	if got, err := r.CanonB(map[string]string{"AccountId": "001A"}); err != nil || got != "001A" {
		t.Fatalf("CanonB(001A) = %q, %v", got, err)
	}
	if got, err := r.WriteA("001A"); err != nil || got["associatedcompanyid"] != "5001" {
		t.Fatalf("WriteA(001A) = %v, %v; want 5001", got, err)
	}
	if got, err := r.WriteB("001B"); err != nil || got["AccountId"] != "001B" {
		t.Fatalf("WriteB(001B) = %v, %v", got, err)
	}
	if got, err := r.CanonA(map[string]string{"associatedcompanyid": ""}); err != nil || got != "" {
		t.Fatalf("a blank reference: %q, %v", got, err)
	}
	_, err := r.CanonA(map[string]string{"associatedcompanyid": "5999"})
	if !errors.Is(err, ErrNotRead) || !errors.Is(err, ErrNotLinked) || !strings.Contains(err.Error(), "5999") || !strings.Contains(err.Error(), `"companies"`) {
		t.Fatalf("unlinked A reference: %v", err)
	}
	var nl *NotLinkedError
	if !errors.As(err, &nl) || nl.Sync != "companies" || nl.ID != "5999" {
		t.Fatalf("unlinked A reference names %+v, want sync companies and id 5999", nl)
	}
	_, err = r.CanonB(map[string]string{"AccountId": " 001Z "})
	if !errors.Is(err, ErrNotRead) || !errors.As(err, &nl) || nl.ID != "001Z" {
		t.Fatalf("unlinked B reference: %v (%+v)", err, nl)
	}
	// Without links (validating a definition) nothing resolves.
	rows, _ = Compile([]Field{{A: "associatedcompanyid", B: "AccountId", Transform: "link:companies"}}, TwoWay, a, b)
	if _, err := rows[0].CanonA(map[string]string{"associatedcompanyid": "5001"}); !errors.Is(err, ErrNotLinked) {
		t.Fatalf("without links: %v", err)
	}
}

// A one-way row compares the side it only writes as is when that side's
// reference is not linked, so the source's linked value replaces it.
func TestLinkTransformOneWayReplacesUnlinkedTarget(t *testing.T) {
	a, b := linkSchemas()
	links := pairs{sync: "companies", ab: map[string]string{"5001": "001A"}}
	rows, ps := CompileLinked([]Field{{A: "associatedcompanyid", B: "AccountId", Transform: "link:companies", Direction: AtoB}}, TwoWay, a, b, links)
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	if got, err := rows[0].CanonB(map[string]string{"AccountId": "001Z"}); err != nil || got != "001Z" {
		t.Fatalf("CanonB of an unlinked target = %q, %v; want it as is", got, err)
	}
}

func TestLinkTransformProblems(t *testing.T) {
	a, b := linkSchemas()
	for _, tc := range []struct {
		f    Field
		want string
	}{
		{Field{A: "associatedcompanyid", B: "AccountId", Transform: "link"}, "needs the sync"},
		{Field{A: "associatedcompanyid", B: "AccountId", Transform: "link:"}, "needs the sync"},
		{Field{A: "optin", B: "AccountId", Transform: "link:companies"}, "does not fit field optin"},
	} {
		_, ps := Compile([]Field{tc.f}, TwoWay, a, b)
		if len(ps) == 0 || !strings.Contains(ps[0].Error(), tc.want) {
			t.Errorf("%+v: problems %v, want %q", tc.f, ps, tc.want)
		}
	}
}

// several is Links over several syncs' pairs.
type several []pairs

func (s several) B(sync, a string) (string, bool) {
	for _, p := range s {
		if b, ok := p.B(sync, a); ok {
			return b, true
		}
	}
	return "", false
}

func (s several) A(sync, b string) (string, bool) {
	for _, p := range s {
		if a, ok := p.A(sync, b); ok {
			return a, true
		}
	}
	return "", false
}

func (s several) LinkedB(sync, b string) bool { _, ok := s.A(sync, b); return ok }

// "link:contacts,leads" goes through the first sync that links the
// record, both ways; one neither links names both, and LinkedSyncs lists
// each once.
func TestLinkThroughSeveralSyncs(t *testing.T) {
	a := connector.Schema{Object: "tasks", Fields: []connector.Field{{Name: "associations.contact", Type: connector.TypeID}}}
	b := connector.Schema{Object: "Task", Fields: []connector.Field{{Name: "WhoId", Type: connector.TypeID}}}
	links := several{{sync: "contacts", ab: map[string]string{"1": "003A"}}, {sync: "leads", ab: map[string]string{"2": "00QB"}}}
	fields := []Field{{A: "associations.contact", B: "WhoId", Transform: "link:contacts, leads"}}
	rows, ps := CompileLinked(fields, TwoWay, a, b, links)
	if len(ps) != 0 || len(rows) != 1 {
		t.Fatalf("compile: %v", ps)
	}
	r := rows[0]
	for id, want := range map[string]string{"1": "003A", "2": "00QB"} {
		if got, err := r.CanonA(map[string]string{"associations.contact": id}); err != nil || got != want {
			t.Errorf("CanonA(%s) = %q, %v; want %s", id, got, err, want)
		}
	}
	if got, err := r.WriteA("00QB"); err != nil || got["associations.contact"] != "2" {
		t.Errorf("WriteA(00QB) = %v, %v; want 2", got, err)
	}
	if got, err := r.CanonB(map[string]string{"WhoId": "00QB"}); err != nil || got != "00QB" {
		t.Errorf("CanonB(00QB) = %q, %v", got, err)
	}
	_, err := r.CanonA(map[string]string{"associations.contact": "3"})
	var nl *NotLinkedError
	if !errors.As(err, &nl) || nl.Sync != "contacts" || len(nl.Syncs) != 2 || nl.Syncs[1] != "leads" || !strings.Contains(err.Error(), "contacts, leads") {
		t.Errorf("a reference neither sync links: %v (%+v)", err, nl)
	}
	if got := LinkedSyncs(append(fields, Field{A: "x", B: "y", Transform: "link:leads"})); len(got) != 2 || got[0] != "contacts" || got[1] != "leads" {
		t.Errorf("LinkedSyncs = %q, want contacts, leads", got)
	}
}
