package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/brevo"
	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/klaviyo"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
	"github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

var (
	firstNames = []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
		"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa",
		"Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ana", "Wei", "Priya", "Ahmed", "Fatima", "Hiroshi", "Yuki", "Lars",
		"Ingrid", "Mateo", "Sofia", "Olu", "Amara", "Pierre", "Chloe", "Sven", "Elena", "Raj", "Meera", "Tom", "Zoe"}
	lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
		"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
		"Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "Nguyen", "Kim", "Patel", "Chen", "Müller",
		"Schmidt", "Rossi", "Dubois", "Silva", "Okafor", "Tanaka", "Larsen", "O'Brien", "van Dijk", "Kowalski", "Novak"}
	companyWords = []string{"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Tyrell",
		"Cyberdyne", "Aperture", "Wonka", "Gringotts", "Oscorp", "Massive", "Pied Piper", "Blue Sun", "Monarch", "Nakatomi"}
	companySuffix = []string{"Inc", "LLC", "GmbH", "Ltd", "Corp", "Group", "Labs", "Partners"}
	titles        = []string{"CEO", "CTO", "VP Sales", "Account Executive", "Marketing Manager", "Engineer", "Office Manager",
		"Head of Operations", "Product Manager", "Consultant", "Sales Director", "CFO"}
	cities     = []string{"New York", "San Francisco", "Austin", "London", "Berlin", "Paris", "Toronto", "Sydney", "Tokyo", "Chicago"}
	freeMail   = []string{"gmail.com", "outlook.com", "yahoo.com", "proton.me"}
	hsStages   = []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "contractsent", "closedwon", "closedlost"}
	sfStages   = []string{"Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
	hsLife     = []string{"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"}
	sfSources  = []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}
	industries = [][2]string{{"COMPUTER_SOFTWARE", "Technology"}, {"FINANCIAL_SERVICES", "Banking"}, {"RETAIL", "Retail"},
		{"HOSPITAL_HEALTH_CARE", "Healthcare"}, {"EDUCATION_MANAGEMENT", "Education"}, {"MACHINERY", "Manufacturing"}}
)

type company struct {
	name, domain, phone, city string
	industry                  int
}

type person struct {
	first, last, email, phone, title, city string
	company                                int
}

// Buying roles, a multi-select on both sides, taken in turn rather than
// drawn so the rest of the seeded data stays as it was. Most contacts have
// none; HubSpot's come in the order a person ticked them.
var (
	hsBuyingRoles = []string{"DECISION_MAKER;BUDGET_HOLDER", "", "", "CHAMPION", "", "", "END_USER;INFLUENCER", "", ""}
	sfBuyingRoles = []string{"", "Champion;Influencer", "", "", "", "Budget Holder", "", ""}
)

func phoneDigits(rng *rand.Rand) string {
	return "555" + strconv.Itoa(1000000+rng.IntN(9000000))
}

// hsPhone and sfPhone format the same number the way each vendor's users typically type it.
func hsPhone(d string) string { return "+1 " + d[:3] + "-" + d[3:6] + "-" + d[6:] }
func sfPhone(d string) string { return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:] }

// slugger lower-cases and strips characters that do not belong in an email local part.
type slugger struct{ r *strings.Replacer }

func newSlugger() slugger { return slugger{strings.NewReplacer(" ", "", "'", "", "ü", "u")} }

func (s slugger) slug(v string) string { return s.r.Replace(strings.ToLower(v)) }

