package dynamics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// env is one Dataverse sandbox served over real HTTP on 127.0.0.1; its
// mount point is both the organization URL and the identity platform.
type env struct {
	sim  *dsim.Sim
	srv  *httptest.Server
	base string
}

func newEnv(t *testing.T, opts dsim.Options) *env {
	t.Helper()
	return newEnvWrapped(t, opts, nil)
}

// newEnvWrapped serves the sandbox through wrap (nil = as it is), so a
// test can damage its answers.
func newEnvWrapped(t *testing.T, opts dsim.Options, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	opts.PathPrefix = "/dynamics"
	sim := dsim.New(opts)
	var h http.Handler = http.StripPrefix("/dynamics", sim)
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/dynamics/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{sim: sim, srv: srv, base: srv.URL + "/dynamics"}
}

// oauthClient runs the real authorization-code exchange with PKCE and the
// organization's scope, and returns app/auth's refreshing client.
func (e *env) oauthClient(t *testing.T) *http.Client {
	t.Helper()
	ctx := context.Background()
	var scopes []string
	for _, s := range Info().OAuth.Scopes {
		scopes = append(scopes, strings.ReplaceAll(s, "{api_base}", e.base))
	}
	ep := auth.Endpoint{Vendor: vendor, AuthURL: e.base + "/organizations/oauth2/v2.0/authorize", TokenURL: e.base + "/organizations/oauth2/v2.0/token",
		ClientID: e.sim.Auth().ClientID(), Scopes: scopes, PKCE: true}
	conf := &oauth2.Config{ClientID: ep.ClientID, RedirectURL: "http://localhost:53682/callback", Scopes: ep.Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	tok := authtest.Code(t, conf)
	if tok.RefreshToken == "" {
		t.Fatalf("no refresh token for the scopes %v", scopes)
	}
	store := secret.NewMemory()
	if err := auth.Save(ctx, store, "dynamics:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return auth.Client(nil, auth.NewTokenSource(ctx, ep, store, "dynamics:test", nil))
}

func testOptions() options {
	o := defaultOptions()
	// Service protection's 429 asks for a second or more.
	o.Rate, o.MinWait, o.MaxWait = 0, 5*time.Millisecond, 3*time.Second
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

func anyFields(f map[string]string) map[string]any {
	out := make(map[string]any, len(f))
	for k, v := range f {
		out[k] = v
	}
	return out
}

// stringFields renders a sandbox row's values as canonical strings.
func stringFields(f map[string]any) map[string]string {
	out := make(map[string]string, len(f))
	for k, v := range f {
		switch x := v.(type) {
		case nil:
			out[k] = ""
		case string:
			out[k] = x
		default:
			out[k] = strings.TrimSpace(strings.Trim(jsonOf(x), `"`))
		}
	}
	return out
}

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	h := conformance.Harness{
		Name: "dynamics", Object: "contacts", BatchSize: BatchSize, PageSize: PageSize,
		ModifiedResolution: 1100 * time.Millisecond, // modifiedon has one-second resolution
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, dsim.Options{RateLimits: true, Seed: 7})
			envs.Put(t, e)
			return e.connect(t)
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			ids := make([]string, len(recs))
			for i, r := range recs {
				rec, err := envOf(t).sim.Create("contacts", anyFields(r))
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = rec.ID
			}
			return ids
		},
		Edit: func(t *testing.T, id string, f map[string]string) {
			if _, err := envOf(t).sim.Update("contacts", id, anyFields(f)); err != nil {
				t.Fatalf("edit %s: %v", id, err)
			}
		},
		Get: func(t *testing.T, id string) map[string]string {
			rec, ok := envOf(t).sim.Get("contacts", id)
			if !ok {
				return nil
			}
			return stringFields(rec.Fields)
		},
		Requests: func(t *testing.T) int64 {
			var n int64
			for k, c := range envOf(t).sim.Stats() {
				if !strings.HasPrefix(k, "BATCH ") { // operations inside a $batch are not calls
					n += c
				}
			}
			return n
		},
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = "emailaddress1", "firstname", "lastname", "telephone1"
	h.Faults = conformance.SimkitFaults(func(t *testing.T) *simkit.FaultInjector { return envOf(t).sim.Faults() },
		func(t *testing.T) *simkit.AuthServer { return envOf(t).sim.Auth() })
	// Dataverse has no daily call limit that refuses calls: its
	// entitlement is counted per licence, and only service protection's
	// 5-minute windows answer 429 (the storm above).
	h.Faults.ExhaustBudget = nil
	conformance.Run(t, h)
}
