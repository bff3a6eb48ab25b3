package dynamics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// isBatch reports a $batch request.
func isBatch(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/$batch")
}

// A $batch whose answer is lost (the sandbox applied it, the connection
// then failed with 503) is sent again by the transport; its creates answer
// 412, because the ids are the first attempt's, and each person exists
// once, reported created.
func TestCreateRetriedAfterLostAnswerDoesNotDuplicate(t *testing.T) {
	var lost atomic.Bool
	e := newEnvWrapped(t, dsim.Options{Seed: 3}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isBatch(r) && lost.CompareAndSwap(false, true) {
				next.ServeHTTP(httptest.NewRecorder(), r) // applied, answer dropped
				http.Error(w, "upstream connect error", http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c := e.connect(t)
	var ops []connector.Op
	for i := range 3 {
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{
			"emailaddress1": fmt.Sprintf("lost%d@example.com", i), "lastname": fmt.Sprintf("Lost%d", i)}})
	}
	res, err := c.Write(t.Context(), "contacts", ops)
	if err != nil {
		t.Fatal(err)
	}
	if !lost.Load() {
		t.Fatal("no $batch answer was lost; the test proves nothing")
	}
	for i, r := range res {
		if r.Err != nil || !r.Created || r.ID == "" {
			t.Errorf("op %d: %+v", i, r)
		}
	}
	per := map[string]int{}
	for _, rec := range e.sim.Records("contacts") {
		if s, _ := rec.Fields["emailaddress1"].(string); strings.HasPrefix(s, "lost") {
			per[s]++
		}
	}
	for i := range ops {
		if n := per[ops[i].Fields["emailaddress1"]]; n != 1 {
			t.Errorf("%s exists %d times, want once", ops[i].Fields["emailaddress1"], n)
		}
	}
	if n := e.sim.Stats()["POST /api/data/v9.2/$batch"]; n != 2 {
		t.Errorf("%d $batch calls, want 2 (the lost one and its retry)", n)
	}
}

// An update of a row deleted meanwhile fails as not found, naming the row,
// and does not create it again; the rows around it are written.
func TestUpdateOfDeletedRowIsNotFound(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 4})
	c := e.connect(t)
	var ids []string
	for i := range 3 {
		rec, err := e.sim.Create("contacts", map[string]any{"lastname": fmt.Sprintf("Row%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	if err := e.sim.Delete("contacts", ids[1]); err != nil {
		t.Fatal(err)
	}
	var ops []connector.Op
	for _, id := range ids {
		ops = append(ops, connector.Op{Kind: connector.OpUpdate, ID: id, Fields: map[string]string{"jobtitle": "Buyer"}})
	}
	res, err := c.Write(t.Context(), "contacts", ops)
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Category != connector.CatNotFound || re.RecordID != ids[1] || re.Code == "" || re.Message == "" {
		t.Fatalf("update of the deleted row: %+v", res[1].Err)
	}
	if _, ok := e.sim.Get("contacts", ids[1]); ok {
		t.Errorf("the deleted row %s was created again", ids[1])
	}
	for _, i := range []int{0, 2} {
		rec, _ := e.sim.Get("contacts", ids[i])
		if res[i].Err != nil || rec.Fields["jobtitle"] != "Buyer" {
			t.Errorf("row %s: %+v, jobtitle %v", ids[i], res[i], rec.Fields["jobtitle"])
		}
	}
}

// With an alternate key on the email, the connector upserts by it: the
// first upsert creates, the second updates the same row.
func TestUpsertByAlternateKey(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 5})
	c := e.connect(t)
	if key, err := c.UpsertKey(t.Context(), "contacts"); err != nil || key != "" {
		t.Fatalf("UpsertKey with no alternate key = %q, %v; want none", key, err)
	}
	if err := e.sim.DefineAlternateKey("contacts", "crmsync_email", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	c = e.connect(t) // a new connector reads the definition again
	key, err := c.UpsertKey(t.Context(), "contacts")
	if err != nil || key != "emailaddress1" {
		t.Fatalf("UpsertKey = %q, %v", key, err)
	}
	op := func(title string) []connector.Op {
		return []connector.Op{{Kind: connector.OpUpsert, Fields: map[string]string{"emailaddress1": "keyed@example.com", "lastname": "Keyed", "jobtitle": title}}}
	}
	first, err := c.Upsert(t.Context(), "contacts", key, op("One"))
	if err != nil || first[0].Err != nil || !first[0].Created || first[0].ID == "" {
		t.Fatalf("first upsert: %+v %v", first, err)
	}
	second, err := c.Upsert(t.Context(), "contacts", key, op("Two"))
	if err != nil || second[0].Err != nil || second[0].Created || second[0].ID != first[0].ID {
		t.Fatalf("second upsert: %+v %v, want an update of %s", second, err, first[0].ID)
	}
	if rec, _ := e.sim.Get("contacts", first[0].ID); rec.Fields["jobtitle"] != "Two" || e.sim.Count("contacts") != 1 {
		t.Fatalf("row %+v, %d rows", rec.Fields, e.sim.Count("contacts"))
	}
}

// A damaged $batch answer fails every row of the batch with an error that
// says so; nothing is reported written.
func TestMalformedBatchAnswerFailsItsRows(t *testing.T) {
	e := newEnvWrapped(t, dsim.Options{Seed: 6}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !isBatch(r) {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			b := rec.Body.Bytes()
			_, _ = io.Copy(w, bytes.NewReader(b[:len(b)/2])) // cut in the middle
		})
	})
	c := e.connect(t)
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Half", "emailaddress1": "half1@example.com"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Half", "emailaddress1": "half2@example.com"}},
	}
	res, err := c.Write(t.Context(), "contacts", ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		var re *connector.RecordError
		if !errors.As(r.Err, &re) || r.ID != "" || !strings.Contains(re.Message, "unreadable $batch answer") {
			t.Errorf("op %d: %+v, want a failure naming the unreadable answer", i, r)
		}
	}
}