// seed fills both simulators deterministically. ~30% of people exist in both vendors with
// the same email (some fields differing); each vendor also holds people of its own and a few
// near-duplicates.
func seed(hs *hubspot.Sim, sf *salesforce.Sim, pd *pipedrive.Sim, zh *zoho.Sim, dv *dynamics.Sim, mc *mailchimp.Sim, kv *klaviyo.Sim, bv *brevo.Sim, seedVal int64, n int, now time.Time) error {
	// The sales team and the Mailchimp groups are there even in an empty
	// sandbox: the ready-made syncs map them.
	team := seedTeams(hs, sf, pd, zh, dv)
	hsOwnerIDs, sfUserIDs := team.hs, team.sf
	if n == 0 {
		_, err := mailchimpGroups(mc)
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0xc0ffee))
	sl := newSlugger()
	slug := sl.slug
	firstSlug, lastSlug := map[string]string{}, map[string]string{}
	for _, f := range firstNames {
		firstSlug[f] = slug(f)
	}
	for _, l := range lastNames {
		lastSlug[l] = slug(l)
	}
	now = now.UTC().Truncate(time.Second)
	year := int64(365 * 24 * time.Hour / time.Millisecond)
	stamp := func() (time.Time, time.Time) {
		c := now.Add(-time.Duration(rng.Int64N(year)) * time.Millisecond)
		m := c.Add(time.Duration(rng.Int64N(now.Sub(c).Milliseconds()+1)) * time.Millisecond)
		return c, m
	}

	companies := make([]company, max(5, n/10))
	for i := range companies {
		w := companyWords[i%len(companyWords)]
		name := w + " " + companySuffix[(i/len(companyWords))%len(companySuffix)]
		if i >= len(companyWords)*len(companySuffix) {
			name += " " + strconv.Itoa(i)
		}
		companies[i] = company{name: name, domain: slug(name) + ".com", phone: phoneDigits(rng), city: cities[rng.IntN(len(cities))], industry: rng.IntN(len(industries))}
	}
	mkPerson := func(i int) person {
		p := person{first: firstNames[rng.IntN(len(firstNames))], last: lastNames[rng.IntN(len(lastNames))],
			phone: phoneDigits(rng), title: titles[rng.IntN(len(titles))], city: cities[rng.IntN(len(cities))], company: rng.IntN(len(companies))}
		dom := companies[p.company].domain
		if rng.IntN(5) == 0 {
			dom = freeMail[rng.IntN(len(freeMail))]
		}
		p.email = firstSlug[p.first] + "." + lastSlug[p.last] + strconv.Itoa(i) + "@" + dom
		return p
	}
	shared := n * 3 / 10
	people := make([]person, 0, 2*n-shared)
	for i := 0; i < 2*n-shared; i++ {
		people = append(people, mkPerson(i))
	}
	hsPeople := people[:n]                                              // 0..shared-1 are shared
	sfPeople := append(people[:shared:shared], people[n:2*n-shared]...) // same first `shared`

	// HubSpot companies then contacts.
	hsCo := make([]hubspot.SeedRow, len(companies))
	sfAcc := make([]salesforce.SeedRow, len(companies))
	for i, c := range companies {
		cr, md := stamp()
		hsCo[i] = hubspot.SeedRow{Values: []string{c.name, c.domain, hsPhone(c.phone), industries[c.industry][0], c.city, ownerOf(hsOwnerIDs, i)}, Created: cr, Modified: md}
		sfAcc[i] = salesforce.SeedRow{Values: []string{c.name, "https://www." + c.domain, sfPhone(c.phone), industries[c.industry][1], c.city, ownerOf(sfUserIDs, i+1)}, Created: cr, Modified: md}
	}
	coIDs, err := hs.Seed("companies", []string{"name", "domain", "phone", "industry", "city", "hubspot_owner_id"}, hsCo)
	if err != nil {
		return err
	}
	accIDs, err := sf.Seed("Account", []string{"Name", "Website", "Phone", "Industry", "BillingCity", "OwnerId"}, sfAcc)
	if err != nil {
		return err
	}

	nearDup := max(2, n/100)
	hsRows := make([]hubspot.SeedRow, 0, n+nearDup)
	for i, p := range hsPeople {
		cr, md := stamp()
		hsRows = append(hsRows, hubspot.SeedRow{Values: []string{p.email, p.first, p.last, hsPhone(p.phone), companies[p.company].name,
			p.title, p.city, hsLife[rng.IntN(len(hsLife))], coIDs[p.company], hsBuyingRoles[i%len(hsBuyingRoles)], hsOptOut(i), ownerOf(hsOwnerIDs, i)}, Created: cr, Modified: md})
	}
	// Near-duplicates: same name as an existing contact, different (personal) email.
	for k := 0; k < nearDup && n > 0; k++ {
		p := hsPeople[rng.IntN(len(hsPeople))]
		cr, md := stamp()
		hsRows = append(hsRows, hubspot.SeedRow{Values: []string{slug(p.first) + "." + slug(p.last) + ".alt" + strconv.Itoa(k) + "@" + freeMail[k%len(freeMail)],
			p.first, p.last, "", "", p.title, p.city, "lead", "", "", "false", ""}, Created: cr, Modified: md})
	}
	// associatedcompanyid: the primary company, which HubSpot keeps for a
	// contact associated with a company (the property is read-only).
	hsContactIDs, err := hs.Seed("contacts", []string{"email", "firstname", "lastname", "phone", "company", "jobtitle", "city", "lifecyclestage", "associatedcompanyid", "hs_buying_role", "hs_email_optout", "hubspot_owner_id"}, hsRows)
	if err != nil {
		return err
	}

	sfRows := make([]salesforce.SeedRow, 0, n+3*nearDup)
	for i, p := range sfPeople {
		cr, md := stamp()
		title, city := p.title, p.city
		if i < shared && i%3 == 0 { // the same person, edited differently in each CRM
			title, city = titles[(rng.IntN(len(titles)))], cities[rng.IntN(len(cities))]
		}
		sfRows = append(sfRows, salesforce.SeedRow{Values: []string{p.first, p.last, p.email, sfPhone(p.phone), title, city,
			accIDs[p.company], sfSources[rng.IntN(len(sfSources))], sfBuyingRoles[i%len(sfBuyingRoles)], ownerOf(sfUserIDs, i+2)}, Created: cr, Modified: md})
	}
	for k := 0; k < nearDup; k++ {
		p := sfPeople[rng.IntN(len(sfPeople))]
		variants := []string{
			slug(p.first) + "." + slug(p.last) + ".alt" + strconv.Itoa(k) + "@" + freeMail[k%len(freeMail)], // same name, other email
			strings.ToUpper(p.email[:1]) + p.email[1:],                                                      // case-different email
			p.email + " ", // whitespace-different email
		}
		if k%2 == 1 {
			variants[2] = p.email // an exact shared email inside the org
		}
		for _, e := range variants {
			cr, md := stamp()
			sfRows = append(sfRows, salesforce.SeedRow{Values: []string{p.first, p.last, e, "", p.title, p.city, accIDs[p.company], "Web", "", ""}, Created: cr, Modified: md})
		}
	}
	sfContactIDs, err := sf.Seed("Contact", []string{"FirstName", "LastName", "Email", "Phone", "Title", "MailingCity", "AccountId", "LeadSource", "Buying_Role__c", "OwnerId"}, sfRows)
	if err != nil {
		return err
	}

	// Deals, each with its company (a HubSpot deal's primary company, an
	// Opportunity's Account). Every third one is in both CRMs under one
	// name, as a deal entered twice by hand would be.
	deals := max(2, n/20)
	hsDeals := make([]hubspot.SeedRow, deals)
	sfOpps := make([]salesforce.SeedRow, deals)
	dealCompany := make([]int, deals)
	for i := range deals {
		dealCompany[i] = rng.IntN(len(companies))
		c := companies[dealCompany[i]]
		amount := strconv.Itoa(1000 * (1 + rng.IntN(200)))
		stage := rng.IntN(len(hsStages))
		closeDate := now.AddDate(0, 0, rng.IntN(180)-60)
		cr, md := stamp()
		hsName, sfName := c.name+" - deal "+strconv.Itoa(i), c.name+" - opportunity "+strconv.Itoa(i)
		if i%3 == 0 {
			sfName = hsName
		}
		hsDeals[i] = hubspot.SeedRow{Values: []string{hsName, amount, hsStages[stage], "default",
			closeDate.Format("2006-01-02T15:04:05.000Z"), ownerOf(hsOwnerIDs, i)}, Created: cr, Modified: md}
		sfOpps[i] = salesforce.SeedRow{Values: []string{sfName, amount, sfStages[stage],
			closeDate.Format("2006-01-02"), accIDs[dealCompany[i]], ownerOf(sfUserIDs, i)}, Created: cr, Modified: md}
	}
	dealIDs, err := hs.Seed("deals", []string{"dealname", "amount", "dealstage", "pipeline", "closedate", "hubspot_owner_id"}, hsDeals)
	if err != nil {
		return err
	}
	companyOf := make(map[string]string, deals)
	for i, id := range dealIDs {
		if id != "" {
			companyOf[id] = coIDs[dealCompany[i]]
		}
	}
	if err := hs.SeedPrimaryCompanies("deals", companyOf); err != nil {
		return err
	}
	if _, err = sf.Seed("Opportunity", []string{"Name", "Amount", "StageName", "CloseDate", "AccountId", "OwnerId"}, sfOpps); err != nil {
		return err
	}
	if err := seedActivities(hs, sf, hsContactIDs, sfContactIDs, team, seedVal, now); err != nil {
		return err
	}
	if err := seedLeads(sf, hsPeople[shared:], companies, accIDs, sfUserIDs, seedVal, n, now); err != nil {
		return err
	}
	hsDealRows := make([]dealRow, deals)
	for i := range deals {
		hsDealRows[i] = dealRow{name: hsDeals[i].Values[0], company: dealCompany[i], stage: hsDeals[i].Values[2]}
	}
	if err := seedPipedrive(pd, companies, hsPeople[shared:], hsDealRows, team.pd, seedVal, n, now); err != nil {
		return err
	}
	if err := seedZoho(zh, companies, hsPeople[shared:], hsDealRows, team.zh, seedVal, n, now); err != nil {
		return err
	}
	if err := seedDynamics(dv, companies, hsPeople[shared:], hsDealRows, team.dv, seedVal, n, now); err != nil {
		return err
	}
	if err := seedMailchimp(mc, companies, hsPeople[shared:], seedVal, n, now); err != nil {
		return err
	}
	if err := seedKlaviyo(kv, companies, hsPeople[shared:], seedVal, n, now); err != nil {
		return err
	}
	return seedBrevo(bv, companies, hsPeople[shared:], seedVal, n)
}

