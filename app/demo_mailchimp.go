package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// DemoMailchimpName is the ready-made HubSpot ↔ Mailchimp sync.
const DemoMailchimpName = "demo-hubspot-mailchimp"

// DemoMailchimpSync is the ready-made two-way sync between HubSpot contacts
// and the members of the Mailchimp account's audience, matched by email:
// names, phone and company through Mailchimp's default merge fields.
//
// A member needs a subscription status, and only the person can give
// consent to marketing email. So a contact the sync brings to Mailchimp
// joins as "transactional" (known, not subscribed), and the status is
// never written again: subscribing and unsubscribing stay Mailchimp's.
func DemoMailchimpSync(name, hubspotConn, mailchimpConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: mailchimpConn, Object: "members"},
		engine.MatchRule{A: "email", B: "email_address", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "email_address", Transform: "lower"},
			{A: "firstname", B: "FNAME"},
			{A: "lastname", B: "LNAME", Rule: mapping.UnlessBlank},
			{A: "phone", B: "PHONE", Transform: "e164"},
			{A: "company", B: "COMPANY", Rule: mapping.UnlessBlank},
			{B: "status", Transform: "const:transactional", Rule: mapping.OnCreate},
		})
}