// Refused before sending: a value that cannot be an email, a column the
// table lacks, a read-only column; the valid row beside them is written.
func TestRefusedBeforeSending(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 8})
	c := e.connect(t)
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Bad", "emailaddress1": "bad at example"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Bad", "nickname_x": "n"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Bad", "fullname": "Set Directly"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Good", "emailaddress1": "good@example.com", "jobtitle": "Buyer"}},
	}
	res, err := c.Write(t.Context(), "contacts", ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ field, code string }{{"emailaddress1", "INVALID_EMAIL"}, {"nickname_x", "UNKNOWN_COLUMN"}, {"fullname", "READ_ONLY"}} {
		var re *connector.RecordError
		if !errors.As(res[i].Err, &re) || re.Field != want.field || re.Code != want.code || re.Category != connector.CatValidation {
			t.Errorf("op %d: %+v, want %s on %s", i, res[i].Err, want.code, want.field)
		}
	}
	if res[3].Err != nil || res[3].ID == "" {
		t.Fatalf("valid row: %v", res[3].Err)
	}
	if e.sim.Count("contacts") != 1 {
		t.Errorf("%d rows in the sandbox, want the one valid row", e.sim.Count("contacts"))
	}
}

// A next link on another host is refused: the token goes only to the
// organization the user connected.
func TestNextLinkElsewhereIsRefused(t *testing.T) {
	e := newEnvWrapped(t, dsim.Options{Seed: 9}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/contacts") {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"value":[],"@odata.nextLink":"https://attacker.example/api/data/v9.2/contacts?$skiptoken=x"}`)
		})
	})
	c := e.connect(t)
	for _, err := range c.Read(t.Context(), "contacts", "") {
		if err == nil || !strings.Contains(err.Error(), "outside the organization") {
			t.Fatalf("read with a foreign next link: %v", err)
		}
		return
	}
	t.Fatal("the read ended without an error")
}

// A contact's account is offered as parentcustomerid_account: written by
// binding the navigation property, read back from _parentcustomerid_value
// only when it points at an account, and cleared with a blank.
func TestParentAccountLookup(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 10})
	c := e.connect(t)
	sc, err := c.Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("parentcustomerid_account")
	if !ok || f.ReadOnly || f.Type != connector.TypeID {
		t.Fatalf("parentcustomerid_account in the schema: %+v %v", f, ok)
	}
	acct, err := e.sim.Create("accounts", map[string]any{"name": "Fabrikam"})
	if err != nil {
		t.Fatal(err)
	}
	boss, err := e.sim.Create("contacts", map[string]any{"lastname": "Boss"})
	if err != nil {
		t.Fatal(err)
	}
	underBoss, err := e.sim.Create("contacts", map[string]any{"lastname": "Aide", "parentcustomerid_contact@odata.bind": "/contacts(" + boss.ID + ")"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Ng", "parentcustomerid_account": acct.ID}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("create with an account: %+v %v", res, err)
	}
	if rec, _ := e.sim.Get("contacts", res[0].ID); rec.Fields["_parentcustomerid_value"] != acct.ID {
		t.Fatalf("the sandbox row's parent: %v, want %s", rec.Fields["_parentcustomerid_value"], acct.ID)
	}
	read := func() map[string]connector.Record {
		out := map[string]connector.Record{}
		for p, err := range c.Read(t.Context(), "contacts", "") {
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Records {
				out[r.ID] = r
			}
		}
		return out
	}
	got := read()
	if v := got[res[0].ID].Fields["parentcustomerid_account"]; v != acct.ID {
		t.Errorf("read parentcustomerid_account %q, want %s", v, acct.ID)
	}
	if f := got[underBoss.ID].Fields; f["parentcustomerid_account"] != "" || f["_parentcustomerid_value"] != boss.ID {
		t.Errorf("a contact under a contact reads as parentcustomerid_account %q (_value %q)", f["parentcustomerid_account"], f["_parentcustomerid_value"])
	}
	res, err = c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"parentcustomerid_account": ""}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("clear the account: %+v %v", res, err)
	}
	if rec, _ := e.sim.Get("contacts", res[0].ID); rec.Fields["_parentcustomerid_value"] != nil {
		t.Fatalf("the account was not cleared: %v", rec.Fields["_parentcustomerid_value"])
	}
	res, err = c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"parentcustomerid_account": "00000000-0000-4000-8000-000000000000"}}})
	var re *connector.RecordError
	if err != nil || !errors.As(res[0].Err, &re) || re.Category != connector.CatNotFound || re.Message == "" {
		t.Fatalf("an account that does not exist: %+v %v", res, err)
	}
}
