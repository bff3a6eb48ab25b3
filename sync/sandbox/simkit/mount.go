package simkit

import "net/http"

// MountURL is the absolute URL of a simulator mounted at prefix, as the
// request reached it: what a vendor names as its own base (Zoho's
// api_domain, Mailchimp's api_endpoint, a JSON:API links.next).
func MountURL(r *http.Request, prefix string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + prefix
}
