package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// DemoContacts is how many contacts the in-app sandbox seeds per vendor.
const DemoContacts = 200

// StartSandbox starts the HubSpot and Salesforce simulators in-process on a
// free 127.0.0.1 port, with the vendors' real rate limits.
func StartSandbox(ctx context.Context, contacts int) (*sandbox.Server, error) {
	if contacts <= 0 {
		contacts = DemoContacts
	}
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 1, Contacts: contacts, RateLimits: true})
	if err != nil {
		return nil, fmt.Errorf("start the sandbox: %w", err)
	}
	return srv, nil
}

// ConnectSandbox connects one sandbox vendor through the real loopback
// OAuth flow (state, PKCE, the one-shot listener, the token exchange), as
// a real CRM is connected. crmsync follows the consent page itself, as the
// user's browser would: the sandbox's page asks no one and approves at
// once, so a browser would only be left with a tab per vendor saying
// "crmsync is connected".
func (a *App) ConnectSandbox(ctx context.Context, srv *sandbox.Server, vendor, name string) (store.Connection, error) {
	for _, v := range srv.Vendors() {
		if v.Vendor != vendor {
			continue
		}
		return a.Connect(ctx, ConnectRequest{
			Vendor: vendor, Name: name, ClientID: v.ClientID, ClientSecret: v.ClientSecret,
			APIBase: v.APIBase, AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL,
			OpenConsent: FollowConsent(a.opts.HTTP),
		})
	}
	return store.Connection{}, fmt.Errorf("the sandbox has no vendor %q", vendor)
}

