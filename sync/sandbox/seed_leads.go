package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// seedLeads gives Salesforce Leads, as an org that takes web sign-ups as
// Leads holds them: one for every fourth person HubSpot holds that has no
// Salesforce Contact (the same email, so a leads sync links them), and as
// many of its own, one in five of which a rep has converted into a Contact
// of its company's Account (accounts, by company). It draws from a random source
// of its own, so the other CRMs' data stay as they were.
func seedLeads(sf *salesforce.Sim, hsOnly []person, companies []company, accounts, owners []string, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x1eadc0de))
	stamp := yearStamps(rng, now)
	people, own := leadPeople(rng, hsOnly, companies, n, 0, "lead")
	rows := make([]salesforce.SeedRow, len(people))
	for i, p := range people {
		cr, md := stamp()
		rows[i] = salesforce.SeedRow{Values: []string{p.first, p.last, companies[p.company].name, p.email, sfPhone(p.phone), p.title,
			"Open - Not Contacted", sfSources[i%len(sfSources)], p.city, ownerOf(owners, i)}, Created: cr, Modified: md}
	}
	ids, err := sf.Seed("Lead", []string{"FirstName", "LastName", "Company", "Email", "Phone", "Title", "Status", "LeadSource", "City", "OwnerId"}, rows)
	if err != nil {
		return err
	}
	for i := own; i < len(ids); i += 5 {
		if _, err := sf.ConvertLead(ids[i], salesforce.LeadConvert{AccountID: accounts[people[i].company]}); err != nil {
			return err
		}
	}
	return nil
}

// leadPeople picks the people a CRM's seeded leads are: one for every
// fourth person HubSpot holds that has no contact there, starting at from
// (from the front of hsOnly; halfShared takes a CRM's shared contacts from
// its back), up to n/20, then as many of its own (at least two), drawn from
// rng with emails tagged tag. own is the index of the first of its own.
func leadPeople(rng *rand.Rand, hsOnly []person, companies []company, n, from int, tag string) (people []person, own int) {
	for i := from; i < len(hsOnly) && len(people) < n/20; i += 4 {
		people = append(people, hsOnly[i])
	}
	own = len(people)
	for i := range max(own, 2) {
		p := person{first: firstNames[rng.IntN(len(firstNames))], last: lastNames[rng.IntN(len(lastNames))],
			phone: phoneDigits(rng), title: titles[rng.IntN(len(titles))], city: cities[rng.IntN(len(cities))], company: rng.IntN(len(companies))}
		p.email = newSlugger().slug(p.first+"."+p.last) + "." + tag + strconv.Itoa(i) + "@" + companies[p.company].domain
		people = append(people, p)
	}
	return people, own
}

// seedZohoLeads gives Zoho CRM Leads as seedLeads gives Salesforce's (other
// HubSpot-only people), one in five of its own converted into a Contact of
// its company's Account (accounts, by company).
func seedZohoLeads(zh *zoho.Sim, hsOnly []person, companies []company, accounts, owners []string, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x2eadc0de))
	stamp := yearStamps(rng, now)
	people, own := leadPeople(rng, hsOnly, companies, n, 1, "zlead")
	rows := make([]zoho.LeadSeed, len(people))
	for i, p := range people {
		cr, md := stamp()
		rows[i] = zoho.LeadSeed{FirstName: p.first, LastName: p.last, Email: p.email, Phone: sfPhone(p.phone), Company: companies[p.company].name,
			Title: p.title, City: p.city, Status: "Not Contacted", OwnerID: ownerOf(owners, i), Created: cr, Modified: md}
	}
	ids, err := zh.SeedLeads(rows)
	if err != nil {
		return err
	}
	for i := own; i < len(ids); i += 5 {
		if _, err := zh.ConvertLead(ids[i], zoho.LeadConvert{AccountID: accounts[people[i].company]}); err != nil {
			return fmt.Errorf("zoho: convert seeded lead %s: %w", ids[i], err)
		}
	}
	return nil
}

// seedDynamicsLeads gives Dynamics 365 open leads as seedLeads gives
// Salesforce's (other HubSpot-only people), each under its company's
// account, and qualifies one in five of its own into a contact there.
func seedDynamicsLeads(dv *dynamics.Sim, hsOnly []person, companies []company, accounts, owners []string, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x3eadc0de))
	stamp := yearStamps(rng, now)
	people, own := leadPeople(rng, hsOnly, companies, n, 2, "dlead")
	rows := make([]dynamics.LeadSeed, len(people))
	for i, p := range people {
		cr, md := stamp()
		rows[i] = dynamics.LeadSeed{Subject: "Interested in " + companies[p.company].name, FirstName: p.first, LastName: p.last,
			Company: companies[p.company].name, Email: p.email, Phone: sfPhone(p.phone), JobTitle: p.title, City: p.city,
			AccountID: accounts[p.company], OwnerID: ownerOf(owners, i), Created: cr, Modified: md}
	}
	ids, err := dv.SeedLeads(rows)
	if err != nil {
		return err
	}
	for i := own; i < len(ids); i += 5 {
		if _, err := dv.QualifyLead(ids[i], dynamics.QualifyLead{CreateContact: true}); err != nil {
			return fmt.Errorf("dynamics: qualify seeded lead %s: %w", ids[i], err)
		}
	}
	return nil
}
