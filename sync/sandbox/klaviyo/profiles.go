package klaviyo

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// stringAttrs are the profile's string attributes as the spec names them
// (ProfileCreateQueryResourceObject), with their fields in record.
var stringAttrs = map[string]func(*record) *string{
	"email": func(r *record) *string { return &r.email }, "phone_number": func(r *record) *string { return &r.phone },
	"external_id": func(r *record) *string { return &r.externalID }, "first_name": func(r *record) *string { return &r.firstName },
	"last_name": func(r *record) *string { return &r.lastName }, "organization": func(r *record) *string { return &r.organization },
	"locale": func(r *record) *string { return &r.locale }, "title": func(r *record) *string { return &r.title },
	"image": func(r *record) *string { return &r.image },
}

// locationAttrs are ProfileLocation's string fields; latitude and longitude take a
// string or a number.
var locationAttrs = map[string]func(*record) *string{
	"address1": func(r *record) *string { return &r.address1 }, "address2": func(r *record) *string { return &r.address2 },
	"city": func(r *record) *string { return &r.city }, "country": func(r *record) *string { return &r.country },
	"region": func(r *record) *string { return &r.region }, "zip": func(r *record) *string { return &r.zip },
	"timezone": func(r *record) *string { return &r.timezone }, "ip": func(r *record) *string { return &r.ip },
}