// FollowConsent returns a stand-in for the user's browser on a sandbox's
// consent page: it loads the page, which approves at once, and follows
// its redirect to the loopback listener. A nil client is
// http.DefaultClient.
func FollowConsent(client *http.Client) func(ctx context.Context, authURL string) error {
	if client == nil {
		client = http.DefaultClient
	}
	return func(ctx context.Context, authURL string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		if err != nil {
			return fmt.Errorf("sandbox consent page: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("sandbox consent page: %w", err)
		}
		return resp.Body.Close()
	}
}

// DemoConnections names the sandbox's connection of each vendor.
type DemoConnections struct{ HubSpot, Salesforce, Pipedrive, Zoho, Dynamics, Mailchimp, Klaviyo, Brevo string }

// DemoSyncs are the ready-made two-way syncs Try the sandbox offers:
// HubSpot ↔ each other CRM's companies, contacts, deals, tasks, meetings,
// calls and notes, and HubSpot contacts ↔ the Mailchimp audience, the
// Klaviyo profiles and the Brevo contacts. In each group companies come first, since contacts and
// deals link through them, and activities after the contacts they link
// through.
func DemoSyncs(c DemoConnections) []engine.Definition {
	hs := c.HubSpot
	// A Salesforce activity's WhoId (a Note's ParentId) names a Contact or
	// a Lead: it goes through whichever of the two syncs links the person.
	sfPeople := DemoContactsName + "," + DemoLeadsName
	pdOrgs, pdPeople := "demo-hubspot-pipedrive-companies", DemoPipedriveContactsName
	zcAccts, zcPeople := "demo-hubspot-zoho-accounts", "demo-hubspot-zoho"
	dvAccts, dvPeople := "demo-hubspot-dynamics-accounts", "demo-hubspot-dynamics"
	return []engine.Definition{
		DemoCompaniesSync(DemoCompaniesName, hs, c.Salesforce),
		DemoSyncWithCompanies(DemoContactsName, hs, c.Salesforce, DemoCompaniesName),
		DemoLeadsSync(DemoLeadsName, hs, c.Salesforce, DemoContactsName),
		DemoDealsSync(DemoDealsName, hs, c.Salesforce, DemoCompaniesName),
		DemoTasksSync("demo-tasks", hs, c.Salesforce, sfPeople),
		DemoMeetingsSync("demo-meetings", hs, c.Salesforce, sfPeople),
		DemoCallsSync("demo-calls", hs, c.Salesforce, sfPeople),
		DemoNotesSync("demo-notes", hs, c.Salesforce, sfPeople),
		DemoPipedriveCompaniesSync(pdOrgs, hs, c.Pipedrive),
		DemoPipedriveSync(pdPeople, hs, c.Pipedrive, pdOrgs),
		DemoPipedriveDealsSync("demo-hubspot-pipedrive-deals", hs, c.Pipedrive, pdOrgs),
		DemoPipedriveTasksSync("demo-hubspot-pipedrive-tasks", hs, c.Pipedrive, pdPeople),
		DemoPipedriveCallsSync("demo-hubspot-pipedrive-calls", hs, c.Pipedrive, pdPeople),
		DemoPipedriveMeetingsSync("demo-hubspot-pipedrive-meetings", hs, c.Pipedrive, pdPeople),
		DemoPipedriveNotesSync("demo-hubspot-pipedrive-notes", hs, c.Pipedrive, pdPeople),
		DemoZohoCompaniesSync(zcAccts, hs, c.Zoho),
		DemoZohoSyncWithAccounts(zcPeople, hs, c.Zoho, zcAccts),
		DemoZohoDealsSync("demo-hubspot-zoho-deals", hs, c.Zoho, zcAccts),
		DemoZohoTasksSync("demo-hubspot-zoho-tasks", hs, c.Zoho, zcPeople),
		DemoZohoCallsSync("demo-hubspot-zoho-calls", hs, c.Zoho, zcPeople),
		DemoZohoMeetingsSync("demo-hubspot-zoho-meetings", hs, c.Zoho, zcPeople),
		DemoZohoNotesSync("demo-hubspot-zoho-notes", hs, c.Zoho, zcPeople),
		DemoDynamicsCompaniesSync(dvAccts, hs, c.Dynamics),
		DemoDynamicsSync(dvPeople, hs, c.Dynamics, dvAccts),
		DemoDynamicsDealsSync("demo-hubspot-dynamics-deals", hs, c.Dynamics, dvAccts),
		DemoDynamicsTasksSync("demo-hubspot-dynamics-tasks", hs, c.Dynamics, dvPeople),
		DemoDynamicsCallsSync("demo-hubspot-dynamics-calls", hs, c.Dynamics, dvPeople),
		DemoDynamicsMeetingsSync("demo-hubspot-dynamics-meetings", hs, c.Dynamics, dvPeople),
		DemoDynamicsNotesSync("demo-hubspot-dynamics-notes", hs, c.Dynamics, dvPeople),
		DemoMailchimpSync(DemoMailchimpName, hs, c.Mailchimp),
		DemoKlaviyoSync(DemoKlaviyoName, hs, c.Klaviyo),
		DemoBrevoSync(DemoBrevoName, hs, c.Brevo),
	}
}

// DemoSync is the ready-made two-way contacts sync offered after the
// sandbox is connected: HubSpot contacts ↔ Salesforce Contacts by email.
func DemoSync(name, hubspotConn, salesforceConn string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "contacts"},
		engine.SideDef{Connection: salesforceConn, Object: "Contact"},
		engine.MatchRule{A: "email", B: "Email", Normalize: "email"},
		[]mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "FirstName"},
			{A: "lastname", B: "LastName", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Title", Rule: mapping.UnlessBlank},
			{A: "city", B: "MailingCity", Rule: mapping.UnlessBlank},
			// A multi-select on both sides: HubSpot stores internal values,
			// the Salesforce picklist its labels, so each option is mapped.
			{A: "hs_buying_role", B: "Buying_Role__c", Transform: "map", ValueMap: DemoBuyingRoles()},
			demoOptOut("HasOptedOutOfEmail"),
		})
}

// demoOptOut carries HubSpot's "Unsubscribed from all email" to another
// CRM's email opt-out checkbox and back, as an opt-out row: a person who
// said stop in either CRM is opted out in both, and sync never opts anyone
// back in (HubSpot lets only the person do that).
func demoOptOut(b string) mapping.Field {
	return mapping.Field{A: "hs_email_optout", B: b, Rule: mapping.OptOut}
}

