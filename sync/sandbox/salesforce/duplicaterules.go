package salesforce

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// Duplicate rules (Duplicate Management). Salesforce Help, "Standard
// Contact Matching Rule and Standard Lead Matching Rule": the standard
// matching rules are activated by default; the standard duplicate rules
// that use them "Allow" a duplicate with an alert, on create and on
// edit. Through the API an alert refuses the save unless the request
// acknowledges it: REST API "Duplicate Rule Header"
// (Sforce-Duplicate-Rule-Header: allowSave=true; includeRecordDetails=…;
// runAsCurrentUser=…, API 52.0 and later, every field false by default).
// A rule whose action is "Block" refuses whatever the header says. The
// refusal is a DuplicateError in the save result's errors: statusCode
// DUPLICATES_DETECTED, the rule's alert text as message, and a
// duplicateResult (DuplicateResult: allowSave, duplicateRule,
// duplicateRuleEntityType, errorMessage, matchResults of MatchResult:
// entityType, errors, matchEngine, matchRecords of MatchRecord:
// additionalInformation, fieldDiffs, matchConfidence, record; rule, size,
// success), as the SOAP API's and Apex's types of those names describe.
// [unverified: the REST JSON spelling of duplicateResult inside a
// Collections error, and the standard alert text.] This sandbox matches
// by exact values (case-insensitive; phones by their digits) where the
// real matching rules are fuzzy, and returns each match's Id only.

// DuplicateRule is an active duplicate rule on an object with its
// matching rule.
type DuplicateRule struct {
	Name         string // DeveloperName of the duplicate rule
	MatchingRule string // DeveloperName of its matching rule
	// Groups is the matching equation: a record matches another when,
	// for some group, each of its fields is set on both and equal.
	Groups [][]string
	Block  bool   // action "Block"; otherwise "Allow" with an alert
	OnEdit bool   // the rule runs on edit too, not only on create
	Alert  string // the alert text (errorMessage)
	// Inactive: the rule is defined but not active (IsActive false): it
	// refuses nothing, and a query on DuplicateRule lists it as inactive.
	Inactive bool

	id string // the DuplicateRule record's Id, set by AddDuplicateRule
}

// StandardContactDuplicateRule is the standard contact duplicate rule
// and matching rule as activated in a new org, with the matching
// equation's clauses over fields this sandbox holds.
func StandardContactDuplicateRule() DuplicateRule {
	return DuplicateRule{
		Name:         "Standard_Contact_Duplicate_Rule",
		MatchingRule: "Standard_Contact_Match_Rule_v1_1",
		Groups: [][]string{
			{"FirstName", "LastName", "Title", "AccountId"},
			{"FirstName", "LastName", "Email"},
			{"FirstName", "LastName", "Phone"},
		},
		OnEdit: true,
		Alert:  "You're creating a duplicate record. We recommend you use an existing record instead.",
	}
}

// AddDuplicateRule defines rule on object, active unless rule.Inactive.
func (s *Sim) AddDuplicateRule(object string, rule DuplicateRule) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	for _, g := range rule.Groups {
		for _, f := range g {
			if _, ok := st.obj.field(f); !ok {
				return fmt.Errorf("salesforce sandbox: %s has no field %q for duplicate rule %s", st.obj.Name, f, rule.Name)
			}
		}
	}
	s.dupRuleSeq++
	rule.id = makeID(duplicateRulePrefix, s.dupRuleSeq)
	st.obj.dupRules = append(st.obj.dupRules, rule)
	return nil
}

// ChangeDuplicateRule edits object's rule named rule.Name as an admin
// does in Setup (its action, or deactivating it); the rule keeps its Id.
func (s *Sim) ChangeDuplicateRule(object string, rule DuplicateRule) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storeFor(object)
	if err != nil {
		return err
	}
	for i, r := range st.obj.dupRules {
		if r.Name == rule.Name {
			rule.id = r.id
			st.obj.dupRules[i] = rule
			return nil
		}
	}
	return fmt.Errorf("salesforce sandbox: %s has no duplicate rule %s", st.obj.Name, rule.Name)
}

// allowSaveHeader reads allowSave from r's Sforce-Duplicate-Rule-Header.
func allowSaveHeader(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Sforce-Duplicate-Rule-Header"), ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		if strings.EqualFold(strings.TrimSpace(k), "allowSave") {
			return strings.EqualFold(strings.TrimSpace(v), "true")
		}
	}
	return false
}

// duplicateRuleError runs st's duplicate rules on the record a save of
// body would leave: a new one when self is nil, else self changed. It
// returns the first rule's refusal, or nil (also when body has errors of
// its own, which the save then reports). Caller holds s.mu.
func (s *Sim) duplicateRuleError(st *objectStore, self *record, body map[string]any, allowSave bool, skip ...string) *recError {
	o := st.obj
	if len(o.dupRules) == 0 {
		return nil
	}
	vals, errs := changes(o, body, self == nil, skip...)
	if len(errs) > 0 {
		return nil
	}
	after := make([]string, len(o.Fields))
	if self != nil {
		copy(after, self.vals)
	}
	for i, v := range vals {
		after[i] = v
	}
	for _, rule := range o.dupRules {
		if rule.Inactive || (self != nil && !rule.OnEdit) || (!rule.Block && allowSave) {
			continue
		}
		var ids []string
		for _, r := range st.recs {
			if r != self && !r.deleted && matchesRule(o, rule, after, r.vals) {
				ids = append(ids, r.id)
			}
		}
		if len(ids) > 0 {
			return duplicatesDetected(o, rule, ids)
		}
	}
	return nil
}

// matchesRule says whether records a and b match by one of rule's groups.
func matchesRule(o *Object, rule DuplicateRule, a, b []string) bool {
	for _, g := range rule.Groups {
		all := true
		for _, name := range g {
			i, _ := o.field(name)
			x, y := matchValue(o.Fields[i], a[i]), matchValue(o.Fields[i], b[i])
			if x == "" || x != y {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func matchValue(f Field, v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if f.Type == "phone" {
		// Digits only, a North American number with or without its
		// leading 1 (the standard rule's phone key drops it).
		d := strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, v)
		if len(d) == 11 && d[0] == '1' {
			d = d[1:]
		}
		return d
	}
	return v
}

// duplicatesDetected is rule's DuplicateError for the records ids.
func duplicatesDetected(o *Object, rule DuplicateRule, ids []string) *recError {
	records := make([]map[string]any, len(ids))
	for i, id := range ids {
		records[i] = map[string]any{
			"additionalInformation": []any{},
			"fieldDiffs":            []any{},
			"matchConfidence":       100.0,
			"record": map[string]any{
				"attributes": map[string]string{"type": o.Name, "url": "/services/data/v" + APIVersion + "/sobjects/" + o.Name + "/" + id},
				"Id":         id,
			},
		}
	}
	return &recError{StatusCode: "DUPLICATES_DETECTED", Message: rule.Alert, Fields: []string{},
		DuplicateResult: map[string]any{
			"allowSave":               !rule.Block,
			"duplicateRule":           rule.Name,
			"duplicateRuleEntityType": o.Name,
			"errorMessage":            rule.Alert,
			"matchResults": []any{map[string]any{
				"entityType":   o.Name,
				"errors":       []any{},
				"matchEngine":  "FuzzyMatchEngine",
				"matchRecords": records,
				"rule":         rule.MatchingRule,
				"size":         len(ids),
				"success":      true,
			}},
		}}
}