// yearStamps gives created and modified times within the last year, to
// the second, from rng.
func yearStamps(rng *rand.Rand, now time.Time) func() (time.Time, time.Time) {
	now = now.UTC().Truncate(time.Second)
	return func() (time.Time, time.Time) {
		c := now.Add(-time.Duration(rng.Int64N(365*24)) * time.Hour)
		return c, c.Add(time.Duration(rng.Int64N(int64(now.Sub(c)/time.Second)+1)) * time.Second)
	}
}

// halfShared calls each for the n/2 contacts of a CRM seeded beside
// HubSpot: the first half are people HubSpot has too (the same email; not
// the ones Pipedrive shares), the rest its own, whose emails carry tag.
func halfShared(rng *rand.Rand, companies []company, hsOnly []person, n int, tag string, each func(person)) {
	m := n / 2
	for i := range m {
		var p person
		if i < m/2 && i < len(hsOnly) {
			p = hsOnly[len(hsOnly)-1-i]
		} else {
			p = person{first: firstNames[rng.IntN(len(firstNames))], last: lastNames[rng.IntN(len(lastNames))],
				phone: phoneDigits(rng), title: titles[rng.IntN(len(titles))], company: rng.IntN(len(companies))}
			p.email = newSlugger().slug(p.first+"."+p.last) + "." + tag + strconv.Itoa(i) + "@" + companies[p.company].domain
		}
		each(p)
	}
}