// DemoBuyingRoles maps HubSpot's Buying Role options to the sandbox's
// Salesforce multi-select picklist of the same name. HubSpot's "Legal &
// Compliance" has no Salesforce option, so a contact with it goes to review.
func DemoBuyingRoles() map[string]string {
	return map[string]string{
		"BLOCKER": "Blocker", "BUDGET_HOLDER": "Budget Holder", "CHAMPION": "Champion", "DECISION_MAKER": "Decision Maker",
		"END_USER": "End User", "EXECUTIVE_SPONSOR": "Executive Sponsor", "INFLUENCER": "Influencer", "OTHER": "Other",
	}
}

// DemoSyncWithCompanies is DemoSync plus each contact's company, both ways:
// a HubSpot contact's primary company and a Salesforce Contact's Account,
// translated through the links of the companies sync named (see
// DemoCompaniesSync), which must be saved first. A company that sync has
// not linked yet waits, and is written once it is linked.
func DemoSyncWithCompanies(name, hubspotConn, salesforceConn, companies string) engine.Definition {
	def := DemoSync(name, hubspotConn, salesforceConn)
	// A HubSpot contact with no Salesforce Contact becomes a Lead through
	// the leads sync (DemoLeadsSync), as HubSpot's integration makes it.
	def.Unmatched = engine.UnmatchedCreateInA
	def.Fields = append(def.Fields, demoRef("associatedcompanyid", "AccountId", companies), DemoOwner("OwnerId"))
	return def
}

// DemoOwner carries a record's owner between HubSpot's hubspot_owner_id
// and another CRM's owner field (a task's, call's or meeting's is who it
// is assigned to), users matched by email. An owner with no user of the
// same email on the other side (a HubSpot-only seat, Salesforce's
// integration user) is not written (mapping.ErrNoCounterpart), so the
// other side keeps the one it has; unless blank, so a record nobody owns
// yet does not clear it either.
func DemoOwner(b string) mapping.Field {
	return mapping.Field{A: "hubspot_owner_id", B: b, Transform: "owner", Rule: mapping.UnlessBlank}
}

// demoRef carries a reference (a contact's or deal's company, an
// activity's contact) through the links of the syncs named, unless blank:
// a reference that reads as none is no instruction to take one away.
// HubSpot drops a deal's or task's association when the company or
// contact it names is deleted, a delete the other sync holds, and the
// HubSpot connector sets a company or contact but never removes one, so a
// blank from the other CRM could not be written anyway.
func demoRef(a, b, syncs string) mapping.Field {
	return mapping.Field{A: a, B: b, Transform: "link:" + syncs, Rule: mapping.UnlessBlank}
}

// DemoCompaniesSync is the ready-made two-way companies sync: HubSpot
// companies ↔ Salesforce Accounts, matched by web domain ("acme.com" and
// "https://www.acme.com/" are one domain), then by name where a domain is
// blank (companyNameRule). The domain is synced through the domain
// transform: HubSpot keeps a bare domain where Salesforce keeps a URL, and
// both read as the bare domain.
func DemoCompaniesSync(name, hubspotConn, salesforceConn string) engine.Definition {
	return withNameRule(demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "companies"},
		engine.SideDef{Connection: salesforceConn, Object: "Account"},
		engine.MatchRule{A: "domain", B: "Website", Normalize: "domain"},
		[]mapping.Field{
			{A: "name", B: "Name", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "city", B: "BillingCity", Rule: mapping.UnlessBlank},
			// The web domain both ways: a company created on either side
			// carries its match key, so HubSpot holds its domain, the
			// journal can find a create whose answer was lost, and the
			// next run matches it (without it a lost answer duplicated the
			// company on both sides).
			{A: "domain", B: "Website", Transform: "domain", Rule: mapping.UnlessBlank},
			DemoOwner("OwnerId"),
		}), "Name")
}

// withNameRule adds the company name (normalizer "name": "Acme, Inc." is
// "ACME Inc") as the second match rule of a companies sync matched by web
// domain: a firm without a domain on one side or both (an Account without
// Website is common) links by its name instead of being created again on
// each side. A lower rule never links records whose higher keys differ,
// so two branches with different domains and one name go to review, and
// the name must also agree on the city (every companies sync given this
// rule maps it): two firms of one name in two towns, neither with a
// domain, wait in review rather than one being written over the other.
func withNameRule(def engine.Definition, b string) engine.Definition {
	def.Match = append(def.Match, engine.MatchRule{A: "name", B: b, Normalize: "name", Also: []string{"city"}})
	return def
}

