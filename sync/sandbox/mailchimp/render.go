package mailchimp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// memberJSON is a list member on the wire (the spec's List_Members_1 with the fields
// today's API adds: contact_id, full_name, web_id, source, tags). interests holds every
// interest of the list by id, and is left out when the list has none.
type memberJSON struct {
	ID                string          `json:"id"`
	EmailAddress      string          `json:"email_address"`
	UniqueEmailID     string          `json:"unique_email_id"`
	ContactID         string          `json:"contact_id"`
	FullName          string          `json:"full_name"`
	WebID             int64           `json:"web_id"`
	EmailType         string          `json:"email_type"`
	Status            string          `json:"status"`
	UnsubscribeReason string          `json:"unsubscribe_reason,omitempty"`
	ConsentsToOne     bool            `json:"consents_to_one_to_one_messaging"`
	MergeFields       map[string]any  `json:"merge_fields"`
	Interests         map[string]bool `json:"interests,omitempty"`
	Stats             memberStats     `json:"stats"`
	IPSignup          string          `json:"ip_signup"`
	TimestampSignup   string          `json:"timestamp_signup"`
	IPOpt             string          `json:"ip_opt"`
	TimestampOpt      string          `json:"timestamp_opt"`
	MemberRating      int             `json:"member_rating"`
	LastChanged       string          `json:"last_changed"`
	Language          string          `json:"language"`
	VIP               bool            `json:"vip"`
	EmailClient       string          `json:"email_client"`
	Location          location        `json:"location"`
	Source            string          `json:"source"`
	TagsCount         int             `json:"tags_count"`
	Tags              []tagJSON       `json:"tags"`
	ListID            string          `json:"list_id"`
	Links             []link          `json:"_links"`
}

type memberStats struct {
	AvgOpenRate  float64 `json:"avg_open_rate"`
	AvgClickRate float64 `json:"avg_click_rate"`
}

type location struct {
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	GMTOff      int     `json:"gmtoff"`
	DSTOff      int     `json:"dstoff"`
	CountryCode string  `json:"country_code"`
	Timezone    string  `json:"timezone"`
	Region      string  `json:"region"`
}

// memberTagsShown is how many of its tags a member read carries.
const memberTagsShown = 50

type tagJSON struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// mergeValues renders every merge field of the list for a member, "" when empty.
func (l *list) mergeValues(vals []any) map[string]any {
	out := make(map[string]any, len(l.fields))
	for i, f := range l.fields {
		out[f.tag] = wireValue(valAt(vals, i))
	}
	return out
}

// render writes a member for the wire; callers hold s.mu.
func (l *list) render(m *member, base string) memberJSON {
	merge := l.mergeValues(m.vals)
	first, _ := merge["FNAME"].(string)
	last, _ := merge["LNAME"].(string)
	// "Returns up to 50 tags applied to this member. To retrieve all tags see
	// Member Tags" (spec, tags); tags_count counts them all.
	tags := make([]tagJSON, min(len(m.tags), memberTagsShown))
	for i, t := range m.tags[:len(tags)] {
		tags[i] = tagJSON{ID: l.tagIDs[t], Name: t}
	}
	out := memberJSON{ID: m.hash, EmailAddress: m.email, UniqueEmailID: m.uniqueID, ContactID: m.contactID,
		FullName: strings.TrimSpace(first + " " + last), WebID: m.webID, EmailType: m.emailType, Status: m.status,
		MergeFields: merge, Interests: l.interestValues(m), IPSignup: m.ipSignup, TimestampSignup: fmtTime(m.signup), IPOpt: m.ipOpt,
		TimestampOpt: fmtTime(m.opt), MemberRating: m.rating, LastChanged: fmtTime(m.lastChanged),
		Language: m.language, VIP: m.vip, Source: m.source, TagsCount: len(m.tags), Tags: tags, ListID: l.id,
		Links: memberLinks(base, l.id, m.hash)}
	if m.status == statusUnsubscribed {
		out.UnsubscribeReason = m.unsubReason
	}
	return out
}