// dealsBeside picks the deals a CRM seeded beside HubSpot holds: HubSpot's
// deal i under the same company where i%share == shareAt, and one of its own,
// named with tag, where i%own == ownAt instead.
func dealsBeside(hsDeals []dealRow, companies []company, share, shareAt, own, ownAt int, tag string) []dealRow {
	var out []dealRow
	for i, d := range hsDeals {
		switch {
		case i%share == shareAt:
			out = append(out, d)
		case i%own == ownAt:
			out = append(out, dealRow{name: companies[d.company].name + " - " + tag + " " + strconv.Itoa(i), company: d.company})
		}
	}
	return out
}

var (
	hsTaskStatus = []string{"NOT_STARTED", "IN_PROGRESS", "COMPLETED", "WAITING", "DEFERRED"}
	sfTaskStatus = []string{"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"}
	hsPriority   = []string{"LOW", "MEDIUM", "HIGH"}
	sfPriority   = []string{"Low", "Normal", "High"}
)

// activitySeed is one kind of activity seeded in both CRMs, each linked to
// a contact: HubSpot through an association, Salesforce through WhoId,
// whose column comes last. row gives one activity's values on a side (0
// HubSpot, 1 Salesforce) for the contact at index i.
type activitySeed struct {
	hsObject, sfObject string
	hsCols, sfCols     []string
	offset             int // which contact of each ten gets one
	row                func(side, i int, rng *rand.Rand, now time.Time) []string
	// assigned: the activity has an owner, "assigned to" (not notes).
	assigned bool
}

