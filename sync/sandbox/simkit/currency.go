package simkit

import (
	"cmp"
	"sync"
)

// Currency is an account's own currency (ISO 4217) as a sandbox keeps
// it: USD until a test names another (the sandboxes' SetCurrency). Safe
// for concurrent use.
type Currency struct {
	mu   sync.Mutex
	code string
}

// Set names the currency ("EUR").
func (c *Currency) Set(code string) {
	c.mu.Lock()
	c.code = code
	c.mu.Unlock()
}

// Code is the currency set, USD when none was.
func (c *Currency) Code() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cmp.Or(c.code, "USD")
}
