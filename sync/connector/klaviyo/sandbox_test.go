package klaviyo

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
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// env is one Klaviyo sandbox served over real HTTP on 127.0.0.1: its OAuth
// server and the account's API, both under base.
type env struct {
	sim  *kvsim.Sim
	base string
}

func newEnv(t *testing.T, opts kvsim.Options) *env {
	t.Helper()
	opts.PathPrefix = "/klaviyo"
	sim := kvsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/klaviyo", sim)}
}

// signIn runs the real authorization-code exchange with PKCE and returns
// app/auth's refreshing client (Bearer) and the token URL.
func (e *env) signIn(t *testing.T) (*http.Client, string) {
	t.Helper()
	ep, store := e.grant(t)
	return auth.Client(nil, auth.NewTokenSource(context.Background(), ep, store, "klaviyo:test", nil)), ep.TokenURL
}

// grant runs the code exchange as the app does, with Klaviyo's client
// authentication (Info().OAuth.ClientBasic), and keeps the token in a
// memory store under "klaviyo:test".
func (e *env) grant(t *testing.T) (auth.Endpoint, auth.TokenStore) {
	t.Helper()
	ep := auth.Endpoint{Vendor: vendor, AuthURL: e.base + "/oauth/authorize", TokenURL: e.base + "/oauth/token",
		RevokeURL: e.base + "/oauth/revoke", ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(),
		Scopes: Scopes, PKCE: true, ClientBasic: Info().OAuth.ClientBasic}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, RedirectURL: "http://localhost:53682/callback",
		Scopes:   Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInHeader}}
	tok := authtest.Code(t, conf)
	store := secret.NewMemory()
	if err := auth.Save(context.Background(), store, "klaviyo:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return ep, store
}

func testOptions() options {
	o := defaultOptions()
	o.Rate, o.MinWait, o.MaxWait = 0, 2*time.Millisecond, 3*time.Second
	o.pollMin, o.pollMax = 2*time.Millisecond, 20*time.Millisecond
	return o
}

// connect signs in with OAuth and returns a connector on the sandbox.
func (e *env) connect(t *testing.T, tune ...func(*options)) *Connector {
	t.Helper()
	client, _ := e.signIn(t)
	return e.connectWith(t, client, tune...)
}

func (e *env) connectWith(t *testing.T, client *http.Client, tune ...func(*options)) *Connector {
	t.Helper()
	o := testOptions()
	for _, f := range tune {
		f(&o)
	}
	c, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seedOf is a conformance record as the sandbox's seed.
func seedOf(f map[string]string) kvsim.ProfileSeed {
	return kvsim.ProfileSeed{Email: f[fEmail], FirstName: f[fFirst], LastName: f[fLast], PhoneNumber: f[fPhone]}
}

// confBatch is the batch size the conformance run uses, so its split test
// writes a few dozen profiles rather than 1,005.
const confBatch = 20

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	h := conformance.Harness{
		Name: vendor, Object: objProfiles, BatchSize: confBatch, PageSize: PageSize,
		// The sandbox stamps updated to the microsecond, as Klaviyo does.
		ModifiedResolution: 10 * time.Millisecond,
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, kvsim.Options{RateLimits: true, Seed: 7})
			e.sim.SetJobPolls(2)
			envs.Put(t, e)
			return e.connect(t, func(o *options) { o.batchSize = confBatch })
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			rows := make([]kvsim.ProfileSeed, len(recs))
			for i, r := range recs {
				rows[i] = seedOf(r)
			}
			ids, err := envOf(t).sim.SeedProfiles(rows)
			if err != nil {
				t.Fatal(err)
			}
			return ids
		},
		Edit: func(t *testing.T, id string, f map[string]string) {
			attrs := map[string]any{}
			for k, v := range f {
				attrs[k] = v
			}
			if _, err := envOf(t).sim.UpdateProfile(id, attrs); err != nil {
				t.Fatalf("edit %s: %v", id, err)
			}
		},
		Get: func(t *testing.T, id string) map[string]string {
			p, ok := envOf(t).sim.Profile(id)
			if !ok {
				return nil
			}
			return map[string]string{fEmail: p.Email, fFirst: p.FirstName, fLast: p.LastName, fPhone: p.PhoneNumber}
		},
		Requests: func(t *testing.T) int64 {
			var n int64
			for _, c := range envOf(t).sim.Stats() {
				n += c
			}
			return n
		},
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = fEmail, fFirst, fLast, fPhone
	faults := func(t *testing.T) *simkit.FaultInjector { return envOf(t).sim.Faults() }
	h.Faults = conformance.SimkitFaults(faults, func(t *testing.T) *simkit.AuthServer { return envOf(t).sim.Auth() })
	// Klaviyo has no daily call quota, only burst and steady windows.
	h.Faults.ExhaustBudget = nil
	conformance.Run(t, h)
}
