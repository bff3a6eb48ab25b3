package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// DemoKlaviyoName is the ready-made HubSpot ↔ Klaviyo sync.
const DemoKlaviyoName = "demo-hubspot-klaviyo"

// DemoKlaviyoConsent is a Klaviyo profile's email marketing consent, as
// the Klaviyo connector names it.
const DemoKlaviyoConsent = "subscriptions.email.marketing.consent"

// DemoKlaviyoSync is the ready-made two-way sync between HubSpot contacts
// and the Klaviyo account's profiles, matched by email: names, phone,
// company, job title and city.
//
// Consent is the person's to give, so sync never subscribes anyone: a
// profile crmsync creates has no email marketing consent
// (NEVER_SUBSCRIBED), as one made through Klaviyo's API does. An
// unsubscribe travels both ways (an opt-out row): a profile unsubscribed
// in Klaviyo is unsubscribed from all email in HubSpot, a contact
// unsubscribed in HubSpot is unsubscribed in Klaviyo, and a person who
// subscribes again on one side is left so.
func DemoKlaviyoSync(name, hubspotConn, klaviyoConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: klaviyoConn, Object: "profiles"},
		engine.MatchRule{A: "email", B: "email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "email", Transform: "lower"},
			{A: "firstname", B: "first_name"},
			{A: "lastname", B: "last_name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "phone_number", Transform: "e164"},
			{A: "company", B: "organization", Rule: mapping.UnlessBlank},
			{A: "jobtitle", B: "title", Rule: mapping.UnlessBlank},
			{A: "city", B: "location.city", Rule: mapping.UnlessBlank},
			{A: "hs_email_optout", B: DemoKlaviyoConsent, Transform: "map", ValueMap: map[string]string{"true": "UNSUBSCRIBED"}, Rule: mapping.OptOut},
		})
}
