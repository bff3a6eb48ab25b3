package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// DemoMailchimpName is the ready-made HubSpot ↔ Mailchimp sync.
const DemoMailchimpName = "demo-hubspot-mailchimp"

// DemoMailchimpSync is the ready-made two-way sync between HubSpot contacts
// and the members of the Mailchimp account's audience, matched by email:
// names, phone and company through Mailchimp's default merge fields, and
// the contact's buying roles through the audience's "Buying role" group.
//
// A member needs a subscription status, and only the person can give
// consent to marketing email. So a contact the sync brings to Mailchimp
// joins as "transactional" (known, not subscribed), and sync never
// subscribes anyone. An unsubscribe travels both ways (an opt-out row): a
// member who unsubscribes in Mailchimp is unsubscribed from all email in
// HubSpot, a contact unsubscribed in HubSpot is unsubscribed in Mailchimp
// (or joins unsubscribed), and a person who subscribes again on one side
// is left so.
//
// The buying roles go to an interest category of their own (the sandbox
// seeds it hidden from signup forms): writing it sets that category's
// interests only, so the member's other groups, such as the Topics a
// reader ticked, and the tags a marketer set are never touched. Tags are
// not synced: they are the marketer's whole set, and a CRM value written
// there would replace it.
func DemoMailchimpSync(name, hubspotConn, mailchimpConn string) engine.Definition {
	def := demoDef(name,
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
			{A: "hs_email_optout", B: "status", Transform: "map", ValueMap: map[string]string{"true": "unsubscribed"}, Rule: mapping.OptOut},
			// A multi-select on both sides: HubSpot's internal values, the
			// group's interest ids, so each option is mapped.
			{A: "hs_buying_role", B: DemoMailchimpBuyingRoleField, Transform: "map", ValueMap: DemoMailchimpBuyingRoles()},
		})
	// A member is an email address: a HubSpot contact without one is
	// outside the sync (listed as filtered out in the preview), as in
	// HubSpot's own Mailchimp integration, rather than a failure every run.
	def.Filters.A = []engine.Filter{{Field: "email", Op: "not-empty"}}
	return def
}

// DemoMailchimpBuyingRoleField is the member field of the sandbox
// audience's "Buying role" interest category.
const DemoMailchimpBuyingRoleField = "interests:" + sandbox.MailchimpBuyingRoleCategory

// DemoMailchimpBuyingRoles maps each of HubSpot's Buying Role options to
// the interest of the same name in the sandbox audience's "Buying role"
// category.
func DemoMailchimpBuyingRoles() map[string]string {
	ids := sandbox.MailchimpBuyingRoles()
	return map[string]string{
		"BLOCKER": ids["Blocker"], "BUDGET_HOLDER": ids["Budget Holder"], "CHAMPION": ids["Champion"],
		"DECISION_MAKER": ids["Decision Maker"], "END_USER": ids["End User"], "EXECUTIVE_SPONSOR": ids["Executive Sponsor"],
		"INFLUENCER": ids["Influencer"], "LEGAL_AND_COMPLIANCE": ids["Legal & Compliance"], "OTHER": ids["Other"],
	}
}
