package pipedrive

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// env is one Pipedrive sandbox served over real HTTP on 127.0.0.1.
type env struct {
	sim  *pdsim.Sim
	base string // api_domain
}

func newEnv(t *testing.T, opts pdsim.Options) *env {
	t.Helper()
	opts.PathPrefix = "/pipedrive"
	sim := pdsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/pipedrive", sim)}
}

// oauthClient runs the real authorization-code exchange (client secret by
// HTTP Basic auth, as Pipedrive asks) and returns app/auth's refreshing
// client, as the app would.
func (e *env) oauthClient(t *testing.T) *http.Client {
	t.Helper()
	ctx := context.Background()
	ep := auth.Endpoint{Vendor: vendor, AuthURL: e.base + "/oauth/authorize", TokenURL: e.base + "/oauth/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret()}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, RedirectURL: "http://localhost:53682/callback",
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}}
	tok := authtest.Code(t, conf)
	if d, _ := tok.Extra("api_domain").(string); d == "" {
		t.Fatalf("token response names no api_domain")
	}
	store := secret.NewMemory()
	if err := auth.Save(ctx, store, "pipedrive:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return auth.Client(nil, auth.NewTokenSource(ctx, ep, store, "pipedrive:test", nil))
}

func testOptions() options {
	o := defaultOptions()
	o.minWait, o.maxWait = 5*time.Millisecond, 3*time.Second
	o.rate, o.burst, o.searchRate = 200, 20, 200
	return o
}

func (e *env) connect(t *testing.T) *Connector {
	t.Helper()
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cachedConnector returns a function that connects a new connector, as
// each run does, sharing one signed-in client and the metadata cache.
func (e *env) cachedConnector(t *testing.T, cache connector.MetaCache) func() *Connector {
	t.Helper()
	client := e.oauthClient(t)
	return func() *Connector {
		o := testOptions()
		o.meta = cache
		c, err := newConnector(client, e.base, o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

// The conformance suite's two name fields are name and a custom text
// field: Pipedrive v2 writes a person's name whole (first and last name
// are read-only).
var (
	fieldFirst = "name"
	fieldLast  = pdsim.FieldLeadSource
)

// body turns canonical fields into a v2 request body, for the harness's
// direct writes.
func body(f map[string]string) map[string]any {
	b := map[string]any{}
	for k, v := range f {
		switch k {
		case "email":
			b["emails"] = []map[string]any{{"value": v, "primary": true, "label": "work"}}
		case "phone":
			b["phones"] = []map[string]any{{"value": v, "primary": true, "label": "work"}}
		case fieldLast:
			b["custom_fields"] = map[string]any{k: v}
		default:
			b[k] = v
		}
	}
	return b
}

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	id := func(t *testing.T, s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("id %q: %v", s, err)
		}
		return n
	}
	requests := func(t *testing.T) int64 {
		var n int64
		for _, c := range envOf(t).sim.Stats() {
			n += c
		}
		return n
	}
	h := conformance.Harness{
		Name: "pipedrive", Object: "persons", BatchSize: Info().BatchSize, PageSize: pageSize, CreatesNotReplayed: true,
		ModifiedResolution: 1100 * time.Millisecond, // update_time has one-second resolution
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, pdsim.Options{RateLimits: true, Seed: 7})
			envs.Put(t, e)
			return e.connect(t)
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			ids := make([]string, len(recs))
			for i, r := range recs {
				p, err := envOf(t).sim.CreatePerson(body(r))
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = strconv.FormatInt(p.ID, 10)
			}
			return ids
		},
		Edit: func(t *testing.T, pid string, f map[string]string) {
			if _, err := envOf(t).sim.UpdatePerson(id(t, pid), body(f)); err != nil {
				t.Fatalf("edit %s: %v", pid, err)
			}
		},
		Get: func(t *testing.T, pid string) map[string]string {
			p, ok := envOf(t).sim.GetPerson(id(t, pid))
			if !ok || p.Deleted {
				return nil
			}
			out := map[string]string{"name": p.Name}
			for _, e := range p.Emails {
				if e.Primary {
					out["email"] = e.Value
				}
			}
			for _, ph := range p.Phones {
				if ph.Primary {
					out["phone"] = ph.Value
				}
			}
			if v, ok := p.CustomFields[fieldLast].(string); ok {
				out[fieldLast] = v
			}
			return out
		},
		Requests: requests,
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = "email", fieldFirst, fieldLast, "phone"
	h.Faults = conformance.SimkitFaults(func(t *testing.T) *simkit.FaultInjector { return envOf(t).sim.Faults() },
		func(t *testing.T) *simkit.AuthServer { return envOf(t).sim.Auth() })
	conformance.Run(t, h)
}

// A connection whose sign-in is gone fails as "reconnect needed", not as a
// server error.
func TestLostSignInAsksForReconnect(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	ep := auth.Endpoint{Vendor: vendor, TokenURL: e.base + "/oauth/token", ClientID: e.sim.Auth().ClientID()}
	client := auth.Client(nil, auth.NewTokenSource(t.Context(), ep, secret.NewMemory(), "gone", nil))
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Read(t.Context(), "persons", "") {
		if !errors.Is(err, auth.ErrReconnectNeeded) || !errors.Is(err, connector.ErrAuth) {
			t.Fatalf("read without a sign-in: %v; want reconnect needed", err)
		}
		return
	}
	t.Fatal("read without a sign-in returned nothing")
}
