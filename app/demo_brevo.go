package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// DemoBrevoName is the ready-made HubSpot ↔ Brevo sync.
const DemoBrevoName = "demo-hubspot-brevo"

// DemoBrevoSync is the ready-made two-way sync between HubSpot contacts and
// the Brevo account's contacts, matched by email: names, mobile phone
// (Brevo's SMS attribute, which takes a number with its country code),
// company, job title and city.
//
// A contact Brevo holds as blacklisted for email has unsubscribed, or was
// unsubscribed by the account. An unsubscribe travels both ways (an
// opt-out row): blacklisted in Brevo, unsubscribed from all email in
// HubSpot, and the other way round; sync never takes a contact off the
// blacklist, and a person who subscribes again on one side is left so.
func DemoBrevoSync(name, hubspotConn, brevoConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: brevoConn, Object: "contacts"},
		engine.MatchRule{A: "email", B: "email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "email", Transform: "lower"},
			{A: "firstname", B: "FIRSTNAME"},
			{A: "lastname", B: "LASTNAME", Rule: mapping.UnlessBlank},
			{A: "phone", B: "SMS", Transform: "e164"},
			{A: "company", B: "COMPANY", Rule: mapping.UnlessBlank},
			{A: "jobtitle", B: "JOB_TITLE", Rule: mapping.UnlessBlank},
			{A: "city", B: "CITY", Rule: mapping.UnlessBlank},
			demoOptOut("emailBlacklisted"),
		})
}
