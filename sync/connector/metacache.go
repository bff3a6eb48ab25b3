package connector

import (
	"context"
	"time"
)

// MetaCache keeps one connection's vendor metadata (object schemas, the
// discovered API version) between runs, so a run with a warm cache spends
// no calls on it. It never holds tokens or record data. Implementations
// must be safe for concurrent use; store.MetaCache is the persistent one.
type MetaCache interface {
	// Get returns the value stored under key and when it was fetched;
	// ok is false when there is none.
	Get(ctx context.Context, key string) (value []byte, fetched time.Time, ok bool, err error)
	// Put stores value under key, stamped with the current time.
	Put(ctx context.Context, key string, value []byte) error
	// Drop removes every key starting with prefix ("" drops all).
	Drop(ctx context.Context, prefix string) error
}

// AccountZoneKey keeps the account's time zone (a TimeZoner's answer,
// checked loadable) in the connection's cache. The app stores it; a
// connector may read it where a call would be refused (HubSpot's spent
// daily limit resets at the portal's midnight).
const AccountZoneKey = "account/timezone"

// MetaTTL is how long cached metadata is used without asking the vendor.
const MetaTTL = 24 * time.Hour

type freshSchemaKey struct{}

// WithFreshSchema marks ctx so Schema bypasses every cache and refreshes it
// (the sync editor's field list wants what the CRM has right now).
func WithFreshSchema(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshSchemaKey{}, true)
}

// FreshSchema reports whether ctx asks Schema to bypass caches.
func FreshSchema(ctx context.Context) bool {
	v, _ := ctx.Value(freshSchemaKey{}).(bool)
	return v
}

// Meta is how a connector uses its MetaCache: it applies the TTL and treats
// a nil cache as "no cache". A cache failure is returned so the connector
// can fall back to fetching and mention it only if the fetch fails too;
// the app's MetaCache logs it (connectors have no logger of their own).
type Meta struct {
	Cache MetaCache
}

// Lookup returns the value under key when it is younger than the TTL.
func (m *Meta) Lookup(ctx context.Context, key string) (value []byte, ok bool, err error) {
	if m == nil || m.Cache == nil {
		return nil, false, nil
	}
	v, fetched, ok, err := m.Cache.Get(ctx, key)
	if err != nil || !ok {
		return nil, false, err
	}
	// A stamp from the future (the clock was set back) is not trusted.
	if age := time.Since(fetched); age >= MetaTTL || age < -time.Minute {
		return nil, false, nil
	}
	return v, true, nil
}

// Last returns the value last stored under key, however old: what a
// connector chose and cached before it pinned such choices (Pinned), which
// still names the choice after the TTL has passed.
func (m *Meta) Last(ctx context.Context, key string) (value []byte, ok bool, err error) {
	if m == nil || m.Cache == nil {
		return nil, false, nil
	}
	v, _, ok, err := m.Cache.Get(ctx, key)
	return v, ok && err == nil, err
}

// Store saves value under key; a nil cache stores nothing.
func (m *Meta) Store(ctx context.Context, key string, value []byte) error {
	if m == nil || m.Cache == nil {
		return nil
	}
	return m.Cache.Put(ctx, key, value)
}

// Forget drops every key starting with prefix. It runs on a context that
// is not cancelled with ctx: the drop matters most when a run is failing.
func (m *Meta) Forget(ctx context.Context, prefix string) error {
	if m == nil || m.Cache == nil {
		return nil
	}
	return m.Cache.Drop(context.WithoutCancel(ctx), prefix)
}

// Enabled reports whether a cache is attached.
func (m *Meta) Enabled() bool { return m != nil && m.Cache != nil }

// PinnedPrefix starts the keys of pinned values: choices a connector made
// once for the connection and must keep (Mailchimp's default audience), not
// metadata to refresh. They have no TTL, no Forget of a vendor's prefix
// drops them, and a reconnect to the same account keeps them.
const PinnedPrefix = "pinned/"

// Pinned returns the value pinned under key, however old.
func (m *Meta) Pinned(ctx context.Context, key string) (value []byte, ok bool, err error) {
	if m == nil || m.Cache == nil {
		return nil, false, nil
	}
	v, _, ok, err := m.Cache.Get(ctx, PinnedPrefix+key)
	return v, ok && err == nil, err
}

// Pin keeps value under key until the connection goes or is pointed at
// another account. It runs on a context that is not cancelled with ctx:
// a choice made and used must not be lost to a cancelled run.
func (m *Meta) Pin(ctx context.Context, key string, value []byte) error {
	if m == nil || m.Cache == nil {
		return nil
	}
	return m.Cache.Put(context.WithoutCancel(ctx), PinnedPrefix+key, value)
}
