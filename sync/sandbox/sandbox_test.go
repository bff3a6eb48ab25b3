package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStartSeedsServesAndCountsStats(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Start(ctx, "127.0.0.1:0", Options{Seed: 7, Contacts: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.HubSpot().Count("contacts"); got < 1000 {
		t.Fatalf("hubspot contacts %d", got)
	}
	if got := s.Salesforce().Count("Contact"); got < 1000 {
		t.Fatalf("salesforce contacts %d", got)
	}
	// ~30% of emails are shared across vendors.
	hsEmails := map[string]bool{}
	for _, r := range s.HubSpot().Records("contacts") {
		hsEmails[r.Properties["email"]] = true
	}
	shared := 0
	for _, r := range s.Salesforce().Records("Contact") {
		if hsEmails[r.Fields["Email"]] {
			shared++
		}
	}
	if shared < 250 || shared > 400 {
		t.Fatalf("shared emails %d, want ~300", shared)
	}
	vendors := s.Vendors()
	if len(vendors) != 8 || vendors[0].APIBase != s.URL()+"/hubspot" || vendors[1].APIBase != s.URL()+"/salesforce" || vendors[2].APIBase != s.URL()+"/pipedrive" ||
		vendors[3].APIBase != s.URL()+"/zoho" || vendors[4].APIBase != s.URL()+"/dynamics" || vendors[5].Vendor != "mailchimp" ||
		vendors[5].APIBase != s.URL()+"/mailchimp" || vendors[5].TokenURL != s.URL()+"/mailchimp/oauth2/token" ||
		vendors[6].Vendor != "klaviyo" || vendors[6].APIBase != s.URL()+"/klaviyo" || vendors[6].TokenURL != s.URL()+"/klaviyo/oauth/token" ||
		vendors[7].Vendor != "brevo" || vendors[7].APIBase != s.URL()+"/brevo" || vendors[7].TokenURL != s.URL()+"/brevo/realms/partner/oauth/token" {
		t.Fatalf("vendors %+v", vendors)
	}
	get := func(url, token string) *http.Response {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for i := 0; i < 2; i++ {
		resp := get(vendors[0].APIBase+"/crm/objects/2026-03/contacts?limit=5", vendors[0].AccessToken)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("hubspot list %d", resp.StatusCode)
		}
	}
	resp := get(vendors[1].APIBase+"/services/data/v67.0/query?q=SELECT+Id,Email+FROM+Contact+LIMIT+3", vendors[1].AccessToken)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Sforce-Limit-Info"), "api-usage=1/") {
		t.Fatalf("salesforce query %d %q", resp.StatusCode, resp.Header.Get("Sforce-Limit-Info"))
	}
	// Pipedrive holds the companies as organizations and half as many
	// persons, half of them HubSpot contacts by email.
	resp = get(vendors[2].APIBase+"/api/v2/persons?limit=500", vendors[2].AccessToken)
	var persons struct {
		Data []struct {
			Emails []struct{ Value string } `json:"emails"`
			OrgID  *int64                   `json:"org_id"`
		} `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&persons)
	resp.Body.Close()
	inHubSpot := 0
	for _, p := range persons.Data {
		if len(p.Emails) == 1 && hsEmails[p.Emails[0].Value] && p.OrgID != nil {
			inHubSpot++
		}
	}
	if resp.StatusCode != 200 || s.Pipedrive().CountPersons() != 500 || inHubSpot != 250 || s.Pipedrive().CountOrganizations() == 0 {
		t.Fatalf("pipedrive: list %d, %d persons, %d of the first page HubSpot's with an organization, %d organizations",
			resp.StatusCode, s.Pipedrive().CountPersons(), inHubSpot, s.Pipedrive().CountOrganizations())
	}
	// Zoho CRM holds an account per company and half as many contacts,
	// half of them HubSpot contacts by email, each with its account; it
	// takes the token in its own scheme.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, vendors[3].APIBase+"/crm/v8/Contacts?fields=Email,Account_Name&per_page=200", nil)
	req.Header.Set("Authorization", "Zoho-oauthtoken "+vendors[3].AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var zc struct {
		Data []struct {
			Email       string `json:"Email"`
			AccountName *struct {
				ID string `json:"id"`
			} `json:"Account_Name"`
		} `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&zc)
	resp.Body.Close()
	zohoShared := 0
	for _, c := range s.Zoho().Records("Contacts") {
		if hsEmails[c.Fields["Email"]] && c.Fields["Account_Name"] != "" {
			zohoShared++
		}
	}
	if resp.StatusCode != 200 || len(zc.Data) != 200 || zc.Data[0].AccountName == nil || s.Zoho().Count("Contacts") != 500+10 ||
		zohoShared != 250 || s.Zoho().Count("Accounts") == 0 || s.Zoho().Count("Deals") == 0 || s.Zoho().Count("Tasks") != 50 ||
		s.Zoho().Count("Calls") != 50 || s.Zoho().Count("Events") == 0 || s.Zoho().Count("Notes") == 0 {
		t.Fatalf("zoho: list %d with %d contacts, %d contacts, %d of them HubSpot's with an account, %d accounts, %d deals, %d tasks, %d calls, %d meetings, %d notes",
			resp.StatusCode, len(zc.Data), s.Zoho().Count("Contacts"), zohoShared, s.Zoho().Count("Accounts"), s.Zoho().Count("Deals"), s.Zoho().Count("Tasks"),
			s.Zoho().Count("Calls"), s.Zoho().Count("Events"), s.Zoho().Count("Notes"))
	}
	// Dynamics 365 too, through its Web API with OData paging.
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, vendors[4].APIBase+"/api/data/v9.2/contacts?$select=emailaddress1,_parentcustomerid_value", nil)
	req.Header.Set("Authorization", "Bearer "+vendors[4].AccessToken)
	req.Header.Set("Prefer", "odata.maxpagesize=200")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var dc struct {
		Value []struct {
			Email   string `json:"emailaddress1"`
			Account string `json:"_parentcustomerid_value"`
		} `json:"value"`
		NextLink string `json:"@odata.nextLink"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&dc)
	resp.Body.Close()
	dvShared := 0
	for _, c := range s.Dynamics().Records("contacts") {
		if e, _ := c.Fields["emailaddress1"].(string); hsEmails[e] {
			dvShared++
		}
	}
	if resp.StatusCode != 200 || len(dc.Value) != 200 || dc.Value[0].Account == "" || dc.NextLink == "" || s.Dynamics().Count("contacts") != 500+10 ||
		dvShared != 250 || s.Dynamics().Count("accounts") == 0 || s.Dynamics().Count("opportunities") == 0 || s.Dynamics().Count("tasks") != 50 ||
		s.Dynamics().Count("phonecalls") != 50 || s.Dynamics().Count("appointments") == 0 || s.Dynamics().Count("annotations") == 0 {
		t.Fatalf("dynamics: list %d with %d contacts (next link %q), %d contacts, %d of them HubSpot's, %d accounts, %d opportunities, %d tasks, %d phone calls, %d appointments, %d notes",
			resp.StatusCode, len(dc.Value), dc.NextLink, s.Dynamics().Count("contacts"), dvShared, s.Dynamics().Count("accounts"),
			s.Dynamics().Count("opportunities"), s.Dynamics().Count("tasks"), s.Dynamics().Count("phonecalls"), s.Dynamics().Count("appointments"), s.Dynamics().Count("annotations"))
	}
	// Mailchimp's default audience holds half as many members, half of them
	// HubSpot contacts by email, with complete addresses.
	resp = get(vendors[5].APIBase+"/3.0/lists/"+s.Mailchimp().DefaultListID()+
		"/members?count=1000&fields=members.email_address,members.status,members.merge_fields,total_items", vendors[5].AccessToken)
	var mc struct {
		Members []struct {
			Email       string         `json:"email_address"`
			Status      string         `json:"status"`
			MergeFields map[string]any `json:"merge_fields"`
		} `json:"members"`
		Total int `json:"total_items"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&mc)
	resp.Body.Close()
	mcShared, mcStatus := 0, map[string]int{}
	for _, m := range mc.Members {
		if hsEmails[m.Email] {
			mcShared++
		}
		mcStatus[m.Status]++
		if addr, _ := m.MergeFields["ADDRESS"].(map[string]any); addr["city"] == "" || addr["zip"] == "" || m.MergeFields["FNAME"] == "" {
			t.Fatalf("mailchimp member %s: %v", m.Email, m.MergeFields)
		}
	}
	if resp.StatusCode != 200 || mc.Total != 500 || len(mc.Members) != 500 || mcShared != 250 || mcStatus["subscribed"] < 350 ||
		mcStatus["unsubscribed"] == 0 || mcStatus["transactional"] == 0 {
		t.Fatalf("mailchimp: list %d, %d members of %d, %d HubSpot's, statuses %v", resp.StatusCode, len(mc.Members), mc.Total, mcShared, mcStatus)
	}
	// Klaviyo holds half as many profiles, half of them HubSpot contacts by
	// email, with E.164 phones, properties.plan and consent by position.
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, vendors[6].APIBase+"/api/profiles?page[size]=100&additional-fields[profile]=subscriptions", nil)
	req.Header.Set("Authorization", "Bearer "+vendors[6].AccessToken)
	req.Header.Set("revision", "2026-07-15")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var kp struct {
		Data []struct {
			Attributes struct {
				Phone      string         `json:"phone_number"`
				Properties map[string]any `json:"properties"`
			} `json:"attributes"`
		} `json:"data"`
		Links struct{ Next string } `json:"links"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&kp)
	resp.Body.Close()
	kvShared, kvConsent := 0, map[string]int{}
	for _, p := range s.Klaviyo().Profiles() {
		if hsEmails[p.Email] {
			kvShared++
		}
		kvConsent[p.EmailConsent]++
	}
	if resp.StatusCode != 200 || len(kp.Data) != 100 || kp.Links.Next == "" || !strings.HasPrefix(kp.Data[0].Attributes.Phone, "+1") ||
		kp.Data[0].Attributes.Properties[KlaviyoPlanProperty] == nil || s.Klaviyo().Count() != 500 || kvShared != 250 ||
		kvConsent["UNSUBSCRIBED"] != 20 || kvConsent["NEVER_SUBSCRIBED"] == 0 || kvConsent["SUBSCRIBED"] < 350 {
		t.Fatalf("klaviyo: list %d with %d profiles, %d profiles, %d HubSpot's, consent %v", resp.StatusCode, len(kp.Data),
			s.Klaviyo().Count(), kvShared, kvConsent)
	}
	// Brevo holds half as many contacts, half of them HubSpot's by email, with
	// SMS numbers with their country code and every 25th blacklisted.
	resp = get(vendors[7].APIBase+"/v3/contacts?limit=100", vendors[7].AccessToken)
	var bc struct {
		Contacts []struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"contacts"`
		Count int `json:"count"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&bc)
	resp.Body.Close()
	bvShared, bvBlack := 0, 0
	for _, c := range s.Brevo().Contacts() {
		if hsEmails[c.Email] {
			bvShared++
		}
		if c.EmailBlacklisted {
			bvBlack++
		}
	}
	if resp.StatusCode != 200 || len(bc.Contacts) != 100 || bc.Count != 500 || s.Brevo().Count() != 500 || bvShared != 250 || bvBlack != 20 ||
		bc.Contacts[0].Attributes["COMPANY"] == nil || bc.Contacts[0].Attributes["FIRSTNAME"] == nil {
		t.Fatalf("brevo: list %d with %d contacts of %d, %d contacts, %d HubSpot's, %d blacklisted", resp.StatusCode, len(bc.Contacts), bc.Count,
			s.Brevo().Count(), bvShared, bvBlack)
	}
	resp = get(s.URL()+"/_sandbox/stats", "")
	var st Stats
	_ = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st["hubspot"]["GET /crm/objects/2026-03/contacts"] != 2 || st["salesforce"]["GET /services/data/v67.0/query"] != 1 ||
		st["mailchimp"]["GET /3.0/lists/{list_id}/members"] != 1 || st["klaviyo"]["GET /api/profiles"] != 1 ||
		st["brevo"]["GET /v3/contacts"] != 1 {
		t.Fatalf("stats %v", st)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := http.Get(s.URL() + "/_sandbox/stats"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server still serving after ctx cancel")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, err := New(Options{Seed: 3, Contacts: 200, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(Options{Seed: 3, Contacts: 200, Now: clock})
	ra, rb := a.Salesforce().Records("Contact"), b.Salesforce().Records("Contact")
	if len(ra) != len(rb) {
		t.Fatal("different sizes")
	}
	for i := range ra {
		if ra[i].Fields["Email"] != rb[i].Fields["Email"] || !ra[i].UpdatedAt.Equal(rb[i].UpdatedAt) {
			t.Fatalf("record %d differs", i)
		}
	}
	ma, mb := a.Mailchimp().Members(a.Mailchimp().DefaultListID()), b.Mailchimp().Members(b.Mailchimp().DefaultListID())
	if len(ma) != 100 || len(ma) != len(mb) {
		t.Fatalf("mailchimp members %d and %d", len(ma), len(mb))
	}
	for i := range ma {
		if ma[i].Email != mb[i].Email || ma[i].ContactID != mb[i].ContactID || ma[i].Status != mb[i].Status || !ma[i].LastChanged.Equal(mb[i].LastChanged) {
			t.Fatalf("mailchimp member %d differs", i)
		}
	}
}

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("429=0.05, 5xx=0.02,latency=20ms")
	if err != nil || f.P429 != 0.05 || f.P5xx != 0.02 || f.Latency != 20*time.Millisecond {
		t.Fatalf("%+v %v", f, err)
	}
	for spec, part := range map[string]string{"429=2": "429=2", "latency=fast": "latency=fast", "teapot=1": "teapot", "5xx": "5xx"} {
		if _, err := ParseFaults(spec); err == nil || !strings.Contains(err.Error(), part) {
			t.Fatalf("%q: error %v should name %q", spec, err, part)
		}
	}
	if _, err := New(Options{Faults: "bogus=1"}); err == nil {
		t.Fatal("New accepted bad faults")
	}
}

func TestInjectedFaultsReachTheWire(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := Start(ctx, "127.0.0.1:0", Options{Seed: 1, Faults: "429=1"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v := st.Vendors()
	req, _ := http.NewRequest(http.MethodGet, v[0].APIBase+"/crm/objects/2026-03/contacts", nil)
	req.Header.Set("Authorization", "Bearer "+v[0].AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("hubspot injected 429: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, v[1].APIBase+"/services/data/v67.0/limits", nil)
	req.Header.Set("Authorization", "Bearer "+v[1].AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("salesforce injected throttle: %d", resp.StatusCode)
	}
}

func BenchmarkSeed100k(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{Seed: 1, Contacts: 100_000}); err != nil {
			b.Fatal(err)
		}
	}
}
