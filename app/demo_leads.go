package app

import (
	"context"
	"slices"

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
// "[not provided]", as HubSpot's integration writes, one way; but not in
// an org with person accounts (leadCompanyOptional).
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

// leadCompanyOptional drops the "[not provided]" Company of the leads
// syncs to Salesforce connection conn when its org does not require a
// Lead's Company: an org with person accounts, where a Lead without one
// converts to a person account, and with "[not provided]" would convert
// to a business Account of that name. The Lead's describe says which
// (Company nillable); one that cannot be read keeps the default, which
// every org takes.
func (a *App) leadCompanyOptional(ctx context.Context, defs []engine.Definition, conn string) {
	if conn == "" || !slices.ContainsFunc(defs, func(d engine.Definition) bool { return d.B.Connection == conn && d.B.Object == "Lead" }) {
		return
	}
	sch, err := a.Schema(ctx, conn, "Lead")
	if err != nil {
		a.log.Warn("ready-made leads sync: Lead schema unread; a contact without a company gets [not provided]", "connection", conn, "err", err)
		return
	}
	for _, f := range sch.Fields {
		if f.Name != "Company" || f.Required {
			continue
		}
		for j := range defs {
			if defs[j].B.Connection != conn || defs[j].B.Object != "Lead" {
				continue
			}
			defs[j].Fields = append(defs[j].Fields[:0:0], defs[j].Fields...) // the definitions share nothing
			for k := range defs[j].Fields {
				if defs[j].Fields[k].B == "Company" {
					defs[j].Fields[k].Default = ""
				}
			}
		}
	}
}
