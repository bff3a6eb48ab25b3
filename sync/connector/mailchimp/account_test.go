package mailchimp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
)

func TestBaseFromAPIKey(t *testing.T) {
	for key, want := range map[string]string{
		"0123456789abcdef0123456789abcdef-us6":    "https://us6.api.mailchimp.com",
		" 0123456789abcdef0123456789abcdef-us21 ": "https://us21.api.mailchimp.com",
	} {
		if got, err := BaseFromAPIKey(key); err != nil || got != want {
			t.Errorf("BaseFromAPIKey(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	for _, key := range []string{"0123456789abcdef", "abc-", "-us6", "abc-us", "abc-6", "abc-US6", ""} {
		if got, err := BaseFromAPIKey(key); err == nil {
			t.Errorf("BaseFromAPIKey(%q) = %q, want an error", key, got)
		}
	}
}

func TestMetadataURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://login.mailchimp.com/oauth2/token":         "https://login.mailchimp.com/oauth2/metadata",
		"http://127.0.0.1:8080/mailchimp/oauth2/token?x=1": "http://127.0.0.1:8080/mailchimp/oauth2/metadata",
	} {
		if got := MetadataURL(in); got != want {
			t.Errorf("MetadataURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Metadata sends the token as the client carries it and reads the account.
func TestMetadata(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/metadata" || r.Header.Get("Authorization") != "OAuth good" {
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_token", "error_description": "the token is not valid"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"dc": "us6", "role": "owner", "accountname": "Acme", "user_id": 12345,
			"login": map[string]any{"email": "ada@example.com"}, "login_url": "https://login.mailchimp.com", "api_endpoint": "https://us6.api.mailchimp.com"})
	}))
	defer srv.Close()
	ctx := context.Background()
	u := MetadataURL(srv.URL + "/oauth2/token")
	m, err := Metadata(ctx, auth.StaticClient(srv.Client(), "Authorization", MetadataAuthScheme+" ", "good"), u)
	if err != nil {
		t.Fatal(err)
	}
	if m.APIBase() != "https://us6.api.mailchimp.com" || m.DC != "us6" || m.AccountName != "Acme" || m.UserID != "12345" || m.LoginEmail != "ada@example.com" {
		t.Errorf("Metadata = %+v", m)
	}
	_, err = Metadata(ctx, auth.StaticClient(srv.Client(), "Authorization", "OAuth ", "bad"), u)
	var ce *connector.Error
	if !errors.Is(err, connector.ErrAuth) || !errors.As(err, &ce) || ce.Code != "invalid_token" {
		t.Errorf("Metadata with a bad token: %v, want an auth error", err)
	}
	if (Meta{DC: "us9"}).APIBase() != "https://us9.api.mailchimp.com" {
		t.Error("APIBase from dc alone")
	}
}

func TestInfo(t *testing.T) {
	i := Info()
	if i.Name != "mailchimp" || i.BatchSize != 500 || i.PageSize != 1000 || i.Contacts != "members" || len(i.OAuth.Scopes) != 0 ||
		!i.OAuth.TokenRoute || i.APIBase != "" || i.New == nil {
		t.Errorf("Info = %+v", i)
	}
	if _, err := New(http.DefaultClient, connector.Account{}); err == nil {
		t.Error("New without an API base succeeded")
	}
	c, err := New(http.DefaultClient, connector.Account{APIBase: "https://us6.api.mailchimp.com/3.0/"})
	if err != nil || c.(*Connector).base != "https://us6.api.mailchimp.com" {
		t.Errorf("New with /3.0: %v", err)
	}
}
