// Package registry lists the vendors crmsync can connect to, as a plain
// list: no init() registration, no global state.
package registry

import (
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/brevo"
	"github.com/crmsync/crmsync/sync/connector/dynamics"
	"github.com/crmsync/crmsync/sync/connector/hubspot"
	"github.com/crmsync/crmsync/sync/connector/klaviyo"
	"github.com/crmsync/crmsync/sync/connector/mailchimp"
	"github.com/crmsync/crmsync/sync/connector/pipedrive"
	"github.com/crmsync/crmsync/sync/connector/salesforce"
	"github.com/crmsync/crmsync/sync/connector/zoho"
)

// Title is the vendor named name ("hubspot") as the vendor writes it
// ("HubSpot"); ok is false for a name no vendor has.
func Title(name string) (title string, ok bool) {
	for _, v := range Vendors() {
		if v.Name == name {
			return v.Title, true
		}
	}
	return "", false
}

// Vendors returns every supported vendor, in display order.
func Vendors() []connector.Info {
	return []connector.Info{hubspot.Info(), salesforce.Info(), pipedrive.Info(), zoho.Info(), dynamics.Info(), mailchimp.Info(), klaviyo.Info(), brevo.Info()}
}
