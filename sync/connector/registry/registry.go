// Package registry lists the vendors crmsync can connect to, as a plain
// list: no init() registration, no global state.
package registry

import (
	"fmt"
	"strings"

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

// Vendors returns every supported vendor, in display order.
func Vendors() []connector.Info {
	return []connector.Info{hubspot.Info(), salesforce.Info(), pipedrive.Info(), zoho.Info(), dynamics.Info(), mailchimp.Info(), klaviyo.Info(), brevo.Info()}
}

// Lookup finds a vendor by its Name ("hubspot"), ignoring case.
func Lookup(name string) (connector.Info, error) {
	vs := Vendors()
	names := make([]string, len(vs))
	for i, v := range vs {
		if strings.EqualFold(v.Name, strings.TrimSpace(name)) {
			return v, nil
		}
		names[i] = v.Name
	}
	return connector.Info{}, fmt.Errorf("unknown vendor %q; known: %s", name, strings.Join(names, ", "))
}
