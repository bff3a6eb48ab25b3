package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// BaseFromAPIKey returns the API base of the account an API key belongs
// to: Mailchimp ends every key with its data center ("…-us6"), and the
// account answers at https://<dc>.api.mailchimp.com (without /3.0, as
// connector.Account.APIBase holds it).
func BaseFromAPIKey(key string) (string, error) {
	key = strings.TrimSpace(key)
	i := strings.LastIndexByte(key, '-')
	if i <= 0 || !isDataCenter(key[i+1:]) {
		return "", fmt.Errorf("mailchimp: the API key has no data-center suffix (a Mailchimp key ends in one, such as -us6): copy the whole key from Account > Extras > API keys")
	}
	return "https://" + key[i+1:] + ".api.mailchimp.com", nil
}

// isDataCenter reports whether s looks like a data center: letters then
// digits (us6, us21).
func isDataCenter(s string) bool {
	letters := strings.TrimRight(s, "0123456789")
	if letters == "" || len(letters) == len(s) {
		return false
	}
	for _, r := range letters {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// MetadataAuthScheme is the Authorization scheme of the metadata call: the
// OAuth 2 guide sends the access token as "Authorization: OAuth <token>"
// there (API calls take the same token as Bearer).
const MetadataAuthScheme = "OAuth"

// Meta is what Mailchimp's OAuth metadata says about the account a token
// reaches.
type Meta struct {
	// APIEndpoint is the account's API base, https://<dc>.api.mailchimp.com
	// (Account.APIBase).
	APIEndpoint string
	// DC is the data center (server prefix), such as us6.
	DC string
	// AccountName names the Mailchimp account (Account.Name).
	AccountName string
	// UserID is the id of the user who signed in.
	UserID string
	// LoginEmail is that user's email, when the metadata gives it.
	LoginEmail string
}

// APIBase is the account's API base: the api_endpoint, or, should the
// metadata give only the data center, https://<dc>.api.mailchimp.com.
func (m Meta) APIBase() string {
	if m.APIEndpoint != "" {
		return strings.TrimSuffix(strings.TrimRight(m.APIEndpoint, "/"), apiRoot)
	}
	if m.DC != "" {
		return "https://" + m.DC + ".api.mailchimp.com"
	}
	return ""
}

// MetadataURL derives the metadata endpoint from the token URL: both live
// under /oauth2/ (https://login.mailchimp.com/oauth2/token →
// https://login.mailchimp.com/oauth2/metadata), wherever the authorization
// server is mounted (a sandbox's, in tests).
func MetadataURL(tokenURL string) string {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Path == "" {
		return "https://login.mailchimp.com/oauth2/metadata"
	}
	u.Path = path.Join(path.Dir(u.Path), "metadata")
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// Metadata asks Mailchimp which account an access token reaches (GET
// https://login.mailchimp.com/oauth2/metadata), for the API base and the
// account's name, right after the OAuth sign-in. client must send the
// token as Mailchimp documents for this call, "Authorization: OAuth
// <token>" (MetadataAuthScheme), e.g. auth.StaticClient(base,
// "Authorization", "OAuth ", token).
func Metadata(ctx context.Context, client *http.Client, metadataURL string) (Meta, error) {
	if client == nil {
		client = http.DefaultClient
	}
	ep := "GET " + metadataURL
	if u, err := url.Parse(metadataURL); err == nil {
		ep = "GET " + u.Path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metadataURL, nil)
	if err != nil {
		return Meta{}, fmt.Errorf("mailchimp: metadata: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return Meta{}, fmt.Errorf("mailchimp: metadata: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Meta{}, &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer, Message: "reading response body: " + err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return Meta{}, metadataError(ep, resp.StatusCode, b)
	}
	var m struct {
		DC          string      `json:"dc"`
		AccountName string      `json:"accountname"`
		UserID      json.Number `json:"user_id"`
		APIEndpoint string      `json:"api_endpoint"`
		Login       struct {
			Email      string `json:"email"`
			LoginEmail string `json:"login_email"`
		} `json:"login"`
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return Meta{}, &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer, Message: "malformed metadata: " + err.Error()}
	}
	out := Meta{APIEndpoint: m.APIEndpoint, DC: m.DC, AccountName: m.AccountName, UserID: m.UserID.String(), LoginEmail: firstNonEmpty(m.Login.Email, m.Login.LoginEmail)}
	if out.APIBase() == "" {
		return Meta{}, &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer, Message: "the metadata names neither api_endpoint nor dc"}
	}
	return out, nil
}

// metadataError reads a failed metadata call: an OAuth error
// (error, error_description) or a problem document.
func metadataError(ep string, status int, b []byte) *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: ep, Status: status, Category: connector.StatusCategory(status)}
	var oe struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		problem
	}
	if json.Unmarshal(b, &oe) != nil {
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", status, len(b))
		return e
	}
	switch {
	case oe.Error != "":
		e.Code, e.Message = oe.Error, oe.Description
	case oe.Title != "" || oe.Detail != "":
		e.Code, e.Message = oe.Title, oe.message()
	default:
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", status, len(b))
	}
	return e
}
