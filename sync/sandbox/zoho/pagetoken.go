package zoho

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// pageTokenTTL is how long a page_token stays usable; Zoho reports the expiry in
// info.page_token_expiry, the length is [unverified].
const pageTokenTTL = 24 * time.Hour

// position is a place in a (sort key, id) order.
type position struct{ key, id int64 }

func (s *Sim) pos(r *record, field string) position {
	return position{key: sortKey(r, field), id: r.id}
}

func (s *Sim) tokenExpiry() time.Time { return s.now().UTC().Truncate(time.Second).Add(pageTokenTTL) }

// pageToken is the server-side state behind one page_token: the query it is bound to
// (TOKEN_BOUND_DATA_MISMATCH when the next request differs), the first record of its
// page, the page number, how many records precede it, and the previous page's token.
type pageToken struct {
	sig     string
	page    int
	served  int
	start   position
	prev    string
	expires time.Time
}

type pageTokens struct {
	mu sync.Mutex
	m  map[string]*pageToken
}

func newPageTokens() *pageTokens { return &pageTokens{m: map[string]*pageToken{}} }

// put stores t under a new opaque token (32 hex characters; the spec allows 96) and
// drops expired tokens now and then.
func (p *pageTokens) put(t *pageToken) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.m) >= 4096 {
		for k, v := range p.m {
			if v.expires.Before(t.expires.Add(-pageTokenTTL)) {
				delete(p.m, k)
			}
		}
	}
	p.m[tok] = t
	return tok
}

func (p *pageTokens) get(tok string) *pageToken {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[tok]
}
