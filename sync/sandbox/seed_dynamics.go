package sandbox

import (
	"math/rand/v2"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// seedDynamics gives Dynamics 365 an account per company, n/2 contacts
// (halfShared), an opportunity for every fourth HubSpot deal (the same name
// under the same company's account, Won or Lost where HubSpot's is closed)
// and a few of its own, leads
// (seedDynamicsLeads), and a task, a phone call, an appointment and a note
// on every tenth contact each.
func seedDynamics(dv *dynamics.Sim, companies []company, hsOnly []person, hsDeals []dealRow, owners []string, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x5d1e0a77))
	stamp := yearStamps(rng, now)
	accounts := make([]dynamics.AccountSeed, len(companies))
	for i, c := range companies {
		cr, md := stamp()
		accounts[i] = dynamics.AccountSeed{Name: c.name, Website: "https://" + c.domain, Phone: sfPhone(c.phone), City: c.city, OwnerID: ownerOf(owners, i+2), Created: cr, Modified: md}
	}
	accountIDs, err := dv.SeedAccounts(accounts)
	if err != nil {
		return err
	}
	rows := make([]dynamics.ContactSeed, 0, n/2)
	halfShared(rng, companies, hsOnly, n, "dv", func(p person) {
		cr, md := stamp()
		rows = append(rows, dynamics.ContactSeed{FirstName: p.first, LastName: p.last, Email: p.email, Phone: sfPhone(p.phone),
			JobTitle: p.title, AccountID: accountIDs[p.company], Interests: dvInterests(len(rows)), OwnerID: ownerOf(owners, len(rows)), Created: cr, Modified: md})
	})
	contactIDs, err := dv.SeedContacts(rows)
	if err != nil {
		return err
	}
	if err := seedDynamicsLeads(dv, hsOnly, companies, accountIDs, owners, seedVal, n, now); err != nil {
		return err
	}
	var opps []dynamics.OpportunitySeed
	for _, d := range dealsBeside(hsDeals, companies, 4, 0, 7, 1, "dynamics opportunity") {
		cr, md := stamp()
		value, stage := float64(1000*(1+rng.IntN(200))), rng.IntN(4)
		opp := dynamics.OpportunitySeed{Name: d.name, EstimatedValue: &value, SalesStage: &stage,
			EstimatedCloseDate: now.AddDate(0, 0, 7+rng.IntN(90)).Format(time.DateOnly), AccountID: accountIDs[d.company], OwnerID: ownerOf(owners, len(opps)), Created: cr, Modified: md}
		if state := dvClosedState(d.stage); state != 0 {
			// A deal entered twice by hand was closed in both: won or lost
			// at the Close phase, with the state's default status reason.
			// Left open, the first sync would hold it in Review on its
			// state, which the demo does not mean to show.
			stage = 3
			opp.StateCode = &state
		}
		opps = append(opps, opp)
	}
	if _, err := dv.SeedOpportunities(opps); err != nil {
		return err
	}
	var tasks []dynamics.TaskSeed
	for i := 0; i < len(rows); i += 10 {
		cr, md := stamp()
		priority := rng.IntN(3)
		tasks = append(tasks, dynamics.TaskSeed{Subject: "Follow up with " + rows[i].FirstName + " " + rows[i].LastName, PriorityCode: &priority,
			ScheduledEnd: now.AddDate(0, 0, 1+rng.IntN(30)).Truncate(time.Hour), RegardingID: contactIDs[i], RegardingTable: "contact", OwnerID: ownerOf(owners, len(tasks)), Created: cr, Modified: md})
	}
	if _, err := dv.SeedTasks(tasks); err != nil {
		return err
	}
	var calls []dynamics.PhoneCallSeed
	var meetings []dynamics.AppointmentSeed
	var notes []dynamics.AnnotationSeed
	for i := 3; i < len(rows); i += 10 {
		who := rows[i].FirstName + " " + rows[i].LastName
		cr, md := stamp()
		outgoing, minutes := rng.IntN(2) == 0, 1+rng.IntN(45)
		at := now.AddDate(0, 0, -rng.IntN(30)).Truncate(time.Minute)
		calls = append(calls, dynamics.PhoneCallSeed{Subject: "Call with " + who, Outgoing: &outgoing, ActualDurationMinutes: &minutes,
			ScheduledEnd: at, RegardingID: contactIDs[i], OwnerID: ownerOf(owners, len(calls)), Created: cr, Modified: md})
		if j := i + 3; j < len(rows) {
			cr, md := stamp()
			start := now.AddDate(0, 0, 1+rng.IntN(30)).Truncate(time.Hour)
			meetings = append(meetings, dynamics.AppointmentSeed{Subject: "Review with " + rows[j].FirstName + " " + rows[j].LastName,
				Location: "Teams", ScheduledStart: start, ScheduledEnd: start.Add(time.Hour), RegardingID: contactIDs[j], OwnerID: ownerOf(owners, len(meetings)), Created: cr, Modified: md})
		}
		if j := i + 5; j < len(rows) {
			cr, md := stamp()
			notes = append(notes, dynamics.AnnotationSeed{Subject: "Background", NoteText: rows[j].FirstName + " asked for the price list in Dynamics.",
				ObjectID: contactIDs[j], Created: cr, Modified: md})
		}
	}
	if _, err := dv.SeedPhoneCalls(calls); err != nil {
		return err
	}
	if _, err := dv.SeedAppointments(meetings); err != nil {
		return err
	}
	_, err = dv.SeedAnnotations(notes)
	return err
}

// dvInterests gives every third Dynamics contact one or two choices of its custom
// multi-select column crmsync_interests, from the contact's position alone: no draw
// from the random source, so the rest of the seed is what it was.
func dvInterests(i int) []int {
	if i%3 != 0 {
		return nil
	}
	all := []int{dynamics.InterestProductUpdates, dynamics.InterestWebinars, dynamics.InterestEvents,
		dynamics.InterestPartnerships, dynamics.InterestPricing}
	k := i / 3
	if k%2 == 0 {
		return []int{all[k%len(all)]}
	}
	return []int{all[k%len(all)], all[(k+2)%len(all)]}
}

// dvClosedState is the opportunity state (1 Won, 2 Lost) of a HubSpot deal
// stage seeded in Dynamics too, 0 (Open) for the others.
func dvClosedState(stage string) int {
	switch stage {
	case "closedwon":
		return 1
	case "closedlost":
		return 2
	}
	return 0
}
