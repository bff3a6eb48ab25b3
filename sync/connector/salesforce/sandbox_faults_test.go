package salesforce

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// A 401 after the session expires is refreshed by app/auth with a rotating
// refresh token; the rotated token is persisted, so a restarted app (fresh
// TokenSource and Conn over the same store) still connects, while the
// spent refresh token no longer works.
func TestRefreshRotationSurvivesRestart(t *testing.T) {
	o := newOrg(t)
	before := o.refreshToken(t)
	c := o.connect(t, 0)
	if _, err := c.Schema(bg, "Contact"); err != nil {
		t.Fatal(err)
	}
	o.sim.Auth().ExpireAllAccess()
	if _, err := c.Schema(bg, "Account"); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	after := o.refreshToken(t)
	if after == before {
		t.Fatal("refresh did not persist a rotated token")
	}
	// The original refresh token was spent by rotation.
	old := between(before, `"refresh_token":"`, `"`)
	resp, err := http.PostForm(o.ep.TokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old}, "client_id": {o.ep.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("spent refresh token still accepted: HTTP %d", resp.StatusCode)
	}
	// Restart: nothing but the store survives.
	o.sim.Auth().ExpireAllAccess()
	c2 := o.connect(t, 0)
	if _, err := c2.Write(bg, "Contact", []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Restarted"}}}); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if o.sim.Count("Contact") != 1 {
		t.Fatalf("contacts = %d", o.sim.Count("Contact"))
	}
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

// An expired session with nothing to refresh with is reported as auth.
func TestExpiredSessionWithoutRefreshIsAuth(t *testing.T) {
	o := newOrg(t)
	if err := o.store.Set(bg, tokenKey, `{"access_token":"`+o.sim.Auth().IssueLongLived()+`","token_type":"Bearer"}`); err != nil {
		t.Fatal(err)
	}
	c := o.connect(t, 0)
	o.sim.Auth().ExpireAllAccess()
	_, err := c.Schema(bg, "Contact")
	if err == nil || !strings.Contains(err.Error(), "reconnect") || !strings.HasPrefix(err.Error(), "salesforce: ") {
		t.Fatalf("err = %v", err)
	}
	if c.Calls() != 2 { // versions + describe: a failed refresh is not a network error, so no retries
		t.Fatalf("calls = %d", c.Calls())
	}
}

// Mixed per-record outcomes from the sandbox's collections endpoint, and
// the org's usage read from Sforce-Limit-Info.
func TestMixedResultsAndUsage(t *testing.T) {
	o := newOrg(t)
	o.sim.SetAPIUsage(100)
	// Restricted, so Salesforce refuses a value outside its list.
	if err := o.sim.RestrictPicklist("Contact", "LeadSource", true); err != nil {
		t.Fatal(err)
	}
	c := o.connect(t, 0)
	existing, err := o.sim.Create("Contact", map[string]string{"LastName": "Keyed", "Crmsync_Key__c": "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Fine", "Email": "fine@example.com"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"FirstName": "NoLast"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "BadMail", "Email": "not-an-email"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "BadPick", "LeadSource": "Carrier Pigeon"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": strings.Repeat("L", 81)}},
		{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "Dup", "Crmsync_Key__c": "k-1"}},
		{Kind: connector.OpUpdate, ID: existing.ID, Fields: map[string]string{"Title": "Boss"}},
	}
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || !res[0].Created || res[6].Err != nil || res[6].ID == "" {
		t.Fatalf("successes: %+v / %+v", res[0], res[6])
	}
	want := []struct {
		cat         connector.Category
		field, code string
	}{
		{connector.CatValidation, "LastName", "REQUIRED_FIELD_MISSING"},
		{connector.CatValidation, "Email", "INVALID_EMAIL_ADDRESS"},
		{connector.CatValidation, "LeadSource", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"},
		{connector.CatValidation, "LastName", "STRING_TOO_LONG"},
		{connector.CatConflict, "", "DUPLICATE_VALUE"},
	}
	for i, w := range want {
		var re *connector.RecordError
		if !errors.As(res[i+1].Err, &re) || re.Category != w.cat || re.Code != w.code || (w.field != "" && re.Field != w.field) {
			t.Errorf("op %d: %#v, want %+v", i+1, res[i+1].Err, w)
		}
	}
	got, _ := o.sim.Get("Contact", existing.ID)
	if got.Fields["Title"] != "Boss" || o.sim.Count("Contact") != 2 {
		t.Fatalf("backend: %v, count %d", got.Fields, o.sim.Count("Contact"))
	}
	if used, max := c.Usage(); used <= 100 || max != 15000 {
		t.Fatalf("Usage = %d/%d", used, max)
	}
}

// A 5xx storm is ridden out by the transport on updates, which are safe
// to send again (a create is not: TestCreateAnswerLostIsNotResent),
// and every attempt is counted.
func TestServerErrorStormRetried(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 0)
	var ops []connector.Op
	for i := 0; i < 3; i++ {
		r, err := o.sim.Create("Contact", map[string]string{"LastName": "Calm"})
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, connector.Op{Kind: connector.OpUpdate, ID: r.ID, Fields: map[string]string{"LastName": "Storm"}})
	}
	o.sim.Faults().Set(simkit.Faults{P5xx: 0.5})
	if _, err := c.Write(bg, "Contact", ops); err != nil {
		t.Fatal(err)
	}
	o.sim.Faults().Set(simkit.Faults{})
	for _, op := range ops {
		if r, _ := o.sim.Get("Contact", op.ID); r.Fields["LastName"] != "Storm" {
			t.Fatalf("%s: %+v", op.ID, r.Fields)
		}
	}
	if c.Calls() <= 2 { // versions + describe + write, plus retries
		t.Fatalf("calls %d", c.Calls())
	}
}

// The connection's own daily budget (a setting) stops a run cleanly before
// the org's allocation is touched.
func TestConnectionBudgetStopsCleanly(t *testing.T) {
	o := newOrg(t)
	c := o.connect(t, 3) // versions, describe, one write
	ops := []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{"LastName": "One"}}}
	if _, err := c.Write(bg, "Contact", ops); err != nil {
		t.Fatal(err)
	}
	reqs := o.requests()
	_, err := c.Write(bg, "Contact", ops)
	if !errors.Is(err, connector.ErrBudget) {
		t.Fatalf("err = %v", err)
	}
	if o.requests() != reqs || o.sim.Count("Contact") != 1 {
		t.Fatalf("a request was sent past the budget")
	}
}
