package simkit

import (
	"net/http"
	"strings"
	"sync"
)

// Stats counts requests per endpoint ("METHOD /path/template").
type Stats struct {
	mu     sync.Mutex
	counts map[string]int64
}

// NewStats returns an empty counter.
func NewStats() *Stats { return &Stats{counts: map[string]int64{}} }

// Inc counts one request to endpoint.
func (s *Stats) Inc(endpoint string) {
	s.mu.Lock()
	s.counts[endpoint]++
	s.mu.Unlock()
}

// Snapshot copies the counters.
func (s *Stats) Snapshot() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Total is the sum of all counters.
func (s *Stats) Total() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t int64
	for _, v := range s.counts {
		t += v
	}
	return t
}

// EndpointKey turns a ServeMux pattern into a stats key, substituting the named
// wildcards (e.g. "object") with the request's values so each object type counts apart.
func EndpointKey(r *http.Request, pattern string, substitute ...string) string {
	for _, name := range substitute {
		if v := r.PathValue(name); v != "" {
			pattern = strings.Replace(pattern, "{"+name+"}", v, 1)
		}
	}
	return pattern
}