// demoStages maps the sandbox's HubSpot deal stages (the default pipeline)
// to the Salesforce Opportunity stages they stand for, one to one.
var demoStages = map[string]string{
	"appointmentscheduled":  "Prospecting",
	"qualifiedtobuy":        "Qualification",
	"presentationscheduled": "Proposal/Price Quote",
	"contractsent":          "Negotiation/Review",
	"closedwon":             "Closed Won",
	"closedlost":            "Closed Lost",
}

// DemoDealsSync is the ready-made two-way deals sync: HubSpot deals ↔
// Salesforce Opportunities, matched by name. The stage goes through a value
// map, the close date is a date in UTC, and each deal's company is
// translated through the links of the companies sync named (see
// DemoCompaniesSync), which must be saved first. A stage the map does not
// name goes to review as a value the other CRM would reject.
func DemoDealsSync(name, hubspotConn, salesforceConn, companies string) engine.Definition {
	return hubspotDealsSync(name, hubspotConn, salesforceConn, companies,
		dealFields{object: "Opportunity", name: "Name", amount: "Amount", stage: "StageName", close: "CloseDate", company: "AccountId", owner: "OwnerId", stages: demoStages,
			currency: "USD"}) // the sandbox org's corporate currency, without multi-currency
}

// dealFields names the other CRM's deal fields a HubSpot deals sync maps,
// and its stages for HubSpot's.
type dealFields struct {
	object, name, amount, stage, close, company string
	owner                                       string // the owner field, "" for none
	stages                                      map[string]string
	// stagesBack maps the other CRM's stages back, where stages is not one
	// to one; extra rows follow the shared ones.
	stagesBack map[string]string
	// amountDefault is what the other CRM holds for a deal without an
	// amount ("" for a blank), written for a HubSpot deal without one so
	// that it never comes back to HubSpot as a change.
	amountDefault string
	// currency is the one currency the other CRM holds amounts in, where
	// its deals have no currency field: a HubSpot deal in another goes to
	// review rather than arriving as the same number in this one.
	currency string
	extra    []mapping.Field
}

// ownerRow is rows with the owner's row first, when the deals have one.
func (f dealFields) ownerRow(rows []mapping.Field) []mapping.Field {
	if f.owner == "" {
		return rows
	}
	return append([]mapping.Field{DemoOwner(f.owner)}, rows...)
}

// hubspotDealsSync is the shape both ready-made deals syncs share: matched
// by name, the amount as a number, the stage through a value map, the close
// date as a date in UTC and the company through the companies sync's links.
func hubspotDealsSync(name, hubspotConn, otherConn, companies string, f dealFields) engine.Definition {
	stage := mapping.Field{A: "dealstage", B: f.stage, Transform: "map", ValueMap: f.stages, Rule: mapping.UnlessBlank}
	if f.stagesBack != nil {
		stage.ReverseTransform, stage.ReverseValueMap = "map", f.stagesBack
	}
	if slices.ContainsFunc(f.extra, func(x mapping.Field) bool { return x.Together == "stage" }) {
		stage.Together = "stage" // a state row shares dealstage with it
	}
	amount := mapping.Field{A: "amount", B: f.amount, Transform: "number", Default: f.amountDefault}
	if slices.ContainsFunc(f.extra, func(x mapping.Field) bool { return x.Together == "amount" }) {
		amount.Together = "amount" // a currency row goes with it
	}
	if f.currency != "" {
		amount = mapping.Field{A: "amount+deal_currency_code", B: f.amount, Transform: "money:" + f.currency}
	}
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "deals"},
		engine.SideDef{Connection: otherConn, Object: f.object},
		engine.MatchRule{A: "dealname", B: f.name, Normalize: "lower"},
		append([]mapping.Field{
			{A: "dealname", B: f.name, Rule: mapping.UnlessBlank},
			amount,
			stage,
			{A: "closedate", B: f.close, Transform: "date:UTC", Rule: mapping.UnlessBlank},
			demoRef("associations.company", f.company, companies),
		}, f.ownerRow(f.extra)...))
}

