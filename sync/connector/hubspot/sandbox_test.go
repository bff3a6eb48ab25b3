package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	"golang.org/x/oauth2"
)

// env is one sandbox portal served over real HTTP on 127.0.0.1.
type env struct {
	sim  *hssim.Sim
	base string // API base the connector gets
}

func newEnv(t *testing.T, opts hssim.Options) *env {
	t.Helper()
	opts.PathPrefix = "/hubspot"
	sim := hssim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/hubspot", sim)}
}

// oauthClient runs the real authorization-code exchange against the
// sandbox and returns app/auth's refreshing client, as the app would.
func (e *env) oauthClient(t *testing.T) *http.Client {
	t.Helper()
	ctx := context.Background()
	ep := auth.Endpoint{Vendor: "hubspot", AuthURL: e.base + "/oauth/authorize", TokenURL: e.base + "/oauth/2026-03/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), Scopes: Info().OAuth.Scopes}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, Scopes: ep.Scopes,
		RedirectURL: "http://localhost:53682/callback", Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	var opts []oauth2.AuthCodeOption // the consent page's extra parameters: optional_scope
	for k, v := range Info().OAuth.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	tok := authtest.Code(t, conf, opts...)
	store := secret.NewMemory()
	if err := auth.Save(ctx, store, "hubspot:test", tok); err != nil {
		t.Fatalf("save token: %v", err)
	}
	return auth.Client(nil, auth.NewTokenSource(ctx, ep, store, "hubspot:test", nil))
}

func testOptions() options {
	o := defaultOptions()
	o.rate, o.burst = 1000, 50
	o.minWait, o.maxWait = 20*time.Millisecond, 5*time.Second
	return o
}

// direct calls the sandbox like a user's script would, with a fresh
// long-lived token, riding out injected faults.
func (e *env) direct(t *testing.T, method, path string, in any, out any) int {
	t.Helper()
	var raw []byte
	if in != nil {
		raw, _ = json.Marshal(in)
	}
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequest(method, e.base+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+e.sim.Auth().IssueLongLived())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("direct %s %s: %v", method, path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if (resp.StatusCode == 429 || resp.StatusCode >= 500) && attempt < 50 {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if out != nil && resp.StatusCode/100 == 2 {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatalf("direct %s %s: %v: %s", method, path, err, b)
			}
		}
		return resp.StatusCode
	}
}

func (e *env) seed(t *testing.T, object string, recs []map[string]string) []string {
	t.Helper()
	var ids []string
	for start := 0; start < len(recs); start += 100 {
		var inputs []map[string]any
		for _, r := range recs[start:min(start+100, len(recs))] {
			inputs = append(inputs, map[string]any{"properties": r, "associations": []any{}})
		}
		var out struct {
			Results []struct{ ID string } `json:"results"`
		}
		if st := e.direct(t, "POST", "/crm/objects/2026-03/"+object+"/batch/create", map[string]any{"inputs": inputs}, &out); st != 201 || len(out.Results) != len(inputs) {
			t.Fatalf("seed: status %d, %d results for %d inputs", st, len(out.Results), len(inputs))
		}
		for _, r := range out.Results {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func (e *env) get(t *testing.T, object, id string) map[string]string {
	t.Helper()
	var out struct {
		Properties map[string]*string `json:"properties"`
	}
	st := e.direct(t, "GET", "/crm/objects/2026-03/"+object+"/"+id+"?properties=email,firstname,lastname,phone", nil, &out)
	if st == 404 {
		return nil
	}
	if st != 200 {
		t.Fatalf("get %s: status %d", id, st)
	}
	m := map[string]string{}
	for k, v := range out.Properties {
		if v != nil {
			m[k] = *v
		}
	}
	return m
}

func (e *env) requests() int64 {
	var n int64
	for _, v := range e.sim.Stats() {
		n += v
	}
	return n
}

func TestConformanceAgainstSandbox(t *testing.T) {
	var envs conformance.Backends[*env]
	envOf := envs.Get
	h := conformance.Harness{
		Name: "hubspot", Object: "contacts", BatchSize: batchSize, PageSize: pageSize,
		ModifiedResolution: 2 * time.Millisecond,
		New: func(t *testing.T) connector.Connector {
			e := newEnv(t, hssim.Options{RateLimits: true, Seed: 7})
			envs.Put(t, e)
			c, err := newConnector(e.oauthClient(t), e.base, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Seed: func(t *testing.T, recs []map[string]string) []string { return envOf(t).seed(t, "contacts", recs) },
		Edit: func(t *testing.T, id string, f map[string]string) {
			if st := envOf(t).direct(t, "PATCH", "/crm/objects/2026-03/contacts/"+id, map[string]any{"properties": f}, nil); st != 200 {
				t.Fatalf("edit %s: status %d", id, st)
			}
		},
		Get:      func(t *testing.T, id string) map[string]string { return envOf(t).get(t, "contacts", id) },
		Requests: func(t *testing.T) int64 { return envOf(t).requests() },
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = "email", "firstname", "lastname", "phone"
	h.Faults = conformance.SimkitFaults(func(t *testing.T) *simkit.FaultInjector { return envOf(t).sim.Faults() },
		func(t *testing.T) *simkit.AuthServer { return envOf(t).sim.Auth() })
	conformance.Run(t, h)
}

// TestReadRestartsBeforeSearchCap seeds more than 10,000 contacts: one search
// query cannot page past 10,000 results, so the read must restart from the
// newest modified time and still return every record exactly once.
func TestReadRestartsBeforeSearchCap(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,250 records")
	}
	e := newEnv(t, hssim.Options{Seed: 3})
	const n = searchCap + 250
	recs := make([]map[string]string, n)
	for i := range recs {
		recs[i] = map[string]string{"email": fmt.Sprintf("bulk%05d@example.com", i), "firstname": "Bulk"}
	}
	ids := e.seed(t, "contacts", recs)
	o := testOptions()
	o.searchRate = 100 // the sandbox's own search limit is off here; keep the test fast
	c, err := newConnector(e.oauthClient(t), e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	before := e.sim.Stats()["POST /crm/objects/2026-03/contacts/search"]
	seen := map[string]int{}
	var cur connector.Cursor
	for p, err := range c.Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatalf("read after %d records: %v", len(seen), err)
		}
		for _, r := range p.Records {
			seen[r.ID]++
		}
		cur = p.Cursor
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("record %s read %d times, want once (read %d distinct)", id, seen[id], len(seen))
		}
	}
	searches := e.sim.Stats()["POST /crm/objects/2026-03/contacts/search"] - before
	if searches < int64(n/pageSize)+1 {
		t.Errorf("%d search calls for %d records; want at least %d", searches, n, n/pageSize+1)
	}
	for p, err := range c.Read(t.Context(), "contacts", cur) {
		if err != nil || len(p.Records) > 0 {
			t.Fatalf("read after the last cursor: %d records, %v; want none", len(p.Records), err)
		}
	}
}

// A connection whose sign-in is gone fails every call as "reconnect
// needed" (app/auth.ErrReconnectNeeded, a connector.ErrAuth), which the app
// turns into a Reconnect button, not as a server error.
func TestLostSignInAsksForReconnect(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 5})
	ep := auth.Endpoint{Vendor: vendor, TokenURL: e.base + "/oauth/2026-03/token", ClientID: e.sim.Auth().ClientID()}
	client := auth.Client(nil, auth.NewTokenSource(t.Context(), ep, secret.NewMemory(), "gone", nil))
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Schema(t.Context(), "contacts")
	if !errors.Is(err, auth.ErrReconnectNeeded) || !errors.Is(err, connector.ErrAuth) {
		t.Fatalf("schema without a sign-in: %v; want reconnect needed", err)
	}
}

// oauthConnector connects to e through the real OAuth flow, as the app
// does (optional_scope included).
func oauthConnector(t *testing.T, e *env) *Connector {
	t.Helper()
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scopedConnector connects to e asking for Info's scopes alone, as a
// connection made before crmsync asked for the optional ones (or to a
// portal that cannot grant them) holds.
func scopedConnector(t *testing.T, e *env) *Connector {
	t.Helper()
	ctx := context.Background()
	ep := auth.Endpoint{Vendor: "hubspot", AuthURL: e.base + "/oauth/authorize", TokenURL: e.base + "/oauth/2026-03/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), Scopes: Info().OAuth.Scopes}
	conf := &oauth2.Config{ClientID: ep.ClientID, ClientSecret: ep.ClientSecret, Scopes: ep.Scopes,
		RedirectURL: "http://localhost:53682/callback", Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	tok := authtest.Code(t, conf) // no optional_scope
	store := secret.NewMemory()
	if err := auth.Save(ctx, store, "hubspot:plain", tok); err != nil {
		t.Fatal(err)
	}
	c, err := newConnector(auth.Client(nil, auth.NewTokenSource(ctx, ep, store, "hubspot:plain", nil)), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