// activitySeeds are tasks, meetings, calls and notes, each with a text of
// its own.
var activitySeeds = []activitySeed{
	{hsObject: "tasks", sfObject: "Task", offset: 0, assigned: true,
		hsCols: []string{"hs_task_subject", "hs_task_status", "hs_task_priority", "hs_timestamp"},
		sfCols: []string{"Subject", "Status", "Priority", "ActivityDate", "WhoId"},
		row: func(side, i int, rng *rand.Rand, now time.Time) []string {
			due := now.AddDate(0, 0, rng.IntN(60)-20)
			st, pr := rng.IntN(len(hsTaskStatus)), rng.IntN(len(hsPriority))
			if side == 0 {
				return []string{"Follow up " + strconv.Itoa(i) + " (HubSpot)", hsTaskStatus[st], hsPriority[pr], due.Format("2006-01-02T15:04:05.000Z")}
			}
			return []string{"Call back " + strconv.Itoa(i) + " (Salesforce)", sfTaskStatus[st], sfPriority[pr], due.Format("2006-01-02")}
		}},
	// Salesforce derives an Event's ActivityDateTime, ActivityDate and
	// duration from its start and end; seeds bypass that, so they carry all.
	{hsObject: "meetings", sfObject: "Event", offset: 3, assigned: true,
		hsCols: []string{"hs_meeting_title", "hs_meeting_location", "hs_meeting_start_time", "hs_meeting_end_time", "hs_timestamp"},
		sfCols: []string{"Subject", "Location", "StartDateTime", "EndDateTime", "ActivityDateTime", "ActivityDate", "DurationInMinutes", "WhoId"},
		row: func(side, i int, rng *rand.Rand, now time.Time) []string {
			start := now.Truncate(time.Hour).Add(time.Duration(rng.IntN(60*24)-20*24) * time.Hour)
			minutes := 30 * (1 + rng.IntN(4))
			end := start.Add(time.Duration(minutes) * time.Minute)
			where := []string{"Zoom", "Office", "Phone", "Client site"}[rng.IntN(4)]
			if side == 0 {
				at := start.Format("2006-01-02T15:04:05.000Z")
				return []string{"Intro meeting " + strconv.Itoa(i) + " (HubSpot)", where, at, end.Format("2006-01-02T15:04:05.000Z"), at}
			}
			at := start.Format("2006-01-02T15:04:05.000Z")
			return []string{"Demo " + strconv.Itoa(i) + " (Salesforce)", where, at, end.Format("2006-01-02T15:04:05.000Z"), at,
				start.Format("2006-01-02"), strconv.Itoa(minutes)}
		}},
	// A logged call in Salesforce is a Task of subtype Call; HubSpot keeps
	// the duration in milliseconds.
	{hsObject: "calls", sfObject: "Task", offset: 6, assigned: true,
		hsCols: []string{"hs_call_title", "hs_call_direction", "hs_call_duration", "hs_call_status", "hs_timestamp"},
		sfCols: []string{"Subject", "CallType", "CallDurationInSeconds", "Status", "ActivityDate", "TaskSubtype", "WhoId"},
		row: func(side, i int, rng *rand.Rand, now time.Time) []string {
			at := now.Add(-time.Duration(rng.IntN(30*24)) * time.Hour)
			seconds := 30 + rng.IntN(1800)
			if rng.IntN(2) == 0 {
				if side == 0 {
					return []string{"Call " + strconv.Itoa(i) + " (HubSpot)", "OUTBOUND", strconv.Itoa(seconds*1000 + rng.IntN(1000)), "COMPLETED", at.Format("2006-01-02T15:04:05.000Z")}
				}
				return []string{"Logged call " + strconv.Itoa(i) + " (Salesforce)", "Outbound", strconv.Itoa(seconds), "Completed", at.Format("2006-01-02"), "Call"}
			}
			if side == 0 {
				return []string{"Call " + strconv.Itoa(i) + " (HubSpot)", "INBOUND", strconv.Itoa(seconds * 1000), "NO_ANSWER", at.Format("2006-01-02T15:04:05.000Z")}
			}
			return []string{"Logged call " + strconv.Itoa(i) + " (Salesforce)", "Inbound", strconv.Itoa(seconds), "Completed", at.Format("2006-01-02"), "Call"}
		}},
	// A note: HubSpot's body is HTML; a Salesforce Note has a title and a
	// plain-text body, and its parent last.
	{hsObject: "notes", sfObject: "Note", offset: 8,
		hsCols: []string{"hs_note_body", "hs_timestamp"},
		sfCols: []string{"Title", "Body", "ParentId"},
		row: func(side, i int, rng *rand.Rand, now time.Time) []string {
			at := now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour)
			seats := strconv.Itoa(5 * (1 + rng.IntN(20)))
			if side == 0 {
				return []string{"<p>Renewal chat " + strconv.Itoa(i) + " (HubSpot)</p><p>They want <b>" + seats + " seats</b> &amp; a yearly invoice.</p>",
					at.Format("2006-01-02T15:04:05.000Z")}
			}
			return []string{"Discovery call " + strconv.Itoa(i), "Discovery call " + strconv.Itoa(i) + " (Salesforce)\nBudget for " + seats + " seats; decision next month."}
		}},
}