// DemoTasksSync is the ready-made two-way tasks sync: HubSpot tasks ↔
// Salesforce Tasks, matched by subject, each linked to its contact through
// the links of the contacts sync named (HubSpot: the task's contact
// association; Salesforce: WhoId). Status and priority go through value
// maps, and a HubSpot task without them gets Salesforce's own defaults
// (Not Started, Normal), written by the sync so they never come back as
// Salesforce's change; the due date is a date in UTC here, and in the
// HubSpot portal's own time zone in the syncs Try the sandbox makes
// (App.ReadyMadeSyncs). Tasks of subtype
// Call are logged calls, which DemoCallsSync syncs with HubSpot calls.
func DemoTasksSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "tasks"},
		engine.SideDef{Connection: salesforceConn, Object: "Task"},
		engine.MatchRule{A: "hs_task_subject", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_task_subject", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_task_body", B: "Description"},
			{A: "hs_task_status", B: "Status", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{
				"NOT_STARTED": "Not Started", "IN_PROGRESS": "In Progress", "COMPLETED": "Completed",
				"WAITING": "Waiting on someone else", "DEFERRED": "Deferred"}, Default: "Not Started"},
			{A: "hs_task_priority", B: "Priority", Transform: "map", Rule: mapping.UnlessBlank, ValueMap: map[string]string{
				"LOW": "Low", "MEDIUM": "Normal", "HIGH": "High"}, Default: "Normal"},
			{A: "hs_timestamp", B: "ActivityDate", Transform: "date:UTC", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "WhoId", contacts),
			DemoOwner("OwnerId"), // Assigned To
		})
	def.Filters.B = []engine.Filter{{Field: "TaskSubtype", Op: "neq", Value: "Call"}} // calls have a sync of their own
	return def
}

// callStatus says what a HubSpot call's status means for the Salesforce
// Task that logs it: a call that ended, answered or not, is done.
var callStatus = map[string]string{
	"COMPLETED": "Completed", "BUSY": "Completed", "NO_ANSWER": "Completed", "FAILED": "Completed", "CANCELED": "Completed",
	"IN_PROGRESS": "In Progress", "CONNECTING": "In Progress", "RINGING": "In Progress", "CALLING_CRM_USER": "In Progress",
	"QUEUED": "Not Started",
}

// DemoCallsSync is the ready-made two-way calls sync: HubSpot calls ↔
// Salesforce Tasks of subtype Call (the Tasks sync leaves those out),
// matched by title, each linked to its contact through the links of the
// contacts sync named. A Task created from a call gets subtype Call; the
// duration goes from HubSpot's milliseconds to Salesforce's whole seconds,
// and the status one way, since several HubSpot outcomes mean one
// Salesforce status.
func DemoCallsSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "calls"},
		engine.SideDef{Connection: salesforceConn, Object: "Task"},
		engine.MatchRule{A: "hs_call_title", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_call_title", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_call_body", B: "Description"},
			{A: "hs_call_direction", B: "CallType", Transform: "map", Rule: mapping.UnlessBlank,
				ValueMap: map[string]string{"INBOUND": "Inbound", "OUTBOUND": "Outbound"}},
			{A: "hs_call_duration", B: "CallDurationInSeconds", Transform: "divide:1000"},
			{A: "hs_call_status", B: "Status", Direction: mapping.AtoB, Transform: "map", ValueMap: callStatus, Rule: mapping.UnlessBlank},
			{A: "hs_timestamp", B: "ActivityDate", Transform: "date:UTC", Rule: mapping.UnlessBlank},
			{B: "TaskSubtype", Transform: "const:Call"},
			demoRef("associations.contact", "WhoId", contacts),
			DemoOwner("OwnerId"),
		})
	def.Filters.B = []engine.Filter{{Field: "TaskSubtype", Op: "eq", Value: "Call"}}
	return def
}

