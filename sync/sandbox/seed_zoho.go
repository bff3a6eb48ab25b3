package sandbox

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// zohoStages are the sandbox's Zoho deal stages the seed picks from.
var zohoStages = []string{"Qualification", "Needs Analysis", "Value Proposition", "Identify Decision Makers",
	"Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}

// zohoInterestSets are the selections of the Interests multi-select the seed gives
// every third Zoho contact, in turn (values of the sandbox's Contacts.Interests).
var zohoInterestSets = [][]string{{"Analytics", "Automation"}, {"Webinars"}, {"Security", "Integrations", "Mobile"}, {"Automation"}}

// zohoInterests is the Fields of the i-th seeded Zoho contact: Interests for every
// third one, picked by position so the seed's random sequence does not move.
func zohoInterests(i int) map[string]any {
	if i%3 != 0 {
		return nil
	}
	return map[string]any{"Interests": zohoInterestSets[(i/3)%len(zohoInterestSets)]}
}

// seedZoho gives Zoho CRM an account per company, n/2 contacts
// (halfShared), a deal for every fourth HubSpot deal (the same name under
// the same company's account, offset from the ones Dynamics shares) and a
// few of its own, Leads (seedZohoLeads), and a task, a call, a meeting and a note on every tenth
// contact each.
func seedZoho(zh *zoho.Sim, companies []company, hsOnly []person, hsDeals []dealRow, owners []string, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x2f6b1d0c))
	stamp := yearStamps(rng, now)
	accounts := make([]zoho.AccountSeed, len(companies))
	for i, c := range companies {
		cr, md := stamp()
		accounts[i] = zoho.AccountSeed{Name: c.name, Website: "https://" + c.domain, Phone: sfPhone(c.phone), OwnerID: ownerOf(owners, i+2), Created: cr, Modified: md}
	}
	accountIDs, err := zh.SeedAccounts(accounts)
	if err != nil {
		return err
	}
	rows := make([]zoho.ContactSeed, 0, n/2)
	halfShared(rng, companies, hsOnly, n, "zc", func(p person) {
		cr, md := stamp()
		rows = append(rows, zoho.ContactSeed{FirstName: p.first, LastName: p.last, Email: p.email, Phone: sfPhone(p.phone),
			Title: p.title, AccountID: accountIDs[p.company], Fields: zohoInterests(len(rows)), OwnerID: ownerOf(owners, len(rows)), Created: cr, Modified: md})
	})
	contactIDs, err := zh.SeedContacts(rows)
	if err != nil {
		return err
	}
	if err := seedZohoLeads(zh, hsOnly, companies, accountIDs, owners, seedVal, n, now); err != nil {
		return err
	}
	var deals []zoho.DealSeed
	for _, d := range dealsBeside(hsDeals, companies, 4, 2, 9, 5, "zoho deal") {
		cr, md := stamp()
		deals = append(deals, zoho.DealSeed{Name: d.name, Stage: zohoStages[rng.IntN(len(zohoStages))], Amount: float64(1000 * (1 + rng.IntN(200))),
			ClosingDate: now.AddDate(0, 0, 7+rng.IntN(90)).Format(time.DateOnly), AccountID: accountIDs[d.company], OwnerID: ownerOf(owners, len(deals)), Created: cr, Modified: md})
	}
	if _, err := zh.SeedDeals(deals); err != nil {
		return err
	}
	var tasks []zoho.TaskSeed
	for i := 5; i < len(rows); i += 10 {
		cr, md := stamp()
		tasks = append(tasks, zoho.TaskSeed{Subject: "Send the proposal to " + rows[i].FirstName + " " + rows[i].LastName,
			Status: sfTaskStatus[rng.IntN(3)], Priority: sfPriority[rng.IntN(len(sfPriority))],
			DueDate: now.AddDate(0, 0, 1+rng.IntN(30)).Format(time.DateOnly), ContactID: contactIDs[i], OwnerID: ownerOf(owners, len(tasks)), Created: cr, Modified: md})
	}
	if _, err := zh.SeedTasks(tasks); err != nil {
		return err
	}
	var calls []zoho.CallSeed
	var events []zoho.EventSeed
	var notes []zoho.NoteSeed
	for i := 7; i < len(rows); i += 10 {
		who := rows[i].FirstName + " " + rows[i].LastName
		cr, md := stamp()
		start := md.Add(-time.Duration(1+rng.IntN(72)) * time.Hour).Truncate(time.Minute) // logged: before it was written
		call := zoho.CallSeed{Subject: "Call with " + who + " (Zoho)", CallType: "Inbound", Start: start,
			Duration: fmt.Sprintf("%d:%02d", rng.IntN(30), rng.IntN(60)), ContactID: contactIDs[i], OwnerID: ownerOf(owners, len(calls)), Created: cr, Modified: md}
		if rng.IntN(2) == 0 {
			call.CallType, call.OutboundStatus = "Outbound", "Completed"
		}
		calls = append(calls, call)
		if j := i + 1; j < len(rows) {
			cr, md := stamp()
			start := now.AddDate(0, 0, 1+rng.IntN(30)).Truncate(time.Hour)
			events = append(events, zoho.EventSeed{Title: "Demo for " + rows[j].FirstName + " " + rows[j].LastName, Start: start, End: start.Add(time.Hour),
				Venue: "Zoho Meeting", ContactID: contactIDs[j], OwnerID: ownerOf(owners, len(events)), Created: cr, Modified: md})
		}
		if j := i + 2; j < len(rows) {
			cr, md := stamp()
			notes = append(notes, zoho.NoteSeed{Title: "Budget", Content: rows[j].FirstName + " has budget approved for Q1 (Zoho).",
				ParentID: contactIDs[j], Created: cr, Modified: md})
		}
	}
	if _, err := zh.SeedCalls(calls); err != nil {
		return err
	}
	if _, err := zh.SeedEvents(events); err != nil {
		return err
	}
	_, err = zh.SeedNotes(notes)
	return err
}
