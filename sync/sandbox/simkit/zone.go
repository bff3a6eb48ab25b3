package simkit

import (
	"cmp"
	"sync"
)

// Zone is an account's time zone setting as a sandbox keeps it: UTC until
// a test names another (the sandboxes' SetTimeZone). Safe for concurrent
// use.
type Zone struct {
	mu   sync.Mutex
	name string
}

// Set names the zone as the vendor would answer it ("America/Chicago",
// or a legacy name such as "US/Eastern").
func (z *Zone) Set(name string) {
	z.mu.Lock()
	z.name = name
	z.mu.Unlock()
}

// Name is the zone set, UTC when none was.
func (z *Zone) Name() string {
	z.mu.Lock()
	defer z.mu.Unlock()
	return cmp.Or(z.name, "UTC")
}
