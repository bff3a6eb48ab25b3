package sandbox

import (
	"fmt"
	"math/rand/v2"

	"github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// seedBrevo fills the Brevo account with n/2 contacts (halfShared: half of them
// people HubSpot holds too, by the same email) with FIRSTNAME, LASTNAME, SMS (the
// number with its country code, "+1..."), COMPANY, JOB_TITLE and CITY; every 25th
// by position is emailBlacklisted. An SMS another seeded contact already has is
// left out, since Brevo keeps SMS numbers unique. It draws from a random source of
// its own, so the other vendors' seeds are unchanged.
func seedBrevo(bv *brevo.Sim, companies []company, hsOnly []person, seedVal int64, n int) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0xb7e70))
	rows := make([]brevo.ContactSeed, 0, n/2)
	phones := map[string]bool{}
	halfShared(rng, companies, hsOnly, n, "bv", func(p person) {
		city := p.city
		if city == "" {
			city = companies[p.company].city
		}
		attrs := map[string]any{brevo.AttrFirstName: p.first, brevo.AttrLastName: p.last,
			brevo.AttrCompany: companies[p.company].name, brevo.AttrJobTitle: p.title, brevo.AttrCity: city}
		if phone := "+1" + p.phone; p.phone != "" && !phones[phone] {
			phones[phone] = true
			attrs[brevo.AttrSMS] = phone
		}
		rows = append(rows, brevo.ContactSeed{Email: p.email, Attributes: attrs, EmailBlacklisted: len(rows)%25 == 24})
	})
	if _, err := bv.SeedContacts(rows); err != nil {
		return fmt.Errorf("brevo contacts: %w", err)
	}
	return nil
}
