package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// cityAddress is the state, postal code and country a seeded address in a city gets;
// Mailchimp wants all of them for a complete ADDRESS.
var cityAddress = map[string][3]string{
	"New York": {"NY", "10001", "US"}, "San Francisco": {"CA", "94105", "US"}, "Austin": {"TX", "78701", "US"},
	"London": {"England", "EC1A 1BB", "GB"}, "Berlin": {"Berlin", "10115", "DE"}, "Paris": {"Ile-de-France", "75001", "FR"},
	"Toronto": {"ON", "M5H 2N2", "CA"}, "Sydney": {"NSW", "2000", "AU"}, "Tokyo": {"Tokyo", "100-0001", "JP"},
	"Chicago": {"IL", "60601", "US"},
}

var streets = []string{"Main St", "Oak Ave", "Market St", "High St", "Elm St", "Park Rd", "River Rd", "King St"}

// seedMailchimp fills the default audience with n/2 members (halfShared: half of them
// people HubSpot holds too, by the same email) carrying FNAME, LNAME, PHONE, COMPANY and
// ADDRESS; most are subscribed, one in ten unsubscribed themselves and one in twenty is
// transactional. It draws from a random source of its own.
func seedMailchimp(mc *mailchimp.Sim, companies []company, hsOnly []person, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x3a11c41f))
	stamp := yearStamps(rng, now)
	rows := make([]mailchimp.MemberSeed, 0, n/2)
	halfShared(rng, companies, hsOnly, n, "mc", func(p person) {
		city := p.city
		if city == "" {
			city = companies[p.company].city
		}
		where := cityAddress[city]
		status := "subscribed"
		switch rng.IntN(20) {
		case 0, 1:
			status = "unsubscribed"
		case 2:
			status = "transactional"
		}
		cr, md := stamp()
		rows = append(rows, mailchimp.MemberSeed{Email: p.email, Status: status, Created: cr, Modified: md,
			MergeFields: map[string]any{"FNAME": p.first, "LNAME": p.last, "PHONE": hsPhone(p.phone),
				"COMPANY": companies[p.company].name, "ADDRESS": map[string]any{
					"addr1": strconv.Itoa(1+rng.IntN(999)) + " " + streets[rng.IntN(len(streets))],
					"city":  city, "state": where[0], "zip": where[1], "country": where[2]}}})
	})
	if _, err := mc.SeedMembers(mc.DefaultListID(), rows); err != nil {
		return fmt.Errorf("mailchimp members: %w", err)
	}
	return nil
}
