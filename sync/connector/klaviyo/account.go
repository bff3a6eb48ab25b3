package klaviyo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// Account is what GET /api/accounts says about the account a token or key
// reaches: its id and the organization's name.
type Account struct {
	ID, Name string
	Test     bool // a test account (same production environment, flagged in the UI)
}

// Account asks which account the connection reaches (GET /api/accounts,
// which lists exactly one). Its limit is low (1/s burst, 15/m steady), so
// the app asks once, after connecting.
func (c *Connector) Account(ctx context.Context) (Account, error) {
	r, err := c.call(ctx, http.MethodGet, "/api/accounts", nil)
	if err != nil {
		return Account{}, fmt.Errorf("klaviyo: account: %w", err)
	}
	defer r.Release()
	if r.Status != http.StatusOK {
		return Account{}, fmt.Errorf("klaviyo: account: %w", r.apiError())
	}
	var doc struct {
		Data []struct {
			ID         string `json:"id"`
			Attributes struct {
				TestAccount        bool `json:"test_account"`
				ContactInformation struct {
					OrganizationName string `json:"organization_name"`
				} `json:"contact_information"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := r.Decode(&doc); err != nil {
		return Account{}, fmt.Errorf("klaviyo: account: %w", err)
	}
	if len(doc.Data) == 0 || doc.Data[0].ID == "" {
		return Account{}, fmt.Errorf("klaviyo: account: %w", r.Fail("GET /api/accounts listed no account"))
	}
	d := doc.Data[0]
	return Account{ID: d.ID, Name: d.Attributes.ContactInformation.OrganizationName, Test: d.Attributes.TestAccount}, nil
}

// baseFromTokenURL is the API base the token endpoint lives on: Klaviyo
// serves both from https://a.klaviyo.com (…/oauth/token), and a sandbox
// mounted under a prefix keeps that prefix.
func baseFromTokenURL(tokenURL string) string {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Host == "" {
		return Info().APIBase
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/oauth/token")
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimRight(u.String(), "/")
}

// discover asks, right after the OAuth sign-in, which account was
// connected: its id and organization name, from GET /api/accounts on the
// API base the token URL names. client carries the new access token
// (Bearer).
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
// maxRetries times and names the account it reaches (GET /api/accounts).
func accountDiscovery(ctx context.Context, client *http.Client, base string, maxRetries int) (connector.Discovery, error) {
	o := defaultOptions()
	o.Options = transport.Options{Vendor: vendor, MaxRetries: maxRetries}
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
