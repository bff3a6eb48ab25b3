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

// MailchimpBuyingRoleCategory is the id of the interest category "Buying role" the
// sandbox seeds in its Mailchimp audience: hidden from signup forms (a sales fact, not
// a reader's choice), one interest per HubSpot buying role, named by HubSpot's labels.
// Its ids are fixed so the ready-made HubSpot ↔ Mailchimp sync can name them.
const MailchimpBuyingRoleCategory = "80b3629f48"

// mcBuyingRoles are the interests of MailchimpBuyingRoleCategory.
var mcBuyingRoles = []mailchimp.Interest{
	{ID: "cf93be08f2", Name: "Blocker"}, {ID: "9963741236", Name: "Budget Holder"}, {ID: "447297739b", Name: "Champion"},
	{ID: "b72c5a6cf9", Name: "Decision Maker"}, {ID: "9ce27148c7", Name: "End User"}, {ID: "d4fa5df704", Name: "Executive Sponsor"},
	{ID: "e3aeb0daa3", Name: "Influencer"}, {ID: "4762551c4c", Name: "Legal & Compliance"}, {ID: "8c9ecc6bbb", Name: "Other"},
}

// MailchimpBuyingRoles gives the ids of the seeded "Buying role" interests by name.
func MailchimpBuyingRoles() map[string]string {
	out := make(map[string]string, len(mcBuyingRoles))
	for _, in := range mcBuyingRoles {
		out[in.Name] = in.ID
	}
	return out
}

// mcTopics are the interests of the seeded "Topics" category, a signup form's
// checkboxes a reader ticks; its ids are the simulator's own.
var mcTopics = []string{"Product updates", "Webinars", "Events", "Case studies"}

// mcTags are the tags seeded members carry, as a marketer would set them.
var mcTags = [][]string{{"newsletter"}, {"webinar-2025", "vip"}, {"trade-show"}}

// mcGroups gives member i of the seed its interests and tags from its position alone:
// no draw from the random source, so the rest of the seed is what it was. Every third
// member has one or two topics, every fourth a buying role or two (never Legal &
// Compliance, which the Salesforce demo has no option for), every fifth some tags.
func mcGroups(i int, topics []string) (interests, tags []string) {
	if i%3 == 0 {
		k := i / 3
		interests = append(interests, topics[k%len(topics)])
		if k%2 == 1 {
			interests = append(interests, topics[(k+1)%len(topics)])
		}
	}
	if i%4 == 1 {
		roles := []string{"Decision Maker", "Champion", "End User", "Budget Holder", "Influencer"}
		ids := MailchimpBuyingRoles()
		k := i / 4
		interests = append(interests, ids[roles[k%len(roles)]])
		if k%3 == 2 {
			interests = append(interests, ids[roles[(k+2)%len(roles)]])
		}
	}
	if i%5 == 2 {
		tags = mcTags[(i/5)%len(mcTags)]
	}
	return interests, tags
}

// seedMailchimp fills the default audience with n/2 members (halfShared: half of them
// people HubSpot holds too, by the same email) carrying FNAME, LNAME, PHONE, COMPANY and
// ADDRESS; most are subscribed, one in ten unsubscribed themselves and one in twenty is
// transactional. The audience has two interest categories, "Topics" and "Buying role"
// (mcGroups says who is in which interests, and who has tags). It draws from a random
// source of its own.
// mailchimpGroups adds the default audience's interest categories, which
// the demo sync maps, even to a sandbox seeded with no contacts.
func mailchimpGroups(mc *mailchimp.Sim) (mailchimp.InterestCategory, error) {
	list := mc.DefaultListID()
	topics := mailchimp.InterestCategory{Title: "Topics", Type: "checkboxes"}
	for _, name := range mcTopics {
		topics.Interests = append(topics.Interests, mailchimp.Interest{Name: name})
	}
	topics, err := mc.AddInterestCategory(list, topics)
	if err != nil {
		return topics, fmt.Errorf("mailchimp interest categories: %w", err)
	}
	if _, err := mc.AddInterestCategory(list, mailchimp.InterestCategory{ID: MailchimpBuyingRoleCategory, Title: "Buying role",
		Type: "hidden", Interests: mcBuyingRoles}); err != nil {
		return topics, fmt.Errorf("mailchimp interest categories: %w", err)
	}
	return topics, nil
}

func seedMailchimp(mc *mailchimp.Sim, companies []company, hsOnly []person, seedVal int64, n int, now time.Time) error {
	topics, err := mailchimpGroups(mc)
	if err != nil {
		return err
	}
	topicIDs := make([]string, len(topics.Interests))
	for i, in := range topics.Interests {
		topicIDs[i] = in.ID
	}
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
		interests, tags := mcGroups(len(rows), topicIDs)
		rows = append(rows, mailchimp.MemberSeed{Email: p.email, Status: status, Created: cr, Modified: md,
			Interests: interests, Tags: tags,
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