// seedActivities gives one contact in ten an activity of each kind in each
// CRM, linked to that contact. It draws from a random source of its own.
func seedActivities(hs *hubspot.Sim, sf *salesforce.Sim, hsContacts, sfContacts []string, team teamIDs, seedVal int64, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x7a5c))
	now = now.UTC().Truncate(time.Second)
	for _, k := range activitySeeds {
		hsCols, sfCols := k.hsCols, k.sfCols
		if k.assigned {
			hsCols, sfCols = append(slices.Clone(hsCols), "hubspot_owner_id"), append(slices.Clone(sfCols), "OwnerId")
		}
		var hsRows []hubspot.SeedRow
		var hsWho []string
		for i := k.offset; i < len(hsContacts); i += 10 {
			if hsContacts[i] == "" {
				continue
			}
			vals := k.row(0, i, rng, now)
			if k.assigned {
				vals = append(vals, ownerOf(team.hs, i/10))
			}
			mod := now.Add(-time.Duration(rng.IntN(30*24)) * time.Hour)
			hsRows = append(hsRows, hubspot.SeedRow{Values: vals, Created: mod, Modified: mod})
			hsWho = append(hsWho, hsContacts[i])
		}
		ids, err := hs.Seed(k.hsObject, hsCols, hsRows)
		if err != nil {
			return err
		}
		contactOf := make(map[string]string, len(ids))
		for i, id := range ids {
			if id != "" {
				contactOf[id] = hsWho[i]
			}
		}
		if err := hs.SeedAssociations(k.hsObject, "contacts", contactOf); err != nil {
			return err
		}
		var sfRows []salesforce.SeedRow
		for i := k.offset + 5; i < len(sfContacts); i += 10 {
			if sfContacts[i] == "" {
				continue
			}
			vals := append(k.row(1, i, rng, now), sfContacts[i])
			if k.assigned {
				vals = append(vals, ownerOf(team.sf, i/10))
			}
			mod := now.Add(-time.Duration(rng.IntN(30*24)) * time.Hour)
			sfRows = append(sfRows, salesforce.SeedRow{Values: vals, Created: mod, Modified: mod})
		}
		if _, err := sf.Seed(k.sfObject, sfCols, sfRows); err != nil {
			return err
		}
	}
	return nil
}

// seedPipedrive fills Pipedrive with the companies as organizations, n/2
// persons (half of them people HubSpot also holds, not Salesforce, by the
// same email, the rest its own) with tasks and logged calls, and deals:
// every third HubSpot deal under
// the same name and organization, and as many of its own, all open in the
// default pipeline. It draws from a random source of its own, so HubSpot's
// and Salesforce's data stay as they were.
// dealRow is a HubSpot deal Pipedrive may hold too: its name and company.
type dealRow struct {
	name    string
	company int
	stage   string // HubSpot's dealstage; "" for a deal of the other CRM's own
}

