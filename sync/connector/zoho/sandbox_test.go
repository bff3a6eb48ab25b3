package zoho

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// env is one Zoho CRM sandbox served over real HTTP on 127.0.0.1.
type env struct {
	sim  *zsim.Sim
	base string // the sandbox's mount point: accounts server and api_domain
}

func newEnv(t *testing.T, opts zsim.Options) *env {
	t.Helper()
	opts.PathPrefix = "/zoho"
	sim := zsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/zoho", sim)}
}

// oauthClient runs the real authorization-code exchange, with the consent
// parameters Info names, and returns app/auth's refreshing client sending
// the Zoho-oauthtoken scheme, as the app would.
func (e *env) oauthClient(t *testing.T) (*http.Client, string) {
	t.Helper()
	ctx := context.Background()
	spec := Info().OAuth
	ep := auth.Endpoint{Vendor: vendor, AuthURL: e.base + "/oauth/v2/auth", TokenURL: e.base + "/oauth/v2/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), Scopes: spec.Scopes,
		AuthScheme: spec.AuthScheme, AuthParams: spec.AuthParams}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, RedirectURL: "http://localhost:53682/callback", Scopes: ep.Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	var opts []oauth2.AuthCodeOption
	for k, v := range spec.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	tok := authtest.Code(t, conf, opts...)
	domain, _ := tok.Extra("api_domain").(string)
	if domain == "" || tok.RefreshToken == "" {
		t.Fatalf("token response: api_domain %q, refresh token given: %v", domain, tok.RefreshToken != "")
	}
	store := secret.NewMemory()
	if err := auth.Save(ctx, store, "zoho:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return auth.Client(nil, auth.NewTokenSource(ctx, ep, store, "zoho:test", nil)), domain
}

func testOptions() options {
	o := defaultOptions()
	o.Rate, o.MinWait, o.MaxWait = 0, 5*time.Millisecond, 50*time.Millisecond
	return o
}

func (e *env) connect(t *testing.T) *Connector {
	t.Helper()
	client, domain := e.oauthClient(t)
	c, err := newConnector(client, domain, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// anyFields turns canonical fields into the sandbox's JSON values.
func anyFields(f map[string]string) map[string]any {
	out := make(map[string]any, len(f))
	for k, v := range f {
		out[k] = v
	}
	return out
}

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	h := conformance.Harness{
		Name: "zoho", Object: "Contacts", BatchSize: BatchSize, PageSize: PageSize, CreatesNotReplayed: true,
		ModifiedResolution: 1100 * time.Millisecond, // Modified_Time has one-second resolution
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, zsim.Options{RateLimits: true, Seed: 7})
			envs.Put(t, e)
			return e.connect(t)
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			ids := make([]string, len(recs))
			for i, r := range recs {
				rec, err := envOf(t).sim.Create("Contacts", anyFields(r))
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = rec.ID
			}
			return ids
		},
		Edit: func(t *testing.T, id string, f map[string]string) {
			if _, err := envOf(t).sim.Update("Contacts", id, anyFields(f)); err != nil {
				t.Fatalf("edit %s: %v", id, err)
			}
		},
		Get: func(t *testing.T, id string) map[string]string {
			rec, ok := envOf(t).sim.Get("Contacts", id)
			if !ok || rec.Deleted {
				return nil
			}
			return rec.Fields
		},
		Requests: func(t *testing.T) int64 {
			var n int64
			for _, c := range envOf(t).sim.Stats() {
				n += c
			}
			return n
		},
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = "Email", "First_Name", "Last_Name", "Phone"
	h.Faults = conformance.SimkitFaults(func(t *testing.T) *simkit.FaultInjector { return envOf(t).sim.Faults() },
		func(t *testing.T) *simkit.AuthServer { return envOf(t).sim.Auth() })
	conformance.Run(t, h)
}

// ListDeleted reports the contacts deleted since a time, as deleted
// records, and not those deleted before it.
func TestListDeleted(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 9})
	c := e.connect(t)
	mk := func(last string) string {
		rec, err := e.sim.Create("Contacts", map[string]any{"Last_Name": last})
		if err != nil {
			t.Fatal(err)
		}
		return rec.ID
	}
	early, late, kept := mk("Early"), mk("Late"), mk("Kept")
	if err := e.sim.Delete("Contacts", early); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // deletion times have one-second resolution
	since := time.Now()
	time.Sleep(1100 * time.Millisecond)
	if err := e.sim.Delete("Contacts", late); err != nil {
		t.Fatal(err)
	}
	var got []connector.Record
	for page, err := range c.ListDeleted(t.Context(), "Contacts", since) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
	}
	if len(got) != 1 || got[0].ID != late || !got[0].Deleted {
		t.Fatalf("deleted since %s: %+v, want only %s (not %s, deleted before; not %s, live)", since, got, late, early, kept)
	}
}

// cachedConnector returns a function making a new connector to the sandbox
// over meta, as each run does: its schema comes from the cache.
func (e *env) cachedConnector(t *testing.T, meta connector.MetaCache) func() *Connector {
	t.Helper()
	client, domain := e.oauthClient(t)
	return func() *Connector {
		o := testOptions()
		o.meta = meta
		c, err := newConnector(client, domain, o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}
