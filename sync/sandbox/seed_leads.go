package sandbox

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
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
	var people []person
	for i := 0; i < len(hsOnly) && len(people) < n/20; i += 4 {
		people = append(people, hsOnly[i])
	}
	own := len(people)
	for i := range max(own, 2) {
		p := person{first: firstNames[rng.IntN(len(firstNames))], last: lastNames[rng.IntN(len(lastNames))],
			phone: phoneDigits(rng), title: titles[rng.IntN(len(titles))], city: cities[rng.IntN(len(cities))], company: rng.IntN(len(companies))}
		p.email = newSlugger().slug(p.first+"."+p.last) + ".lead" + strconv.Itoa(i) + "@" + companies[p.company].domain
		people = append(people, p)
	}
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