var (
	emailRe = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$`)
	e164Re  = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// Validation details seen in real answers [exact wording unverified].
const (
	detailEmail = "Invalid email address"
	detailPhone = "Invalid phone number format (Example of a valid format: +12345678901)"
)

// validEmail and validPhone are the checks the API applies: the email at most 100
// characters (Profiles API overview: "must be <= 100 characters"), the phone E.164
// (the spec: "Individual's phone number in E.164 format").
func validEmail(v string) bool { return utf8.RuneCountInString(v) <= 100 && emailRe.MatchString(v) }
func validPhone(v string) bool { return e164Re.MatchString(v) }

// applyAttrs writes a payload's attributes onto r: a present null clears a field, an
// absent one is left alone (update_profile: "setting a field to null will clear out
// the field, whereas not including a field in your request will leave it
// unchanged"). location null clears the whole location and properties null every
// custom property; a property set to null is removed [both unverified]. Errors point
// below base ("/data/attributes").
func applyAttrs(r *record, attrs map[string]any, base string) []*apiError {
	var errs []*apiError
	for k, v := range attrs {
		ptr := base + "/" + k
		switch {
		case stringAttrs[k] != nil:
			s, ok := v.(string)
			if v != nil && !ok {
				errs = append(errs, errInvalid(fmt.Sprintf("'%s' must be a string.", k), ptr))
				continue
			}
			s = strings.TrimSpace(s)
			switch {
			case k == "email" && s != "" && !validEmail(s):
				errs = append(errs, errInvalid(detailEmail, ptr))
				continue
			case k == "phone_number" && s != "" && !validPhone(s):
				errs = append(errs, errInvalid(detailPhone, ptr))
				continue
			}
			*stringAttrs[k](r) = s
		case k == "location":
			errs = append(errs, applyLocation(r, v, ptr)...)
		case k == "properties":
			if v == nil {
				r.properties = nil
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, errInvalid("'properties' must be an object.", ptr))
				continue
			}
			if r.properties == nil {
				r.properties = map[string]any{}
			}
			for pk, pv := range m {
				if pv == nil {
					delete(r.properties, pk)
				} else {
					r.properties[pk] = pv
				}
			}
		case k == "_kx":
			// an anonymous tracking id: accepted and not kept
		default:
			errs = append(errs, errInvalid(fmt.Sprintf("'%s' is not a valid field for the resource 'profile'.", k), ptr))
		}
	}
	return errs
}

func applyLocation(r *record, v any, ptr string) []*apiError {
	if v == nil {
		for _, f := range locationAttrs {
			*f(r) = ""
		}
		r.latitude, r.longitude = nil, nil
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return []*apiError{errInvalid("'location' must be an object.", ptr)}
	}
	var errs []*apiError
	for k, lv := range m {
		switch {
		case locationAttrs[k] != nil:
			s, ok := lv.(string)
			if lv != nil && !ok {
				errs = append(errs, errInvalid(fmt.Sprintf("'%s' must be a string.", k), ptr+"/"+k))
				continue
			}
			*locationAttrs[k](r) = s
		case k == "latitude" || k == "longitude":
			switch lv.(type) {
			case nil, string, float64:
			default:
				errs = append(errs, errInvalid(fmt.Sprintf("'%s' must be a number or a string.", k), ptr+"/"+k))
				continue
			}
			if k == "latitude" {
				r.latitude = lv
			} else {
				r.longitude = lv
			}
		default:
			errs = append(errs, errInvalid(fmt.Sprintf("'%s' is not a valid field for the resource 'location'.", k), ptr+"/"+k))
		}
	}
	return errs
}

func hasIdentifier(r *record) bool { return r.email != "" || r.phone != "" || r.externalID != "" }

func errNoIdentifier(ptr string) *apiError {
	// [unverified wording]
	return errInvalid("One of the following identifiers is required: email, phone_number, external_id.", ptr)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// attributes renders a profile's attributes (ProfileResponseObjectResource), with
// subscriptions when asked for through additional-fields[profile].
func attributes(r *record, withSubs, withPredictive bool) map[string]any {
	a := map[string]any{}
	for k, f := range stringAttrs {
		a[k] = nullable(*f(r))
	}
	loc := map[string]any{"latitude": r.latitude, "longitude": r.longitude}
	for k, f := range locationAttrs {
		loc[k] = nullable(*f(r))
	}
	a["location"] = loc
	props := map[string]any{}
	maps.Copy(props, r.properties)
	a["properties"] = props
	a["created"], a["updated"], a["last_event_date"] = stamp(r.created), stamp(r.updated), stamp(r.lastEvent)
	if withSubs {
		a["subscriptions"] = subscriptions(r)
	}
	if withPredictive {
		pa := map[string]any{}
		for _, k := range []string{"historic_clv", "predicted_clv", "total_clv", "historic_number_of_orders",
			"predicted_number_of_orders", "average_days_between_orders", "average_order_value", "churn_probability",
			"expected_date_of_next_order", "ranked_channel_affinity"} {
			pa[k] = nil
		}
		a["predictive_analytics"] = pa
	}
	return a
}

// subscriptions renders the Subscriptions object. can_receive_email_marketing is
// true unless the profile has a global suppression (the spec), which an unsubscribe
// gives it (reason UNSUBSCRIBE). SMS and push are never subscribed in the sandbox.
func subscriptions(r *record) map[string]any {
	consent := r.consent
	if consent == "" {
		consent = NeverSubscribed
	}
	suppression := []any{}
	if consent == Unsubscribed {
		suppression = append(suppression, map[string]any{"reason": "UNSUBSCRIBE", "timestamp": stamp(r.consentAt)})
	}
	method := nullable(r.consentMethod)
	email := map[string]any{"can_receive_email_marketing": consent != Unsubscribed, "consent": consent,
		"consent_timestamp": stamp(r.consentAt), "last_updated": stamp(r.consentAt), "method": method,
		"method_detail": "", "custom_method_detail": nil, "double_optin": nil,
		"suppression": suppression, "list_suppressions": []any{}}
	never := func(can string) map[string]any {
		return map[string]any{can: false, "consent": NeverSubscribed, "consent_timestamp": nil, "method": nil,
			"method_detail": "", "last_updated": nil}
	}
	return map[string]any{
		"email":       map[string]any{"marketing": email},
		"sms":         map[string]any{"marketing": never("can_receive_sms_marketing"), "transactional": never("can_receive_sms_transactional")},
		"mobile_push": map[string]any{"marketing": map[string]any{"can_receive_push_marketing": false, "consent": NeverSubscribed, "consent_timestamp": nil}},
	}
}

// view is how a request wants profiles rendered: fields[profile] and
// additional-fields[profile].
type view struct {
	fields           []string
	subs, predictive bool
}

// topFields are the first segments fields[profile] may name (the spec's enum,
// whose dotted members go below location, subscriptions and predictive_analytics).
var topFields = []string{"id", "created", "email", "external_id", "first_name", "image", "last_event_date", "last_name",
	"locale", "location", "organization", "phone_number", "predictive_analytics", "properties", "subscriptions", "title", "updated"}

func parseView(r *http.Request) (view, *apiError) {
	q := r.URL.Query()
	var v view
	for _, a := range splitList(q.Get("additional-fields[profile]")) {
		switch a {
		case "subscriptions":
			v.subs = true
		case "predictive_analytics":
			v.predictive = true
		default:
			return v, errParam(fmt.Sprintf("'%s' is not a valid additional field for the resource 'profile'. [unverified wording]", a), "additional-fields[profile]")
		}
	}
	for _, f := range splitList(q.Get("fields[profile]")) {
		top, rest, _ := strings.Cut(f, ".")
		ok := slices.Contains(topFields, top)
		if rest != "" {
			ok = ok && (top == "location" && locationField(rest) || top == "subscriptions" || top == "predictive_analytics")
		}
		if !ok {
			return v, errParam(fmt.Sprintf("'%s' is not a valid field for the resource 'profile'. [unverified wording]", f), "fields[profile]")
		}
		v.fields = append(v.fields, f)
	}
	return v, nil
}

func locationField(f string) bool {
	return locationAttrs[f] != nil || f == "latitude" || f == "longitude"
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pick keeps only the dotted paths of full (sparse fieldsets).
func pick(full map[string]any, paths []string) map[string]any {
	out := map[string]any{}
	for _, p := range paths {
		parts := strings.Split(p, ".")
		src, dst := full, out
		for i, part := range parts {
			val, ok := src[part]
			if !ok {
				break
			}
			if i == len(parts)-1 {
				dst[part] = val
				break
			}
			next, ok := val.(map[string]any)
			if !ok {
				dst[part] = val
				break
			}
			sub, _ := dst[part].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				dst[part] = sub
			}
			src, dst = next, sub
		}
	}
	return out
}

// resource renders one profile resource object with its links.
func (s *Sim) resource(req *http.Request, r *record, v view) map[string]any {
	attrs := attributes(r, v.subs, v.predictive)
	if len(v.fields) > 0 {
		attrs = pick(attrs, v.fields)
	}
	self := s.baseURL(req) + "/api/profiles/" + r.id + "/"
	rel := func(name string) map[string]any {
		return map[string]any{"links": map[string]any{"self": self + "relationships/" + name + "/", "related": self + name + "/"}}
	}
	return map[string]any{"type": "profile", "id": r.id, "attributes": attrs,
		"relationships": map[string]any{"lists": rel("lists"), "segments": rel("segments"), "push-tokens": rel("push-tokens")},
		"links":         map[string]any{"self": self}}
}
