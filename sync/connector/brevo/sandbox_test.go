package brevo

import (
	"context"
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
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// env is one Brevo sandbox served over real HTTP on 127.0.0.1: its OAuth
// server and the account's API, both under base.
type env struct {
	sim  *bvsim.Sim
	base string
}

func newEnv(t *testing.T, opts bvsim.Options) *env {
	t.Helper()
	opts.PathPrefix = "/brevo"
	sim := bvsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/brevo", sim)}
}

// signIn runs the real authorization-code exchange with PKCE, with the
// client authentication Info gives, and returns app/auth's refreshing
// client (Bearer) and the token URL.
func (e *env) signIn(t *testing.T) (*http.Client, string) {
	t.Helper()
	ep := auth.Endpoint{Vendor: vendor, AuthURL: e.base + "/realms/partner/oauth/authorize", TokenURL: e.base + "/realms/partner/oauth/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), Scopes: Scopes, PKCE: true, ClientBasic: Info().OAuth.ClientBasic}
	style := oauth2.AuthStyleInParams
	if ep.ClientBasic {
		style = oauth2.AuthStyleInHeader
	}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, RedirectURL: "http://localhost:53682/callback",
		Scopes: Scopes, Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: style}}
	tok := authtest.Code(t, conf)
	store := secret.NewMemory()
	if err := auth.Save(context.Background(), store, "brevo:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return auth.Client(nil, auth.NewTokenSource(context.Background(), ep, store, "brevo:test", nil)), ep.TokenURL
}

func testOptions() options {
	o := defaultOptions()
	o.Rate, o.MinWait, o.MaxWait = 0, 2*time.Millisecond, 3*time.Second
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

func id64(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

// confBatch is the batch size the conformance run uses, so its split test
// writes a few dozen contacts.
const confBatch = 20

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	attrs := []string{"FIRSTNAME", "LASTNAME", "SMS"}
	h := conformance.Harness{
		Name: vendor, Object: objContacts, BatchSize: confBatch, PageSize: 40,
		// The sandbox stamps modifiedAt to the millisecond, as Brevo does.
		ModifiedResolution: 10 * time.Millisecond,
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, bvsim.Options{RateLimits: true, Seed: 7})
			envs.Put(t, e)
			return e.connect(t, func(o *options) { o.batchSize, o.pageSize = confBatch, 40 })
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			rows := make([]bvsim.ContactSeed, len(recs))
			for i, r := range recs {
				rows[i] = bvsim.ContactSeed{Email: r[fEmail], Attributes: map[string]any{}}
				for _, a := range attrs {
					if v := r[a]; v != "" {
						rows[i].Attributes[a] = v
					}
				}
			}
			ids, err := envOf(t).sim.SeedContacts(rows)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]string, len(ids))
			for i, id := range ids {
				out[i] = strconv.FormatInt(id, 10)
			}
			return out
		},
		Edit: func(t *testing.T, id string, f map[string]string) {
			m := map[string]any{}
			for k, v := range f {
				m[k] = v
			}
			if _, err := envOf(t).sim.UpdateContact(id64(t, id), m); err != nil {
				t.Fatalf("edit %s: %v", id, err)
			}
		},
		Get: func(t *testing.T, id string) map[string]string {
			c, ok := envOf(t).sim.Contact(id64(t, id))
			if !ok {
				return nil
			}
			out := map[string]string{fEmail: c.Email}
			for _, a := range attrs {
				v, _ := c.Attributes[a].(string)
				out[a] = v
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
	h.Fields.Email, h.Fields.First, h.Fields.Last = fEmail, "FIRSTNAME", "LASTNAME"
	faults := func(t *testing.T) *simkit.FaultInjector { return envOf(t).sim.Faults() }
	h.Faults = conformance.SimkitFaults(faults, func(t *testing.T) *simkit.AuthServer { return envOf(t).sim.Auth() })
	// Brevo has no daily call quota, only per-second and per-hour windows.
	h.Faults.ExhaustBudget = nil
	conformance.Run(t, h)
}
