package simkit

import (
	"cmp"
	"sync"
	"time"
)

// Setting is one account setting as a sandbox keeps it: the vendor's
// default until a test names another. Safe for concurrent use.
type Setting struct {
	mu sync.Mutex
	v  string
}

// Set names the setting's value as the vendor would answer it.
func (s *Setting) Set(v string) {
	s.mu.Lock()
	s.v = v
	s.mu.Unlock()
}

// Or is the value set, def when none was.
func (s *Setting) Or(def string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cmp.Or(s.v, def)
}

// Zone is an account's time zone setting ("America/Chicago", or a legacy
// name such as "US/Eastern"): UTC until a test names another (the
// sandboxes' SetTimeZone).
type Zone struct{ Setting }

// Name is the zone set, UTC when none was.
func (z *Zone) Name() string { return z.Or("UTC") }

// Location is the zone set as Go reads it, UTC when none was or Go
// cannot load it.
func (z *Zone) Location() *time.Location {
	if loc, err := time.LoadLocation(z.Name()); err == nil {
		return loc
	}
	return time.UTC
}

// Currency is an account's own currency (ISO 4217): USD until a test
// names another (the sandboxes' SetCurrency).
type Currency struct{ Setting }

// Code is the currency set, USD when none was.
func (c *Currency) Code() string { return c.Or("USD") }
