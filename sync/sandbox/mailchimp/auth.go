package mailchimp

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// authenticate finds the request's credential and checks it. The Marketing API takes
// "an Authorization header, using either a Bearer Token or Basic Auth" and, for GET
// only, the legacy ?apikey= parameter; when both are sent and differ it answers 401
// (release note "Changes when using multiple authorization methods", 2021-02-17).
// Basic takes any username with the API key as password (quick start); the OAuth
// scheme is the one the OAuth guide uses for metadata, accepted here too. A credential
// is an API key or an OAuth access token in any of these forms.
func (s *Sim) authenticate(r *http.Request) *problem {
	header := headerCredential(r)
	var query string
	if r.Method == http.MethodGet {
		query = r.URL.Query().Get("apikey")
	}
	if header != "" && query != "" && subtle.ConstantTimeCompare([]byte(header), []byte(query)) != 1 {
		return newProblem(http.StatusUnauthorized, "API Key Invalid", detailQueryKey)
	}
	cred := header
	if cred == "" {
		cred = query
	}
	if cred == "" {
		return newProblem(http.StatusUnauthorized, "API Key Missing", detailKeyMissing)
	}
	if !s.validCredential(cred) {
		return newProblem(http.StatusUnauthorized, "API Key Invalid", detailKeyInvalid)
	}
	return nil
}

// headerCredential reads "Bearer x", "OAuth x" or "Basic base64(any:x)"; another
// scheme counts as no credential.
func headerCredential(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, rest, _ := strings.Cut(h, " ")
	switch strings.ToLower(scheme) {
	case "bearer", "oauth":
		return strings.TrimSpace(rest)
	case "basic":
		if _, pass, ok := r.BasicAuth(); ok {
			return pass
		}
	}
	return ""
}

func (s *Sim) validCredential(cred string) bool {
	s.keyMu.Lock()
	ok := s.apiKeys[cred]
	s.keyMu.Unlock()
	return ok || s.auth.Check(cred) == simkit.TokenValid
}

// MintAPIKey creates an API key of the account, shaped like Mailchimp's: 32 hex
// digits, a dash and the data center ("...-us1").
func (s *Sim) MintAPIKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	key := hex.EncodeToString(b[:]) + "-" + s.opts.DataCenter
	s.keyMu.Lock()
	s.apiKeys[key] = true
	s.keyMu.Unlock()
	return key
}

// RevokeAPIKey disables an API key, as deleting it in the account's settings does.
func (s *Sim) RevokeAPIKey(key string) {
	s.keyMu.Lock()
	delete(s.apiKeys, key)
	s.keyMu.Unlock()
}

// MintAccessToken returns an OAuth access token, which never expires, for the combined
// sandbox and demos.
func (s *Sim) MintAccessToken() string { return s.auth.IssueLongLived() }