func seedPipedrive(pd *pipedrive.Sim, companies []company, hsOnly []person, hsDeals []dealRow, owners []int64, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x9e3779b9))
	now = now.UTC().Truncate(time.Second)
	stamp := func() (time.Time, time.Time) {
		c := now.Add(-time.Duration(rng.Int64N(365*24)) * time.Hour)
		return c, c.Add(time.Duration(rng.Int64N(int64(now.Sub(c)/time.Second)+1)) * time.Second)
	}
	orgs := make([]pipedrive.OrganizationSeed, len(companies))
	for i, c := range companies {
		add, upd := stamp()
		orgs[i] = pipedrive.OrganizationSeed{Name: c.name, Address: c.city, OwnerID: pdOwnerOf(owners, i+3), AddTime: add, UpdateTime: upd}
	}
	orgIDs, err := pd.SeedOrganizations(orgs)
	if err != nil {
		return err
	}
	m := n / 2
	rows := make([]pipedrive.PersonSeed, 0, m)
	for i := range m {
		var p person
		if i < m/2 && i < len(hsOnly) {
			p = hsOnly[i]
		} else {
			p = person{first: firstNames[rng.IntN(len(firstNames))], last: lastNames[rng.IntN(len(lastNames))],
				phone: phoneDigits(rng), company: rng.IntN(len(companies))}
			p.email = newSlugger().slug(p.first+"."+p.last) + ".pd" + strconv.Itoa(i) + "@" + companies[p.company].domain
		}
		add, upd := stamp()
		rows = append(rows, pipedrive.PersonSeed{Name: p.first + " " + p.last,
			Emails: []pipedrive.Contact{{Value: p.email, Primary: true, Label: "work"}},
			Phones: []pipedrive.Contact{{Value: pdPhone(p.phone), Primary: true, Label: "work"}},
			OrgID:  orgIDs[p.company], OwnerID: pdOwnerOf(owners, i), AddTime: add, UpdateTime: upd})
	}
	personIDs, err := pd.SeedPersons(rows)
	if err != nil {
		return err
	}
	// One person in ten has a task, one a logged call and one a meeting.
	var acts []pipedrive.ActivitySeed
	for i, id := range personIDs {
		if i%10 != 3 && i%10 != 5 && i%10 != 8 {
			continue
		}
		add, upd := stamp()
		a := pipedrive.ActivitySeed{Subject: "Prepare offer " + strconv.Itoa(i) + " (Pipedrive)", Type: "task", PersonID: id, OwnerID: pdOwnerOf(owners, len(acts)),
			DueDate: now.AddDate(0, 0, rng.IntN(60)-20).Format(time.DateOnly), Done: rng.IntN(3) == 0, AddTime: add, UpdateTime: upd}
		switch i % 10 {
		case 5:
			a.Subject, a.Type, a.DueTime, a.Duration, a.Done = "Lunch meeting "+strconv.Itoa(i)+" (Pipedrive)", "meeting", fmt.Sprintf("%02d:30", 9+rng.IntN(8)), "00:45", false
		case 8:
			a.Subject, a.Type, a.Duration = "Call with "+rows[i].Name, "call", "00:15"
		}
		acts = append(acts, a)
	}
	if _, err := pd.SeedActivities(acts); err != nil {
		return err
	}
	var deals []pipedrive.DealSeed
	for i, d := range hsDeals {
		switch i % 3 {
		case 0:
			continue // HubSpot's own
		case 2: // Pipedrive's own
			d = dealRow{name: companies[d.company].name + " - pipedrive deal " + strconv.Itoa(i), company: d.company}
		}
		add, upd := stamp()
		deals = append(deals, pipedrive.DealSeed{Title: d.name, Value: float64(1000 * (1 + rng.IntN(200))), Currency: "USD",
			StageID: int64(1 + rng.IntN(5)), OrgID: orgIDs[d.company], Status: "open", OwnerID: pdOwnerOf(owners, len(deals)),
			ExpectedCloseDate: now.AddDate(0, 0, rng.IntN(180)-60).Format(time.DateOnly), AddTime: add, UpdateTime: upd})
	}
	if _, err := pd.SeedDeals(deals); err != nil {
		return err
	}
	// One person in ten has a note.
	var notes []pipedrive.NoteSeed
	for i := 1; i < len(personIDs); i += 10 {
		add, upd := stamp()
		notes = append(notes, pipedrive.NoteSeed{PersonID: personIDs[i], Added: add, Updated: upd,
			Content: "<p>Follow-up " + strconv.Itoa(i) + " (Pipedrive)</p><ul><li>send the " + []string{"pricing", "case study", "contract"}[rng.IntN(3)] + "</li></ul>"})
	}
	_, err = pd.SeedNotes(notes)
	return err
}

// pdPhone formats a number as Pipedrive users often type it.
func pdPhone(d string) string { return "+1 " + d[:3] + " " + d[3:6] + " " + d[6:] }

// hsOptOut is a seeded contact's "Unsubscribed from all email": one in 25
// unsubscribed in HubSpot, by position, so the seed's random draws stay
// as they were.
func hsOptOut(i int) string {
	if i%25 == 12 {
		return "true"
	}
	return "false"
}
