package app

import (
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// DemoLeadsName is the ready-made leads sync's name.
const DemoLeadsName = "demo-leads"

// DemoLeadsSync is the ready-made two-way sync between HubSpot contacts and
// Salesforce Leads, kept as HubSpot's own Salesforce integration keeps them
// beside the contacts sync named (DemoSyncWithCompanies, which creates no
// Salesforce Contact from HubSpot):
//   - a HubSpot contact with no Salesforce Contact is a Lead: matched by
//     email, or created;
//   - a HubSpot contact the contacts sync links is that sync's (filter
//     "linked:contacts" false): when a rep converts the Lead, the contacts
//     sync finds the new Contact by email and links it, and this sync
//     leaves the pair alone;
//   - a converted Lead is left out (IsConverted false): Salesforce keeps it
//     read-only, and crmsync never writes to it.
//
// Salesforce needs a Lead's company: a contact with none gets
// "[not provided]", as HubSpot's integration writes, one way.
func DemoLeadsSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: salesforceConn, Object: "Lead"},
		engine.MatchRule{A: "email", B: "Email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "FirstName"},
			{A: "lastname", B: "LastName", Rule: mapping.UnlessBlank},
			{A: "company", B: "Company", Direction: mapping.AtoB, Default: "[not provided]", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Title", Rule: mapping.UnlessBlank},
			{A: "city", B: "City", Rule: mapping.UnlessBlank},
			demoOptOut("HasOptedOutOfEmail"),
			DemoOwner("OwnerId"),
		})
	def.Filters.A = []engine.Filter{{Field: "linked:" + contacts, Op: "eq", Value: "false"}}
	def.Filters.B = []engine.Filter{{Field: "IsConverted", Op: "eq", Value: "false"}}
	return def
}

// DemoZohoLeadsName and DemoDynamicsLeadsName are the ready-made leads
// syncs of Zoho CRM and Dynamics 365.
const (
	DemoZohoLeadsName     = "demo-hubspot-zoho-leads"
	DemoDynamicsLeadsName = "demo-hubspot-dynamics-leads"
)

// DemoZohoLeadsSync is DemoLeadsSync for Zoho CRM: HubSpot contacts with no
// Zoho Contact (filter "linked:contacts" false) ↔ Zoho Leads, by email.
// Zoho lists no converted lead (Get Records' converted=false, its default),
// so a lead a rep converts drops out of the sync by itself, and the
// contacts sync links the new Contact by email.
func DemoZohoLeadsSync(name, hubspotConn, zohoConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: zohoConn, Object: "Leads"},
		engine.MatchRule{A: "email", B: "Email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "First_Name"},
			{A: "lastname", B: "Last_Name", Rule: mapping.UnlessBlank},
			{A: "company", B: "Company", Direction: mapping.AtoB, Default: "[not provided]", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Designation", Rule: mapping.UnlessBlank},
			{A: "city", B: "City", Rule: mapping.UnlessBlank},
			demoOptOut("Email_Opt_Out"),
			DemoOwner("Owner"),
		})
	def.Filters.A = []engine.Filter{{Field: "linked:" + contacts, Op: "eq", Value: "false"}}
	return def
}

// DemoDynamicsLeadsSync is DemoLeadsSync for Dynamics 365: HubSpot contacts
// with no Dataverse contact ↔ open leads (statecode 0), by email. A
// qualified lead (statecode 1) stays in Dataverse, read-only in its forms
// though the Web API would take a change, so the filter leaves it alone;
// the contacts sync links the contact its qualification made.
func DemoDynamicsLeadsSync(name, hubspotConn, dynamicsConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: dynamicsConn, Object: "leads"},
		engine.MatchRule{A: "email", B: "emailaddress1", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "emailaddress1", Transform: "lower"},
			{A: "firstname", B: "firstname"},
			{A: "lastname", B: "lastname", Rule: mapping.UnlessBlank},
			{A: "company", B: "companyname", Rule: mapping.UnlessBlank},
			{A: "phone", B: "telephone1", Transform: "e164"},
			{A: "jobtitle", B: "jobtitle", Rule: mapping.UnlessBlank},
			{A: "city", B: "address1_city", Rule: mapping.UnlessBlank},
			// The lead's Topic, which Dataverse's forms ask for.
			{B: "subject", Direction: mapping.AtoB, Transform: "const:Contact from HubSpot", Rule: mapping.OnCreate},
			demoOptOut("donotbulkemail"),
			DemoOwner("ownerid"),
		})
	def.Filters.A = []engine.Filter{{Field: "linked:" + contacts, Op: "eq", Value: "false"}}
	def.Filters.B = []engine.Filter{{Field: "statecode", Op: "eq", Value: "0"}}
	return def
}
