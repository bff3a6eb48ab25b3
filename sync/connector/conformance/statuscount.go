package conformance

import (
	"net/http"
	"sync/atomic"
)

// StatusCount is an http.RoundTripper that counts the vendor's answers
// with one status (a 429, to show a connector kept within a limit), as
// the sandbox sent them, retries included.
type StatusCount struct {
	next   http.RoundTripper
	status int
	n      atomic.Int64
	calls  atomic.Int64
}

// NewStatusCount counts the answers with status sent through next (nil:
// the default transport).
func NewStatusCount(next http.RoundTripper, status int) *StatusCount {
	if next == nil {
		next = http.DefaultTransport
	}
	return &StatusCount{next: next, status: status}
}

func (s *StatusCount) RoundTrip(r *http.Request) (*http.Response, error) {
	s.calls.Add(1)
	resp, err := s.next.RoundTrip(r)
	if err == nil && resp.StatusCode == s.status {
		s.n.Add(1)
	}
	return resp, err
}

// N is how many answers had the status.
func (s *StatusCount) N() int64 { return s.n.Load() }

// Calls is how many requests went through, whatever their answer.
func (s *StatusCount) Calls() int64 { return s.calls.Load() }
