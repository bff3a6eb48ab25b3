package transport

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestAttemptsSayWhetherAnyMayHaveBeenCarriedOut: a call refused with
// 429 on every attempt was carried out by none (the engine then settles its
// batch); one whose first attempt got a 503 may have been carried out,
// though it ended refused, so its batch stays to be reconciled.
func TestAttemptsSayWhetherAnyMayHaveBeenCarriedOut(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		answered bool
	}{
		{"429 throughout", []int{429, 429, 429}, true},
		{"503 then 429", []int{503, 429, 429}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{statuses: tc.statuses}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c := New(srv.Client(), fast(Options{MaxRetries: 2}))
			ctx, attempts := connector.TrackAttempts(context.Background())
			resp, err := get(t, ctx, c, srv.URL+"/x")
			if err == nil {
				resp.Body.Close()
			}
			t.Logf("hits %d, err %v", s.hits.Load(), err)
			if s.hits.Load() != 3 || attempts.AllAnswered() != tc.answered {
				t.Errorf("hits %d; AllAnswered %v, want %v", s.hits.Load(), attempts.AllAnswered(), tc.answered)
			}
		})
	}
	t.Run("a call answered 200, then one refused", func(t *testing.T) {
		// A connector's write of several calls: the first wrote.
		s := &script{statuses: []int{200, 429, 429, 429}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		c := New(srv.Client(), fast(Options{MaxRetries: 2}))
		ctx, attempts := connector.TrackAttempts(context.Background())
		for range 2 {
			if resp, err := get(t, ctx, c, srv.URL+"/x"); err == nil {
				resp.Body.Close()
			}
		}
		if s.hits.Load() != 4 || attempts.AllAnswered() {
			t.Errorf("hits %d; AllAnswered %v after a call that wrote, want false", s.hits.Load(), attempts.AllAnswered())
		}
	})
	var untracked connector.Attempts
	if untracked.AllAnswered() {
		t.Error("no attempt recorded reads as all answered")
	}
}
