package klaviyo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

func seed(t *testing.T, e *env, rows ...kvsim.ProfileSeed) []string {
	t.Helper()
	ids, err := e.sim.SeedProfiles(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// stat is how many requests the sandbox served on pattern.
func stat(e *env, pattern string) int64 { return e.sim.Stats()[pattern] }

const postJobs = "POST /api/profile-bulk-import-jobs"

// A full read crosses pages (100 a page), reads each profile once, oldest
// update first; a read from the last cursor reads nothing; an edit made
// in the same second as the last read is read next, and only it.
func TestReadAllPagesThenSince(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 3})
	c := e.connect(t)
	rows := make([]kvsim.ProfileSeed, 230)
	for i := range rows {
		rows[i] = kvsim.ProfileSeed{Email: fmt.Sprintf("page-%03d@example.com", i), FirstName: fmt.Sprint("P", i),
			Properties: map[string]any{"Plan": "gold", "Seats": i}}
	}
	ids := seed(t, e, rows...)
	var pages int
	var last connector.Cursor
	seen := map[string]connector.Record{}
	var prev time.Time
	for p, err := range c.Read(t.Context(), objProfiles, "") {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		last = p.Cursor
		for _, r := range p.Records {
			if _, dup := seen[r.ID]; dup {
				t.Errorf("profile %s read twice", r.ID)
			}
			if r.Modified.Before(prev) {
				t.Errorf("profile %s read out of order", r.ID)
			}
			prev, seen[r.ID] = r.Modified, r
		}
	}
	if pages < 3 || len(seen) != len(ids) {
		t.Fatalf("read %d profiles in %d pages, want %d in 3 or more", len(seen), pages, len(ids))
	}
	if r := seen[ids[7]]; r.Fields[fEmail] != "page-007@example.com" || r.Fields["properties.Plan"] != "gold" || r.Fields["properties.Seats"] != "7" {
		t.Errorf("profile 7 read as %v", r.Fields)
	}
	if none, _ := conformance.ReadAll(t, c, objProfiles, last); len(none) != 0 {
		t.Errorf("read from the last cursor returned %d profiles", len(none))
	}
	if _, err := e.sim.UpdateProfile(ids[42], map[string]any{fFirst: "Edited"}); err != nil {
		t.Fatal(err)
	}
	changed, next := conformance.ReadAll(t, c, objProfiles, last)
	if len(changed) != 1 || changed[0].ID != ids[42] || changed[0].Fields[fFirst] != "Edited" {
		t.Fatalf("read after an edit: %+v, want only %s with first_name Edited", changed, ids[42])
	}
	if again, _ := conformance.ReadAll(t, c, objProfiles, next); len(again) != 0 {
		t.Errorf("read after the edit's cursor returned %d profiles", len(again))
	}
	sc, err := c.Schema(t.Context(), objProfiles)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := sc.Field("properties.Seats"); !ok || f.Type != connector.TypeNumber {
		t.Errorf("schema's properties.Seats: %+v, %v; want a number", f, ok)
	}
}

// A create and an update go through one import job; the create's id is
// the profile Klaviyo made, and a blank clears the attribute.
func TestCreateAndUpdateInOneJob(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 4})
	e.sim.SetJobPolls(3)
	c := e.connect(t)
	ids := seed(t, e, kvsim.ProfileSeed{Email: "old@example.com", FirstName: "Old", Title: "CEO"})
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "new@example.com", fFirst: "New", "location.city": "Lyon", "properties.Plan": "gold"}},
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fLast: "Updated", fTitle: ""}},
		// More than directMax profiles, so the batch goes as a job.
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "filler1@example.com"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "filler2@example.com"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "filler3@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := stat(e, postJobs); n != 1 {
		t.Errorf("%d import jobs, want 1", n)
	}
	p, ok := e.sim.ProfileByEmail("new@example.com")
	if !ok || res[0].Err != nil || res[0].ID != p.ID || !res[0].Created {
		t.Fatalf("create: result %+v, sandbox %+v", res[0], p)
	}
	if p.FirstName != "New" || p.Location.City != "Lyon" || p.Properties["Plan"] != "gold" {
		t.Errorf("created profile %+v", p)
	}
	old, _ := e.sim.Profile(ids[0])
	if res[1].Err != nil || res[1].ID != ids[0] || res[1].Created || old.LastName != "Updated" || old.Title != "" || old.FirstName != "Old" {
		t.Errorf("update: result %+v, sandbox %+v", res[1], old)
	}
}

// An invalid email fails only its own record, naming the field and
// carrying Klaviyo's own detail.
func TestInvalidEmailFailsOnlyItsRecord(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 5})
	c := e.connect(t)
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "a@example.com", fFirst: "A"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "not-an-email", fFirst: "B"}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "c@example.com", fFirst: "C"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != fEmail || re.Category != connector.CatValidation || re.Message == "" || re.Code == "" {
		t.Fatalf("invalid email: %#v", res[1].Err)
	}
	if strings.Contains(re.Message, "crmsync") {
		t.Errorf("message %q is ours, not Klaviyo's", re.Message)
	}
	for _, i := range []int{0, 2} {
		if res[i].Err != nil || res[i].ID == "" {
			t.Errorf("valid record %d: %+v", i, res[i])
		}
	}
	if e.sim.Count() != 2 {
		t.Errorf("sandbox holds %d profiles, want 2", e.sim.Count())
	}
}

