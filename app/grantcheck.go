package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"golang.org/x/oauth2"
)

// checkGrantReadsContacts refuses an OAuth sign-in whose token answer
// names the scopes it was granted without one that reads the vendor's
// people (info.OAuth.ContactScopes): a Pipedrive app registered without
// contacts:full would show "Connected" and fail every run on its first
// read. An answer that names no scopes is not judged here.
func checkGrantReadsContacts(info connector.Info, tok *oauth2.Token) error {
	want := info.OAuth.ContactScopes
	raw := auth.Extras(tok, "scope")["scope"]
	if len(want) == 0 || raw == "" {
		return nil
	}
	granted := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' })
	for _, s := range want {
		if slices.Contains(granted, s) {
			return nil
		}
	}
	return fmt.Errorf("connect %s: %s granted the scopes %s, which cannot read contacts (it needs %s); add %s to the app's scopes with %s (%s), then connect again; nothing was saved",
		info.Title, info.Title, strings.Join(granted, ", "), strings.Join(want, " or "), want[0], info.Title, info.OAuth.DocsURL)
}
