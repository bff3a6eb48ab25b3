package brevo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// Account is what GET /v3/account says about the account a token or key
// reaches: the company's name and the account's email address.
type Account struct {
	ID, Name, Email string
}

// Account asks which account the connection reaches (GET /v3/account). It
// falls under Brevo's "all other endpoints" limit (100 an hour on the
// general tier), so the app asks once, after connecting.
func (c *Connector) Account(ctx context.Context) (Account, error) {
	r, err := c.call(ctx, http.MethodGet, "/v3/account", nil)
	if err != nil {
		return Account{}, fmt.Errorf("brevo: account: %w", err)
	}
	defer r.Release()
	if r.Status != http.StatusOK {
		return Account{}, fmt.Errorf("brevo: account: %w", r.apiError())
	}
	var doc struct {
		Email          string `json:"email"`
		CompanyName    string `json:"companyName"`
		FirstName      string `json:"firstName"`
		LastName       string `json:"lastName"`
		OrganizationID string `json:"organization_id"` // [unverified: not in every account's answer]
	}
	if err := r.Decode(&doc); err != nil {
		return Account{}, fmt.Errorf("brevo: account: %w", err)
	}
	a := Account{ID: doc.OrganizationID, Name: doc.CompanyName, Email: doc.Email}
	if a.Name == "" {
		a.Name = strings.TrimSpace(doc.FirstName + " " + doc.LastName)
	}
	if a.Name == "" {
		a.Name = doc.Email
	}
	if a.ID == "" {
		a.ID = doc.Email
	}
	return a, nil
}

// baseFromTokenURL is the API base that goes with a token endpoint:
// https://api.brevo.com for Brevo's own (oauth.brevo.com), and for a
// sandbox the token URL's origin and the prefix it is mounted under (the
// path before /realms/ or /oauth/).
func baseFromTokenURL(tokenURL string) string {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Host == "" || strings.HasSuffix(u.Hostname(), "brevo.com") {
		return Info().APIBase
	}
	p := u.Path
	for _, cut := range []string{"/realms/", "/oauth/"} {
		if i := strings.Index(p, cut); i >= 0 {
			p = p[:i]
		}
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = p, "", "", ""
	return strings.TrimRight(u.String(), "/")
}

// discover asks, right after the OAuth sign-in, which account was
// connected, from GET /v3/account on the API base that goes with the token
// URL. client carries the new access token (Bearer).
func discover(ctx context.Context, client *http.Client, tokenURL string) (connector.Discovery, error) {
	base := baseFromTokenURL(tokenURL)
	d, err := accountDiscovery(ctx, client, base, 3)
	if err != nil {
		return connector.Discovery{}, err
	}
	d.APIBase = base
	return d, nil
}

// accountDiscovery makes a connector on base that retries a call at most
// maxRetries times and names the account it reaches (GET /v3/account).
func accountDiscovery(ctx context.Context, client *http.Client, base string, maxRetries int) (connector.Discovery, error) {
	o := defaultOptions()
	o.Options = transport.Options{Vendor: vendor, MaxRetries: maxRetries, Classify: classify}
	c, err := newConnector(client, base, o)
	if err != nil {
		return connector.Discovery{}, err
	}
	a, err := c.Account(ctx)
	if err != nil {
		return connector.Discovery{}, err
	}
	return connector.Discovery{AccountID: a.ID, AccountName: a.Name}, nil
}