// UNSUBSCRIBED reaches the sandbox through the unsubscribe job, after the
// profile is written; SUBSCRIBED fails its record before anything of it is
// written.
func TestConsentOnlyUnsubscribes(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 6})
	c := e.connect(t)
	ids := seed(t, e,
		kvsim.ProfileSeed{Email: "sub@example.com", FirstName: "Sub", EmailConsent: consentSubscribed},
		kvsim.ProfileSeed{Email: "never@example.com", FirstName: "Never"})
	res, err := c.Write(t.Context(), objProfiles, []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fConsent: consentUnsubscribed, fFirst: "Gone"}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{fConsent: consentSubscribed, fFirst: "Changed"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Fatalf("unsubscribe: %v", res[0].Err)
	}
	if p, _ := e.sim.Profile(ids[0]); p.EmailConsent != consentUnsubscribed || p.FirstName != "Gone" {
		t.Errorf("unsubscribed profile in the sandbox: %+v", p)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != fConsent || !strings.Contains(re.Message, "never subscribes") {
		t.Fatalf("subscribe: %v", res[1].Err)
	}
	if p, _ := e.sim.Profile(ids[1]); p.FirstName != "Never" || p.EmailConsent == consentSubscribed {
		t.Errorf("refused record was written: %+v", p)
	}
	if n := stat(e, "POST /api/profile-subscription-bulk-delete-jobs"); n != 1 {
		t.Errorf("%d unsubscribe jobs, want 1", n)
	}
	// The read gives the consent back.
	recs, _ := conformance.ReadAll(t, c, objProfiles, "")
	if got := conformance.ByID(recs)[ids[0]].Fields[fConsent]; got != consentUnsubscribed {
		t.Errorf("read consent %q", got)
	}
}

// A token without profiles:write gets a 403 that names the scopes needed,
// filed under auth (reconnect).
func TestMissingScope(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 8})
	tok := e.sim.MintAccessTokenWithScopes("accounts:read", "profiles:read", "lists:read")
	c := e.connectWith(t, auth.StaticClient(nil, "Authorization", "Bearer ", tok))
	_, err := c.Write(t.Context(), objProfiles, []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "x@example.com"}}})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Status != 403 || ce.Category != connector.CatAuth || !strings.Contains(ce.Message, "profiles:write") {
		t.Fatalf("write without profiles:write: %v", err)
	}
	if strings.Contains(err.Error(), tok) {
		t.Error("the error shows the token")
	}
}

// A private API key goes as "Authorization: Klaviyo-API-Key"; the account
// and profiles answer to it.
func TestAPIKeyRoute(t *testing.T) {
	if Info().OAuth.TokenScheme != "Klaviyo-API-Key" || !Info().OAuth.TokenRoute {
		t.Fatal("Info does not offer the Klaviyo-API-Key route")
	}
	e := newEnv(t, kvsim.Options{Seed: 9, AccountName: "Acme Shop"})
	key := e.sim.MintAPIKey()
	c := e.connectWith(t, auth.StaticClient(nil, "Authorization", Info().OAuth.TokenScheme+" ", key))
	a, err := c.Account(t.Context())
	if err != nil || a.Name != "Acme Shop" || a.ID == "" {
		t.Fatalf("account: %+v, %v", a, err)
	}
	seed(t, e, kvsim.ProfileSeed{Email: "k@example.com"})
	if recs, _ := conformance.ReadAll(t, c, objProfiles, ""); len(recs) != 1 {
		t.Errorf("read %d profiles with the API key", len(recs))
	}
	bad := e.connectWith(t, auth.StaticClient(nil, "Authorization", "Klaviyo-API-Key ", "pk_wrong"))
	if _, err := bad.Account(t.Context()); !errors.Is(err, connector.ErrAuth) || strings.Contains(err.Error(), "pk_wrong") {
		t.Errorf("a wrong key: %v", err)
	}
}

// Discover, after the OAuth sign-in, names the API base (from the token
// URL) and the account.
func TestDiscoverAfterSignIn(t *testing.T) {
	e := newEnv(t, kvsim.Options{Seed: 10, AccountName: "Acme Shop"})
	client, tokenURL := e.signIn(t)
	d, err := Info().Discover(t.Context(), client, tokenURL)
	if err != nil || d.APIBase != e.base || d.AccountName != "Acme Shop" || d.AccountID == "" {
		t.Fatalf("discover: %+v, %v", d, err)
	}
}

// TestDisconnectRevokesWithBasicAuth: Klaviyo takes the client's
// credentials by HTTP Basic only, on the revoke endpoint as on the token
// endpoint, so a disconnect sent with them in the form is refused, and one
// sent as the connector's Info says is accepted.
func TestDisconnectRevokesWithBasicAuth(t *testing.T) {
	e := newEnv(t, kvsim.Options{})
	ctx := context.Background()
	ep, store := e.grant(t)
	inForm := ep
	inForm.ClientBasic = false
	if err := auth.Disconnect(ctx, inForm, store, "klaviyo:test", nil); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("revoke with the client in the form: %v, want Klaviyo's invalid_client", err)
	}
	ep, store = e.grant(t)
	if err := auth.Disconnect(ctx, ep, store, "klaviyo:test", nil); err != nil {
		t.Fatalf("revoke by HTTP Basic: %v", err)
	}
}
