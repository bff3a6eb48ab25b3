package simkit

import (
	"sync"
	"time"
)

// SlidingWindow is a rolling-window request limiter: at most Max hits in any Window.
type SlidingWindow struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	hits   []time.Time // ring buffer of the last max accepted hits, oldest at head
	head   int
	n      int
	now    func() time.Time
}

// NewSlidingWindow returns a limiter allowing max hits per window; now defaults to time.Now.
func NewSlidingWindow(max int, window time.Duration, now func() time.Time) *SlidingWindow {
	if now == nil {
		now = time.Now
	}
	return &SlidingWindow{window: window, max: max, hits: make([]time.Time, max), now: now}
}

// Max is the window capacity.
func (s *SlidingWindow) Max() int { return s.max }

// Window is the window length.
func (s *SlidingWindow) Window() time.Duration { return s.window }

// Allow records a hit if the window has room. It returns whether the hit was
// accepted, the hits remaining afterwards, and (when refused) how long until room frees up.
func (s *SlidingWindow) Allow() (ok bool, remaining int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for s.n > 0 && !now.Before(s.hits[s.head].Add(s.window)) {
		s.head = (s.head + 1) % s.max
		s.n--
	}
	if s.n >= s.max {
		return false, 0, s.hits[s.head].Add(s.window).Sub(now)
	}
	s.hits[(s.head+s.n)%s.max] = now
	s.n++
	return true, s.max - s.n, 0
}