// DemoMeetingsSync is the ready-made two-way meetings sync: HubSpot
// meetings ↔ Salesforce Events, matched by title, each linked to its
// contact through the links of the contacts sync named, like tasks. Start
// and end are instants; HubSpot sets a new meeting's activity date to its
// start, and Salesforce derives an Event's duration from its end. An
// all-day Event is its days in UTC here, in the portal's zone in
// ReadyMadeSyncs (allday:ZONE).
func DemoMeetingsSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	return demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "meetings"},
		engine.SideDef{Connection: salesforceConn, Object: "Event"},
		engine.MatchRule{A: "hs_meeting_title", B: "Subject", Normalize: "lower"},
		[]mapping.Field{
			{A: "hs_meeting_title", B: "Subject", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_body", B: "Description"},
			{A: "hs_meeting_location", B: "Location"},
			{A: "hs_meeting_start_time", B: "StartDateTime+IsAllDayEvent", Transform: "allday:UTC", Rule: mapping.UnlessBlank},
			{A: "hs_meeting_end_time", B: "EndDateTime+IsAllDayEvent", Transform: "alldayend:UTC", Rule: mapping.UnlessBlank},
			demoRef("associations.contact", "WhoId", contacts),
			DemoOwner("OwnerId"),
		})
}

// DemoNotesSync is the ready-made two-way notes sync: HubSpot notes ↔
// Salesforce (classic) Notes on Contacts, matched by their text, each on
// the contact linked to its own through the contacts sync named.
//   - HubSpot keeps a note's body as HTML, Salesforce as plain text: the
//     text transform reads the HTML as text and writes text back as HTML
//     that reads the same.
//   - A Salesforce Note needs a title: a note created from HubSpot takes
//     its first line, or "Note" when it has no text. Its parent (ParentId)
//     is set on create only. Both rows are on-create, so later edits never
//     rewrite a title someone wrote in Salesforce, nor try to move a Note.
//   - A note created from Salesforce is dated at the Note's creation
//     (HubSpot's hs_timestamp, which a create needs).
//   - Only notes on contacts: a HubSpot note with a contact, a Salesforce
//     Note whose parent's id has the Contact prefix, 003.
func DemoNotesSync(name, hubspotConn, salesforceConn, contacts string) engine.Definition {
	def := hubspotNotesSync(name, hubspotConn, salesforceConn, contacts,
		noteSide{object: "Note", body: "Body", bodyTransform: "text", created: "CreatedDate", parent: "ParentId"},
		mapping.Field{A: "hs_note_body", B: "Title", Direction: mapping.AtoB, Transform: "firstline:80", Rule: mapping.OnCreate, Default: "Note"})
	def.Filters.B = []engine.Filter{{Field: "ParentId", Op: "starts-with", Value: "003"}}
	return def
}

// noteSide names what the other CRM calls a note's parts.
type noteSide struct {
	object, body, bodyTransform, created, parent string
}

// hubspotNotesSync is the shape the notes syncs share: HubSpot notes with
// a contact ↔ the other CRM's notes, matched by their text; the body both
// ways, the date and the parent (through the contacts sync's links) on
// create only.
func hubspotNotesSync(name, hubspotConn, otherConn, contacts string, other noteSide, extra ...mapping.Field) engine.Definition {
	def := demoDef(name,
		engine.SideDef{Connection: hubspotConn, Object: "notes"},
		engine.SideDef{Connection: otherConn, Object: other.object},
		engine.MatchRule{A: "hs_note_body", B: other.body, Normalize: "text"},
		append([]mapping.Field{
			{A: "hs_note_body", B: other.body, Transform: other.bodyTransform, Rule: mapping.UnlessBlank},
			{A: "hs_timestamp", B: other.created, Direction: mapping.BtoA, Transform: "datetime", Rule: mapping.OnCreate},
			{A: "associations.contact", B: other.parent, Transform: "link:" + contacts, Rule: mapping.OnCreate},
		}, extra...))
	def.Filters.A = []engine.Filter{{Field: "associations.contact", Op: "not-empty"}}
	return def
}

// demoDef is the shape every ready-made sync shares: two-way, created when
// unmatched, the newer value winning a conflict, run by hand, and asking
// before a run changes more than a quarter of a side.
func demoDef(name string, a, b engine.SideDef, match engine.MatchRule, fields []mapping.Field) engine.Definition {
	return engine.Definition{
		Name: name, A: a, B: b,
		Direction: mapping.TwoWay,
		Match:     []engine.MatchRule{match},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictNewer,
		Fields:    fields,
		Schedule:  "manual",
		Safety:    engine.Safety{MaxChangePercent: 25},
	}
}
