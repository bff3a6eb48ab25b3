package dynamics

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// selectRecorder wraps the sandbox and keeps the $select of every query
// of one entity set.
type selectRecorder struct {
	set string
	mu  sync.Mutex
	got [][]string
}

func (s *selectRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, apiRoot+"/"+s.set) {
			cols := strings.Split(r.URL.Query().Get("$select"), ",")
			slices.Sort(cols)
			s.mu.Lock()
			s.got = append(s.got, cols)
			s.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (s *selectRecorder) last() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		return nil
	}
	return s.got[len(s.got)-1]
}

// readAll reads every record of object, by id.
func readAll(ctx context.Context, t *testing.T, c *Connector, object string) map[string]connector.Record {
	t.Helper()
	out := map[string]connector.Record{}
	for p, err := range c.Read(ctx, object, "") {
		if err != nil {
			t.Fatalf("read %s: %v", object, err)
		}
		for _, r := range p.Records {
			out[r.ID] = r
		}
	}
	return out
}

// A read whose ctx names fields selects those columns alone, beside the
// primary key and modifiedon (the cursor); a field offered per lookup
// target is selected as its lookup's _x_value column and still reads as
// the target's id; a named field the table does not have is not sent.
// The record holds every named field, blank when empty. Without the mark
// every column is selected, as before.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	rec := &selectRecorder{set: "contacts"}
	e := newEnvWrapped(t, dsim.Options{}, rec.wrap)
	c := e.connect(t)
	ctx := t.Context()
	acct, err := e.sim.Create("accounts", map[string]any{"name": "Fabrikam"})
	if err != nil {
		t.Fatal(err)
	}
	row, err := e.sim.Create("contacts", map[string]any{"lastname": "Ng", "firstname": "Ada", "emailaddress1": "ada@fabrikam.example",
		"parentcustomerid_account@odata.bind": "/accounts(" + acct.ID + ")"})
	if err != nil {
		t.Fatal(err)
	}

	asked := []string{"lastname", "telephone1", "parentcustomerid_account", "ownerid", "nosuchfield"}
	got := readAll(connector.WithReadFields(ctx, asked), t, c, "contacts")[row.ID]
	want := []string{"_ownerid_value", "_parentcustomerid_value", "contactid", "lastname", "modifiedon", "telephone1"}
	if sel := rec.last(); !slices.Equal(sel, want) {
		t.Errorf("$select = %v, want %v", sel, want)
	}
	for field, v := range map[string]string{"lastname": "Ng", "telephone1": "", "parentcustomerid_account": acct.ID, "ownerid": e.sim.UserID()} {
		if g, ok := got.Fields[field]; !ok || g != v {
			t.Errorf("%s = %q (present %v), want %q", field, g, ok, v)
		}
	}
	if _, ok := got.Fields["firstname"]; ok {
		t.Errorf("firstname was read, though not asked for: %v", got.Fields)
	}
	if got.Modified.IsZero() {
		t.Error("the record has no modified time")
	}

	full := readAll(ctx, t, c, "contacts")[row.ID]
	if sel := rec.last(); !slices.Contains(sel, "firstname") || !slices.Contains(sel, "emailaddress1") {
		t.Errorf("an unmarked read selects %v; want every column", sel)
	}
	if full.Fields["firstname"] != "Ada" || full.Fields["parentcustomerid_account"] != acct.ID {
		t.Errorf("an unmarked read: %v", full.Fields)
	}
}
