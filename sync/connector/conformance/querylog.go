package conformance

import (
	"iter"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// QueryLog is an http.RoundTripper that keeps the query of every GET a
// connector sends, by path, so a test can assert on what the sandbox
// received (a read's field selection) rather than on what the connector
// says it asked.
type QueryLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent map[string][]url.Values
}

// NewQueryLog logs the GETs sent through next (nil: the default transport).
func NewQueryLog(next http.RoundTripper) *QueryLog {
	if next == nil {
		next = http.DefaultTransport
	}
	return &QueryLog{next: next, sent: map[string][]url.Values{}}
}

// RoundTrip logs a GET's query under its path, then sends it on.
func (l *QueryLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet {
		l.mu.Lock()
		l.sent[r.URL.Path] = append(l.sent[r.URL.Path], r.URL.Query())
		l.mu.Unlock()
	}
	return l.next.RoundTrip(r)
}

// Take returns the queries sent to paths ending in suffix since the last
// Take of that suffix (each path's in the order sent), and forgets them.
func (l *QueryLog) Take(suffix string) []url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []url.Values
	for path, qs := range l.sent {
		if strings.HasSuffix(path, suffix) {
			out = append(out, qs...)
			delete(l.sent, path)
		}
	}
	return out
}

// FindRead reads the pages of a connector's Read until a record match
// accepts, and returns it; the test fails on a read error or when no
// record matches.
func FindRead(t testing.TB, pages iter.Seq2[connector.Page, error], match func(connector.Record) bool) connector.Record {
	t.Helper()
	for p, err := range pages {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			if match(r) {
				return r
			}
		}
	}
	t.Fatal("no record read matches")
	return connector.Record{}
}
