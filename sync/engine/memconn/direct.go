package memconn

import (
	"sort"

	"github.com/crmsync/crmsync/sync/connector"
)

// The methods below act on the backend directly, like a person editing in
// the CRM's own UI: no API call is counted and no fault applies.

// Put creates a record and returns its id.
func (c *Conn) Put(object string, fields map[string]string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.create(c.table(object), fields)
}

// Edit changes fields of a live record; it reports false when there is none.
func (c *Conn) Edit(object, id string, fields map[string]string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.table(object)
	r := t.recs[id]
	if r == nil || r.deleted {
		return false
	}
	c.set(t, r, fields)
	return true
}

// Remove deletes a record (it reads back as a tombstone).
func (c *Conn) Remove(object, id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.table(object)
	r := t.recs[id]
	if r == nil || r.deleted {
		return false
	}
	r.deleted = true
	c.reindex(t, r, r.fields[c.opts.UpsertKey])
	t.bump(r)
	r.modified = c.opts.Clock()
	return true
}

// Get returns a copy of a live record's fields, or nil.
func (c *Conn) Get(object, id string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.table(object).recs[id]
	if r == nil || r.deleted {
		return nil
	}
	s, _ := c.schema(object)
	return r.record(s).Fields
}

// Live returns every live record ordered by id.
func (c *Conn) Live(object string) []connector.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []connector.Record
	s, _ := c.schema(object)
	for _, r := range c.table(object).recs {
		if !r.deleted {
			out = append(out, r.record(s))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Count returns the number of live records.
func (c *Conn) Count(object string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.table(object).recs {
		if !r.deleted {
			n++
		}
	}
	return n
}

// Tombstones returns the ids of deleted records, ordered.
func (c *Conn) Tombstones(object string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for id, r := range c.table(object).recs {
		if r.deleted {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
