package sandbox

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// KlaviyoPlanProperty is the custom profile property (properties.plan) the sandbox
// seeds on every Klaviyo profile, one of KlaviyoPlans.
const KlaviyoPlanProperty = "plan"

// KlaviyoPlans are the values of KlaviyoPlanProperty, taken in turn by position.
var KlaviyoPlans = []string{"free", "starter", "pro", "enterprise"}

// kvConsent gives profile i of the seed its email marketing consent from its
// position alone (no draw from the random source, so the rest of the seed is what
// it was): every 25th unsubscribed, one in eight of the others never subscribed,
// the rest subscribed.
func kvConsent(i int) string {
	switch {
	case i%25 == 24:
		return klaviyo.Unsubscribed
	case i%8 == 5:
		return klaviyo.NeverSubscribed
	}
	return klaviyo.Subscribed
}

// seedKlaviyo fills the Klaviyo account with n/2 profiles (halfShared: half of them
// people HubSpot holds too, by the same email) with first and last name, an E.164
// phone number, organization, title, city and country, properties.plan and an email
// consent (kvConsent). A phone number another seeded profile already has is left
// out, since Klaviyo keeps phone numbers unique. It draws from a random source of
// its own.
func seedKlaviyo(kv *klaviyo.Sim, companies []company, hsOnly []person, seedVal int64, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(seedVal), 0x6b1a7140))
	stamp := yearStamps(rng, now)
	rows := make([]klaviyo.ProfileSeed, 0, n/2)
	phones := map[string]bool{}
	halfShared(rng, companies, hsOnly, n, "kv", func(p person) {
		city := p.city
		if city == "" {
			city = companies[p.company].city
		}
		phone := "+1" + p.phone
		if phones[phone] {
			phone = ""
		}
		phones[phone] = true
		cr, md := stamp()
		i := len(rows)
		rows = append(rows, klaviyo.ProfileSeed{Email: p.email, PhoneNumber: phone, FirstName: p.first, LastName: p.last,
			Organization: companies[p.company].name, Title: p.title,
			Location:     klaviyo.Location{City: city, Country: cityAddress[city][2], Region: cityAddress[city][0], Zip: cityAddress[city][1]},
			Properties:   map[string]any{KlaviyoPlanProperty: KlaviyoPlans[i%len(KlaviyoPlans)]},
			EmailConsent: kvConsent(i), Created: cr, Updated: md})
	})
	if _, err := kv.SeedProfiles(rows); err != nil {
		return fmt.Errorf("klaviyo profiles: %w", err)
	}
	return nil
}
