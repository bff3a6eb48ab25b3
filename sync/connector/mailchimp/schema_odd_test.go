package mailchimp

import (
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// A 200 answer of an audience's metadata listing without its list (a
// gateway's JSON; Mailchimp always lists them, [] for none) is not an
// audience without merge fields, categories or interests: the schema must
// fail naming the endpoint, cache nothing, and read no member's interests
// as blank (which would write blanks over good data on the other side).
func TestMailchimpMetadataAnswerWithoutListIsAnError(t *testing.T) {
	for _, tc := range []struct{ suffix, key string }{
		{"/merge-fields", "merge_fields"},
		{"/interest-categories", "categories"},
		{"/interests", "interests"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			odd := &conformance.OddAnswers{Match: conformance.GetsEndingIn(tc.suffix),
				Edit: func(body map[string]any, _ *http.Request) any {
					delete(body, tc.key)
					return body
				}}
			sim := mcsim.New(mcsim.Options{PathPrefix: "/mailchimp", Seed: 131, AcceptReservedDomains: true})
			e := &env{sim: sim, base: conformance.Serve(t, "/mailchimp", odd.Wrap(sim))}
			list := sim.DefaultListID()
			cat, err := sim.AddInterestCategory(list, mcsim.InterestCategory{Title: "Topics", Interests: []mcsim.Interest{{Name: "News"}, {Name: "Events"}}})
			if err != nil {
				t.Fatal(err)
			}
			seed(t, e, list, mcsim.MemberSeed{Email: "ann@example.com", MergeFields: map[string]any{"FNAME": "Ann"}, Interests: []string{cat.Interests[0].ID}})
			_, cache := storetest.MetaCache(t, "mc", vendor)
			client, m := e.signIn(t)
			o := testOptions()
			o.meta = cache
			c, err := newConnector(client, m.APIBase(), o)
			if err != nil {
				t.Fatal(err)
			}
			var recs []string
			for page, err := range c.Read(t.Context(), objMembers, "") {
				if err != nil {
					break
				}
				for _, rec := range page.Records {
					recs = append(recs, rec.Fields["FNAME"]+" interests:"+rec.Fields[interestsPrefix+cat.ID])
				}
			}
			err = conformance.FirstError(c.Read(t.Context(), objMembers, ""))
			odd.CheckStopped(t, `Read of a `+tc.suffix+` answer without "`+tc.key+`"`, err, tc.suffix+": HTTP 200", tc.key)
			if len(recs) > 0 {
				t.Errorf("records read with a schema missing its %s: %q", tc.key, recs)
			}
			if _, ok, _ := c.meta.Lookup(t.Context(), memberFieldsKey(list)); ok {
				t.Errorf("the schema read from an answer without %q was cached", tc.key)
			}
		})
	}
}
