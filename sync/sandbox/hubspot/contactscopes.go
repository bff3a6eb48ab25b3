package hubspot

import (
	"net/http"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Contacts' scopes: HubSpot's contacts endpoints need
// crm.objects.contacts.read to read and crm.objects.contacts.write to
// write (developers.hubspot.com/docs/api/crm/contacts, "Scope
// requirements"); a token without one is answered 403 MISSING_SCOPES
// naming it. The other standard objects are not checked here.
const (
	scopeContactsRead  = "crm.objects.contacts.read"
	scopeContactsWrite = "crm.objects.contacts.write"
)

// contactsScoped refuses a call on contacts whose token lacks scope.
func (s *Sim) contactsScoped(scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if o := r.PathValue("object"); (o == "contacts" || o == "0-1") && !s.scopes.hasAny(simkit.BearerToken(r), []string{scope}) {
			writeMissingScopes(w, []string{scope})
			return
		}
		h(w, r)
	}
}

// MintAccessTokenWithScopes returns a token that never expires holding
// only scopes, as a private app token granted just those does.
func (s *Sim) MintAccessTokenWithScopes(scopes ...string) string {
	tok := s.auth.IssueLongLived()
	s.scopes.record(tok, scopes)
	return tok
}
