package app

import (
	"fmt"
	"net/http"
	"strings"
)

// maxRedirects is net/http's own limit.
const maxRedirects = 10

// oauthHTTP is the client for token, refresh and revoke requests: a 307
// would resend their form (code, refresh token, client secret) elsewhere.
func (a *App) oauthHTTP() *http.Client {
	c := *a.opts.HTTP
	return sameHostOnly(&c)
}

// sameHostOnly holds c's redirects to the first request's host: its
// transport adds the sign-in on every hop, which Go does not strip.
func sameHostOnly(c *http.Client) *http.Client {
	c.CheckRedirect = sameHostRedirects
	return c
}

// sameHostRedirects follows a vendor's redirects only on the host asked
// first: the session's transport adds the sign-in to every request, so
// net/http's dropping of Authorization on a cross-host redirect does not
// happen, and the token would go wherever the answer points.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
		return fmt.Errorf("the vendor redirected %s %s to another host (%s), which crmsync does not follow so that the sign-in is not sent there",
			via[0].Method, first.Path, req.URL.Host)
	}
	return nil
}