func memberLinks(base, listID, hash string) []link {
	coll := base + api + "/lists/" + listID + "/members"
	self := coll + "/" + hash
	inst, collSchema := schemaURL(base, "Lists/Members/Instance"), schemaURL(base, "Lists/Members/Collection")
	return []link{
		{Rel: "self", Href: self, Method: "GET", TargetSchema: inst},
		{Rel: "parent", Href: coll, Method: "GET", TargetSchema: collSchema, Schema: schemaURL(base, "CollectionLinks/Lists/Members")},
		{Rel: "update", Href: self, Method: "PATCH", TargetSchema: inst, Schema: schemaURL(base, "Lists/Members/PATCH")},
		{Rel: "upsert", Href: self, Method: "PUT", TargetSchema: inst, Schema: schemaURL(base, "Lists/Members/PUT")},
		{Rel: "delete", Href: self, Method: "DELETE"},
		{Rel: "notes", Href: self + "/notes", Method: "GET", TargetSchema: schemaURL(base, "Lists/Members/Notes/Collection")},
	}
}

// listJSON is an audience on the wire (the spec's Subscriber_List).
type listJSON struct {
	ID                   string         `json:"id"`
	WebID                int64          `json:"web_id"`
	Name                 string         `json:"name"`
	Contact              map[string]any `json:"contact"`
	PermissionReminder   string         `json:"permission_reminder"`
	UseArchiveBar        bool           `json:"use_archive_bar"`
	CampaignDefaults     map[string]any `json:"campaign_defaults"`
	NotifyOnSubscribe    string         `json:"notify_on_subscribe"`
	NotifyOnUnsubscribe  string         `json:"notify_on_unsubscribe"`
	DateCreated          string         `json:"date_created"`
	ListRating           int            `json:"list_rating"`
	EmailTypeOption      bool           `json:"email_type_option"`
	SubscribeURLShort    string         `json:"subscribe_url_short"`
	SubscribeURLLong     string         `json:"subscribe_url_long"`
	BeamerAddress        string         `json:"beamer_address"`
	Visibility           string         `json:"visibility"`
	DoubleOptin          bool           `json:"double_optin"`
	HasWelcome           bool           `json:"has_welcome"`
	MarketingPermissions bool           `json:"marketing_permissions"`
	Modules              []string       `json:"modules"`
	Stats                map[string]any `json:"stats"`
	Links                []link         `json:"_links"`
}

