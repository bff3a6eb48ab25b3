package conformance

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// OddAnswers is a proxy in front of a vendor's sandbox that rewrites the
// 200 JSON answers of chosen requests, as a gateway or a faulty server
// might (JSON without the list, a next cursor repeating the page just
// read): a connector must stop with an error naming the endpoint, neither
// end the read as if nothing were left nor ask again until the vendor's
// daily limit is spent.
type OddAnswers struct {
	// Match picks the requests whose answers Edit rewrites; the others
	// pass through as they are.
	Match func(*http.Request) bool
	// Edit gets the sandbox's answer and the request as the connector
	// sent it, and returns the body to send.
	Edit func(body map[string]any, r *http.Request) any
	// Drop is a query parameter the sandbox is not sent, as a proxy
	// ignoring the query would: every page is answered like the first,
	// and the cursor is Edit's to judge (the sandbox knows only its own).
	Drop string
	// ContentType of the rewritten answers; "application/json" if empty.
	ContentType string
	// Most is how many matched requests a test allows; past it the
	// Context is cancelled, so a read that would go on for ever stops.
	Most int64
	// Calls counts the matched requests.
	Calls atomic.Int64

	mu     sync.Mutex
	cancel context.CancelFunc
}

// GetsEndingIn matches GET requests whose path ends in one of suffixes.
func GetsEndingIn(suffixes ...string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if r.Method != http.MethodGet {
			return false
		}
		for _, s := range suffixes {
			if strings.HasSuffix(r.URL.Path, s) {
				return true
			}
		}
		return false
	}
}

// Context is t's context, cancelled once Calls passes Most.
func (o *OddAnswers) Context(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	o.mu.Lock()
	o.cancel = cancel
	o.mu.Unlock()
	return ctx
}

// Wrap serves next through the proxy.
func (o *OddAnswers) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !o.Match(r) {
			next.ServeHTTP(w, r)
			return
		}
		if n := o.Calls.Add(1); o.Most > 0 && n > o.Most {
			o.mu.Lock()
			if o.cancel != nil {
				o.cancel() // the read would go on for ever: stop it
			}
			o.mu.Unlock()
		}
		fwd := r
		if o.Drop != "" {
			fwd = r.Clone(r.Context())
			q := fwd.URL.Query()
			q.Del(o.Drop)
			fwd.URL.RawQuery = q.Encode()
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, fwd)
		var body map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		ct := o.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		json.NewEncoder(w).Encode(o.Edit(body, r))
	})
}

// CheckStopped fails t unless what (e.g. `Read of a repeating next_cursor`)
// went through the proxy, stopped within Most requests, and ended with an
// error naming each of want (the endpoint, the odd part of the answer).
func (o *OddAnswers) CheckStopped(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	n := o.Calls.Load()
	if n == 0 {
		t.Fatalf("%s: no request went through the proxy; the test proves nothing", what)
	}
	if o.Most > 0 && n > o.Most {
		t.Fatalf("%s asked for the same page %d times", what, n)
	}
	if err == nil {
		t.Fatalf("%s ended without an error", what)
	}
	for _, s := range want {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: error %q does not name %q", what, err, s)
		}
	}
}

// FirstError drains seq (a Read, ListIDs or ListDeleted) up to its first
// error and returns it; nil if the whole sequence ended without one.
func FirstError[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
