package conformance

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Serve mounts a vendor's sandbox h under prefix ("/klaviyo") on a real
// HTTP server on 127.0.0.1, closed when t ends, and returns the mount's
// URL: the API base (and login server) a connector under test is given.
// h must have been built with the same PathPrefix, so the URLs it writes
// (a links.next, an api_domain) point back at it.
func Serve(t *testing.T, prefix string, h http.Handler) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + prefix
}