// renderList writes an audience; stats.member_count counts subscribed members, as
// Mailchimp's does; total_contacts comes only with include_total_contacts.
func (s *Sim) renderList(l *list, base string, totalContacts bool) listJSON {
	c := l.counts()
	var lastSub, lastUnsub time.Time
	for _, m := range l.members {
		if m.status == statusSubscribed && m.opt.After(lastSub) {
			lastSub = m.opt
		}
		if m.status == statusUnsubscribed && m.lastChanged.After(lastUnsub) {
			lastUnsub = m.lastChanged
		}
	}
	stats := map[string]any{"member_count": c[statusSubscribed], "unsubscribe_count": c[statusUnsubscribed],
		"cleaned_count": c[statusCleaned], "member_count_since_send": c[statusSubscribed],
		"unsubscribe_count_since_send": c[statusUnsubscribed], "cleaned_count_since_send": c[statusCleaned],
		"campaign_count": 0, "campaign_last_sent": "", "merge_field_count": len(l.fields), "avg_sub_rate": 0,
		"avg_unsub_rate": 0, "target_sub_rate": 0, "open_rate": 0, "click_rate": 0,
		"last_sub_date": fmtTime(lastSub), "last_unsub_date": fmtTime(lastUnsub)}
	if totalContacts {
		stats["total_contacts"] = len(l.members)
	}
	self := base + api + "/lists/" + l.id
	return listJSON{ID: l.id, WebID: l.webID, Name: l.name,
		Contact: map[string]any{"company": s.opts.AccountName, "address1": "675 Ponce de Leon Ave NE", "address2": "Suite 5000",
			"city": "Atlanta", "state": "GA", "zip": "30308", "country": "US", "phone": ""},
		PermissionReminder: "You signed up for updates from " + s.opts.AccountName + ".",
		CampaignDefaults: map[string]any{"from_name": s.opts.AccountName, "from_email": s.opts.LoginEmail,
			"subject": "", "language": "en"},
		DateCreated: fmtTime(l.created), ListRating: 3, SubscribeURLShort: "http://eepurl.com/" + l.id[:6],
		SubscribeURLLong: base + "/subscribe?u=" + s.accountID + "&id=" + l.id, BeamerAddress: s.opts.DataCenter + "-" + l.id + "@inbound.mailchimp.com",
		Visibility: "prv", Modules: []string{}, Stats: stats,
		Links: []link{{Rel: "self", Href: self, Method: "GET", TargetSchema: schemaURL(base, "Lists/Instance")},
			{Rel: "parent", Href: base + api + "/lists", Method: "GET", TargetSchema: schemaURL(base, "Lists/Collection")},
			{Rel: "members", Href: self + "/members", Method: "GET", TargetSchema: schemaURL(base, "Lists/Members/Collection")},
			{Rel: "merge-fields", Href: self + "/merge-fields", Method: "GET", TargetSchema: schemaURL(base, "Lists/MergeFields/Collection")},
			{Rel: "batch-sub-unsub-members", Href: self, Method: "POST", TargetSchema: schemaURL(base, "Lists/BatchPOST-Response"),
				Schema: schemaURL(base, "Lists/BatchPOST")}}}
}

// writeFiltered answers 200 with v, cut down by the fields and exclude_fields
// parameters: comma-separated dot paths ("members.email_address,total_items") that
// reach through arrays (methods-parameters doc, partial responses).
func writeFiltered(w http.ResponseWriter, r *http.Request, v any) {
	include, exclude := pathTree(r.URL.Query().Get("fields")), pathTree(r.URL.Query().Get("exclude_fields"))
	if include == nil && exclude == nil {
		writeJSON(w, http.StatusOK, v)
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error", err.Error()))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error", err.Error()))
		return
	}
	if include != nil {
		doc = keep(doc, include)
	}
	if exclude != nil {
		doc = drop(doc, exclude)
	}
	writeJSON(w, http.StatusOK, doc)
}

// pathNode is a tree of dot paths; end marks a path that stops here.
type pathNode struct {
	end  bool
	kids map[string]*pathNode
}

func pathTree(param string) *pathNode {
	var root *pathNode
	for _, p := range strings.Split(param, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if root == nil {
			root = &pathNode{}
		}
		n := root
		for _, seg := range strings.Split(p, ".") {
			if n.kids == nil {
				n.kids = map[string]*pathNode{}
			}
			if n.kids[seg] == nil {
				n.kids[seg] = &pathNode{}
			}
			n = n.kids[seg]
		}
		n.end = true
	}
	return root
}

func keep(v any, n *pathNode) any {
	if n.end {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, kid := range n.kids {
			if val, ok := x[k]; ok {
				if kept := keep(val, kid); kept != nil {
					out[k] = kept
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = keep(e, n)
		}
		return out
	}
	return nil // a path that goes on past a scalar selects nothing
}

func drop(v any, n *pathNode) any {
	switch x := v.(type) {
	case map[string]any:
		for k, kid := range n.kids {
			if kid.end {
				delete(x, k)
			} else if val, ok := x[k]; ok {
				x[k] = drop(val, kid)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = drop(e, n)
		}
	}
	return v
}
