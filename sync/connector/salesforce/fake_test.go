package salesforce

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// fakeOrg serves hand-written JSON shaped like the REST API Developer
// Guide's examples, mounted under /sf, so parsing can be tested without the
// sandbox. Routes are exact "METHOD path" keys; "*" matches any query route.
type fakeOrg struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request)
	reqs   []string // "METHOD path?query" in order
	bodies []string
	hdrs   []http.Header
}

const describeContact = `{"name":"Contact","fields":[
 {"name":"Id","label":"Contact ID","type":"id","length":18,"nillable":false,"createable":false,"updateable":false,"defaultedOnCreate":true,"unique":false,"externalId":false,"picklistValues":[]},
 {"name":"SystemModstamp","label":"System Modstamp","type":"datetime","length":0,"nillable":false,"createable":false,"updateable":false,"defaultedOnCreate":true,"picklistValues":[]},
 {"name":"LastName","label":"Last Name","type":"string","length":80,"nillable":false,"createable":true,"updateable":true,"defaultedOnCreate":false,"picklistValues":[]},
 {"name":"Email","label":"Email","type":"email","length":80,"nillable":true,"createable":true,"updateable":true,"defaultedOnCreate":false,"picklistValues":[]},
 {"name":"LeadSource","label":"Lead Source","type":"picklist","length":255,"nillable":true,"createable":true,"updateable":true,"picklistValues":[{"active":true,"value":"Web","label":"Web"},{"active":false,"value":"Fax","label":"Fax"}]},
 {"name":"Amount__c","label":"Amount","type":"currency","length":0,"nillable":true,"createable":true,"updateable":true,"picklistValues":[]},
 {"name":"HasOptedOutOfEmail","label":"Email Opt Out","type":"boolean","nillable":false,"createable":true,"updateable":true,"defaultedOnCreate":true,"picklistValues":[]},
 {"name":"MailingAddress","label":"Mailing Address","type":"address","nillable":true,"createable":false,"updateable":false,"picklistValues":[]},
 {"name":"Crmsync_Key__c","label":"crmsync Key","type":"string","length":255,"nillable":true,"createable":true,"updateable":true,"unique":true,"externalId":true,"picklistValues":[]}
]}`

func newFake(t *testing.T) (*fakeOrg, *Conn) {
	t.Helper()
	f := &fakeOrg{t: t, routes: map[string]func(http.ResponseWriter, *http.Request){}}
	f.json("GET /sf/services/data/", 200,
		`[{"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"},{"label":"Summer '26","url":"/services/data/v67.0","version":"67.0"},{"label":"Winter '27","url":"/services/data/v68.0","version":"68.0"}]`)
	f.json("GET /sf/services/data/v67.0/sobjects/Contact/describe", 200, describeContact)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	// A token-adding client like app/auth's: the token must never leak.
	client := &http.Client{Transport: tokenRT{next: http.DefaultTransport}}
	c, err := newConn(client, connector.Account{APIBase: srv.URL + "/sf"}, transport.Options{MinWait: time.Millisecond, MaxWait: 2 * time.Second, MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

const secretToken = "00Dxx!SECRET-ACCESS-TOKEN"

type tokenRT struct{ next http.RoundTripper }

func (rt tokenRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+secretToken)
	return rt.next.RoundTrip(r)
}

func (f *fakeOrg) handle(key string, h func(http.ResponseWriter, *http.Request)) {
	f.mu.Lock()
	f.routes[key] = h
	f.mu.Unlock()
}

func (f *fakeOrg) json(key string, status int, body string) {
	f.handle(key, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func (f *fakeOrg) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(b)))
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Method+" "+r.URL.RequestURI())
	f.bodies = append(f.bodies, string(b))
	f.hdrs = append(f.hdrs, r.Header.Clone())
	h := f.routes[r.Method+" "+r.URL.Path]
	f.mu.Unlock()
	w.Header().Set("Sforce-Limit-Info", "api-usage=42/15000")
	if h == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]`)
		return
	}
	h(w, r)
}

func (f *fakeOrg) requests(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.reqs {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeOrg) lastBody() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[len(f.bodies)-1]
}
