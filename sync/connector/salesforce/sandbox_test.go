package salesforce

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	"github.com/crmsync/crmsync/sync/connector/transport"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	"golang.org/x/oauth2"
)

const mount = "/salesforce"

// org is one sandbox org on 127.0.0.1 with a connection made through the
// real OAuth web-server flow (PKCE) and app/auth's refreshing client.
type org struct {
	sim   *sfsim.Sim
	srv   *httptest.Server
	store *secret.Memory
	ep    auth.Endpoint
	acct  connector.Account
}

const tokenKey = "salesforce/test-org"

func newOrg(t *testing.T) *org {
	t.Helper()
	return newOrgWith(t, sfsim.Options{PathPrefix: mount, Seed: 7})
}

// newOrgWith is newOrg with the sandbox's options (e.g. its clock).
func newOrgWith(t *testing.T, opts sfsim.Options) *org {
	t.Helper()
	return newOrgWrapped(t, opts, nil)
}

// newOrgWrapped is newOrgWith serving the sandbox through wrap (a proxy
// rewriting chosen answers), when not nil.
func newOrgWrapped(t *testing.T, opts sfsim.Options, wrap func(http.Handler) http.Handler) *org {
	t.Helper()
	sim := sfsim.New(opts)
	var h http.Handler = sim
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle(mount+"/", http.StripPrefix(mount, h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	o := &org{sim: sim, srv: srv, store: secret.NewMemory()}
	o.ep = auth.Endpoint{Vendor: "salesforce", ClientID: sim.Auth().ClientID(), PKCE: true,
		AuthURL: srv.URL + mount + "/services/oauth2/authorize", TokenURL: srv.URL + mount + "/services/oauth2/token",
		Scopes: []string{"api", "refresh_token"}}
	tok := o.authorize(t)
	if err := auth.Save(context.Background(), o.store, tokenKey, tok); err != nil {
		t.Fatal(err)
	}
	instance, _ := tok.Extra("instance_url").(string)
	if instance != srv.URL+mount {
		t.Fatalf("instance_url = %q", instance)
	}
	o.acct = connector.Account{ID: "org", Name: "Sandbox", APIBase: instance}
	return o
}

// authorize runs the authorization-code flow with PKCE against the sandbox.
func (o *org) authorize(t *testing.T) *oauth2.Token {
	t.Helper()
	cfg := &oauth2.Config{ClientID: o.ep.ClientID, RedirectURL: "http://localhost:53682/callback", Scopes: o.ep.Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: o.ep.AuthURL, TokenURL: o.ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	return authtest.Code(t, cfg)
}

// connect builds a Conn the way the app does after a (re)start: a fresh
// TokenSource over the stored token, app/auth's client, short back-offs.
func (o *org) connect(t *testing.T, budget int64) *Conn {
	t.Helper()
	ts := auth.NewTokenSource(context.Background(), o.ep, o.store, tokenKey, nil)
	c, err := newConn(auth.Client(nil, ts), connector.Account{APIBase: o.acct.APIBase, DailyBudget: budget},
		transport.Options{MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond, MaxRetries: 10})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (o *org) requests() int64 {
	var n int64
	for _, v := range o.sim.Stats() {
		n += v
	}
	return n
}

func (o *org) refreshToken(t *testing.T) string {
	t.Helper()
	tok, err := o.store.Get(context.Background(), tokenKey)
	if err != nil {
		t.Fatal(err)
	}
	return tok // the stored JSON; compared as a whole
}

func TestConformance(t *testing.T) {
	var orgs conformance.Backends[*org]
	get := orgs.Get
	h := conformanceHarness()
	h.New = func(t *testing.T) connector.Connector {
		o := newOrg(t)
		orgs.Put(t, o)
		return o.connect(t, 0)
	}
	h.Seed = func(t *testing.T, recs []map[string]string) []string {
		o := get(t)
		ids := make([]string, len(recs))
		for i, r := range recs {
			rec, err := o.sim.Create("Contact", r)
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = rec.ID
		}
		return ids
	}
	h.Edit = func(t *testing.T, id string, fields map[string]string) {
		if _, err := get(t).sim.Update("Contact", id, fields); err != nil {
			t.Fatal(err)
		}
	}
	h.Get = func(t *testing.T, id string) map[string]string {
		r, ok := get(t).sim.Get("Contact", id)
		if !ok || r.Deleted {
			return nil
		}
		return r.Fields
	}
	h.Requests = func(t *testing.T) int64 { return get(t).requests() }
	h.Faults = conformance.SimkitFaults(func(t *testing.T) *simkit.FaultInjector { return get(t).sim.Faults() },
		func(t *testing.T) *simkit.AuthServer { return get(t).sim.Auth() })
	runConformance(t, h)
}
