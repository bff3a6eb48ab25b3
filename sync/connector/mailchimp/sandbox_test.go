package mailchimp

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// env is one Mailchimp sandbox served over real HTTP on 127.0.0.1: its
// login server and the account's API, both under base.
type env struct {
	sim  *mcsim.Sim
	base string
}

func newEnv(t *testing.T, opts mcsim.Options) *env {
	t.Helper()
	opts.PathPrefix = "/mailchimp"
	// The conformance suite writes addresses at example.com, which
	// Mailchimp refuses as fake.
	opts.AcceptReservedDomains = true
	sim := mcsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/mailchimp", sim)}
}

// signIn runs the real authorization-code exchange and asks the metadata
// endpoint for the account, as the app does; it returns app/auth's client
// (Bearer) and the account's metadata.
func (e *env) signIn(t *testing.T) (*http.Client, Meta) {
	t.Helper()
	ctx := context.Background()
	ep := auth.Endpoint{Vendor: vendor, AuthURL: e.base + "/oauth2/authorize", TokenURL: e.base + "/oauth2/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), PKCE: true}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, RedirectURL: "http://localhost:53682/callback",
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	tok := authtest.Code(t, conf)
	m, err := Metadata(ctx, auth.StaticClient(nil, "Authorization", MetadataAuthScheme+" ", tok.AccessToken), MetadataURL(ep.TokenURL))
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	store := secret.NewMemory()
	if err := auth.Save(ctx, store, "mailchimp:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return auth.Client(nil, auth.NewTokenSource(ctx, ep, store, "mailchimp:test", nil)), m
}

func testOptions() options {
	o := defaultOptions()
	o.Rate, o.MinWait, o.MaxWait = 0, 2*time.Millisecond, 50*time.Millisecond
	return o
}

// connect signs in with OAuth and returns a connector on the metadata's
// API base. Writes of the conformance suite, whose records carry no
// status, add members as "subscribed" (createStatus, tests only).
func (e *env) connect(t *testing.T) *Connector {
	t.Helper()
	client, m := e.signIn(t)
	o := testOptions()
	o.createStatus = "subscribed"
	c, err := newConnector(client, m.APIBase(), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// connectKey connects with a minted API key, sent by HTTP Basic auth.
func (e *env) connectKey(t *testing.T, key string) *Connector {
	t.Helper()
	c, err := newConnector(auth.StaticClient(nil, "Authorization", "", apiKeyAuthorization(key)), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// anyFields turns canonical fields into the sandbox's seed and edit shape:
// merge values by tag, member properties by name.
func anyFields(f map[string]string) (email string, merge map[string]any, props map[string]any) {
	merge, props = map[string]any{}, map[string]any{}
	for k, v := range f {
		switch k {
		case fEmail:
			email = v
			props[k] = v
		case fStatus, fEmailType, fLanguage:
			props[k] = v
		default:
			merge[k] = v
		}
	}
	return email, merge, props
}

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	h := conformance.Harness{
		Name: "mailchimp", Object: objMembers, BatchSize: BatchSize, PageSize: PageSize,
		ModifiedResolution: 1100 * time.Millisecond, // last_changed has one-second resolution
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, mcsim.Options{RateLimits: true, Seed: 7})
			envs.Put(t, e)
			return e.connect(t)
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			e := envOf(t)
			rows := make([]mcsim.MemberSeed, len(recs))
			for i, r := range recs {
				email, merge, _ := anyFields(r)
				rows[i] = mcsim.MemberSeed{Email: email, MergeFields: merge}
			}
			ids, err := e.sim.SeedMembers(e.sim.DefaultListID(), rows)
			if err != nil {
				t.Fatal(err)
			}
			return ids
		},
		Edit: func(t *testing.T, id string, f map[string]string) {
			e := envOf(t)
			_, merge, props := anyFields(f)
			for k, v := range merge {
				props[k] = v
			}
			if _, err := e.sim.UpdateMember(e.sim.DefaultListID(), id, props); err != nil {
				t.Fatalf("edit %s: %v", id, err)
			}
		},
		Get: func(t *testing.T, id string) map[string]string {
			e := envOf(t)
			m, ok := e.sim.Member(e.sim.DefaultListID(), id)
			if !ok || m.Status == archived {
				return nil
			}
			out := map[string]string{fEmail: m.Email, fStatus: m.Status}
			for tag, v := range m.MergeFields {
				if s, ok := v.(string); ok {
					out[tag] = s
				}
			}
			return out
		},
		Requests: func(t *testing.T) int64 {
			var n int64
			for _, c := range envOf(t).sim.Stats() {
				n += c
			}
			return n
		},
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = fEmail, "FNAME", "LNAME", "PHONE"
	// Mailchimp's access tokens never expire, and it has no daily quota:
	// the expired-token and spent-budget hooks stay nil (skipped).
	h.Faults = conformance.Faults{
		RateLimitStorm: func(t *testing.T, on bool) { envOf(t).sim.Faults().Set(faults(on, 0.3, 0)) },
		ServerErrors:   func(t *testing.T, on bool) { envOf(t).sim.Faults().Set(faults(on, 0, 0.3)) },
	}
	conformance.Run(t, h)
}

func seed(t *testing.T, e *env, listID string, rows ...mcsim.MemberSeed) []string {
	t.Helper()
	ids, err := e.sim.SeedMembers(listID, rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func read(t *testing.T, c *Connector, object string, since connector.Cursor) ([]connector.Record, connector.Cursor, int) {
	t.Helper()
	var recs []connector.Record
	cur, pages := since, 0
	for p, err := range c.Read(context.Background(), object, since) {
		if err != nil {
			t.Fatalf("read %s since %q: %v", object, since, err)
		}
		recs, cur, pages = append(recs, p.Records...), p.Cursor, pages+1
	}
	return recs, cur, pages
}

// The whole audience is read a page at a time, oldest change first, with
// a cursor on every page; a read from the last cursor returns only what
// changed after it, and a read from a page's cursor resumes after it.
func TestReadAllPagesThenOnlyChanges(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 3})
	c := e.connect(t)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	rows := make([]mcsim.MemberSeed, 2300)
	for i := range rows {
		// Groups of 7 share a second: ties cross page boundaries.
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("page-%04d@example.com", i), MergeFields: map[string]any{"FNAME": fmt.Sprint("P", i)},
			Modified: start.Add(time.Duration(i/7) * time.Second)}
	}
	ids := seed(t, e, e.sim.DefaultListID(), rows...)
	var cursors []connector.Cursor
	var got []connector.Record
	for p, err := range c.Read(context.Background(), objMembers, "") {
		if err != nil {
			t.Fatal(err)
		}
		if p.Cursor == "" {
			t.Fatal("a page without a cursor")
		}
		got, cursors = append(got, p.Records...), append(cursors, p.Cursor)
	}
	if len(cursors) < 3 {
		t.Errorf("read 2,300 members in %d pages, want 3 or more", len(cursors))
	}
	seen := map[string]bool{}
	for i, r := range got {
		if seen[r.ID] {
			t.Errorf("member %s read twice", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && r.Modified.Before(got[i-1].Modified) {
			t.Errorf("member %s read out of order", r.ID)
		}
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("member %s never read", id)
		}
	}
	// Resuming from the first page's cursor reads exactly the rest.
	rest, _, _ := read(t, c, objMembers, cursors[0])
	if len(rest)+1000 != len(ids) {
		t.Errorf("resumed after the first page: %d members, want %d", len(rest), len(ids)-1000)
	}
	last := cursors[len(cursors)-1]
	if none, _, _ := read(t, c, objMembers, last); len(none) != 0 {
		t.Errorf("read from the last cursor returned %d members, want none", len(none))
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := e.sim.UpdateMember(e.sim.DefaultListID(), ids[42], map[string]any{"FNAME": "Edited"}); err != nil {
		t.Fatal(err)
	}
	changed, next, _ := read(t, c, objMembers, last)
	if len(changed) != 1 || changed[0].ID != ids[42] || changed[0].Fields["FNAME"] != "Edited" {
		t.Fatalf("read after an edit: %+v, want only %s with FNAME Edited", changed, ids[42])
	}
	if again, _, _ := read(t, c, objMembers, next); len(again) != 0 {
		t.Errorf("read after the edit's cursor returned %d members", len(again))
	}
}

// apiKeyAuthorization is the Authorization value the app sends for a
// pasted Mailchimp key (app's tokenClient, Info.OAuth.TokenBasic): HTTP
// Basic, any user name, the key as the password ("Marketing API
// conventions: Authenticate with an API key").
func apiKeyAuthorization(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte("crmsync:"+key))
}
