package connector

import (
	"context"
	"encoding/json"
	"sync"
)

// Users holds a connection's users as owner options (Option.Email set):
// read once per connector, kept in the metadata cache between runs, and
// read again when the schema is fetched fresh. Every connector's owner
// field takes its options from one.
type Users struct {
	mu   sync.Mutex
	opts []Option
	read bool
}

// Options returns the users: held, from meta under key (unless fresh), or
// fetched. fetch reports whether its answer may be cached: a refusal (a
// connection without the scope, which reads as no users) is not, so the
// next run, reconnected, asks again.
func (u *Users) Options(ctx context.Context, meta *Meta, key string, fresh bool,
	fetch func(context.Context) (opts []Option, cacheable bool, err error)) ([]Option, error) {
	u.mu.Lock()
	opts, ok := u.opts, u.read
	u.mu.Unlock()
	if ok && !fresh {
		return opts, nil
	}
	if !fresh {
		if b, ok, _ := meta.Lookup(ctx, key); ok && json.Unmarshal(b, &opts) == nil {
			u.keep(opts)
			return opts, nil
		}
	}
	opts, cacheable, err := fetch(ctx)
	if err != nil {
		return nil, err
	}
	u.keep(opts)
	if cacheable {
		if b, err := json.Marshal(opts); err == nil {
			_ = meta.Store(ctx, key, b) // the cache's owner logs its failures
		}
	}
	return opts, nil
}

func (u *Users) keep(opts []Option) {
	u.mu.Lock()
	u.opts, u.read = opts, true
	u.mu.Unlock()
}
